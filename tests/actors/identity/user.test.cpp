#include <doctest/doctest.h>

#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <optional>

#include <nlohmann/json.hpp>

#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using actors::user_view;
using json = nlohmann::json;

namespace {

const std::string password = "correct horse battery";

caf::expected<user_view> signup(test::entity_fixture& f, const std::string& name,
                                const std::string& pw = password, const std::string& email = {}) {
  return f.ask<user_view>("user", name, create_atom::value, email, pw);
}

}  // namespace

TEST_CASE("sign-up stores an argon2id hash, never the password") {
  test::entity_fixture f;
  auto user = signup(f, "alice", password, "alice@example.org");
  REQUIRE(user);
  CHECK(user->username == "alice");
  CHECK(user->display_name == "alice");
  CHECK(user->email == "alice@example.org");
  CHECK(user->created_at_ms > 0);
  CHECK(json::parse(user->settings)["theme"] == "dark");

  auto events = f.events().read_stream("user/alice", 1);
  REQUIRE(events.size() == 1);
  CHECK(events[0].data.type == "user.signed_up");
  auto body = json::parse(events[0].data.payload);
  CHECK(body["password_hash"].get<std::string>().rfind("$argon2id$", 0) == 0);
  CHECK(events[0].data.payload.find(password) == std::string::npos);

  auto taken = signup(f, "alice", "another password");
  REQUIRE_FALSE(taken);
  CHECK(code_of(taken.error()) == errc::conflict);
  CHECK(f.events().version("user/alice") == 1);
}

TEST_CASE("sign-up refuses bad input and writes nothing") {
  test::entity_fixture f;
  // A tuple and named copies, not structured bindings: clang 14 (sanitizer build) cannot capture
  // those in CAPTURE's lambda.
  for (auto row : {std::tuple<std::string, std::string, std::string>{"bob", "short", ""},
                   {"bob", std::string(257, 'x'), ""},
                   {"bob", password, "not-an-email"},
                   {"bob", password, "a@b"},
                   {"Bob", password, ""},
                   {"b", password, ""},
                   {"robert'); DROP TABLE users;--", password, ""}}) {
    auto name = std::get<0>(row), pw = std::get<1>(row), email = std::get<2>(row);
    CAPTURE(name);
    CAPTURE(email);
    auto res = signup(f, name, pw, email);
    REQUIRE_FALSE(res);
    CHECK(code_of(res.error()) == errc::invalid_argument);
  }
  CHECK(f.events().list_streams("user/").empty());
  // The limits themselves are fine.
  CHECK(signup(f, "bob", std::string(8, 'p')));
  CHECK(signup(f, "carol", std::string(256, 'p')));
}

TEST_CASE("password verification: right, wrong, unknown user") {
  test::entity_fixture f;
  REQUIRE(signup(f, "dave"));
  auto ok = f.ask<user_view>("user", "dave", actors::verify_atom::value, password);
  REQUIRE(ok);
  CHECK(ok->username == "dave");
  auto wrong = f.ask<user_view>("user", "dave", actors::verify_atom::value,
                                std::string{"Correct horse battery"});
  REQUIRE_FALSE(wrong);
  CHECK(code_of(wrong.error()) == errc::unauthorized);
  auto unknown = f.ask<user_view>("user", "nobody", actors::verify_atom::value, password);
  REQUIRE_FALSE(unknown);
  CHECK(code_of(unknown.error()) == errc::unauthorized);
  CHECK(message_of(unknown.error()) == message_of(wrong.error()));
  CHECK(f.events().version("user/nobody") == 0);
}

TEST_CASE("profile and settings changes are validated as a whole") {
  test::entity_fixture f;
  REQUIRE(signup(f, "erin"));
  auto patch = [&](json change) {
    return f.ask<user_view>("user", "erin", update_atom::value, change.dump());
  };
  // 40 characters of multi-byte text is a valid display name; 41 is not.
  std::string forty;
  for (int i = 0; i < 40; ++i)
    forty += "é";
  auto updated = patch({{"display_name", forty},
                        {"bio", "Speedruns.\nMostly platformers."},
                        {"avatar_url", "https://cdn.example.org/a.png"},
                        {"settings", {{"theme", "light"}, {"chat_timestamps", true}}}});
  REQUIRE(updated);
  CHECK(updated->display_name == forty);
  CHECK(updated->avatar_url == "https://cdn.example.org/a.png");
  auto settings = json::parse(updated->settings);
  CHECK(settings["theme"] == "light");
  CHECK(settings["chat_timestamps"] == true);
  CHECK(settings["language"] == "en");
  auto version = f.events().version("user/erin");
  CHECK(version == 3);  // signed_up + profile_updated + settings_updated

  for (auto bad :
       {json{{"display_name", forty + "é"}}, json{{"display_name", ""}},
        json{{"display_name", "tab\there"}}, json{{"bio", std::string(301, 'b')}},
        json{{"avatar_url", "javascript:alert(1)"}}, json{{"avatar_url", "https://"}},
        json{{"email", "nope"}}, json{{"bio", 42}}, json{{"password_hash", "x"}},
        json{{"settings", {{"theme", "neon"}}}}, json{{"settings", {{"autoplay", true}}}},
        json{{"settings", {{"mature_content", "yes"}}}}, json{{"settings", "dark"}},
        // A valid field next to an invalid one: neither is applied.
        json{{"bio", "fine"}, {"avatar_url", "ftp://x.org/a.png"}}}) {
    CAPTURE(bad.dump());
    auto res = patch(bad);
    REQUIRE_FALSE(res);
    CHECK(code_of(res.error()) == errc::invalid_argument);
  }
  auto malformed = f.ask<user_view>("user", "erin", update_atom::value, std::string{"{nope"});
  CHECK(code_of(malformed.error()) == errc::invalid_argument);
  CHECK(f.events().version("user/erin") == version);
  auto missing = f.ask<user_view>("user", "ghost", update_atom::value, std::string{"{}"});
  CHECK(code_of(missing.error()) == errc::not_found);
}

TEST_CASE("a user comes back from the event store after a restart") {
  test::entity_fixture f;
  REQUIRE(signup(f, "frank", password, "frank@example.org"));
  REQUIRE(f.ask<user_view>("user", "frank", update_atom::value,
                           json{{"bio", "hi"}, {"settings", {{"language", "pt-BR"}}}}.dump()));
  f.restart();
  auto user = f.ask<user_view>("user", "frank", get_atom::value);
  REQUIRE(user);
  CHECK(user->bio == "hi");
  CHECK(user->email == "frank@example.org");
  CHECK(json::parse(user->settings)["language"] == "pt-BR");
  CHECK(f.ask<user_view>("user", "frank", actors::verify_atom::value, password));
  CHECK_FALSE(f.ask<user_view>("user", "frank", actors::verify_atom::value,
                               std::string{"wrong password"}));
}

namespace {

// Pool jobs that hold the pool's threads until the test opens the gate.
struct gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  int inside = 0;
  std::function<void()> job() {
    return [this] {
      std::unique_lock lock{mu};
      ++inside;
      cv.notify_all();
      cv.wait(lock, [this] { return open; });
    };
  }
  bool wait_inside(int n) {
    std::unique_lock lock{mu};
    return cv.wait_for(lock, std::chrono::seconds(5), [&] { return inside == n; });
  }
  void release() {
    std::lock_guard lock{mu};
    open = true;
    cv.notify_all();
  }
};

template <class T>
T or_else(const caf::expected<T>& x, T fallback) {
  return x ? *x : fallback;
}

// Asks an entity actor directly, without the registry.
template <class T, class... Ts>
caf::expected<T> ask_actor(test::entity_fixture& f, const caf::actor& a,
                           std::chrono::milliseconds timeout, Ts... xs) {
  caf::expected<T> result = caf::error{};
  f.self->request(a, timeout, std::move(xs)...)
    .receive([&](T& value) { result = std::move(value); },
             [&](caf::error& err) { result = std::move(err); });
  return result;
}

}  // namespace

TEST_CASE("hashing runs on the pool, not the actor: the entity answers while hashes wait") {
  test::entity_fixture f;
  auto pool = std::make_shared<runtime::hash_pool>(runtime::hash_pool::options{1, 2});
  gate g;
  REQUIRE(pool->try_submit(g.job()));  // the pool's only thread is busy
  REQUIRE(g.wait_inside(1));
  auto user = actors::spawn_user(f.sys, f.registry, f.events(), "gina", pool);

  // The sign-up waits for the pool; meanwhile the actor still answers other messages at once.
  auto created = std::async(std::launch::async, [&] {
    caf::scoped_actor other{f.sys};
    caf::expected<user_view> result = caf::error{};
    other->request(user, std::chrono::seconds(20), create_atom::value, std::string{}, password)
      .receive([&](user_view& v) { result = std::move(v); },
               [&](caf::error& e) { result = std::move(e); });
    return result;
  });
  for (int i = 0; i < 500 && pool->queued() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(pool->queued() == 1);
  auto pending = ask_actor<user_view>(f, user, std::chrono::seconds(2), get_atom::value);
  REQUIRE_FALSE(pending);
  CHECK(code_of(pending.error()) == errc::not_found);  // not signed up yet: the hash waits
  auto again = ask_actor<user_view>(f, user, std::chrono::seconds(2), create_atom::value,
                                    std::string{}, password);
  REQUIRE_FALSE(again);
  CHECK(code_of(again.error()) == errc::conflict);  // one sign-up per name at a time

  // The queue holds the sign-up and one more job; beyond that the entity says "busy" at once.
  REQUIRE(pool->try_submit(g.job()));
  auto busy = ask_actor<user_view>(f, user, std::chrono::seconds(2), actors::verify_atom::value,
                                   password);
  REQUIRE_FALSE(busy);
  CHECK(code_of(busy.error()) == errc::unavailable);

  g.release();
  auto signed_up = created.get();
  REQUIRE(signed_up);
  CHECK(signed_up->username == "gina");
  CHECK(ask_actor<user_view>(f, user, std::chrono::seconds(20), actors::verify_atom::value,
                             password));
  f.self->send_exit(user, caf::exit_reason::user_shutdown);
  f.self->wait_for(user);
}

TEST_CASE("channel quota: claims up to the quota, idempotent, released, durable") {
  test::entity_fixture f;
  REQUIRE(signup(f, "hank"));
  auto claim = [&](const std::string& channel, std::uint32_t quota = 3) {
    return f.ask<std::uint32_t>("user", "hank", actors::claim_channel_atom::value, channel, quota);
  };
  CHECK(or_else(claim("one"), 0u) == 1);
  CHECK(or_else(claim("two"), 0u) == 2);
  CHECK(or_else(claim("two"), 0u) == 2);  // already held: nothing changes
  CHECK(or_else(claim("three"), 0u) == 3);
  auto over = claim("four");
  REQUIRE_FALSE(over);
  CHECK(code_of(over.error()) == errc::forbidden);
  CHECK(message_of(over.error()).find("at most 3 channels") != std::string::npos);
  auto release = [&] {
    return f.ask<bool>("user", "hank", actors::release_channel_atom::value, std::string{"two"});
  };
  CHECK(or_else(release(), false));
  CHECK_FALSE(or_else(release(), true));
  f.restart();
  CHECK(or_else(claim("four"), 0u) == 3);
  CHECK_FALSE(claim("five"));
  CHECK(or_else(claim("five", 0), 0u) == 4);  // quota 0: no limit
  auto nobody = f.ask<std::uint32_t>("user", "nobody", actors::claim_channel_atom::value,
                                     std::string{"x"}, std::uint32_t{5});
  REQUIRE_FALSE(nobody);
  CHECK(code_of(nobody.error()) == errc::not_found);
}
