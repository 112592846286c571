#include "media/fmp4_relay.hpp"

#include <doctest/doctest.h>

#include <thread>

#include <caf/all.hpp>

using namespace aethex::media;
using namespace std::chrono_literals;

namespace {

fmp4_packet packet(bool init, bool keyframe, std::uint8_t fill) {
  fmp4_packet p;
  p.init = init;
  p.video = true;
  p.keyframe = keyframe;
  p.media_time_s = 1.5;
  p.wall_ms = 42;
  p.mime = init ? "video/mp4; codecs=\"avc1.64001f\"" : "";
  p.data = std::make_shared<const fmp4::bytes>(8, std::byte{fill});
  return p;
}

}  // namespace

TEST_CASE("a packet survives the trip through relay_packet") {
  auto back = from_relay(to_relay(packet(true, false, 7)));
  CHECK(back.init);
  CHECK(back.video);
  CHECK(back.media_time_s == 1.5);
  CHECK(back.wall_ms == 42);
  CHECK(back.mime == "video/mp4; codecs=\"avc1.64001f\"");
  REQUIRE(back.data);
  CHECK(*back.data == fmp4::bytes(8, std::byte{7}));
}

TEST_CASE("a relay source sends the GOP cache, then live packets, then the end") {
  caf::actor_system_config cfg;
  cfg.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system sys{cfg};
  auto hub = std::make_shared<fmp4_hub>();
  hub->publish(packet(true, false, 1));
  hub->publish(packet(false, true, 2));
  caf::scoped_actor sink{sys};
  auto source = spawn_relay_source(sys, hub, "alice", sink);
  for (int i = 0; i < 500 && hub->subscribers() == 0; ++i)
    std::this_thread::sleep_for(10ms);  // it subscribes when it starts
  REQUIRE(hub->subscribers() == 1);
  hub->publish(packet(false, false, 3));
  hub->close();
  std::vector<int> fills;
  bool ended = false;
  for (int i = 0; i < 4 && !ended; ++i)
    sink->receive(
      [&](relay_data_atom, const std::string& channel, const relay_packet& p) {
        CHECK(channel == "alice");
        fills.push_back(p.data.empty() ? -1 : p.data.front());
      },
      [&](relay_end_atom, const std::string& channel) {
        CHECK(channel == "alice");
        ended = true;
      },
      caf::after(5s) >> [&] { ended = true; });
  CHECK(fills == std::vector<int>{1, 2, 3});
  CHECK(ended);
  CHECK(hub->subscribers() == 0);
}

TEST_CASE("a relay counts the viewers behind it, not itself, among the hub's viewers") {
  caf::actor_system_config cfg;
  cfg.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system sys{cfg};
  auto hub = std::make_shared<fmp4_hub>();
  struct player final : fmp4_subscriber {
    void on_packet(const fmp4_packet&) override {}
    void on_end() override {}
  };
  auto local = std::make_shared<player>();
  hub->subscribe(local);
  caf::scoped_actor sink{sys};
  auto source = spawn_relay_source(sys, hub, "alice", sink);
  for (int i = 0; i < 500 && hub->subscribers() < 2; ++i)
    std::this_thread::sleep_for(10ms);
  REQUIRE(hub->subscribers() == 2);
  CHECK(hub->viewers() == 1);  // the relay has reported nobody yet
  caf::anon_send(source, relay_viewers_atom::value, std::uint64_t{5});
  for (int i = 0; i < 500 && hub->viewers() != 6; ++i)
    std::this_thread::sleep_for(10ms);
  CHECK(hub->viewers() == 6);
  caf::anon_send_exit(source, caf::exit_reason::user_shutdown);
}
