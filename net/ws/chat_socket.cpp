#include "net/ws/chat_socket.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <caf/all.hpp>

#include "actors/chat/chat_types.hpp"
#include "net/ws/out_queue.hpp"
#include "net/ws/ws_frame.hpp"

namespace aethex::net::ws {

namespace asio = boost::asio;
namespace beast = boost::beast;
using error_code = boost::system::error_code;

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

// WebSocket close codes (RFC 6455 7.4.1).
constexpr std::uint16_t close_going_away = 1001;
constexpr std::uint16_t close_protocol_error = 1002;
constexpr std::uint16_t close_bad_payload = 1007;
constexpr std::uint16_t close_too_big = 1009;
// Of an oversized frame, at most this much more is read to see the peer's close reply.
constexpr std::size_t max_skip_bytes = 256 * 1024;

bool would_block(const error_code& ec) {
  return ec == asio::error::would_block || ec == asio::error::try_again;
}

using sink_list = std::shared_ptr<const std::vector<actors::chat_sink_ptr>>;
class connection;

// A strand shared by a group of connections: writes fanned-out frames to all of them in one go
// and checks them for silence (one timer per lane, not one per connection).
class write_lane final : public actors::chat_lane, public std::enable_shared_from_this<write_lane> {
 public:
  write_lane(asio::io_context& io, std::chrono::steady_clock::duration idle_check)
      : strand_(asio::make_strand(io)), timer_(strand_), idle_check_(idle_check) {}
  void deliver(frame_ptr frame, sink_list sinks) override;
  const strand_type& strand() const { return strand_; }
  /// On the strand: the connection is checked for silence from now on.
  void watch(const std::shared_ptr<connection>& c);

 private:
  void run();
  void check_idle();

  strand_type strand_;
  asio::steady_timer timer_;
  std::chrono::steady_clock::duration idle_check_;
  std::vector<std::weak_ptr<connection>> watched_;  // strand only
  bool timer_running_ = false;                      // strand only
  std::mutex mu_;
  std::vector<std::pair<frame_ptr, sink_list>> pending_;  // frames waiting for the strand
  bool scheduled_ = false;
};

// One chat WebSocket. Every handler runs on its lane's strand. While idle it holds a socket, a
// pending wait for readability and these fields: no read buffer, no queue, no timer.
class connection final : public actors::chat_sink,
                         public actors::viewer_parking,
                         public std::enable_shared_from_this<connection> {
 public:
  connection(socket_type sock, std::shared_ptr<write_lane> l,
             std::shared_ptr<chat_endpoint::shared> shared, std::string peer)
      : sock_(std::move(sock)), lane_(std::move(l)), shared_(std::move(shared)),
        peer_(std::move(peer)) {}

  void start(const http::request& req) {
    const auto& opts = shared_->opts;
    error_code ignored;
    sock_.set_option(asio::socket_base::send_buffer_size(opts.send_buffer_bytes), ignored);
    sock_.set_option(asio::ip::tcp::no_delay(true), ignored);
    sock_.non_blocking(true, ignored);  // our own writes never block a lane
    auto answer = answer_handshake(req);
    queue_raw(std::move(answer.bytes));
    if (!answer.ok) {
      close_after_flush_ = true;
      return pump();
    }
    lane_->watch(shared_from_this());
    wait_read();
  }

  // chat_sink: from any thread.
  bool push(frame_ptr frame) override {
    if (gone_.load(std::memory_order_relaxed))
      return false;
    // Through the lane's queue, so it keeps its order with fanned-out frames: a history pushed
    // before the socket joined its lane group arrives before the first live frame.
    lane_->deliver(std::move(frame), std::make_shared<const std::vector<actors::chat_sink_ptr>>(
                                       1, shared_from_this()));
    return true;
  }

  void close(std::string reason) override {
    asio::post(sock_.get_executor(), [self = shared_from_this(), reason = std::move(reason)] {
      self->close_with(close_going_away, reason);
    });
  }

  std::shared_ptr<actors::chat_lane> lane() const override { return lane_; }

  // viewer_parking: from the session's thread.
  void offer_park(const caf::actor& session, std::uint64_t frames,
                  actors::viewer_parked state) override {
    asio::post(sock_.get_executor(),
               [self = shared_from_this(), session, frames, state = std::move(state)]() mutable {
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
    if (done_ || closing_)
      return;
    std::size_t sent = 0;
    bool started = out_.empty() && !waiting_;
    if (started) {
      // The common case: the kernel takes the whole frame now, nothing is queued.
      std::array<char, 11> head{};
      auto head_len = frame_head(head, opcode::text, frame->size());
      std::array<asio::const_buffer, 2> bufs{asio::buffer(head.data(), head_len),
                                             asio::buffer(*frame)};
      error_code ec;
      auto n = sock_.write_some(bufs, ec);
      if (ec && !would_block(ec))
        return fail();
      if (!ec && n == head_len + frame->size())
        return;
      sent = ec ? 0 : n;
    }
    if (out_.bytes() + frame->size() > shared_->opts.max_queue_bytes)
      return drop();  // a slow reader: cut it off rather than hold memory for it
    started ? out_.push_started(frame, sent) : out_.push(frame);
    pump();
  }

  /// The lane's silence check: ping a silent peer, drop it if it stays silent until the next
  /// check (or never answers our close).
  void check_idle() {
    if (done_)
      return;
    if (heard_) {
      heard_ = false;
      pinged_ = false;
      return;
    }
    if (pinged_ || closing_)
      return drop();
    pinged_ = true;
    queue_raw(control_frame(opcode::ping, {}));
  }

  bool done() const { return done_; }

 private:
  void queue_raw(std::string bytes) {
    if (done_)
      return;
    // Pongs, closes and pings count against the same bound as chat frames: a client that pings
    // and never reads would otherwise grow its queue forever.
    if (out_.bytes() + bytes.size() > shared_->opts.max_queue_bytes)
      return drop();
    out_.push_raw(std::move(bytes));
    pump();
  }

  void pump() {
    while (!out_.empty() && !waiting_ && !done_) {
      out_queue::buffers bufs;
      auto total = out_.gather(bufs);
      error_code ec;
      auto written = sock_.write_some(bufs, ec);  // unused slots are empty buffers
      if (would_block(ec))
        return wait_writable();
      if (ec)
        return fail();
      out_.consume(written);
      if (written < total)
        return wait_writable();
    }
    if (!done_ && out_.empty() && close_after_flush_)
      shut();
  }

  void wait_writable() {
    waiting_ = true;
    sock_.async_wait(asio::socket_base::wait_write, [self = shared_from_this()](error_code ec) {
      self->waiting_ = false;
      if (ec)
        return self->fail();
      self->pump();
    });
  }

  // Idle connections wait for readability with no buffer; bytes are read only once they came.
  void wait_read() {
    sock_.async_wait(asio::socket_base::wait_read, [self = shared_from_this()](error_code ec) {
      if (ec)
        return self->finish();
      self->on_readable();
    });
  }

  void on_readable() {
    std::array<char, 4096> buf;
    for (;;) {
      error_code ec;
      auto n = sock_.read_some(asio::buffer(buf), ec);
      if (would_block(ec))
        break;
      if (ec)
        return fail();  // end of stream or reset
      heard_ = true;
      in_.append(buf.data(), n);
      parse();
      if (done_)
        return;
      if (n < buf.size())
        break;
    }
    wait_read();
  }

  // Takes every complete frame off `in_`.
  void parse() {
    const auto max = shared_->opts.max_frame_bytes;
    std::size_t pos = 0;
    while (!done_) {
      if (skip_) {  // the rest of an oversized frame
        auto k = std::min(skip_, in_.size() - pos);
        pos += k;
        skip_ -= k;
        if (skip_)
          break;
      }
      auto f = parse_frame(std::string_view{in_}.substr(pos), msg_.size(), max);
      if (f.result == parsed_frame::status::need_more)
        break;
      if (f.result == parsed_frame::status::protocol_error) {
        close_with(close_protocol_error, "protocol error");
        close_after_flush_ = true;  // what follows cannot be parsed: no closing handshake
        std::string{}.swap(in_);
        return pump();
      }
      if (f.result == parsed_frame::status::too_big) {
        close_with(close_too_big, "message exceeds " + std::to_string(max) + " bytes");
        if (f.consumed > in_.size() - pos + max_skip_bytes) {
          // Reading a huge frame to its end just to see the close reply is not worth it.
          close_after_flush_ = true;
          std::string{}.swap(in_);
          return pump();
        }
        skip_ = f.consumed;  // still read it, so that the peer's close reply is seen
        msg_op_ = 0;
        std::string{}.swap(msg_);
        continue;
      }
      pos += f.consumed;
      on_frame(f);
    }
    in_.erase(0, pos);
    if (in_.empty())
      std::string{}.swap(in_);
  }

  void on_frame(parsed_frame& f) {
    switch (f.op) {
      case opcode::ping: return queue_raw(control_frame(opcode::pong, f.payload));
      case opcode::pong: return;
      case opcode::close:
        if (!closing_) {  // the peer closes: echo its code, then end the connection
          closing_ = true;
          auto code = f.payload.size() >= 2 ? f.payload.substr(0, 2) : std::string{};
          queue_raw(control_frame(opcode::close, code));
        }
        close_after_flush_ = true;
        return pump();
      case opcode::continuation:
        if (!msg_op_)
          return close_with(close_protocol_error, "unexpected continuation frame");
        msg_ += f.payload;
        break;
      default:
        if (msg_op_)
          return close_with(close_protocol_error, "expected a continuation frame");
        msg_op_ = static_cast<std::uint8_t>(f.op);
        msg_ = std::move(f.payload);
    }
    if (!f.fin)
      return;
    auto op = static_cast<opcode>(std::exchange(msg_op_, 0));
    auto text = std::exchange(msg_, std::string{});
    if (closing_)
      return;  // after our close, data is ignored
    if (op == opcode::binary)
      return send(std::make_shared<const std::string>(
        R"({"type":"error","code":"bad_frame","message":"binary frames are not supported; send JSON text"})"));
    if (!valid_utf8(text))
      return close_with(close_bad_payload, "text frames must be UTF-8");
    to_session(std::move(text));
  }

  // A parked session comes back to life with the state it left.
  void to_session(std::string text) {
    if (!session_) {
      session_ = actors::spawn_viewer_session(shared_->sys, shared_->ctx, shared_from_this(), peer_,
                                              std::move(parked_));
      parked_ = actors::viewer_parked{};
      frames_to_session_ = 0;
    }
    ++frames_to_session_;
    caf::anon_send(session_, actors::ws_text_atom::value, std::move(text));
  }

  // Starts the closing handshake; the peer's close (or the idle check) ends the connection.
  void close_with(std::uint16_t code, std::string_view reason) {
    if (done_ || closing_)
      return;
    closing_ = true;
    queue_raw(close_frame(code, reason));
  }

  // The closing handshake is over: the server closes the TCP connection first (RFC 6455 7.1.1).
  void shut() {
    error_code ec;
    sock_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    fail();
  }

  // The socket failed or is done with: the pending wait ends too.
  void fail() {
    error_code ec;
    sock_.close(ec);
    finish();
  }

  /// Hard drop (slow consumer): a close handshake could not get past the stuck writes anyway.
  void drop() {
    error_code ec;
    sock_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    fail();
  }

  void finish() {
    if (done_)
      return;
    done_ = true;
    gone_.store(true, std::memory_order_relaxed);
    out_.clear();
    std::string{}.swap(in_);
    std::string{}.swap(msg_);
    if (session_)
      caf::anon_send(session_, actors::ws_closed_atom::value);
    else if (!parked_.channel.empty())
      caf::anon_send(shared_->ctx.hub, actors::chat_leave_atom::value, parked_.channel,
                     actors::chat_sink_ptr{shared_from_this()});
    session_ = caf::actor{};
  }

  socket_type sock_;
  std::shared_ptr<write_lane> lane_;
  std::shared_ptr<chat_endpoint::shared> shared_;
  std::string peer_;
  caf::actor session_;  // none while parked
  actors::viewer_parked parked_;
  std::uint64_t frames_to_session_ = 0;
  std::string in_;   // received bytes not yet a whole frame
  std::string msg_;  // the fragmented message being received
  out_queue out_;
  std::size_t skip_ = 0;  // bytes of an oversized frame still to discard
  std::atomic<bool> gone_{false};
  std::uint8_t msg_op_ = 0;  // opcode of the message being received, 0 between messages
  bool waiting_ = false;     // for the socket to take more
  bool done_ = false;
  bool closing_ = false;            // our close frame is queued or sent
  bool close_after_flush_ = false;  // end the connection once the queue is written
  bool heard_ = false;              // the peer sent something since the last idle check
  bool pinged_ = false;             // ... and we pinged it at that check
};

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

void write_lane::watch(const std::shared_ptr<connection>& c) {
  watched_.push_back(c);
  if (std::exchange(timer_running_, true))
    return;
  check_idle();
}

void write_lane::check_idle() {
  std::erase_if(watched_, [](const std::weak_ptr<connection>& w) {
    auto c = w.lock();
    if (c)
      c->check_idle();
    return !c || c->done();
  });
  if (watched_.empty()) {
    timer_running_ = false;
    std::vector<std::weak_ptr<connection>>{}.swap(watched_);
    return;
  }
  timer_.expires_after(idle_check_);
  timer_.async_wait([self = shared_from_this()](error_code ec) {
    if (!ec)
      self->check_idle();
  });
}

}  // namespace

chat_endpoint::chat_endpoint(caf::actor_system& sys, actors::viewer_context ctx,
                             chat_socket_options options)
    : shared_(std::make_shared<shared>(sys, std::move(ctx), options)) {}

chat_endpoint::~chat_endpoint() = default;

void chat_endpoint::serve(beast::tcp_stream&& stream, http::request&& req, std::string peer) {
  auto& io = static_cast<asio::io_context&>(asio::query(stream.get_executor(),
                                                        asio::execution::context));
  std::shared_ptr<write_lane> l;
  {
    std::lock_guard lock{shared_->mu};
    if (shared_->lanes.empty()) {
      auto count = shared_->opts.lanes
                     ? shared_->opts.lanes
                     : std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 16);
      auto check = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                     shared_->opts.idle_timeout) /
                   2;
      for (std::size_t i = 0; i < count; ++i)
        shared_->lanes.push_back(std::make_shared<write_lane>(io, check));
    }
    l = std::static_pointer_cast<write_lane>(
      shared_->lanes[shared_->next_lane++ % shared_->lanes.size()]);
  }
  // Move the socket onto its lane's strand: every handler of this connection runs there.
  auto& tcp = stream.socket();
  error_code ec;
  auto protocol = tcp.local_endpoint(ec).protocol();
  if (ec)
    return;
  auto fd = tcp.release(ec);
  if (ec)
    return;
  socket_type sock{l->strand(), protocol, fd};
  auto strand = l->strand();
  auto conn = std::make_shared<connection>(std::move(sock), std::move(l), shared_, std::move(peer));
  asio::dispatch(strand, [conn, req = std::move(req)] { conn->start(req); });
}

}  // namespace aethex::net::ws
