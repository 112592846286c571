// The real server against a real publisher (ffmpeg), over loopback TCP.
#include "net/rtmp/server.hpp"

#include <doctest/doctest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "net/rtmp/amf0.hpp"
#include "net/rtmp/chunk_writer.hpp"
#include "tests/net/ingest/recording_handler.hpp"

#include <unistd.h>

#include <sys/resource.h>

#include <sys/wait.h>

#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

// Its own namespace: a folder's test files are compiled as one unit (tests/CMakeLists.txt).
namespace server_suite {

using namespace aethex::net;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using bytes = std::vector<std::uint8_t>;

namespace {

using test::recording_handler;
using test::recording_sink;

bool have_ffmpeg() { return std::system("command -v ffmpeg >/dev/null 2>&1") == 0; }

int run_ffmpeg(unsigned short port, const std::string& key, int seconds = 3) {
  const std::string cmd =
    "timeout 60 ffmpeg -hide_banner -loglevel error -re -f lavfi -i testsrc=size=320x240:rate=30 "
    "-f lavfi -i sine -t " +
    std::to_string(seconds) +
    " -c:v libx264 -pix_fmt yuv420p -g 30 -c:a aac -f flv rtmp://127.0.0.1:" +
    std::to_string(port) + "/live/" + key + " </dev/null";
  const int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

// Server on an ephemeral loopback port, its io_context on a thread, std::clog captured.
struct running_server {
  recording_handler handler;
  std::stringstream log;
  std::streambuf* old_clog;
  asio::io_context io;
  std::optional<rtmp::server> srv;
  std::thread thread;

  explicit running_server(rtmp::server_options opt = {}) : old_clog(std::clog.rdbuf(log.rdbuf())) {
    srv.emplace(io, tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0}, handler, opt);
    thread = std::thread{[this] { io.run(); }};
  }
  ~running_server() { finish(); }
  // Stops everything; afterwards the log may be read safely.
  void finish() {
    if (!thread.joinable())
      return;
    srv->stop();
    std::this_thread::sleep_for(100ms);  // let connections see the stop
    io.stop();
    thread.join();
    std::clog.rdbuf(old_clog);
  }
};

struct flv_summary {
  int audio = 0, video = 0, script = 0;
  bool metadata_first_is_onmetadata = false;
  bool avc_sequence_header_first = false;
  bool aac_sequence_header_first = false;
  std::uint32_t last_video_ts = 0;
  std::string error;
};

flv_summary parse_flv(const bytes& f) {
  flv_summary s;
  const bytes header{'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0};
  if (f.size() < 13 || !std::equal(header.begin(), header.end(), f.begin())) {
    s.error = "bad FLV header";
    return s;
  }
  std::size_t pos = 13;
  while (pos < f.size()) {
    if (f.size() - pos < 11) {
      s.error = "truncated tag header";
      return s;
    }
    const std::uint8_t type = f[pos];
    const std::uint32_t size = (f[pos + 1] << 16) | (f[pos + 2] << 8) | f[pos + 3];
    const std::uint32_t ts = ((f[pos + 4] << 16) | (f[pos + 5] << 8) | f[pos + 6]) |
                             (std::uint32_t{f[pos + 7]} << 24);
    if (f[pos + 8] || f[pos + 9] || f[pos + 10]) {
      s.error = "non-zero stream id";
      return s;
    }
    if (f.size() - pos - 11 < size + 4) {
      s.error = "truncated tag body";
      return s;
    }
    const std::uint8_t* body = &f[pos + 11];
    const std::uint8_t* prev = body + size;
    const std::uint32_t prev_size = (prev[0] << 24) | (prev[1] << 16) | (prev[2] << 8) | prev[3];
    if (prev_size != size + 11) {
      s.error = "bad PreviousTagSize";
      return s;
    }
    if (type == 9) {
      if (s.video == 0)
        s.avc_sequence_header_first = size >= 2 && body[0] == 0x17 && body[1] == 0x00;
      ++s.video;
      s.last_video_ts = ts;
    } else if (type == 8) {
      if (s.audio == 0)
        s.aac_sequence_header_first = size >= 2 && (body[0] >> 4) == 10 && body[1] == 0x00;
      ++s.audio;
    } else if (type == 18) {
      if (s.script == 0)
        s.metadata_first_is_onmetadata = size > 13 &&
                                         std::memcmp(body, "\x02\x00\x0AonMetaData", 13) == 0;
      ++s.script;
    } else {
      s.error = "unexpected tag type " + std::to_string(type);
      return s;
    }
    pos += 11 + size + 4;
  }
  return s;
}

}  // namespace

// ffmpeg publishes 3 s to a server with `opt`; the sink must get all of it as valid FLV.
static void check_full_publish(const rtmp::server_options& opt) {
  REQUIRE_MESSAGE(have_ffmpeg(), "ffmpeg is required (scripts/setup installs it)");
  running_server rs{opt};
  REQUIRE(rs.srv->port() != 0);
  CHECK(run_ffmpeg(rs.srv->port(), "good") == 0);

  std::shared_ptr<recording_sink> sink;
  {
    std::lock_guard lock{rs.handler.mu};
    REQUIRE(rs.handler.requests.size() == 1);
    CHECK(rs.handler.requests[0].protocol == "rtmp");
    CHECK(rs.handler.requests[0].app == "live");
    CHECK(rs.handler.requests[0].stream_key == "good");
    CHECK(rs.handler.requests[0].peer.rfind("127.0.0.1:", 0) == 0);
    REQUIRE(rs.handler.sinks.size() == 1);
    sink = rs.handler.sinks[0];
  }
  REQUIRE(sink->wait_closed(5s));
  rs.finish();

  std::lock_guard lock{sink->mu};
  CHECK(sink->closes == 1);
  const auto flv = parse_flv(sink->data);
  CHECK_MESSAGE(flv.error.empty(), flv.error);
  CHECK(flv.script >= 1);
  CHECK(flv.metadata_first_is_onmetadata);
  CHECK(flv.avc_sequence_header_first);
  CHECK(flv.aac_sequence_header_first);
  CHECK(flv.video >= 80);   // 3 s at 30 fps
  CHECK(flv.audio >= 100);  // 3 s of 1024-sample AAC frames at 44.1 kHz
  CHECK(flv.last_video_ts >= 2800);
  CHECK(flv.last_video_ts < 4000);
  // An independent demuxer agrees the bytes are an FLV file with H.264 video and AAC audio.
  const std::string path = "/tmp/aethex-rtmp-test-" + std::to_string(::getpid()) + ".flv";
  {
    std::ofstream out{path, std::ios::binary};
    out.write(reinterpret_cast<const char*>(sink->data.data()),
              static_cast<std::streamsize>(sink->data.size()));
  }
  const std::string probe = "ffprobe -v error -show_entries stream=codec_name -of csv=p=0 " + path;
  std::string codecs;
  if (FILE* p = ::popen(probe.c_str(), "r")) {
    char buf[256];
    while (std::fgets(buf, sizeof buf, p))
      codecs += buf;
    CHECK(::pclose(p) == 0);
  }
  std::remove(path.c_str());
  CHECK(codecs.find("h264") != std::string::npos);
  CHECK(codecs.find("aac") != std::string::npos);

  const auto log = rs.log.str();
  CHECK(log.find("rtmp: publishing from 127.0.0.1:") != std::string::npos);
  CHECK(log.find("good") == std::string::npos);
}

TEST_CASE("server: ffmpeg publishes H.264+AAC and the sink receives a valid FLV stream") {
  check_full_publish({});
}

TEST_CASE("server: with paced reads (a low-water mark) every byte still arrives, the tail too") {
  rtmp::server_options opt;
  opt.read_batch_from = 1;  // busy from the first publisher: the mark is set after 1 s
  opt.read_batch = 50ms;
  check_full_publish(opt);
}

TEST_CASE("server: a rejected key makes ffmpeg fail, and the log never shows the key") {
  REQUIRE_MESSAGE(have_ffmpeg(), "ffmpeg is required (scripts/setup installs it)");
  running_server rs;
  CHECK(run_ffmpeg(rs.srv->port(), "bad", 1) != 0);
  {
    std::lock_guard lock{rs.handler.mu};
    REQUIRE(rs.handler.requests.size() == 1);
    CHECK(rs.handler.requests[0].stream_key == "bad");
    CHECK(rs.handler.sinks.empty());
  }
  rs.finish();
  const auto log = rs.log.str();
  INFO(log);
  CHECK(log.find("rtmp: publish rejected from 127.0.0.1:") != std::string::npos);
  CHECK(log.find("app=live: unknown stream key") != std::string::npos);
  CHECK(log.find("bad") == std::string::npos);
}

TEST_CASE("server: stop() ends a live publish and closes its sink") {
  REQUIRE_MESSAGE(have_ffmpeg(), "ffmpeg is required (scripts/setup installs it)");
  running_server rs;
  int ffmpeg_status = -1;
  std::thread publisher{[&] { ffmpeg_status = run_ffmpeg(rs.srv->port(), "good", 20); }};
  std::shared_ptr<recording_sink> sink;
  for (int i = 0; i < 200 && !sink; ++i) {
    std::this_thread::sleep_for(50ms);
    std::lock_guard lock{rs.handler.mu};
    if (!rs.handler.sinks.empty())
      sink = rs.handler.sinks[0];
  }
  REQUIRE(sink);
  CHECK(sink->wait_bytes(20'000, 10s));
  rs.srv->stop();
  CHECK(sink->wait_closed(5s));
  publisher.join();
  CHECK(ffmpeg_status != 0);
  rs.finish();
  std::lock_guard lock{sink->mu};
  CHECK(sink->closes == 1);
  CHECK(sink->reason == "server stopping");
}

TEST_CASE("server: non-RTMP clients and silent clients are disconnected") {
  rtmp::server_options opt;
  opt.publish_timeout = 300ms;
  running_server rs{opt};
  const tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), rs.srv->port()};
  asio::io_context io;

  {
    tcp::socket s{io};
    s.connect(ep);
    asio::write(s, asio::buffer(std::string_view{"GET / HTTP/1.1\r\n\r\n"}));
    std::array<char, 64> buf{};
    boost::system::error_code ec;
    s.read_some(asio::buffer(buf), ec);
    CHECK(ec);  // closed without a reply
  }
  {
    tcp::socket s{io};
    s.connect(ep);
    const auto start = std::chrono::steady_clock::now();
    std::array<char, 64> buf{};
    boost::system::error_code ec;
    s.read_some(asio::buffer(buf), ec);
    CHECK(ec);
    CHECK(std::chrono::steady_clock::now() - start < 5s);
  }
  rs.finish();
  const auto log = rs.log.str();
  INFO(log);
  CHECK(log.find("unsupported version 71") != std::string::npos);  // 'G'
  CHECK(log.find("timeout: no publish") != std::string::npos);
}

TEST_CASE("server: a publisher that goes silent is timed out and its sink closed") {
  rtmp::server_options opt;
  opt.idle_timeout = 300ms;
  running_server rs{opt};
  asio::io_context io;
  tcp::socket s{io};
  s.connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), rs.srv->port()});

  using rtmp::amf0::value;
  bytes c0c1(1537, 0);
  c0c1[0] = 3;
  asio::write(s, asio::buffer(c0c1));
  bytes s0s1s2(3073);
  asio::read(s, asio::buffer(s0s1s2));
  CHECK(s0s1s2[0] == 3);
  CHECK(std::equal(c0c1.begin() + 1, c0c1.end(), s0s1s2.begin() + 1537));

  bytes out(1536, 0);  // C2
  rtmp::chunk_writer w;
  auto cmd = [&](std::uint32_t stream, std::vector<value> args) {
    w.write(3, rtmp::msg_type::command_amf0, stream, 0, rtmp::amf0::encode_all(args), out);
  };
  cmd(0, {value::string("connect"), value::number(1),
          value::object({{"app", value::string("live")}})});
  cmd(0, {value::string("createStream"), value::number(2), value::null()});
  cmd(1, {value::string("publish"), value::number(3), value::null(), value::string("good"),
          value::string("live")});
  asio::write(s, asio::buffer(out));

  std::shared_ptr<recording_sink> sink;
  for (int i = 0; i < 100 && !sink; ++i) {
    std::this_thread::sleep_for(20ms);
    std::lock_guard lock{rs.handler.mu};
    if (!rs.handler.sinks.empty())
      sink = rs.handler.sinks[0];
  }
  REQUIRE(sink);
  REQUIRE(sink->wait_closed(5s));
  rs.finish();
  std::lock_guard lock{sink->mu};
  CHECK(sink->closes == 1);
  CHECK(sink->reason == "timeout: no data while publishing");
  CHECK(sink->data.size() == 13);  // FLV header only
}

namespace {

// RTMP handshake (C0+C1 → S0+S1+S2): true when the server answered, i.e. admitted us.
bool handshake(tcp::socket& s) {
  bytes c0c1(1537, 0);
  c0c1[0] = 3;
  boost::system::error_code ec;
  asio::write(s, asio::buffer(c0c1), ec);
  bytes s0s1s2(3073);
  asio::read(s, asio::buffer(s0s1s2), ec);
  return !ec && s0s1s2[0] == 3;
}

tcp::socket connect_from(asio::io_context& io, const char* source, unsigned short port) {
  tcp::socket s{io};
  s.open(tcp::v4());
  s.bind(tcp::endpoint{asio::ip::make_address(source), 0});
  s.connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port});
  return s;
}

}  // namespace

TEST_CASE("server: connections per address are capped; idle ones time out and free their place") {
  rtmp::server_options opt;
  opt.max_connections_per_address = 2;
  opt.publish_timeout = 1500ms;
  running_server rs{opt};
  asio::io_context io;
  auto a = connect_from(io, "127.0.0.1", rs.srv->port());
  auto b = connect_from(io, "127.0.0.1", rs.srv->port());
  REQUIRE(handshake(a));
  REQUIRE(handshake(b));

  // The third from the same address is closed at once, long before any timeout.
  const auto start = std::chrono::steady_clock::now();
  auto c = connect_from(io, "127.0.0.1", rs.srv->port());
  CHECK_FALSE(handshake(c));
  CHECK(std::chrono::steady_clock::now() - start < 1s);

  // Another address is not affected.
  auto d = connect_from(io, "127.0.0.2", rs.srv->port());
  CHECK(handshake(d));

  // The idle ones never publish: the publish deadline closes them and the address gets back in.
  std::array<char, 64> buf{};
  boost::system::error_code ec;
  a.read_some(asio::buffer(buf), ec);
  CHECK(ec);
  b.read_some(asio::buffer(buf), ec);
  CHECK(ec);
  auto e = connect_from(io, "127.0.0.1", rs.srv->port());
  CHECK(handshake(e));
  rs.finish();
  const auto log = rs.log.str();
  INFO(log);
  CHECK(log.find("too many connections from this address") != std::string::npos);
  CHECK(log.find("timeout: no publish") != std::string::npos);
}

TEST_CASE("server: the total cap holds across addresses") {
  rtmp::server_options opt;
  opt.max_connections = 2;
  opt.max_connections_per_address = 0;
  running_server rs{opt};
  asio::io_context io;
  auto a = connect_from(io, "127.0.0.21", rs.srv->port());
  auto b = connect_from(io, "127.0.0.22", rs.srv->port());
  REQUIRE(handshake(a));
  REQUIRE(handshake(b));
  auto c = connect_from(io, "127.0.0.23", rs.srv->port());
  CHECK_FALSE(handshake(c));
  a.close();
  // The server notices the close and frees the place.
  bool admitted = false;
  for (int i = 0; i < 50 && !admitted; ++i) {
    auto again = connect_from(io, "127.0.0.23", rs.srv->port());
    admitted = handshake(again);
    if (!admitted)
      std::this_thread::sleep_for(20ms);
  }
  CHECK(admitted);
}

TEST_CASE("server: out of descriptors, the accept loop pauses instead of spinning") {
  running_server rs;
  asio::io_context io;
  // Client sockets exist before the limit drops to what is open: the server's next accept fails
  // with EMFILE while they wait in the backlog.
  std::vector<tcp::socket> waiting;
  for (int i = 0; i < 2; ++i) {
    waiting.emplace_back(io);
    waiting.back().open(tcp::v4());
  }
  rlimit old{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &old) == 0);
  const int lowest_free = ::dup(0);  // descriptors are handed out lowest first
  REQUIRE(lowest_free >= 0);
  ::close(lowest_free);
  rlimit low = old;
  low.rlim_cur = static_cast<rlim_t>(lowest_free);
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
  rusage before{};
  ::getrusage(RUSAGE_SELF, &before);
  for (auto& s : waiting)
    s.connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), rs.srv->port()});
  std::this_thread::sleep_for(1s);  // the server keeps failing to accept meanwhile
  rusage after{};
  ::getrusage(RUSAGE_SELF, &after);
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &old) == 0);
  auto cpu_us = [](const rusage& r) {
    return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1'000'000L + r.ru_utime.tv_usec +
           r.ru_stime.tv_usec;
  };
  INFO("CPU while out of descriptors: " << cpu_us(after) - cpu_us(before) << " us");
  CHECK(cpu_us(after) - cpu_us(before) < 300'000);  // a spinning accept loop burns the second
  for (auto& s : waiting)
    CHECK(handshake(s));  // served once descriptors are back
  rs.finish();
  CHECK(rs.log.str().find("pausing accepts") != std::string::npos);
}

}  // namespace server_suite
