#include "net/rtmp/session.hpp"

#include <algorithm>

namespace aethex::net::rtmp {

namespace {

using amf0::property;
using amf0::value;

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}
std::uint32_t be24(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2];
}
void put_be(std::vector<std::uint8_t>& out, std::uint32_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i)
    out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

constexpr std::uint16_t uc_stream_begin = 0;
// A metadata string longer than this is cut (the music entity keeps 200 characters).
constexpr std::size_t max_metadata_bytes = 1024;
constexpr std::uint16_t uc_ping_request = 6;
constexpr std::uint16_t uc_ping_response = 7;

std::string strip_query(std::string_view s) { return std::string{s.substr(0, s.find('?'))}; }

// App from connect's "app", or failing that the path of "tcUrl" (rtmp://host[:port]/app[/inst]).
std::string app_from(const value& cmd) {
  std::string_view app;
  if (const value* a = cmd.get("app"))
    app = a->as_string();
  if (app.empty()) {
    if (const value* t = cmd.get("tcUrl")) {
      std::string_view url = t->as_string();
      if (auto scheme = url.find("://"); scheme != std::string_view::npos)
        url.remove_prefix(scheme + 3);
      if (auto slash = url.find('/'); slash != std::string_view::npos)
        app = url.substr(slash + 1);
    }
  }
  std::string out = strip_query(app);
  while (!out.empty() && out.back() == '/')
    out.pop_back();
  return out;
}

}  // namespace

void append_flv_header(std::vector<std::uint8_t>& out) {
  static constexpr std::uint8_t header[13] = {'F', 'L', 'V', 1, 0x05, 0, 0, 0, 9, 0, 0, 0, 0};
  out.insert(out.end(), std::begin(header), std::end(header));
}

void append_flv_tag(std::vector<std::uint8_t>& out, std::uint8_t type, std::uint32_t timestamp,
                    std::span<const std::uint8_t> body) {
  const auto size = static_cast<std::uint32_t>(body.size());
  out.push_back(type);
  put_be(out, size, 3);
  put_be(out, timestamp & 0xFFFFFF, 3);
  out.push_back(static_cast<std::uint8_t>(timestamp >> 24));  // TimestampExtended: upper 8 bits
  put_be(out, 0, 3);                                          // StreamID, always 0
  out.insert(out.end(), body.begin(), body.end());
  put_be(out, 11 + size, 4);  // PreviousTagSize
}

session::session(std::string peer, session_options options)
    : peer_(std::move(peer)), opt_(options), reader_(options.limits),
      peer_window_(options.default_peer_window) {
  reader_.set_max_message_size(std::min(opt_.limits.max_message_size, opt_.max_command_size));
}

session::~session() { close("session destroyed"); }

std::vector<std::uint8_t> session::take_output() { return std::exchange(out_, {}); }
std::vector<session_event> session::take_events() { return std::exchange(events_, {}); }

status session::receive(std::span<const std::uint8_t> bytes) {
  if (phase_ == phase::closed)
    return error{"rtmp: session is closed"};
  bytes_in_ += bytes.size();
  if (phase_ == phase::handshake) {
    auto used = handshake_.feed(bytes, out_);
    if (!used)
      return used.err();
    if (!handshake_.done())
      return ok();
    phase_ = phase::unconnected;
    bytes = bytes.subspan(*used);
  }
  inbox_.clear();
  auto parsed = reader_.feed(bytes, inbox_);
  // Messages completed before a framing error are still handled: they arrived intact.
  for (auto& m : inbox_) {
    if (auto st = on_message(m); !st)
      return st;
    if (phase_ == phase::closed || wants_close_)
      break;
  }
  inbox_.clear();
  if (!parsed)
    return parsed;
  maybe_acknowledge();
  return ok();
}

void session::maybe_acknowledge() {
  if (peer_window_ == 0 || bytes_in_ - last_ack_ < peer_window_)
    return;
  last_ack_ = bytes_in_;
  send_control(msg_type::acknowledgement,
               static_cast<std::uint32_t>(bytes_in_));  // wraps by design
}

status session::on_message(message& m) {
  const std::span<const std::uint8_t> body{m.payload};
  switch (m.type) {
    case msg_type::window_ack_size:
      if (body.size() < 4)
        return error{"rtmp: short Window Acknowledgement Size"};
      peer_window_ = be32(body.data());
      return ok();
    case msg_type::user_control:
      if (body.size() >= 6 && ((body[0] << 8) | body[1]) == uc_ping_request) {
        std::vector<std::uint8_t> pong{0, uc_ping_response};
        pong.insert(pong.end(), body.begin() + 2, body.begin() + 6);
        send(csid::control, msg_type::user_control, 0, pong);
      }
      return ok();
    case msg_type::audio:
    case msg_type::video:
    case msg_type::data_amf0: on_media(m.type, m.timestamp, body); return ok();
    case msg_type::aggregate: on_aggregate(m); return ok();
    case msg_type::command_amf0:
      if (body.size() > opt_.max_command_size)
        return command_too_big(body.size());
      return on_command(body, m.stream_id);
    case msg_type::command_amf3:
      // AMF3 commands start with a format byte; 0 means the rest is plain AMF0.
      if (body.empty() || body[0] != 0)
        return ok();
      if (body.size() > opt_.max_command_size)
        return command_too_big(body.size());
      return on_command(body.subspan(1), m.stream_id);
    default:
      // Acknowledgement, Set Peer Bandwidth, AMF3 data, shared objects: nothing for an ingest.
      return ok();
  }
}

status session::command_too_big(std::size_t bytes) const {
  return error{"rtmp: command of " + std::to_string(bytes) + " bytes exceeds the limit of " +
               std::to_string(opt_.max_command_size)};
}

status session::on_command(std::span<const std::uint8_t> body, std::uint32_t stream_id) {
  auto decoded = amf0::decode_all(body);
  if (!decoded)
    return error{"rtmp: malformed command: " + decoded.message()};
  const auto& args = *decoded;
  if (args.empty() || !args[0].is(amf0::kind::string))
    return error{"rtmp: command without a name"};
  const std::string_view name = args[0].as_string();
  const double txn = args.size() > 1 ? args[1].as_number() : 0.0;
  const value none;
  const value& cmd = args.size() > 2 ? args[2] : none;
  const std::string_view arg3 = args.size() > 3 ? args[3].as_string() : std::string_view{};

  if (name == "connect") {
    if (phase_ != phase::unconnected)
      return error{"rtmp: connect sent twice"};
    app_ = app_from(cmd);
    phase_ = phase::connected;
    send_control(msg_type::window_ack_size, opt_.window_ack_size);
    std::vector<std::uint8_t> bw;
    put_be(bw, opt_.peer_bandwidth, 4);
    bw.push_back(2);  // limit type: dynamic
    send(csid::control, msg_type::set_peer_bandwidth, 0, bw);
    send_control(msg_type::set_chunk_size, opt_.out_chunk_size);
    writer_.set_chunk_size(opt_.out_chunk_size);
    send_command(csid::command, 0,
                 {value::string("_result"), value::number(txn),
                  value::object({{"fmsVer", value::string("FMS/3,0,1,123")},
                                 {"capabilities", value::number(31)}}),
                  value::object({{"level", value::string("status")},
                                 {"code", value::string("NetConnection.Connect.Success")},
                                 {"description", value::string("Connection succeeded.")},
                                 {"objectEncoding", value::number(0)}})});
    return ok();
  }
  if (phase_ == phase::unconnected)
    return error{"rtmp: command '" + std::string{name} + "' before connect"};

  if (name == "releaseStream") {
    send_command(csid::command, 0, {value::string("_result"), value::number(txn), value::null()});
  } else if (name == "FCPublish") {
    // The stream name is the key: never echo it back in descriptions (clients log them).
    send_command(csid::command, 0,
                 {value::string("onFCPublish"), value::number(0), value::null(),
                  value::object({{"code", value::string("NetStream.Publish.Start")},
                                 {"description", value::string("FCPublish")}})});
    send_command(csid::command, 0, {value::string("_result"), value::number(txn), value::null()});
  } else if (name == "createStream") {
    if (next_stream_id_ > 16)
      return error{"rtmp: too many createStream calls"};
    send_command(csid::command, 0,
                 {value::string("_result"), value::number(txn), value::null(),
                  value::number(next_stream_id_++)});
  } else if (name == "publish") {
    if (phase_ == phase::publish_pending || phase_ == phase::publishing)
      return error{"rtmp: publish while already publishing"};
    publish_stream_id_ = stream_id;
    std::string key = strip_query(arg3);
    ++publish_id_;
    if (key.empty()) {
      reject_publish(publish_id_, "empty stream key");
      return ok();
    }
    phase_ = phase::publish_pending;
    // Media may follow the publish command at once (held while the key is checked, within
    // max_pending_media), and keyframes are larger than any command.
    reader_.set_max_message_size(opt_.limits.max_message_size);
    pending_flv_.clear();
    events_.push_back(publish_requested{
      publish_id_,
      ingest::publish_request{"rtmp", app_, std::move(key), peer_, ingest::container::flv}});
  } else if (name == "FCUnpublish" || name == "deleteStream" || name == "closeStream") {
    unpublish("unpublished");
  } else if (name == "_result" || name == "_error" || name == "onStatus" || name == "_checkbw" ||
             name == "onBWDone") {
    // Replies and courtesy calls: nothing to answer.
  } else if (txn != 0) {
    send_command(csid::command, 0,
                 {value::string("_error"), value::number(txn), value::null(),
                  value::object({{"level", value::string("error")},
                                 {"code", value::string("NetConnection.Call.Failed")},
                                 {"description", value::string("unsupported command")}})});
  }
  return ok();
}

void session::on_media(std::uint8_t type, std::uint32_t timestamp,
                       std::span<const std::uint8_t> body) {
  if (phase_ != phase::publishing && phase_ != phase::publish_pending)
    return;
  if (type == msg_type::data_amf0) {
    // Publishers wrap metadata as @setDataFrame("onMetaData", {...}); FLV files hold the inner
    // call. Anything we cannot parse is dropped rather than handed to a demuxer.
    std::size_t pos = 0;
    auto first = amf0::decode(body, pos);
    if (!first)
      return;
    if (first->as_string() == "@setDataFrame")
      body = body.subspan(pos);
    else if (first->as_string() == "@clearDataFrame")
      return;
    if (body.empty())
      return;
    on_data_call(body);
  }
  if (phase_ == phase::publishing) {
    std::vector<std::uint8_t> tag;
    tag.reserve(body.size() + 15);
    append_flv_tag(tag, type, timestamp, body);
    sink_->write(std::as_bytes(std::span{tag}));
  } else if (pending_flv_.size() + body.size() + 15 <= opt_.max_pending_media) {
    append_flv_tag(pending_flv_, type, timestamp, body);
  }
  // else: the handler is slow to decide; the oldest media is kept, newer is dropped.
}

// Now-playing metadata: onMetaData's title/artist/album (at publish and again at each track) or
// onTextData's "Artist - Title" line. The call still goes into the FLV stream as it is.
void session::on_data_call(std::span<const std::uint8_t> body) {
  std::size_t pos = 0;
  auto name = amf0::decode(body, pos);
  if (!name)
    return;
  auto arg = amf0::decode(body, pos);
  if (!arg)
    return;
  auto text_of = [&](const char* key) {
    const value* v = arg->get(key);
    return v ? std::string{v->as_string().substr(0, max_metadata_bytes)} : std::string{};
  };
  ingest::stream_metadata meta;
  if (name->as_string() == "onMetaData") {
    meta.title = text_of("title");
    meta.artist = text_of("artist");
    meta.album = text_of("album");
    if (meta.title.empty())
      return;  // encoder settings only (every publisher sends those)
  } else if (name->as_string() == "onTextData") {
    meta.text = text_of("text");
    if (meta.text.empty())
      return;
  } else {
    return;
  }
  if (phase_ == phase::publishing)
    sink_->metadata(std::move(meta));
  else
    pending_metadata_ = std::move(meta);
}

void session::on_aggregate(const message& m) {
  // An aggregate body is a run of FLV tags; sub-tag timestamps are relative to the first one.
  std::span<const std::uint8_t> b{m.payload};
  std::uint32_t base = 0;
  bool first = true;
  while (b.size() >= 11) {
    const std::uint8_t type = b[0] & 0x1F;
    const std::uint32_t size = be24(b.data() + 1);
    const std::uint32_t ts = be24(b.data() + 4) | (std::uint32_t{b[7]} << 24);
    if (b.size() - 11 < size)
      return;  // truncated: drop the rest
    if (first) {
      base = ts;
      first = false;
    }
    if (type == msg_type::audio || type == msg_type::video || type == msg_type::data_amf0)
      on_media(type, m.timestamp + (ts - base), b.subspan(11, size));
    b = b.subspan(std::min<std::size_t>(b.size(), 11 + std::size_t{size} + 4));
  }
}

void session::accept_publish(std::uint64_t id, std::shared_ptr<ingest::ingest_sink> sink) {
  if (!sink)
    return reject_publish(id, "rejected");
  if (id != publish_id_ || phase_ != phase::publish_pending) {
    // The publisher left (or gave up) while the handler was deciding.
    sink->close("publisher gone before publishing started");
    return;
  }
  sink_ = std::move(sink);
  phase_ = phase::publishing;
  std::vector<std::uint8_t> start;
  start.reserve(13 + pending_flv_.size());
  append_flv_header(start);
  start.insert(start.end(), pending_flv_.begin(), pending_flv_.end());
  pending_flv_ = {};
  sink_->write(std::as_bytes(std::span{start}));
  if (auto meta = std::exchange(pending_metadata_, std::nullopt))
    sink_->metadata(std::move(*meta));

  std::vector<std::uint8_t> begin{0, uc_stream_begin};
  put_be(begin, publish_stream_id_, 4);
  send(csid::control, msg_type::user_control, 0, begin);
  send_status("status", "NetStream.Publish.Start", "Start publishing");
}

void session::reject_publish(std::uint64_t id, std::string_view reason) {
  if (id != publish_id_ || (phase_ != phase::publish_pending && phase_ != phase::connected))
    return;
  phase_ = phase::connected;
  pending_flv_ = {};
  pending_metadata_.reset();
  send_status("error", "NetStream.Publish.BadName", reason.empty() ? "rejected" : reason);
  wants_close_ = true;
}

void session::unpublish(std::string reason) {
  if (phase_ == phase::publishing) {
    auto sink = std::exchange(sink_, nullptr);
    sink->close(reason);
    events_.push_back(unpublished{std::move(reason)});
  }
  if (phase_ == phase::publishing || phase_ == phase::publish_pending)
    phase_ = phase::connected;
  pending_flv_ = {};
  pending_metadata_.reset();
}

void session::close(std::string reason) {
  if (phase_ == phase::closed)
    return;
  phase_ = phase::closed;
  pending_flv_ = {};
  pending_metadata_.reset();
  if (auto sink = std::exchange(sink_, nullptr))
    sink->close(std::move(reason));
}

void session::send(std::uint32_t chunk_stream, std::uint8_t type, std::uint32_t stream_id,
                   std::span<const std::uint8_t> payload) {
  writer_.write(chunk_stream, type, stream_id, 0, payload, out_);
}

void session::send_control(std::uint8_t type, std::uint32_t v) {
  std::vector<std::uint8_t> p;
  put_be(p, v, 4);
  send(csid::control, type, 0, p);
}

void session::send_command(std::uint32_t chunk_stream, std::uint32_t stream_id,
                           std::initializer_list<value> values) {
  const auto body = amf0::encode_all(std::span{values.begin(), values.size()});
  send(chunk_stream, msg_type::command_amf0, stream_id, body);
}

void session::send_status(std::string_view level, std::string_view code,
                          std::string_view description) {
  send_command(csid::stream_status, publish_stream_id_,
               {value::string("onStatus"), value::number(0), value::null(),
                value::object({{"level", value::string(std::string{level})},
                               {"code", value::string(std::string{code})},
                               {"description", value::string(std::string{description})}})});
}

}  // namespace aethex::net::rtmp
