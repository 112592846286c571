#include <doctest/doctest.h>

#include <thread>

#include <filesystem>

#include <caf/all.hpp>

#include "actors/channel/channel.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"

using namespace aethex;
using namespace std::chrono_literals;

namespace {

struct temp_folder {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("aethex-channel-test-" + std::to_string(::getpid()));
  temp_folder() { std::filesystem::remove_all(path); }
  ~temp_folder() { std::filesystem::remove_all(path); }
};

// Runs a channel entity over a real event store, asking it like the node does.
struct channel_fixture {
  temp_folder folder;
  std::unique_ptr<storage::event_store> store = storage::event_store::open(folder.path);
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::actor registry;
  caf::scoped_actor self{sys};
  const runtime::clock* clock;

  explicit channel_fixture(const runtime::clock* c = &runtime::system_clock()) : clock(c) {
    start();
  }
  ~channel_fixture() { stop(); }

  void start() {
    runtime::entity_kinds kinds;
    actors::add_channel_kind(kinds, *store, *clock);
    registry = runtime::spawn_entity_registry(sys, std::move(kinds));
  }
  void stop() {
    self->send_exit(registry, caf::exit_reason::user_shutdown);
    self->wait_for(registry);
  }

  template <class T, class... Ts>
  caf::expected<T> ask(const std::string& name, Ts... xs) {
    caf::expected<T> result = caf::error{};
    self
      ->request(registry, 5s, route_atom::value, std::string{"channel"}, name,
                caf::make_message(xs...))
      .receive([&](T& value) { result = std::move(value); },
               [&](caf::error& err) { result = std::move(err); });
    return result;
  }
};

}  // namespace

TEST_CASE("channel lifecycle: create, publish with the key, one publisher at a time") {
  channel_fixture f;
  auto missing = f.ask<actors::channel_view>("alice", get_atom::value);
  REQUIRE_FALSE(missing);
  CHECK(code_of(missing.error()) == errc::not_found);

  auto key = f.ask<std::string>("alice", create_atom::value, runtime::principal::user("alice"),
                                std::string{"Hello"});
  REQUIRE(key);
  CHECK(actors::channel_of_stream_key(*key) == "alice");
  auto again = f.ask<std::string>("alice", create_atom::value, runtime::principal::user("bob"),
                                  std::string{"x"});
  CHECK(code_of(again.error()) == errc::conflict);

  auto wrong = f.ask<actors::channel_view>("alice", actors::publish_begin_atom::value,
                                           std::string{"live_alice_nope"}, std::string{"s1"});
  CHECK(code_of(wrong.error()) == errc::unauthorized);

  auto live = f.ask<actors::channel_view>("alice", actors::publish_begin_atom::value, *key,
                                          std::string{"s1"});
  REQUIRE(live);
  CHECK(live->live);
  auto second = f.ask<actors::channel_view>("alice", actors::publish_begin_atom::value, *key,
                                            std::string{"s2"});
  CHECK(code_of(second.error()) == errc::conflict);

  // Only the session that went live can end it.
  CHECK(f.ask<bool>("alice", actors::publish_end_atom::value, std::string{"s2"}) == false);
  CHECK(f.ask<bool>("alice", actors::publish_end_atom::value, std::string{"s1"}) == true);
  CHECK_FALSE(f.ask<actors::channel_view>("alice", get_atom::value)->live);
}

TEST_CASE("owner-only changes; state and key survive a restart; stale live flag is cleared") {
  channel_fixture f;
  auto key = f.ask<std::string>("carol", create_atom::value, runtime::principal::user("carol"),
                                std::string{"t"});
  REQUIRE(key);
  auto denied = f.ask<actors::channel_view>("carol", update_atom::value,
                                            runtime::principal::user("mallory"),
                                            std::string{"pwned"}, std::string{});
  CHECK(code_of(denied.error()) == errc::forbidden);
  auto updated = f.ask<actors::channel_view>("carol", update_atom::value,
                                             runtime::principal::user("carol"),
                                             std::string{"New title"}, std::string{"Music"});
  REQUIRE(updated);
  CHECK(updated->title == "New title");
  auto too_long = f.ask<actors::channel_view>("carol", update_atom::value,
                                              runtime::principal::user("carol"),
                                              std::string(141, 'x'), std::string{});
  CHECK(code_of(too_long.error()) == errc::invalid_argument);
  REQUIRE(f.ask<actors::channel_view>("carol", actors::publish_begin_atom::value, *key,
                                      std::string{"s1"}));

  f.stop();  // the node "stops" while carol is live
  f.start();
  auto view = f.ask<actors::channel_view>("carol", get_atom::value);
  REQUIRE(view);
  CHECK(view->title == "New title");
  CHECK(view->category == "Music");
  // The session died with the node: no health report comes, so the flag goes after a grace
  // (a session on a node that still streams would have reported within it).
  bool offline = false;
  for (int i = 0; i < 100 && !offline; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
    offline = !f.ask<actors::channel_view>("carol", get_atom::value)->live;
  }
  CHECK(offline);
  CHECK(f.ask<std::string>("carol", actors::reveal_key_atom::value,
                           runtime::principal::user("carol")) == *key);

  auto rotated = f.ask<std::string>("carol", actors::rotate_key_atom::value,
                                    runtime::principal::user("carol"));
  REQUIRE(rotated);
  CHECK(*rotated != *key);
  auto old_key = f.ask<actors::channel_view>("carol", actors::publish_begin_atom::value, *key,
                                             std::string{"s2"});
  CHECK(code_of(old_key.error()) == errc::unauthorized);
}

TEST_CASE("stream keys name their channel") {
  CHECK(actors::channel_of_stream_key("live_alice_0123abcd") == "alice");
  CHECK(actors::channel_of_stream_key("live_my_chan_0123") == "my_chan");
  CHECK(actors::channel_of_stream_key("alice_0123").empty());
  CHECK(actors::channel_of_stream_key("live_A!_0123").empty());
  CHECK(actors::channel_of_stream_key("live_").empty());
  CHECK(actors::valid_channel_name("abc"));
  CHECK_FALSE(actors::valid_channel_name("ab"));
  CHECK_FALSE(actors::valid_channel_name("Alice"));
  CHECK_FALSE(actors::valid_channel_name(std::string(26, 'a')));
}

TEST_CASE(
  "channel rights follow the principal: the admin manages any channel, no account owns "
  "the admin's") {
  channel_fixture f;
  auto admin = runtime::principal::admin();
  REQUIRE(f.ask<std::string>("staff", create_atom::value, admin, std::string{"Staff"}));
  auto view = f.ask<actors::channel_view>("staff", get_atom::value);
  REQUIRE(view);
  CHECK(view->owner == "admin");
  CHECK(view->owner_is_admin);
  // An account called "admin" (one made before names were reserved) is not that owner.
  auto squatter = f.ask<std::string>("staff", actors::reveal_key_atom::value,
                                     runtime::principal::user("admin"));
  REQUIRE_FALSE(squatter);
  CHECK(code_of(squatter.error()) == errc::forbidden);
  CHECK(f.ask<std::string>("staff", actors::reveal_key_atom::value, admin));
  auto guest = f.ask<std::string>("guestch", create_atom::value,
                                  runtime::principal::guest("g", "192.0.2.1"), std::string{"x"});
  REQUIRE_FALSE(guest);
  CHECK(code_of(guest.error()) == errc::forbidden);
}

TEST_CASE("a live channel's viewer growth is measured against the audience of the window's start") {
  runtime::manual_clock clock;
  channel_fixture f{&clock};
  auto key = f.ask<std::string>("rise", create_atom::value, runtime::principal::user("rise"),
                                std::string{"Rising"});
  REQUIRE(key);
  REQUIRE(f.ask<actors::channel_view>("rise", actors::publish_begin_atom::value, *key,
                                      std::string{"s1"}));
  auto report = [&](std::uint64_t viewers) {
    actors::stream_health health;
    health.session_id = "s1";
    health.ws_viewers = viewers;
    f.self->send(f.registry, route_atom::value, std::string{"channel"}, std::string{"rise"},
                 caf::make_message(actors::health_atom::value, health));
    return *f.ask<actors::channel_view>("rise", get_atom::value);
  };
  // Younger than the window: the audience grew from nothing.
  CHECK(report(5).viewers_window_ago == 0);
  for (int minute = 1; minute <= 9; ++minute) {
    clock.advance(1min);
    CHECK(report(5 + 5 * static_cast<std::uint64_t>(minute)).viewers_window_ago == 0);
  }
  // From ten minutes on, the sample taken (at least) a window ago is the base.
  clock.advance(1min);
  auto view = report(60);
  CHECK(view.viewers == 60);
  CHECK(view.viewers_window_ago == 5);
  clock.advance(1min);
  CHECK(report(60).viewers_window_ago == 10);
  // A new session starts from nothing again.
  REQUIRE(f.ask<bool>("rise", actors::publish_end_atom::value, std::string{"s1"}));
  auto again = f.ask<actors::channel_view>("rise", actors::publish_begin_atom::value, *key,
                                           std::string{"s2"});
  REQUIRE(again);
  CHECK(again->viewers_window_ago == 0);
}
