// A rendition of the ABR ladder watched over WebSocket: on a cluster, through a member other than
// the one ingesting, which relays that rendition itself (and the source for one not transcoded).
// Its own suite, run ALONE: the node starts a ladder only when the machine has the idle CPU for
// it, which the suites running beside it would take.
#include <doctest/doctest.h>

#include <chrono>

#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/ws_viewer.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;

TEST_CASE("a rendition watched through another member is relayed as that rendition") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required");
  test_node node{"rendition_relay", {"--abr-ladder", "160p"}};
  auto key = node.create_channel("rena");
  child_process ffmpeg{ffmpeg_publish_args(node.rtmp_url(key), 60, "640x480"),
                       node.out_dir / "ffmpeg.log"};
  REQUIRE(eventually(
    [&] { return node.get("/hls/rena/master.m3u8").body.find("r/160p/") != std::string::npos; },
    20s));
  // On a cluster the viewers use another member than the one ingesting: it relays the
  // rendition itself, and the source while a rendition asked for is not transcoded.
  auto port = test_node::in_cluster() ? node.peer_http_ports.at(0) : node.http_port;
  ws_viewer small{port, "rena/160p"};
  auto init = small.init();
  CHECK(init["type"] == "init");
  CHECK(init["rendition"] == "160p");
  ws_viewer fallback{port, "rena/480p"};
  CHECK(fallback.init()["rendition"] == "source");
  // Both count on the channel, the relays themselves do not.
  CHECK(eventually([&] { return viewer_count(node, "rena") == 2; }, 5s));
}
