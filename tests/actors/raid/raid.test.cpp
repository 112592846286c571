// raid/<channel> over a real registry and store with a manual clock: the countdown goes when
// the clock says so (not before), "raid now" and cancel, the target's record of raids in, and
// the settings and blocks that refuse raiders.
#include "actors/raid/raid.hpp"

#include <doctest/doctest.h>

#include <thread>

#include "runtime/errors.hpp"
#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using namespace aethex::actors;
using namespace std::chrono_literals;

namespace {

raid_status status(test::entity_fixture& f, const std::string& channel) {
  auto s = f.ask<raid_status>("raid", channel, get_atom::value);
  REQUIRE(s);
  return *s;
}

// Types of the events in `stream`, in order.
std::vector<std::string> event_types(test::entity_fixture& f, const std::string& stream) {
  std::vector<std::string> types;
  for (auto& e : f.events().read_stream(stream, 1, 1000))
    types.push_back(e.data.type);
  return types;
}

}  // namespace

TEST_CASE("a raid counts down on the injected clock, then moves to its target") {
  test::entity_fixture f{{.manual_clock = true}};
  auto started = f.ask<raid_status>("raid", "ava", raid_start_atom::value, std::string{"ben"},
                                    std::uint64_t{42});
  REQUIRE(started);
  CHECK(started->state == "countdown");
  CHECK(started->go_at_ms == f.clock.now_ms() + 90'000);
  auto twice = f.ask<raid_status>("raid", "ava", raid_start_atom::value, std::string{"cid"},
                                  std::uint64_t{1});
  REQUIRE_FALSE(twice);
  CHECK(code_of(twice.error()) == errc::conflict);

  f.clock.advance(89s);
  f.self->send(f.registry, route_atom::value, std::string{"raid"}, std::string{"ava"},
               caf::make_message(raid_tick_atom::value));
  CHECK(status(f, "ava").state == "countdown");
  f.clock.advance(1s);
  f.self->send(f.registry, route_atom::value, std::string{"raid"}, std::string{"ava"},
               caf::make_message(raid_tick_atom::value));
  CHECK(status(f, "ava").state == "none");
  CHECK(event_types(f, "raid/ava") == std::vector<std::string>{"raid.started", "raid.completed"});
  // The target records the raid it received (asked through the registry, so wait for it).
  for (int i = 0; i < 100 && f.events().version("raid/ben") == 0; ++i)
    std::this_thread::sleep_for(10ms);
  CHECK(event_types(f, "raid/ben") == std::vector<std::string>{"raid.received"});
}

TEST_CASE("raid now and cancel end a countdown; a restart keeps one counting") {
  test::entity_fixture f{{.manual_clock = true}};
  CHECK_FALSE(f.ask<raid_status>("raid", "ava", raid_go_atom::value));
  CHECK_FALSE(f.ask<raid_status>("raid", "ava", raid_cancel_atom::value));
  REQUIRE(f.ask<raid_status>("raid", "ava", raid_start_atom::value, std::string{"ben"},
                             std::uint64_t{3}));
  auto cancelled = f.ask<raid_status>("raid", "ava", raid_cancel_atom::value);
  REQUIRE(cancelled);
  CHECK(cancelled->target.empty());

  REQUIRE(f.ask<raid_status>("raid", "ava", raid_start_atom::value, std::string{"ben"},
                             std::uint64_t{3}));
  f.restart();
  CHECK(status(f, "ava").target == "ben");
  auto now = f.ask<raid_status>("raid", "ava", raid_go_atom::value);
  REQUIRE(now);
  CHECK(now->state == "done");
  CHECK(now->target == "ben");
  CHECK(now->viewers == 3);
  CHECK(status(f, "ava").target.empty());
}

TEST_CASE("a channel refuses raids by setting and by block") {
  test::entity_fixture f;
  CHECK(*f.ask<std::string>("raid", "ben", raid_accept_atom::value, std::string{"ava"}) ==
        "everyone");
  auto bad = f.ask<raid_settings>("raid", "ben", raid_settings_atom::value, std::string{"some"});
  REQUIRE_FALSE(bad);
  CHECK(code_of(bad.error()) == errc::invalid_argument);

  auto blocked = f.ask<raid_settings>("raid", "ben", raid_block_atom::value, std::string{"ava"},
                                      true);
  REQUIRE(blocked);
  CHECK(blocked->blocked == std::vector<std::string>{"ava"});
  auto refused = f.ask<std::string>("raid", "ben", raid_accept_atom::value, std::string{"ava"});
  REQUIRE_FALSE(refused);
  CHECK(code_of(refused.error()) == errc::forbidden);
  CHECK(*f.ask<std::string>("raid", "ben", raid_accept_atom::value, std::string{"cid"}) ==
        "everyone");

  REQUIRE(f.ask<raid_settings>("raid", "ben", raid_settings_atom::value, std::string{"followed"}));
  CHECK(*f.ask<std::string>("raid", "ben", raid_accept_atom::value, std::string{"cid"}) ==
        "followed");
  REQUIRE(f.ask<raid_settings>("raid", "ben", raid_settings_atom::value, std::string{"nobody"}));
  CHECK_FALSE(f.ask<std::string>("raid", "ben", raid_accept_atom::value, std::string{"cid"}));

  f.restart();
  auto kept = f.ask<raid_settings>("raid", "ben", raid_settings_atom::value);
  REQUIRE(kept);
  CHECK(kept->accept == "nobody");
  CHECK(kept->blocked == std::vector<std::string>{"ava"});
  auto unblocked = f.ask<raid_settings>("raid", "ben", raid_block_atom::value, std::string{"ava"},
                                        false);
  REQUIRE(unblocked);
  CHECK(unblocked->blocked.empty());
}
