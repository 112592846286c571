// The real SRT server against real callers: ffmpeg publishing MPEG-TS, and raw libsrt callers for
// the handshake refusals and timeouts.
#include "net/srt/server.hpp"

#include <doctest/doctest.h>

#include "net/srt/handles.hpp"
#include "tests/net/ingest/recording_handler.hpp"

#include <srt/access_control.h>

#include <arpa/inet.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

using namespace aethex::net;
using namespace std::chrono_literals;
using bytes = std::vector<std::uint8_t>;

namespace {

using test::recording_handler;
using test::recording_sink;

bool have_ffmpeg() { return std::system("command -v ffmpeg >/dev/null 2>&1") == 0; }

// ffmpeg 5.1 passes URL option values to libsrt verbatim (no percent-decoding). zerolatency
// matters: SRT live mode drops what is unsent when the caller closes, and x264's lookahead would
// otherwise hold most of a short clip until the very end.
int run_ffmpeg(unsigned short port, const std::string& streamid, int seconds,
               const std::string& extra = "") {
  const std::string cmd =
    "timeout 60 ffmpeg -hide_banner -loglevel error -re -f lavfi -i testsrc=size=320x240:rate=30 "
    "-f lavfi -i sine -t " +
    std::to_string(seconds) +
    " -c:v libx264 -tune zerolatency -pix_fmt yuv420p -g 30 -c:a aac -f mpegts 'srt://127.0.0.1:" +
    std::to_string(port) + "?streamid=" + streamid + "&latency=120000" + extra +
    "' </dev/null 2>/dev/null";
  const int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

// Server on an ephemeral loopback port with std::clog captured.
struct running_server {
  recording_handler handler;
  std::stringstream log;
  std::streambuf* old_clog;
  std::optional<srt::server> srv;

  explicit running_server(srt::server_options opt = {}) : old_clog(std::clog.rdbuf(log.rdbuf())) {
    srv.emplace(srt::endpoint{"127.0.0.1", 0}, handler, std::move(opt));
  }
  ~running_server() { finish(); }
  // Stops the server; afterwards the log may be read safely.
  void finish() {
    if (!srv)
      return;
    srv.reset();
    std::clog.rdbuf(old_clog);
  }
};

// A bare libsrt caller, for what ffmpeg cannot show (rejection codes, silence).
struct caller {
  srt::library lib;
  srt::socket sock{srt_create_socket()};

  bool connect(unsigned short port, const std::string& streamid,
               const std::string& passphrase = "") {
    srt_setsockflag(sock.get(), SRTO_STREAMID, streamid.data(), static_cast<int>(streamid.size()));
    if (!passphrase.empty())
      srt_setsockflag(sock.get(), SRTO_PASSPHRASE, passphrase.data(),
                      static_cast<int>(passphrase.size()));
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    return srt_connect(sock.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != SRT_ERROR;
  }
  int reject_reason() const { return srt_getrejectreason(sock.get()); }
};

std::string probe_codecs(const bytes& data) {
  const std::string path = "/tmp/aethex-srt-test-" + std::to_string(::getpid()) + ".ts";
  {
    std::ofstream out{path, std::ios::binary};
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
  }
  const std::string probe = "ffprobe -v error -show_entries stream=codec_name -of csv=p=0 " + path;
  std::string codecs;
  if (FILE* p = ::popen(probe.c_str(), "r")) {
    char buf[256];
    while (std::fgets(buf, sizeof buf, p))
      codecs += buf;
    ::pclose(p);
  }
  std::remove(path.c_str());
  return codecs;
}

}  // namespace

TEST_CASE("server: ffmpeg publishes over SRT and the sink receives MPEG-TS with H.264 and AAC") {
  REQUIRE_MESSAGE(have_ffmpeg(), "ffmpeg is required (scripts/setup installs it)");
  running_server rs;
  REQUIRE(rs.srv->port() != 0);
  CHECK(run_ffmpeg(rs.srv->port(), "#!::m=publish,r=live/good", 2) == 0);
  auto sink = rs.handler.wait_sink(1s);
  REQUIRE(sink);
  REQUIRE(sink->wait_closed(10s));
  {
    std::lock_guard lock{rs.handler.mu};
    REQUIRE(rs.handler.requests.size() == 1);
    const auto& req = rs.handler.requests[0];
    CHECK(req.protocol == "srt");
    CHECK(req.app.empty());
    CHECK(req.stream_key == "good");
    CHECK(req.format == ingest::container::mpegts);
    CHECK(req.peer.rfind("127.0.0.1:", 0) == 0);
  }
  rs.finish();

  std::lock_guard lock{sink->mu};
  CHECK(sink->closes == 1);
  CHECK(sink->reason == "publisher disconnected");
  REQUIRE(sink->data.size() > 30'000);
  CHECK(sink->data.size() % 188 == 0);
  bool synced = true;
  for (std::size_t i = 0; i < sink->data.size(); i += 188)
    synced = synced && sink->data[i] == 0x47;
  CHECK(synced);
  const auto codecs = probe_codecs(sink->data);
  CHECK(codecs.find("h264") != std::string::npos);
  CHECK(codecs.find("aac") != std::string::npos);

  const auto log = rs.log.str();
  INFO(log);
  CHECK(log.find("srt: listening on 127.0.0.1:") != std::string::npos);
  CHECK(log.find("srt: publishing from 127.0.0.1:") != std::string::npos);
  CHECK(log.find("good") == std::string::npos);
}

TEST_CASE("server: a key the handler refuses makes ffmpeg fail, and the log never shows it") {
  REQUIRE_MESSAGE(have_ffmpeg(), "ffmpeg is required (scripts/setup installs it)");
  running_server rs;
  CHECK(run_ffmpeg(rs.srv->port(), "wrongkey", 3) != 0);
  {
    std::lock_guard lock{rs.handler.mu};
    REQUIRE(rs.handler.requests.size() == 1);
    CHECK(rs.handler.requests[0].stream_key == "wrongkey");
    CHECK(rs.handler.sinks.empty());
  }
  rs.finish();
  const auto log = rs.log.str();
  INFO(log);
  CHECK(log.find("srt: publish rejected from 127.0.0.1:") != std::string::npos);
  CHECK(log.find(": unknown stream key") != std::string::npos);
  CHECK(log.find("wrongkey") == std::string::npos);
}

TEST_CASE("server: malformed streamids and play requests are refused in the handshake") {
  running_server rs;
  {
    caller c;
    CHECK_FALSE(c.connect(rs.srv->port(), "#!::r=live/good,m=request"));
    CHECK(c.reject_reason() == SRT_REJX_BAD_MODE);
  }
  {
    caller c;
    CHECK_FALSE(c.connect(rs.srv->port(), "#!::r=live/good,m=publish,r=x"));
    CHECK(c.reject_reason() == SRT_REJX_BAD_REQUEST);
  }
  {
    caller c;
    CHECK_FALSE(c.connect(rs.srv->port(), ""));
    CHECK(c.reject_reason() == SRT_REJX_BAD_REQUEST);
  }
  if (have_ffmpeg())
    CHECK(run_ffmpeg(rs.srv->port(), "bad-key-with-$dollar", 1) != 0);
  CHECK(rs.handler.request_count() == 0);
  rs.finish();
  const auto log = rs.log.str();
  INFO(log);
  CHECK(log.find("playback over SRT is not supported (m=request)") != std::string::npos);
  CHECK(log.find("duplicate 'r' field") != std::string::npos);
  CHECK(log.find("good") == std::string::npos);
  CHECK(log.find("dollar") == std::string::npos);
}

TEST_CASE("server: stop() ends a live publish and closes its sink") {
  REQUIRE_MESSAGE(have_ffmpeg(), "ffmpeg is required (scripts/setup installs it)");
  running_server rs;
  int ffmpeg_status = -1;
  std::thread publisher{[&] { ffmpeg_status = run_ffmpeg(rs.srv->port(), "good", 20); }};
  auto sink = rs.handler.wait_sink(10s);
  REQUIRE(sink);
  CHECK(sink->wait_bytes(20'000, 10s));
  rs.srv->stop();
  CHECK(sink->wait_closed(1s));
  publisher.join();
  CHECK(ffmpeg_status != 0);
  rs.finish();
  std::lock_guard lock{sink->mu};
  CHECK(sink->closes == 1);
  CHECK(sink->reason == "server stopping");
}

TEST_CASE("server: a silent publisher is timed out; connections beyond the limit are refused") {
  srt::server_options opt;
  opt.idle_timeout = 1s;
  opt.max_connections = 1;
  running_server rs{opt};
  caller first;
  REQUIRE(first.connect(rs.srv->port(), "good"));
  auto sink = rs.handler.wait_sink(5s);
  REQUIRE(sink);
  {
    caller second;
    CHECK_FALSE(second.connect(rs.srv->port(), "good"));
    CHECK(second.reject_reason() == SRT_REJX_OVERLOAD);
  }
  REQUIRE(sink->wait_closed(5s));
  rs.finish();
  std::lock_guard lock{sink->mu};
  CHECK(sink->closes == 1);
  CHECK(sink->reason == "timeout: no data while publishing");
  CHECK(sink->data.empty());
  CHECK(rs.log.str().find("too many connections") != std::string::npos);
}

TEST_CASE("server: with a passphrase, only callers that know it get in") {
  srt::server_options opt;
  opt.passphrase = "correct-horse-battery";
  running_server rs{opt};
  {
    caller c;
    CHECK_FALSE(c.connect(rs.srv->port(), "good", "wrong passphrase"));
    CHECK(c.reject_reason() == SRT_REJ_BADSECRET);
  }
  {
    caller c;
    CHECK_FALSE(c.connect(rs.srv->port(), "good"));
    CHECK(c.reject_reason() == SRT_REJ_UNSECURE);
  }
  CHECK(rs.handler.request_count() == 0);
  if (have_ffmpeg()) {
    CHECK(run_ffmpeg(rs.srv->port(), "good", 1, "&passphrase=" + opt.passphrase) == 0);
    auto sink = rs.handler.wait_sink(1s);
    REQUIRE(sink);
    CHECK(sink->wait_closed(10s));
    const auto codecs = [&] {
      std::lock_guard lock{sink->mu};
      return probe_codecs(sink->data);
    }();
    CHECK(codecs.find("h264") != std::string::npos);
  }
  rs.finish();
  CHECK(rs.log.str().find("correct-horse") == std::string::npos);
}

TEST_CASE("server: bad options are refused before anything listens") {
  recording_handler handler;
  srt::server_options opt;
  opt.passphrase = "short";
  CHECK_THROWS_AS(srt::server(srt::endpoint{"127.0.0.1", 0}, handler, opt), std::invalid_argument);
  opt.passphrase.clear();
  opt.pbkeylen = 20;
  CHECK_THROWS_AS(srt::server(srt::endpoint{"127.0.0.1", 0}, handler, opt), std::invalid_argument);
  CHECK_THROWS_AS(srt::server(srt::endpoint{"localhost", 0}, handler), std::invalid_argument);
}

TEST_CASE("server: callers per address are capped in the handshake; other addresses still get in") {
  srt::server_options opt;
  opt.max_connections_per_address = 2;
  running_server rs{opt};
  caller a, b;
  REQUIRE(a.connect(rs.srv->port(), "good"));
  REQUIRE(b.connect(rs.srv->port(), "good"));
  // Both are accepted (their keys went to the handler) before the third knocks.
  for (int i = 0; i < 250 && rs.handler.request_count() < 2; ++i)
    std::this_thread::sleep_for(20ms);
  REQUIRE(rs.handler.request_count() == 2);
  {
    caller c;
    CHECK_FALSE(c.connect(rs.srv->port(), "good"));
    CHECK(c.reject_reason() == SRT_REJX_OVERLOAD);
  }
  caller d;
  sockaddr_in src{};
  src.sin_family = AF_INET;
  ::inet_pton(AF_INET, "127.0.0.2", &src.sin_addr);
  REQUIRE(srt_bind(d.sock.get(), reinterpret_cast<sockaddr*>(&src), sizeof src) != SRT_ERROR);
  CHECK(d.connect(rs.srv->port(), "good"));
  rs.finish();
  CHECK(rs.log.str().find("too many connections from this address") != std::string::npos);
}
