#include "net/ws/chat_socket.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <caf/all.hpp>

#include "actors/chat_types.hpp"

namespace aethex::net::ws {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

struct chat_endpoint::shared {
  shared(caf::actor_system& s, actors::viewer_context c, chat_socket_options o)
      : sys(s), ctx(std::move(c)), opts(o) {}
  caf::actor_system& sys;
  actors::viewer_context ctx;
  chat_socket_options opts;
  std::mutex mu;
  std::vector<std::shared_ptr<actors::chat_lane>> lanes;  // made on the first connection
  std::atomic<std::size_t> next_lane{0};
};

namespace {

using strand_type = asio::strand<asio::io_context::executor_type>;
using socket_type = asio::basic_stream_socket<asio::ip::tcp, strand_type>;
using frame_ptr = actors::chat_frame;

// Idle connections keep only this much read buffer; larger messages grow it while they arrive.
constexpr std::size_t first_read_chunk = 64;
constexpr std::size_t next_read_chunk = 4096;

// A completion of one of Beast's writes, run once its bytes reached the kernel.
struct completion {
  virtual ~completion() = default;
  virtual void run(beast::error_code ec) = 0;
};

template <class F>
struct completion_of final : completion {
  explicit completion_of(F f) : fn(std::move(f)) {}
  void run(beast::error_code ec) override { fn(ec); }
  F fn;
};

class connection;

// Beast's next layer. Reads go straight to the socket; Beast's own writes (handshake answer,
// pings, pongs, close) join the connection's output queue, so they never interleave with the
// frames the connection writes itself.
class lane_stream {
 public:
  using executor_type = strand_type;

  lane_stream(socket_type sock, connection& owner) : sock_(std::move(sock)), owner_(&owner) {}

  executor_type get_executor() noexcept { return sock_.get_executor(); }
  socket_type& socket() { return sock_; }

  template <class Buffers, class Handler>
  void async_read_some(const Buffers& buffers, Handler&& handler) {
    sock_.async_read_some(buffers, std::forward<Handler>(handler));
  }

  template <class Buffers, class Handler>
  void async_write_some(const Buffers& buffers, Handler&& handler);

 private:
  socket_type sock_;
  connection* owner_;
};

// Found by Beast through ADL: closing and tearing down our layer acts on its socket.
void beast_close_socket(lane_stream& s) {
  beast::error_code ec;
  s.socket().close(ec);
}

template <class Handler>
void async_teardown(beast::role_type role, lane_stream& s, Handler&& handler) {
  websocket::async_teardown(role, s.socket(), std::forward<Handler>(handler));
}

// Bytes waiting for the kernel: a fan-out frame (shared payload) or raw bytes of Beast. Queued
// frames are framed only when they are about to be written: all that queued up by then become
// one WebSocket message, a JSON array of the frames (fewer messages for a slow reader to parse).
struct pending_write {
  frame_ptr payload;
  std::string raw;
  std::unique_ptr<completion> done;
  std::array<char, 11> head{};  // frame header, plus '[' when this frame opens a batch
  std::uint8_t head_len = 0;
  char tail = 0;                // ',' or ']' inside a batch
  std::uint8_t tail_len = 0;
  bool trim = false;            // the payload is itself a batch: write it without its brackets
  bool sealed = false;          // framing fixed (writing may have begun)
  std::size_t sent = 0;         // of head + payload + tail (or raw)

  std::size_t body() const {
    return payload ? payload->size() - (trim ? 2 : 0) : raw.size();
  }
  std::size_t size() const { return head_len + body() + tail_len; }
};

bool is_batch(const std::string& frame) { return !frame.empty() && frame.front() == '['; }

// Header of an unmasked, final text frame (RFC 6455 5.2).
std::uint8_t frame_head(std::array<char, 11>& head, std::size_t len) {
  head[0] = static_cast<char>(0x81);
  if (len < 126) {
    head[1] = static_cast<char>(len);
    return 2;
  }
  if (len <= 0xffff) {
    head[1] = 126;
    head[2] = static_cast<char>(len >> 8);
    head[3] = static_cast<char>(len & 0xff);
    return 4;
  }
  head[1] = 127;
  for (int i = 0; i < 8; ++i)
    head[2 + i] = static_cast<char>((static_cast<std::uint64_t>(len) >> (56 - 8 * i)) & 0xff);
  return 10;
}

using sink_list = std::shared_ptr<const std::vector<actors::chat_sink_ptr>>;

class write_lane final : public actors::chat_lane,
                         public std::enable_shared_from_this<write_lane> {
 public:
  explicit write_lane(asio::io_context& io) : strand_(asio::make_strand(io)) {}
  void deliver(frame_ptr frame, sink_list sinks) override;
  const strand_type& strand() const { return strand_; }

 private:
  void run();

  strand_type strand_;
  std::mutex mu_;
  std::vector<std::pair<frame_ptr, sink_list>> pending_;  // frames waiting for the strand
  bool scheduled_ = false;
};

class connection final : public actors::chat_sink,
                         public actors::viewer_parking,
                         public std::enable_shared_from_this<connection> {
 public:
  connection(socket_type sock, std::shared_ptr<write_lane> l,
             std::shared_ptr<chat_endpoint::shared> shared, std::string peer)
      : ws_(std::move(sock), *this), lane_(std::move(l)), shared_(std::move(shared)),
        peer_(std::move(peer)) {}

  void start(http::request&& req) {
    const auto& opts = shared_->opts;
    auto& sock = ws_.next_layer().socket();
    beast::error_code ignored;
    sock.set_option(asio::socket_base::send_buffer_size(opts.send_buffer_bytes), ignored);
    sock.set_option(asio::ip::tcp::no_delay(true), ignored);
    sock.non_blocking(true, ignored);  // our own writes never block a lane
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.idle_timeout = opts.idle_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(beast::http::field::server, "aethex"); }));
    ws_.read_message_max(opts.max_frame_bytes + 2 * next_read_chunk);  // backstop only
    ws_.auto_fragment(false);
    ws_.text(true);
    auto request = std::make_shared<http::request>(std::move(req));
    ws_.async_accept(*request, [self = shared_from_this(), request](beast::error_code ec) {
      if (ec)
        return self->finish();
      self->read();
    });
  }

  // chat_sink: from any thread.
  bool push(frame_ptr frame) override {
    if (gone_.load(std::memory_order_relaxed))
      return false;
    asio::post(ws_.get_executor(),
               [self = shared_from_this(), frame = std::move(frame)] { self->send(frame); });
    return true;
  }

  void close(std::string reason) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), reason = std::move(reason)] {
      self->close_with(websocket::close_code::going_away, reason);
    });
  }

  std::shared_ptr<actors::chat_lane> lane() const override { return lane_; }

  // viewer_parking: from the session's thread.
  void offer_park(const caf::actor& session, std::uint64_t frames,
                  actors::viewer_parked state) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), session, frames,
                                    state = std::move(state)]() mutable {
      // Only when every frame we gave this session has been handled: none can get lost.
      if (self->done_ || self->session_ != session || self->frames_to_session_ != frames)
        return;
      self->parked_ = std::move(state);
      self->session_ = caf::actor{};
      caf::anon_send(session, actors::ws_park_atom::value);
    });
  }

  /// Writes one frame (or batch); on the lane's strand.
  void send(const frame_ptr& frame) {
    if (done_ || closing_ || !ws_.is_open())
      return;
    pending_write w;
    w.payload = frame;
    if (out_.empty() && !waiting_) {
      // The common case: the kernel takes the whole frame now, nothing is queued.
      w.head_len = frame_head(w.head, frame->size());
      w.sealed = true;
      std::array<asio::const_buffer, 2> bufs{asio::buffer(w.head.data(), w.head_len),
                                             asio::buffer(*frame)};
      beast::error_code ec;
      auto n = ws_.next_layer().socket().write_some(bufs, ec);
      if (ec && ec != asio::error::would_block && ec != asio::error::try_again)
        return fail();
      if (!ec && n == w.size())
        return;
      w.sent = ec ? 0 : n;
    }
    if (queued_bytes_ + frame->size() > shared_->opts.max_queue_bytes)
      return drop();  // a slow reader: cut it off rather than hold memory for it
    queued_bytes_ += w.size() - w.sent;
    out_.push_back(std::move(w));
    pump();
  }

  /// Beast's bytes, in order with ours; `done` runs once they reached the kernel.
  void queue_raw(std::string bytes, std::unique_ptr<completion> done) {
    if (done_) {
      asio::post(ws_.get_executor(), [d = std::move(done)] { d->run(asio::error::operation_aborted); });
      return;
    }
    pending_write w;
    w.raw = std::move(bytes);
    w.done = std::move(done);
    queued_bytes_ += w.size();
    out_.push_back(std::move(w));
    pump();
  }

 private:
  void pump() {
    auto& sock = ws_.next_layer().socket();
    while (!out_.empty() && !waiting_ && !done_) {
      seal();
      std::array<asio::const_buffer, 96> bufs;
      std::size_t n = 0, total = 0;
      for (auto& w : out_) {
        if (n + 3 > bufs.size())
          break;
        std::size_t skip = w.sent;
        auto add = [&](asio::const_buffer b) {
          if (skip >= b.size()) {
            skip -= b.size();
            return;
          }
          bufs[n++] = b + skip;
          total += b.size() - skip;
          skip = 0;
        };
        if (w.payload) {
          add(asio::buffer(w.head.data(), w.head_len));
          add(asio::buffer(w.payload->data() + (w.trim ? 1 : 0), w.body()));
          add(asio::buffer(&w.tail, w.tail_len));
        } else {
          add(asio::buffer(w.raw));
        }
      }
      beast::error_code ec;
      auto written = sock.write_some(bufs, ec);  // unused slots are empty buffers
      if (ec == asio::error::would_block || ec == asio::error::try_again)
        return wait_writable();
      if (ec)
        return fail();
      consume(written);
      if (written < total)
        return wait_writable();
    }
    if (out_.empty() && out_.capacity() > 16)
      std::vector<pending_write>{}.swap(out_);
  }

  // Frames that queued while the socket was full go out as one message per run of them: a JSON
  // array of the frames (a queued batch is spliced in without its brackets).
  void seal() {
    constexpr std::size_t max_message = 256 * 1024;
    for (std::size_t i = 0; i < out_.size();) {
      if (out_[i].sealed || !out_[i].payload) {
        out_[i++].sealed = true;
        continue;
      }
      auto inner = [](const pending_write& w) {
        return w.payload->size() - (is_batch(*w.payload) ? 2 : 0);
      };
      std::size_t j = i, len = 0;
      for (; j < out_.size() && !out_[j].sealed && out_[j].payload; ++j) {
        if (j > i && len + inner(out_[j]) + 1 > max_message)
          break;
        len += inner(out_[j]) + 1;  // with its ',' or ']'
      }
      std::size_t before = 0, after = 0;
      for (auto k = i; k < j; ++k) {
        auto& w = out_[k];
        before += w.size();
        w.sealed = true;
        if (j - i == 1) {
          w.head_len = frame_head(w.head, w.payload->size());
        } else {
          w.trim = is_batch(*w.payload);
          if (k == i) {
            w.head_len = frame_head(w.head, len + 1);
            w.head[w.head_len++] = '[';
          }
          w.tail = k + 1 == j ? ']' : ',';
          w.tail_len = 1;
        }
        after += w.size();
      }
      queued_bytes_ = queued_bytes_ + after - before;
      i = j;
    }
  }

  void consume(std::size_t written) {
    queued_bytes_ -= std::min(queued_bytes_, written);
    std::size_t done = 0;
    for (auto& w : out_) {
      auto left = w.size() - w.sent;
      if (written < left) {
        w.sent += written;
        break;
      }
      written -= left;
      if (w.done)
        asio::post(ws_.get_executor(),
                   [d = std::move(w.done)] { d->run(beast::error_code{}); });
      ++done;
    }
    out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(done));
  }

  void wait_writable() {
    waiting_ = true;
    ws_.next_layer().socket().async_wait(
      asio::socket_base::wait_write, [self = shared_from_this()](beast::error_code ec) {
        self->waiting_ = false;
        if (ec)
          return self->fail();
        self->pump();
      });
  }

  // The socket failed under a write: the pending read ends with an error and finishes.
  void fail() {
    beast::error_code ec;
    ws_.next_layer().socket().close(ec);
    finish();
  }

  /// Hard drop (slow consumer): a close handshake could not get past the stuck writes anyway.
  void drop() {
    beast::error_code ec;
    ws_.next_layer().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    fail();
  }

  void close_with(websocket::close_code code, std::string reason) {
    if (done_ || closing_)
      return;
    closing_ = true;
    ws_.async_close(websocket::close_reason{code, reason},
                    [self = shared_from_this()](beast::error_code) { self->finish(); });
  }

  // Reads into a small buffer inside the connection while idle (no allocation, no Beast dynamic
  // buffer layer in the pending read); a longer message grows `msg_` while it arrives.
  void read() {
    if (msg_.empty())
      return ws_.async_read_some(asio::buffer(chunk_),
                                 [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                   self->msg_.assign(self->chunk_.data(), ec ? 0 : n);
                                   self->on_read(ec);
                                 });
    auto old = msg_.size();
    msg_.resize(old + next_read_chunk);
    ws_.async_read_some(asio::buffer(msg_.data() + old, next_read_chunk),
                        [self = shared_from_this(), old](beast::error_code ec, std::size_t n) {
                          self->msg_.resize(old + (ec ? 0 : n));
                          self->on_read(ec);
                        });
  }

  void on_read(beast::error_code ec) {
    if (ec)
      return finish();
    const auto& opts = shared_->opts;
    if (msg_.size() > opts.max_frame_bytes) {
      std::string{}.swap(msg_);
      return close_with(websocket::close_code::too_big,
                        "message exceeds " + std::to_string(opts.max_frame_bytes) + " bytes");
    }
    if (!ws_.is_message_done())
      return read();
    if (ws_.got_binary()) {
      send(std::make_shared<const std::string>(
        R"({"type":"error","code":"bad_frame","message":"binary frames are not supported; send JSON text"})"));
    } else {
      to_session(std::move(msg_));
    }
    std::string{}.swap(msg_);
    read();
  }

  // A parked session comes back to life with the state it left.
  void to_session(std::string text) {
    if (!session_) {
      session_ = actors::spawn_viewer_session(shared_->sys, shared_->ctx, shared_from_this(),
                                              peer_, std::move(parked_));
      parked_ = actors::viewer_parked{};
      frames_to_session_ = 0;
    }
    ++frames_to_session_;
    caf::anon_send(session_, actors::ws_text_atom::value, std::move(text));
  }

  void finish() {
    if (done_)
      return;
    done_ = true;
    gone_.store(true, std::memory_order_relaxed);
    for (auto& w : out_)
      if (w.done)
        asio::post(ws_.get_executor(),
                   [d = std::move(w.done)] { d->run(asio::error::operation_aborted); });
    std::vector<pending_write>{}.swap(out_);
    queued_bytes_ = 0;
    if (session_)
      caf::anon_send(session_, actors::ws_closed_atom::value);
    else if (!parked_.channel.empty())
      caf::anon_send(shared_->ctx.hub, actors::chat_leave_atom::value, parked_.channel,
                     actors::chat_sink_ptr{shared_from_this()});
    session_ = caf::actor{};
  }

  websocket::stream<lane_stream, false> ws_;
  std::shared_ptr<write_lane> lane_;
  std::shared_ptr<chat_endpoint::shared> shared_;
  std::string peer_;
  caf::actor session_;               // none while parked
  actors::viewer_parked parked_;
  std::uint64_t frames_to_session_ = 0;
  std::array<char, first_read_chunk> chunk_;  // most client frames fit
  std::string msg_;                           // the message being read, when longer
  std::vector<pending_write> out_;  // a vector: idle connections hold no allocation
  std::size_t queued_bytes_ = 0;
  std::atomic<bool> gone_{false};
  bool waiting_ = false;  // for the socket to take more
  bool done_ = false;
  bool closing_ = false;
};

template <class Buffers, class Handler>
void lane_stream::async_write_some(const Buffers& buffers, Handler&& handler) {
  std::string bytes(beast::buffer_bytes(buffers), '\0');
  asio::buffer_copy(asio::buffer(bytes), buffers);
  auto n = bytes.size();
  auto done = [h = std::forward<Handler>(handler), n](beast::error_code ec) mutable {
    h(ec, ec ? 0 : n);
  };
  owner_->queue_raw(std::move(bytes),
                    std::make_unique<completion_of<decltype(done)>>(std::move(done)));
}

void write_lane::deliver(frame_ptr frame, sink_list sinks) {
  std::lock_guard lock{mu_};
  pending_.emplace_back(std::move(frame), std::move(sinks));
  if (scheduled_)
    return;
  scheduled_ = true;
  asio::post(strand_, [self = shared_from_this()] { self->run(); });
}

// Everything that arrived since the last run goes out together: under load a socket gets many
// frames per write instead of one write per frame.
void write_lane::run() {
  std::vector<std::pair<frame_ptr, sink_list>> batch;
  {
    std::lock_guard lock{mu_};
    batch.swap(pending_);
    scheduled_ = false;
  }
  for (std::size_t i = 0; i < batch.size();) {
    // Consecutive frames for the same sockets (one room, no joins in between) become one
    // message, a JSON array built once for all of them: a viewer parses one message, not many.
    auto& sinks = batch[i].second;
    auto frame = batch[i].first;
    std::size_t j = i + 1;
    while (j < batch.size() && batch[j].second == sinks)
      ++j;
    if (j - i > 1) {
      std::string joined;
      for (auto k = i; k < j; ++k)
        joined.append(joined.empty() ? "[" : ",")
          .append(batch[k].first->data() + (is_batch(*batch[k].first) ? 1 : 0),
                  batch[k].first->size() - (is_batch(*batch[k].first) ? 2 : 0));
      joined += ']';
      frame = std::make_shared<const std::string>(std::move(joined));
    }
    i = j;
    // Every sink of this lane is a connection served on this strand.
    for (auto& sink : *sinks)
      static_cast<connection&>(*sink).send(frame);
  }
}

}  // namespace

chat_endpoint::chat_endpoint(caf::actor_system& sys, actors::viewer_context ctx,
                             chat_socket_options options)
    : shared_(std::make_shared<shared>(sys, std::move(ctx), options)) {}

chat_endpoint::~chat_endpoint() = default;

void chat_endpoint::serve(beast::tcp_stream&& stream, http::request&& req, std::string peer) {
  auto& io = static_cast<asio::io_context&>(
    asio::query(stream.get_executor(), asio::execution::context));
  std::shared_ptr<write_lane> l;
  {
    std::lock_guard lock{shared_->mu};
    if (shared_->lanes.empty()) {
      auto count = shared_->opts.lanes ? shared_->opts.lanes
                                       : std::clamp<std::size_t>(
                                           std::thread::hardware_concurrency(), 1, 16);
      for (std::size_t i = 0; i < count; ++i)
        shared_->lanes.push_back(std::make_shared<write_lane>(io));
    }
    l = std::static_pointer_cast<write_lane>(
      shared_->lanes[shared_->next_lane++ % shared_->lanes.size()]);
  }
  // Move the socket onto its lane's strand: every handler of this connection runs there.
  auto& tcp = stream.socket();
  beast::error_code ec;
  auto protocol = tcp.local_endpoint(ec).protocol();
  if (ec)
    return;
  auto fd = tcp.release(ec);
  if (ec)
    return;
  socket_type sock{l->strand(), protocol, fd};
  auto strand = l->strand();
  auto conn = std::make_shared<connection>(std::move(sock), std::move(l), shared_, std::move(peer));
  asio::dispatch(strand, [conn, req = std::move(req)]() mutable { conn->start(std::move(req)); });
}

}  // namespace aethex::net::ws
