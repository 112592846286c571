// Three separate node processes on loopback form a cluster: entities are readable from any
// node, media ingested on one node is watchable from another (HLS/LL-HLS redirect, WebSocket
// relay), a wrong secret is refused and a killed node is marked down while the others take its
// (replicated) partitions over. The cluster port is TLS-only and answers joins only; a node
// not asked to cluster opens none; nothing listens outside --bind.
#include <doctest/doctest.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <thread>
#include <utility>  // before Asio: boost 1.74 uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "runtime/placement.hpp"
#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/cluster_nodes.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
namespace runtime = aethex::runtime;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

struct ws_media_capture {
  bool init_text = false;           // the {"type":"init"} message came
  std::vector<std::string> binary;  // init segment, then fragments
};

// Reads /ws/media/<channel> on a node for `duration`.
ws_media_capture read_ws_media(unsigned short port, const std::string& channel,
                               std::chrono::milliseconds duration) {
  namespace beast = boost::beast;
  boost::asio::io_context io;
  beast::websocket::stream<beast::tcp_stream> ws{io};
  beast::get_lowest_layer(ws).connect({boost::asio::ip::make_address("127.0.0.1"), port});
  ws.handshake("127.0.0.1", "/ws/media/" + channel);
  ws_media_capture out;
  auto deadline = std::chrono::steady_clock::now() + duration;
  beast::flat_buffer buffer;
  while (std::chrono::steady_clock::now() < deadline) {
    beast::get_lowest_layer(ws).expires_after(2s);
    beast::error_code ec;
    buffer.clear();
    ws.read(buffer, ec);
    if (ec)
      break;
    auto text = beast::buffers_to_string(buffer.data());
    if (ws.got_text())
      out.init_text = out.init_text || json::parse(text).value("type", "") == "init";
    else
      out.binary.push_back(std::move(text));
  }
  beast::get_lowest_layer(ws).close();
  return out;
}

}  // namespace

TEST_CASE("three nodes: one entity view everywhere, cross-node playback, failure detection") {
  auto port_a = free_tcp_port(), port_b = free_tcp_port(), port_c = free_tcp_port();
  test_node a{"cluster_a", cluster_args("a", port_a)};
  test_node b{"cluster_b", cluster_args("b", port_b, "127.0.0.1:" + std::to_string(port_a))};
  auto c = std::make_unique<test_node>(
    "cluster_c", cluster_args("c", port_c, "127.0.0.1:" + std::to_string(port_b)));
  REQUIRE(eventually([&] { return member_count(a) == 3 && member_count(*c) == 3; }, 30s));
  // Every group's leader is where rendezvous hashing puts it (well under a second).
  auto joined = std::chrono::steady_clock::now();
  REQUIRE(eventually([&] { return placement_settled(a, {"a", "b", "c"}); }, 30s));
  MESSAGE("groups settled " << std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - joined)
                                 .count()
                            << " ms after the third member joined");

  auto cluster = json::parse(admin_get(a, "/api/v1/cluster").body);
  int partitions = 0;
  for (auto& member : cluster["members"])
    partitions += member.value("partitions", 0);
  CHECK(partitions == 64);

  // Created through A, the channel is the same entity when read through B and C.
  auto key = a.create_channel("trio");
  for (auto* node : {&b, c.get()}) {
    auto res = node->get("/api/v1/channels/trio");
    REQUIRE(res.status == 200);
    CHECK(json::parse(res.body).value("name", "") == "trio");
  }

  SUBCASE("a node with the wrong secret cannot join") {
    // Its certificate is signed by the CA of another secret: the TLS handshake fails.
    auto port_d = free_tcp_port();
    std::string why;
    try {
      test_node d{"cluster_d", cluster_args("d", port_d, "127.0.0.1:" + std::to_string(port_a),
                                            "not-the-cluster-secret")};
    } catch (const std::exception& e) {
      why = e.what();
    }
    CHECK(why.find("TLS handshake refused") != std::string::npos);
    CHECK(why.find("not-the-cluster-secret") == std::string::npos);
    CHECK(a.log().find("not-the-cluster-secret") == std::string::npos);
    CHECK(member_count(a) == 3);
  }

  SUBCASE("publish to B, watch HLS through C") {
    REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required (scripts/setup installs it)");
    child_process ffmpeg{ffmpeg_publish_args(b.rtmp_url(key), 10), b.out_dir / "ffmpeg.log"};
    REQUIRE(eventually([&] { return channel_live(*c, "trio"); }, 15s));
    auto streams_on = [&](const std::string& node) {
      auto cluster = json::parse(admin_get(a, "/api/v1/cluster").body);
      for (auto& member : cluster["members"])
        if (member["node_id"] == node)
          return member.value("streams", -1);
      return -1;
    };
    CHECK(streams_on("b") == 1);
    CHECK(streams_on("a") == 0);
    REQUIRE(eventually([&] { return b.get("/hls/trio/index.m3u8").status == 200; }, 15s));
    auto via_c = c->get("/hls/trio/index.m3u8");
    REQUIRE(via_c.status == 302);
    CHECK(via_c.location == b.http_base() + "/hls/trio/index.m3u8");
    auto followed = b.get(via_c.location.substr(b.http_base().size()));
    CHECK(followed.status == 200);
    CHECK(followed.body.find("#EXTM3U") == 0);
    // LL-HLS redirects the same way; WebSocket media is relayed: C pulls one copy from B.
    auto ll_via_c = c->get("/hls/trio/ll.m3u8");
    CHECK(ll_via_c.status == 302);
    CHECK(ll_via_c.location == b.http_base() + "/hls/trio/ll.m3u8");
    auto first = read_ws_media(c->http_port, "trio", 3s);
    CHECK(first.init_text);
    REQUIRE(!first.binary.empty());
    CHECK(first.binary.front().substr(4, 4) == "ftyp");  // the init segment comes first
    CHECK(first.binary.size() >= 10);                    // then live fragments
    CHECK(first.binary[1].substr(4, 4) == "moof");
    auto second = read_ws_media(c->http_port, "trio", 2s);  // a second viewer shares the copy
    CHECK(second.binary.size() >= 5);
    ffmpeg.wait(30s);
    CHECK(eventually([&] { return !channel_live(a, "trio"); }, 10s));
  }

  SUBCASE("chat clients on A and C see each other's messages in one order") {
    allow_guests(a, "trio");
    chat_client on_a{a.http_port}, on_c{c->http_port};
    REQUIRE(on_a.guest_join("ann", "trio").is_object());
    REQUIRE(on_c.guest_join("cid", "trio").is_object());
    auto sockets = json::parse(admin_get(b, "/api/v1/cluster").body)["members"];
    for (auto& member : sockets)
      CHECK(member.value("sockets", -1) == (member["node_id"] == "b" ? 0 : 1));
    for (int i = 0; i < 10; ++i)
      (i % 2 ? on_c : on_a).send({{"type", "send"}, {"text", "m" + std::to_string(i)}});
    std::vector<std::string> seen_a, seen_c;
    for (int i = 0; i < 10; ++i) {
      auto from_a = on_a.next("msg", 10s), from_c = on_c.next("msg", 10s);
      REQUIRE(from_a.is_object());
      REQUIRE(from_c.is_object());
      seen_a.push_back(from_a["user"].get<std::string>() + ":" + from_a["text"].get<std::string>());
      seen_c.push_back(from_c["user"].get<std::string>() + ":" + from_c["text"].get<std::string>());
    }
    CHECK(seen_a == seen_c);
    // Each sender's own order holds.
    std::vector<std::string> anns;
    for (auto& s : seen_a)
      if (s.rfind("guest:ann:", 0) == 0)
        anns.push_back(s);
    CHECK(anns == std::vector<std::string>{"guest:ann:m0", "guest:ann:m2", "guest:ann:m4",
                                           "guest:ann:m6", "guest:ann:m8"});
  }

  SUBCASE("kill -9 a node: the others mark it down and take over its partitions") {
    // One channel on each node's partitions.
    std::map<std::string, std::string> channel_on;
    for (int i = 0; channel_on.size() < 3; ++i) {
      auto name = "owned" + std::to_string(i);
      auto owner = runtime::rendezvous_owner(runtime::partition_of("channel", name),
                                             {"a", "b", "c"});
      if (channel_on.emplace(owner, name).second)
        a.create_channel(name);
    }
    c->kill();
    CHECK(eventually([&] { return member_count(a) == 2 && member_count(b) == 2; }, 30s));
    CHECK(a.log().find("member c is down") != std::string::npos);
    for (auto* node : {&a, &b}) {
      CHECK(node->get("/api/v1/channels/" + channel_on["a"]).status == 200);
      CHECK(node->get("/api/v1/channels/" + channel_on["b"]).status == 200);
      // Its partitions are replicated (3 replicas by default): their groups elect leaders
      // among a and b, which serve them from the replicated log.
      CHECK(eventually(
        [&] { return node->get("/api/v1/channels/" + channel_on["c"]).status == 200; }, 15s));
    }
    CHECK((a.log() + b.log()).find("fails over c -> ") != std::string::npos);
  }
}

namespace {

// The TCP sockets process `pid` listens on, as "address:port".
std::set<std::string> listeners_of(int pid) {
  std::set<std::string> found;
  for (auto& listener : tcp_listeners_of(pid))
    found.insert(listener.address + ":" + std::to_string(listener.port));
  return found;
}

std::string loopback(unsigned short port) { return "127.0.0.1:" + std::to_string(port); }

}  // namespace

TEST_CASE("a node not asked to cluster listens on its HTTP and RTMP ports only") {
  auto data = fresh_temp_dir("aethex-standalone");
  auto http = free_tcp_port(), rtmp = free_tcp_port();
  child_process node{{AETHEX_BINARY, "serve", "--data", data.string(), "--bind", "127.0.0.1",
                      "--http-port", std::to_string(http), "--rtmp-port", std::to_string(rtmp),
                      "--srt-port", std::to_string(free_udp_port())},
                     output_dir("cluster_standalone") / "node.log"};
  REQUIRE(eventually([&] { return node.log().find("ready: srt") != std::string::npos; }, 15s));
  CHECK(listeners_of(node.pid()) == std::set<std::string>{loopback(http), loopback(rtmp)});
  CHECK(node.log().find("ready: cluster") == std::string::npos);
  node.signal(SIGTERM);
  node.wait(20s);
  std::filesystem::remove_all(data);
}

TEST_CASE("the cluster port: TLS only, joins only, nothing outside --bind, admin-only API") {
  auto port_a = free_tcp_port(), port_b = free_tcp_port(), port_c = free_tcp_port();
  test_node a{"secure_a", cluster_args("a", port_a)};
  test_node b{"secure_b", cluster_args("b", port_b, loopback(port_a))};
  // c joins through b, then dials a directly.
  test_node c{"secure_c", cluster_args("c", port_c, loopback(port_b))};
  REQUIRE(eventually([&] { return member_count(a) == 3 && member_count(c) == 3; }, 30s));

  // Every listener of every node is on 127.0.0.1: HTTP, RTMP and the cluster port, no other.
  std::map<const test_node*, unsigned short> cluster_port{{&a, port_a}, {&b, port_b}, {&c, port_c}};
  for (auto* node : {&a, &b, &c}) {
    auto pid = pid_listening_on(node->http_port);
    REQUIRE(pid > 0);
    CHECK(listeners_of(pid) == std::set<std::string>{loopback(node->http_port),
                                                     loopback(node->rtmp_port),
                                                     loopback(cluster_port[node])});
  }

  // A clear-text CAF client gets no actor, so no registry handle either.
  auto probe = run({PLAIN_CAF_PROBE, "127.0.0.1", std::to_string(port_a)}, 10s);
  MESSAGE("plain CAF client: " << probe.output);
  CHECK(probe.output.find("actor obtained") == std::string::npos);
  CHECK(probe.output.find("view obtained") == std::string::npos);
  // Nor does the refused handshake disturb the members' own TLS connections.
  std::this_thread::sleep_for(4s);  // past the middleman's connection timeout
  CHECK(member_count(a) == 3);
  CHECK(member_count(c) == 3);

  // The cluster's layout is for the operator.
  auto anonymous = a.get("/api/v1/cluster");
  CHECK(anonymous.status == 401);
  auto error = json::parse(anonymous.body, nullptr, false);
  REQUIRE(error.is_object());
  CHECK(error["error"].value("code", "") == "unauthorized");
  CHECK(admin_get(a, "/api/v1/cluster").status == 200);

  // c reaches a without b: killing b leaves a and c members of one cluster.
  REQUIRE(eventually([&] { return placement_settled(a, {"a", "b", "c"}); }, 30s));
  std::string on_a;
  for (int i = 0; on_a.empty(); ++i) {
    auto name = "direct" + std::to_string(i);
    if (runtime::rendezvous_owner(runtime::partition_of("channel", name), {"a", "b", "c"}) == "a")
      on_a = name;
  }
  c.create_channel(on_a);
  b.kill();
  CHECK(eventually([&] { return member_count(a) == 2 && member_count(c) == 2; }, 30s));
  CHECK(c.get("/api/v1/channels/" + on_a).status == 200);
  CHECK(a.log().find("member c is down") == std::string::npos);
}

TEST_CASE("cluster options: secrets from a file or the environment, --advertise, refusals") {
  auto scratch = fresh_temp_dir("aethex-cluster-options");
  auto serve = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv{AETHEX_BINARY, "serve",
                                  "--data",      (scratch / "refused").string(),
                                  "--http-port", std::to_string(free_tcp_port()),
                                  "--rtmp-port", "0",
                                  "--srt-port",  "0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run(argv, 20s);
  };
  auto port_a = std::to_string(free_tcp_port());
  SUBCASE("a short secret stops the node at start") {
    auto refused = serve({"--cluster-port", port_a, "--cluster-secret", "short-secret"});
    CHECK(refused.status != 0);
    CHECK(refused.output.find("at least 16 characters") != std::string::npos);
  }
  SUBCASE("an SRT passphrase from a file is checked like the flag's") {
    std::ofstream{scratch / "srt.passphrase"} << "short\n";
    auto refused = serve({"--srt-passphrase-file", (scratch / "srt.passphrase").string()});
    CHECK(refused.status != 0);
    CHECK(refused.output.find("10 to 79 characters") != std::string::npos);
  }
  SUBCASE("a wildcard --bind in a cluster needs --advertise") {
    auto refused = serve({"--bind", "0.0.0.0", "--cluster-port", port_a});
    CHECK(refused.status != 0);
    CHECK(refused.output.find("--advertise") != std::string::npos);
  }
  SUBCASE("secrets read from a file and from the environment, never on the command line") {
    auto file = scratch / "cluster.secret";
    std::ofstream{file} << cluster_secret << "\n";
    std::filesystem::permissions(file, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::owner_write);
    test_node a{
      "options_a",
      {"--cluster-port", port_a, "--node-id", "a", "--cluster-secret-file", file.string()}};
    ::setenv("AETHEX_CLUSTER_SECRET", cluster_secret.c_str(), 1);
    std::unique_ptr<test_node> b;
    auto advertised = "localhost:" + std::to_string(free_tcp_port());
    try {
      b = std::make_unique<test_node>(
        "options_b",
        std::vector<std::string>{"--cluster-port", std::to_string(free_tcp_port()), "--node-id",
                                 "b", "--join", "127.0.0.1:" + port_a, "--advertise", advertised});
    } catch (...) {
      ::unsetenv("AETHEX_CLUSTER_SECRET");
      throw;
    }
    ::unsetenv("AETHEX_CLUSTER_SECRET");
    REQUIRE(eventually([&] { return member_count(a) == 2; }, 30s));
    auto cluster = json::parse(admin_get(a, "/api/v1/cluster").body);
    std::map<std::string, std::string> http;
    for (auto& member : cluster["members"])
      http[member.value("node_id", "")] = member.value("http", "");
    CHECK(http["a"] == loopback(a.http_port));
    CHECK(http["b"] == advertised);
    for (auto* node : {&a, b.get()}) {
      std::ifstream cmdline("/proc/" + std::to_string(pid_listening_on(node->http_port)) +
                            "/cmdline");
      std::string args{std::istreambuf_iterator<char>{cmdline}, {}};
      CHECK(!args.empty());
      CHECK(args.find(cluster_secret) == std::string::npos);
      CHECK(node->log().find(cluster_secret) == std::string::npos);
    }
  }
  std::filesystem::remove_all(scratch);
}
