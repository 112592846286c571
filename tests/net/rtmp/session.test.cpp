#include "net/rtmp/session.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <random>

using namespace aethex::net;
using namespace aethex::net::rtmp;
using amf0::value;
using bytes = std::vector<std::uint8_t>;

namespace {

struct recording_sink : ingest::ingest_sink {
  bytes data;
  int closes = 0;
  std::string reason;
  void write(std::span<const std::byte> b) override {
    const auto* p = reinterpret_cast<const std::uint8_t*>(b.data());
    data.insert(data.end(), p, p + b.size());
  }
  void close(std::string r) override {
    ++closes;
    reason = std::move(r);
  }
};

// Decides synchronously, or holds the answer back until answer() when `defer` is set.
struct fake_handler : ingest::ingest_handler {
  std::vector<ingest::publish_request> requests;
  std::vector<std::shared_ptr<recording_sink>> sinks;
  bool defer = false;
  std::function<void()> deferred;
  void open(ingest::publish_request req, std::function<void(ingest::open_result)> done) override {
    const bool good = req.stream_key == "good";
    requests.push_back(std::move(req));
    ingest::open_result r;
    if (good) {
      sinks.push_back(std::make_shared<recording_sink>());
      r.sink = sinks.back();
    } else {
      r.reject_reason = "unknown stream key";
    }
    if (defer)
      deferred = [done, r] { done(r); };
    else
      done(r);
  }
};

// Client side of the conversation, written with our chunk writer (its framing is checked against
// hand-made bytes in chunk_reader.test.cpp) and decoded with a separate reader.
struct client {
  chunk_writer writer{128};
  chunk_reader reader;
  bytes c1 = bytes(1536);
  std::size_t handshake_left = 3073;
  std::vector<message> received;

  client() {
    std::mt19937 rng{7};
    for (std::size_t i = 8; i < c1.size(); ++i)
      c1[i] = static_cast<std::uint8_t>(rng());
  }
  bytes c0c1() const {
    bytes b{3};
    b.insert(b.end(), c1.begin(), c1.end());
    return b;
  }
  void command(bytes& out, std::uint32_t stream, std::vector<value> args,
               std::uint32_t cs = 3) const {
    writer.write(cs, msg_type::command_amf0, stream, 0, amf0::encode_all(args), out);
  }
  void media(bytes& out, std::uint8_t type, std::uint32_t ts, const bytes& body) const {
    writer.write(type == msg_type::audio ? 4 : 6, type, 1, ts, body, out);
  }
  // Consumes server output: S0+S1+S2 first, then chunked messages.
  void take(const bytes& out) {
    std::span<const std::uint8_t> rest{out};
    const auto hs = std::min(handshake_left, rest.size());
    handshake_left -= hs;
    rest = rest.subspan(hs);
    REQUIRE(reader.feed(rest, received).ok());
  }
  // Decoded arguments of received commands named `name`.
  std::vector<std::vector<value>> commands(std::string_view name) const {
    std::vector<std::vector<value>> found;
    for (const auto& m : received) {
      if (m.type != msg_type::command_amf0)
        continue;
      auto args = amf0::decode_all(m.payload);
      REQUIRE(args.ok());
      if (!args->empty() && (*args)[0].as_string() == name)
        found.push_back(*args);
    }
    return found;
  }
};

// Feeds bytes and answers publish requests through the handler, as the server's connection does.
status drive(session& s, fake_handler& h, std::span<const std::uint8_t> in, client& c) {
  auto st = s.receive(in);
  for (auto& ev : s.take_events()) {
    if (auto* req = std::get_if<publish_requested>(&ev)) {
      h.open(req->request, [&s, id = req->id](ingest::open_result r) {
        if (r.sink)
          s.accept_publish(id, r.sink);
        else
          s.reject_publish(id, r.reject_reason);
      });
    }
  }
  c.take(s.take_output());
  return st;
}

value connect_object() {
  return value::object({{"app", value::string("live")},
                        {"type", value::string("nonprivate")},
                        {"flashVer", value::string("FMLE/3.0 (compatible; FMSc/1.0)")},
                        {"tcUrl", value::string("rtmp://127.0.0.1:1935/live")}});
}

const bytes metadata_inner = amf0::encode_all(std::vector<value>{
  value::string("onMetaData"),
  value::ecma_array({{"width", value::number(320)}, {"height", value::number(240)}})});
const bytes video_config{0x17, 0x00, 0x00, 0x00, 0x00, 0x01, 0x64, 0x00, 0x0D};
const bytes video_frame = [] {
  bytes b(5000, 0xAB);
  b[0] = 0x17;
  b[1] = 0x01;
  return b;
}();
const bytes audio_frame{0xAF, 0x01, 0x21, 0x10, 0x04};

// The publisher's side of an ffmpeg-like session after the handshake's C0+C1.
bytes publish_conversation(const client& c, std::string_view name) {
  bytes b(1536, 0x5A);  // C2 (content unchecked)
  c.command(b, 0, {value::string("connect"), value::number(1), connect_object()});
  c.writer.write(2, msg_type::set_chunk_size, 0, 0, bytes{0, 0, 0x10, 0},
                 b);  // 4096, as ffmpeg does
  chunk_writer big{4096};
  auto cmd = [&](std::uint32_t stream, std::vector<value> args) {
    big.write(3, msg_type::command_amf0, stream, 0, amf0::encode_all(args), b);
  };
  cmd(0, {value::string("releaseStream"), value::number(2), value::null(),
          value::string(std::string{name})});
  cmd(0, {value::string("FCPublish"), value::number(3), value::null(),
          value::string(std::string{name})});
  cmd(0, {value::string("createStream"), value::number(4), value::null()});
  cmd(1, {value::string("publish"), value::number(5), value::null(),
          value::string(std::string{name}), value::string("live")});
  return b;
}

bytes media_and_unpublish() {
  chunk_writer big{4096};
  bytes b;
  bytes data = amf0::encode_all(std::vector<value>{value::string("@setDataFrame")});
  data.insert(data.end(), metadata_inner.begin(), metadata_inner.end());
  big.write(4, msg_type::data_amf0, 1, 0, data, b);
  big.write(6, msg_type::video, 1, 0, video_config, b);
  big.write(4, msg_type::audio, 1, 23, audio_frame, b);
  big.write(6, msg_type::video, 1, 0x01020304, video_frame, b);  // extended timestamp
  big.write(3, msg_type::command_amf0, 1, 0,
            amf0::encode_all(std::vector<value>{value::string("FCUnpublish"), value::number(6),
                                                value::null(), value::string("good")}),
            b);
  big.write(3, msg_type::command_amf0, 0, 0,
            amf0::encode_all(std::vector<value>{value::string("deleteStream"), value::number(7),
                                                value::null(), value::number(1)}),
            b);
  return b;
}

bytes expected_tag(std::uint8_t type, std::uint32_t ts, const bytes& body) {
  const auto n = static_cast<std::uint32_t>(body.size());
  bytes t{type,
          std::uint8_t(n >> 16),
          std::uint8_t(n >> 8),
          std::uint8_t(n),
          std::uint8_t(ts >> 16),
          std::uint8_t(ts >> 8),
          std::uint8_t(ts),
          std::uint8_t(ts >> 24),
          0,
          0,
          0};
  t.insert(t.end(), body.begin(), body.end());
  const auto prev = n + 11;
  t.insert(t.end(), {std::uint8_t(prev >> 24), std::uint8_t(prev >> 16), std::uint8_t(prev >> 8),
                     std::uint8_t(prev)});
  return t;
}

bytes expected_flv() {
  bytes f{'F', 'L', 'V', 0x01, 0x05, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00};
  for (const auto& t : {expected_tag(18, 0, metadata_inner), expected_tag(9, 0, video_config),
                        expected_tag(8, 23, audio_frame), expected_tag(9, 0x01020304, video_frame)})
    f.insert(f.end(), t.begin(), t.end());
  return f;
}

std::string status_code(const std::vector<value>& on_status) {
  REQUIRE(on_status.size() >= 4);
  return std::string{on_status[3].get("code")->as_string()};
}

}  // namespace

TEST_CASE("session: connect, createStream, publish, media, deleteStream") {
  fake_handler h;
  client c;
  session s{"10.0.0.1:5000"};

  // Handshake: S0 = 3, S2 echoes C1.
  const auto c0c1 = c.c0c1();
  REQUIRE(s.receive(c0c1).ok());
  const auto hs = s.take_output();
  REQUIRE(hs.size() == 3073);
  CHECK(hs[0] == 3);
  CHECK(bytes(hs.begin() + 1537, hs.end()) == c.c1);
  CHECK(std::all_of(hs.begin() + 5, hs.begin() + 9,
                    [](auto b) { return b == 0; }));  // S1 zero field
  c.handshake_left = 0;

  REQUIRE(drive(s, h, publish_conversation(c, "good?token=abc"), c).ok());

  // Connect replies: Window Ack Size, Set Peer Bandwidth, Set Chunk Size (applied by the reader).
  REQUIRE(c.received.size() >= 3);
  CHECK(c.received[0].type == msg_type::window_ack_size);
  CHECK(c.received[0].payload == bytes{0x00, 0x26, 0x25, 0xA0});  // 2'500'000
  CHECK(c.received[1].type == msg_type::set_peer_bandwidth);
  CHECK(c.received[1].payload == bytes{0x00, 0x26, 0x25, 0xA0, 0x02});
  CHECK(c.reader.chunk_size() == 4096);

  auto results = c.commands("_result");
  REQUIRE(results.size() == 4);  // connect, releaseStream, FCPublish, createStream
  CHECK(results[0][1].as_number() == 1);
  CHECK(results[0][3].get("code")->as_string() == "NetConnection.Connect.Success");
  CHECK(results[3][1].as_number() == 4);
  CHECK(results[3][3].as_number() == 1);  // stream id
  CHECK(c.commands("onFCPublish").size() == 1);

  // The handler saw the request with the query string stripped from the key.
  REQUIRE(h.requests.size() == 1);
  CHECK(h.requests[0].protocol == "rtmp");
  CHECK(h.requests[0].app == "live");
  CHECK(h.requests[0].stream_key == "good");
  CHECK(h.requests[0].peer == "10.0.0.1:5000");
  CHECK(h.requests[0].format == ingest::container::flv);
  auto status = c.commands("onStatus");
  REQUIRE(status.size() == 1);
  CHECK(status_code(status[0]) == "NetStream.Publish.Start");
  CHECK(s.publishing());
  REQUIRE(h.sinks.size() == 1);
  auto sink = h.sinks[0];
  CHECK(sink->data.size() == 13);

  REQUIRE(drive(s, h, media_and_unpublish(), c).ok());
  CHECK(sink->data == expected_flv());
  CHECK(sink->closes == 1);
  CHECK(sink->reason == "unpublished");
  CHECK_FALSE(s.publishing());

  s.close("publisher disconnected");
  CHECK(sink->closes == 1);  // exactly once
  // No description sent to the client contains the key.
  for (const auto& m : c.received) {
    const std::string text(m.payload.begin(), m.payload.end());
    CHECK(text.find("good") == std::string::npos);
  }
}

TEST_CASE("session: input fed one byte at a time produces the same stream") {
  fake_handler h;
  client c;
  session s{"10.0.0.1:5000"};
  bytes all = c.c0c1();
  const auto conv = publish_conversation(c, "good");
  all.insert(all.end(), conv.begin(), conv.end());
  const auto media = media_and_unpublish();
  all.insert(all.end(), media.begin(), media.end());
  for (auto b : all)
    REQUIRE(drive(s, h, std::span{&b, 1}, c).ok());
  REQUIRE(h.sinks.size() == 1);
  CHECK(h.sinks[0]->data == expected_flv());
  CHECK(h.sinks[0]->closes == 1);
  CHECK(c.commands("onStatus").size() == 1);
  CHECK(s.bytes_received() == all.size());
}

TEST_CASE("session: media arriving while the handler decides is kept and delivered in order") {
  fake_handler h;
  h.defer = true;
  client c;
  session s{"10.0.0.1:5000"};
  REQUIRE(drive(s, h, c.c0c1(), c).ok());
  REQUIRE(drive(s, h, publish_conversation(c, "good"), c).ok());
  REQUIRE(h.deferred);
  CHECK(c.commands("onStatus").empty());
  bytes media;
  chunk_writer{4096}.write(6, msg_type::video, 1, 0, video_config, media);
  REQUIRE(drive(s, h, media, c).ok());
  h.deferred();
  c.take(s.take_output());
  REQUIRE(c.commands("onStatus").size() == 1);
  bytes want{'F', 'L', 'V', 0x01, 0x05, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00};
  const auto tag = expected_tag(9, 0, video_config);
  want.insert(want.end(), tag.begin(), tag.end());
  CHECK(h.sinks[0]->data == want);
  s.close("publisher disconnected");
  CHECK(h.sinks[0]->closes == 1);
  CHECK(h.sinks[0]->reason == "publisher disconnected");
}

TEST_CASE("session: an acceptance that arrives after the publisher left closes the sink") {
  fake_handler h;
  h.defer = true;
  client c;
  session s{"10.0.0.1:5000"};
  REQUIRE(drive(s, h, c.c0c1(), c).ok());
  REQUIRE(drive(s, h, publish_conversation(c, "good"), c).ok());
  s.close("publisher disconnected");
  h.deferred();
  REQUIRE(h.sinks.size() == 1);
  CHECK(h.sinks[0]->closes == 1);
  CHECK(h.sinks[0]->data.empty());
}

TEST_CASE("session: a rejected key gets an error status and the connection is to be closed") {
  fake_handler h;
  client c;
  session s{"10.0.0.1:5000"};
  REQUIRE(drive(s, h, c.c0c1(), c).ok());
  REQUIRE(drive(s, h, publish_conversation(c, "bad"), c).ok());
  auto status = c.commands("onStatus");
  REQUIRE(status.size() == 1);
  CHECK(status_code(status[0]) == "NetStream.Publish.BadName");
  CHECK(status[0][3].get("level")->as_string() == "error");
  CHECK(status[0][3].get("description")->as_string() == "unknown stream key");
  CHECK(s.wants_close());
  CHECK_FALSE(s.publishing());
  CHECK(h.sinks.empty());

  // An empty key never reaches the handler.
  fake_handler h2;
  client c2;
  session s2{"10.0.0.1:5001"};
  REQUIRE(drive(s2, h2, c2.c0c1(), c2).ok());
  REQUIRE(drive(s2, h2, publish_conversation(c2, "?only=query"), c2).ok());
  CHECK(h2.requests.empty());
  CHECK(s2.wants_close());
}

TEST_CASE("session: acknowledges once the peer's window is exceeded, answers pings") {
  fake_handler h;
  client c;
  session s{"10.0.0.1:5000"};
  REQUIRE(drive(s, h, c.c0c1(), c).ok());
  bytes b(1536, 0);
  c.command(b, 0, {value::string("connect"), value::number(1), connect_object()});
  c.writer.write(2, msg_type::window_ack_size, 0, 0, bytes{0, 0, 0x07, 0xD0}, b);  // 2000
  c.writer.write(2, msg_type::user_control, 0, 0, bytes{0, 6, 0, 0, 0x12, 0x34}, b);
  REQUIRE(drive(s, h, b, c).ok());
  auto acks = [&] {
    std::vector<std::uint32_t> seqs;
    for (const auto& m : c.received)
      if (m.type == msg_type::acknowledgement)
        seqs.push_back((std::uint32_t{m.payload[0]} << 24) | (m.payload[1] << 16) |
                       (m.payload[2] << 8) | m.payload[3]);
    return seqs;
  };
  // 1537 + 1536 + commands > 2000: one ack carrying the byte count so far.
  REQUIRE(acks().size() == 1);
  CHECK(acks()[0] == s.bytes_received());
  bool pong = false;
  for (const auto& m : c.received)
    if (m.type == msg_type::user_control && m.payload == bytes{0, 7, 0, 0, 0x12, 0x34})
      pong = true;
  CHECK(pong);
  bytes more;
  c.media(more, msg_type::audio, 0, bytes(1000, 1));
  REQUIRE(drive(s, h, more, c).ok());
  CHECK(acks().size() == 1);  // not yet another 2000 bytes
  REQUIRE(drive(s, h, more, c).ok());
  CHECK(acks().size() == 2);
}

TEST_CASE("session: malformed input yields an error, never a crash") {
  auto after_connect = [](const bytes& tail, session_options opt = {}) {
    fake_handler h;
    client c;
    session s{"10.0.0.1:5000", opt};
    REQUIRE(drive(s, h, c.c0c1(), c).ok());
    bytes b(1536, 0);
    c.command(b, 0, {value::string("connect"), value::number(1), connect_object()});
    b.insert(b.end(), tail.begin(), tail.end());
    auto st = drive(s, h, b, c);
    return st.ok() ? std::string{} : st.message();
  };

  {
    session s{"p"};
    bytes c0{6};
    auto st = s.receive(c0);
    REQUIRE_FALSE(st.ok());
    CHECK(st.message().find("unsupported version 6") != std::string::npos);
  }
  CHECK(after_connect({0xC9, 1, 2, 3}).find("without a type-0 header") != std::string::npos);
  CHECK(after_connect({0x03, 0, 0, 0, 0, 0, 3, 0x14, 0, 0, 0, 0, 0x02, 0x00, 0x09})
          .find("malformed command") != std::string::npos);
  CHECK(after_connect({0x03, 0, 0, 0, 0, 0, 1, 0x14, 0, 0, 0, 0, 0x05}).find("without a name") !=
        std::string::npos);
  session_options small;
  small.limits.max_message_size = 100'000;
  CHECK(after_connect({0x03, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x09, 1, 0, 0, 0}, small)
          .find("exceeds the limit") != std::string::npos);
  {
    // Before publish no message may be larger than a command: a 16 MiB message header is
    // refused at once instead of being buffered (the default limits, not a small test limit).
    auto big = after_connect({0x03, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x14, 0, 0, 0, 0});
    CHECK_MESSAGE(big.find("exceeds the limit") != std::string::npos, big);
    fake_handler h;
    client c;
    session s{"p"};
    REQUIRE(drive(s, h, c.c0c1(), c).ok());
    bytes b(1536, 0);
    std::vector<value> args{value::string("connect"), value::number(1), connect_object()};
    for (int i = 0; i < 3000; ++i)
      args.push_back(value::string(std::string(30, 'x')));
    c.command(b, 0, args);  // ~100 KB: over the 64 KiB command limit
    auto st = drive(s, h, b, c);
    REQUIRE_FALSE(st.ok());
    CHECK(st.message().find("exceeds the limit") != std::string::npos);
  }
  {
    // Commands before connect are refused.
    fake_handler h;
    client c;
    session s{"p"};
    REQUIRE(drive(s, h, c.c0c1(), c).ok());
    bytes b(1536, 0);
    c.command(b, 0, {value::string("createStream"), value::number(2), value::null()});
    auto st = drive(s, h, b, c);
    REQUIRE_FALSE(st.ok());
    CHECK(st.message().find("before connect") != std::string::npos);
  }

  // Random garbage after a valid connect: any outcome but a crash or a hang.
  std::mt19937 rng{1234};
  for (int i = 0; i < 300; ++i) {
    bytes junk(std::uniform_int_distribution<std::size_t>{1, 3000}(rng));
    for (auto& x : junk)
      x = static_cast<std::uint8_t>(rng());
    if (i % 2)
      junk[0] = 0x03;  // start with a plausible type-0 header on csid 3
    (void)after_connect(junk);
  }
}
