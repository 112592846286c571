#include <doctest/doctest.h>

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
  for (auto [name, pw, email] : {std::tuple<std::string, std::string, std::string>{
                                   "bob", "short", ""},
                                 {"bob", std::string(257, 'x'), ""},
                                 {"bob", password, "not-an-email"},
                                 {"bob", password, "a@b"},
                                 {"Bob", password, ""},
                                 {"b", password, ""},
                                 {"robert'); DROP TABLE users;--", password, ""}}) {
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

  for (auto bad : {json{{"display_name", forty + "é"}},
                   json{{"display_name", ""}},
                   json{{"display_name", "tab\there"}},
                   json{{"bio", std::string(301, 'b')}},
                   json{{"avatar_url", "javascript:alert(1)"}},
                   json{{"avatar_url", "https://"}},
                   json{{"email", "nope"}},
                   json{{"bio", 42}},
                   json{{"password_hash", "x"}},
                   json{{"settings", {{"theme", "neon"}}}},
                   json{{"settings", {{"autoplay", true}}}},
                   json{{"settings", {{"mature_content", "yes"}}}},
                   json{{"settings", "dark"}},
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
