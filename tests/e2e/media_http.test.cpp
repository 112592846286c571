// Live media over HTTP as caches and CDNs need it, and the node's /metrics: cache lifetimes by
// kind, ETag/304, byte ranges and CORS on a live stream; the nginx caching proxy of docs/cdn.md
// (the file's own config, run by a real nginx) serving segments from its cache; and /metrics
// counting the stream, its HLS and LL-HLS viewers (one per id, however often it polls), API
// requests and event-store appends.
#include <doctest/doctest.h>

#include <unistd.h>

#include <fstream>
#include <regex>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

using answer = http::response<http::string_body>;

answer fetch(unsigned short port, const std::string& target,
             const std::vector<std::pair<http::field, std::string>>& headers = {}) {
  boost::asio::io_context io;
  boost::beast::tcp_stream stream{io};
  stream.expires_after(10s);
  stream.connect(tcp::endpoint{boost::asio::ip::make_address("127.0.0.1"), port});
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (auto& [field, value] : headers)
    req.set(field, value);
  http::write(stream, req);
  boost::beast::flat_buffer buffer;
  answer res;
  http::read(stream, buffer, res);
  return res;
}

unsigned short free_port() {
  boost::asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint{boost::asio::ip::make_address("127.0.0.1"), 0}};
  return acceptor.local_endpoint().port();
}

// docs/cdn.md's nginx.conf with this test's ports and paths: the documented file is what runs.
std::string documented_nginx_conf(unsigned short node_port, unsigned short proxy_port,
                                  const std::filesystem::path& dir) {
  std::ifstream doc{std::string{AETHEX_SOURCE_DIR} + "/docs/cdn.md"};
  std::string text{std::istreambuf_iterator<char>(doc), {}};
  auto begin = text.find("```nginx\n");
  REQUIRE(begin != std::string::npos);
  begin += 9;
  auto conf = text.substr(begin, text.find("```", begin) - begin);
  auto replace = [&](const std::string& from, const std::string& to) {
    auto at = conf.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, "docs/cdn.md no longer contains " << from);
    conf.replace(at, from.size(), to);
  };
  replace("server 127.0.0.1:8080;", "server 127.0.0.1:" + std::to_string(node_port) + ";");
  replace("listen 8081;", "listen 127.0.0.1:" + std::to_string(proxy_port) + ";");
  replace("/var/cache/nginx/aethex", (dir / "cache").string());
  // Paths the packaged nginx would take from /var/lib/nginx and /var/log/nginx.
  auto tmp = (dir / "tmp").string();
  replace("http {", "http {\n    access_log " + (dir / "access.log").string() + ";\n" +
                      "    client_body_temp_path " + tmp + "/body;\n    proxy_temp_path " + tmp +
                      "/proxy;\n    fastcgi_temp_path " + tmp + "/fastcgi;\n    uwsgi_temp_path " +
                      tmp + "/uwsgi;\n    scgi_temp_path " + tmp + "/scgi;\n");
  return conf;
}

std::string metrics_line(const std::string& metrics, const std::string& prefix) {
  std::istringstream in{metrics};
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix, 0) == 0)
      return line;
  return {};
}

}  // namespace

TEST_CASE("live media is cacheable, ranged and CORS-enabled; nginx caches it; /metrics counts") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required (scripts/setup installs it)");
  REQUIRE_MESSAGE(std::filesystem::exists("/usr/sbin/nginx"), "nginx is required (scripts/setup)");
  test_node node{"media_http"};
  auto key = node.create_channel("cdn");
  child_process ffmpeg{ffmpeg_publish_args(node.rtmp_url(key), 45), node.out_dir / "ffmpeg.log"};
  std::string listed;
  REQUIRE(eventually(
    [&] {
      auto res = node.get("/hls/cdn/index.m3u8");
      listed = res.body;
      return res.status == 200 && hls_segments(listed).size() >= 2;
    },
    15s));
  auto port = node.http_port;

  SUBCASE("cache lifetimes, validators, ranges and CORS") {
    auto playlist = fetch(port, "/hls/cdn/index.m3u8");
    CHECK(playlist[http::field::cache_control] == "public, max-age=1");
    CHECK(playlist[http::field::access_control_allow_origin] == "*");
    auto segment_uri = "/hls/cdn/" + hls_segments(listed).front();
    auto segment = fetch(port, segment_uri);
    REQUIRE(segment.result_int() == 200);
    CHECK(segment[http::field::cache_control] == "public, max-age=31536000, immutable");
    CHECK(segment[http::field::access_control_allow_origin] == "*");
    std::string etag{segment[http::field::etag]};
    REQUIRE(!etag.empty());
    auto unchanged = fetch(port, segment_uri, {{http::field::if_none_match, etag}});
    CHECK(unchanged.result_int() == 304);
    CHECK(unchanged.body().empty());
    auto head = fetch(port, segment_uri, {{http::field::range, "bytes=0-99"}});
    CHECK(head.result_int() == 206);
    CHECK(head.body() == segment.body().substr(0, 100));
    CHECK(head[http::field::content_range] ==
          "bytes 0-99/" + std::to_string(segment.body().size()));
    auto tail = fetch(port, segment_uri, {{http::field::range, "bytes=-10"}});
    CHECK(tail.body() == segment.body().substr(segment.body().size() - 10));
    CHECK(fetch(port, segment_uri, {{http::field::range, "bytes=99999999-"}}).result_int() == 416);
    // Another session's name for the same segment finds nothing.
    auto foreign = std::regex_replace(segment_uri, std::regex{"/ll/[^/]+/"}, "/ll/0000/");
    auto gone = fetch(port, foreign);
    CHECK(gone.result_int() == 404);
    CHECK(gone[http::field::access_control_allow_origin] == "*");
    auto init = fetch(port, "/hls/cdn/" + hls_map_uri(listed));
    CHECK(init.result_int() == 200);
    CHECK(init[http::field::cache_control] == "public, max-age=31536000, immutable");
  }

  SUBCASE("the documented nginx caching proxy serves segments from its cache") {
    auto proxy_port = free_port();
    auto dir = node.out_dir / "nginx";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir / "tmp");
    std::ofstream(dir / "nginx.conf") << documented_nginx_conf(port, proxy_port, dir);
    std::string globals = "daemon off; pid " + (dir / "nginx.pid").string() + "; error_log " +
                          (dir / "error.log").string() + ";";
    if (geteuid() == 0)
      globals += " user root;";  // workers must write the cache this test's user owns
    child_process nginx{
      {"/usr/sbin/nginx", "-p", dir.string(), "-c", (dir / "nginx.conf").string(), "-g", globals},
      dir / "nginx.log"};
    REQUIRE(eventually(
      [&] {
        try {
          return fetch(proxy_port, "/hls/cdn/index.m3u8").result_int() == 200;
        } catch (const std::exception&) {
          return false;
        }
      },
      10s));
    auto uri = "/hls/cdn/" + hls_segments(fetch(proxy_port, "/hls/cdn/index.m3u8").body()).back();
    auto first = fetch(proxy_port, uri);
    auto second = fetch(proxy_port, uri);
    REQUIRE(first.result_int() == 200);
    CHECK(first["X-Cache-Status"] == "MISS");
    CHECK(second["X-Cache-Status"] == "HIT");
    CHECK(second.body() == first.body());
    // Playlists stay fresh through the cache: a newer segment shows up.
    auto before = hls_segments(fetch(proxy_port, "/hls/cdn/index.m3u8").body()).back();
    CHECK(eventually(
      [&] {
        return hls_segments(fetch(proxy_port, "/hls/cdn/index.m3u8").body()).back() != before;
      },
      6s));
    // A blocking LL-HLS reload passes through and returns once its part exists.
    auto ll = fetch(proxy_port, "/hls/cdn/ll.m3u8").body();
    std::smatch hint;
    REQUIRE(std::regex_search(
      ll, hint, std::regex{R"re(PRELOAD-HINT:TYPE=PART,URI="[^"]*/p(\d+)\.(\d+)\.m4s")re"}));
    auto blocked = fetch(proxy_port, "/hls/cdn/ll.m3u8?_HLS_msn=" + hint[1].str() +
                                       "&_HLS_part=" + hint[2].str());
    CHECK(blocked.result_int() == 200);
    CHECK(blocked.body().find("/p" + hint[1].str() + "." + hint[2].str() + ".m4s") !=
          std::string::npos);
    nginx.signal(SIGQUIT);
    nginx.wait(10s);
  }

  SUBCASE("/metrics counts the stream, its viewers, requests and appends") {
    // Two HLS ids (one polling twice), one LL-HLS id, one HLS player without an id.
    for (auto target :
         {"/hls/cdn/index.m3u8?vid=aaa", "/hls/cdn/index.m3u8?vid=bbb",
          "/hls/cdn/index.m3u8?vid=aaa", "/hls/cdn/ll.m3u8?vid=ccc", "/hls/cdn/index.m3u8"})
      REQUIRE(node.get(target).status == 200);
    std::string metrics;
    CHECK(eventually(
      [&] {
        metrics = node.get("/metrics").body;
        return metrics_line(metrics, "aethex_viewers{channel=\"cdn\",path=\"hls\"}") ==
                 "aethex_viewers{channel=\"cdn\",path=\"hls\"} 3" &&
               metrics_line(metrics, "aethex_viewers{channel=\"cdn\",path=\"llhls\"}") ==
                 "aethex_viewers{channel=\"cdn\",path=\"llhls\"} 1";
      },
      5s));
    INFO(metrics);
    CHECK(metrics_line(metrics, "aethex_ingest_streams") == "aethex_ingest_streams 1");
    CHECK(!metrics_line(metrics, "aethex_ingest_bitrate_kbps{channel=\"cdn\"}").empty());
    CHECK(metrics_line(metrics, "aethex_ingest_bitrate_kbps{channel=\"cdn\"} 0").empty());
    CHECK(!metrics_line(metrics, "aethex_event_store_append_seconds_count").empty());
    CHECK(metrics_line(metrics, "aethex_event_store_append_seconds_count 0").empty());
    // Appended events sit in a memtable until it flushes.
    CHECK(!metrics_line(metrics, "aethex_event_store_memory_bytes").empty());
    CHECK(metrics_line(metrics, "aethex_event_store_memory_bytes 0").empty());
    CHECK(!metrics_line(metrics,
                        "aethex_http_request_duration_seconds_count{method=\"POST\","
                        "route=\"channels\",status=\"2xx\"}")
             .empty());
    CHECK(!metrics_line(metrics, "process_resident_memory_bytes").empty());
    CHECK(!metrics_line(metrics, "aethex_projection_lag_events{projection=").empty());
    CHECK(metrics_line(metrics, "aethex_cluster_members") == "aethex_cluster_members 1");
  }
}
