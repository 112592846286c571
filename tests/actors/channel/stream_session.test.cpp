#include <doctest/doctest.h>

#include <thread>

#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using namespace std::chrono_literals;
using actors::stream_session_view;

namespace {

template <class F>
bool eventually(F condition) {
  for (int i = 0; i < 50; ++i) {
    if (condition())
      return true;
    std::this_thread::sleep_for(100ms);
  }
  return condition();
}

}  // namespace

TEST_CASE("stream session: start, peak viewers, end, duration") {
  test::entity_fixture f{{.manual_clock = true}};
  const std::string id = actors::stream_session_id("alice", "s1");
  CHECK(id == "alice-s1");
  CHECK(code_of(f.ask<stream_session_view>("stream", id, get_atom::value).error()) ==
        errc::not_found);
  auto wrong = f.ask<stream_session_view>("stream", id, create_atom::value, std::string{"bob"});
  CHECK(code_of(wrong.error()) == errc::invalid_argument);

  auto started = f.ask<stream_session_view>("stream", id, create_atom::value, std::string{"alice"});
  REQUIRE(started);
  CHECK(started->live);
  CHECK(started->channel == "alice");
  CHECK(started->session_id == "s1");
  CHECK(started->started_at_ms > 0);
  CHECK(code_of(f.ask<stream_session_view>("stream", id, create_atom::value, std::string{"alice"})
                  .error()) == errc::conflict);

  for (std::uint32_t viewers : {3u, 10u, 7u, 10u})
    REQUIRE(f.ask<stream_session_view>("stream", id, update_atom::value, viewers));
  auto peak = f.ask<stream_session_view>("stream", id, get_atom::value);
  REQUIRE(peak);
  CHECK(peak->peak_viewers == 10);
  // Only new peaks are written: started + 3 + 10.
  CHECK(f.events().version("stream/" + id) == 3);

  f.clock.advance(50ms);
  auto ended = f.ask<stream_session_view>("stream", id, actors::end_atom::value);
  REQUIRE(ended);
  CHECK_FALSE(ended->live);
  CHECK(ended->ended_at_ms >= ended->started_at_ms + 50);
  CHECK(ended->duration_ms == ended->ended_at_ms - ended->started_at_ms);
  auto late = f.ask<stream_session_view>("stream", id, update_atom::value, 99u);
  REQUIRE(late);
  CHECK(late->peak_viewers == 10);
  // Ending twice changes nothing.
  REQUIRE(f.ask<stream_session_view>("stream", id, actors::end_atom::value));
  CHECK(f.events().version("stream/" + id) == 4);
  auto stored = f.events().read_stream("stream/" + id, 1);  // the JSON sessions always wrote
  REQUIRE(stored.size() == 4);
  CHECK(stored[0].data.payload == R"({"channel":"alice","session":"s1"})");
  CHECK(stored[2].data.payload == R"({"peak":10})");
  CHECK(stored[3].data.payload == "{}");
  CHECK(stored[3].data.timestamp_ms - stored[0].data.timestamp_ms == 50);  // the manual clock

  f.restart();
  auto after = f.ask<stream_session_view>("stream", id, get_atom::value);
  REQUIRE(after);
  CHECK_FALSE(after->live);
  CHECK(after->peak_viewers == 10);
  CHECK(after->duration_ms == ended->duration_ms);
}

TEST_CASE("a channel's go-live and offline start and end its stream session") {
  test::entity_fixture f;
  auto key = f.ask<std::string>("channel", "gina", create_atom::value,
                                runtime::principal::user("gina"), std::string{"Hello"});
  REQUIRE(key);
  REQUIRE(f.ask<actors::channel_view>("channel", "gina", actors::publish_begin_atom::value, *key,
                                      std::string{"abc123"}));
  const auto id = actors::stream_session_id("gina", "abc123");
  CHECK(eventually([&] {
    auto s = f.ask<stream_session_view>("stream", id, get_atom::value);
    return s && s->live && s->channel == "gina";
  }));
  REQUIRE(f.ask<bool>("channel", "gina", actors::publish_end_atom::value, std::string{"abc123"}));
  CHECK(eventually([&] {
    auto s = f.ask<stream_session_view>("stream", id, get_atom::value);
    return s && !s->live && s->ended_at_ms > 0;
  }));
}
