#include "net/ws/chat_socket.hpp"

#include <algorithm>
#include <mutex>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <caf/all.hpp>

#include "actors/chat_types.hpp"

namespace aethex::net::ws {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using frame_ptr = std::shared_ptr<const std::string>;

// Idle connections keep only this much read buffer; larger messages grow it while they arrive.
constexpr std::size_t first_read_chunk = 256;
constexpr std::size_t next_read_chunk = 4096;

class connection;

// The sink the fan-out and the session write to, from any thread. It never blocks: frames queue
// up to a bound, and a connection past the bound is dropped rather than slowing anyone else.
class outbox final : public actors::chat_sink {
 public:
  outbox(std::weak_ptr<connection> conn, const chat_socket_options& opts)
      : conn_(std::move(conn)), max_frames_(opts.max_queue_frames),
        max_bytes_(opts.max_queue_bytes) {}

  bool push(frame_ptr frame) override;
  void close(std::string reason) override;

  /// Everything queued so far; clears `flushing_` when there is nothing (the writer goes idle).
  /// Taken frames still count against the bound until `written` says they left.
  std::vector<frame_ptr> take() {
    std::lock_guard lock{mu_};
    std::vector<frame_ptr> out;
    out.swap(queue_);
    if (out.empty())
      flushing_ = false;
    return out;
  }

  void written(std::size_t frames, std::size_t bytes) {
    std::lock_guard lock{mu_};
    frames_ -= std::min(frames_, frames);
    bytes_ -= std::min(bytes_, bytes);
  }

  void shut() {
    std::lock_guard lock{mu_};
    closed_ = true;
    queue_.clear();
    frames_ = bytes_ = 0;
  }

 private:
  std::mutex mu_;
  std::vector<frame_ptr> queue_;  // a vector: idle connections hold no allocation
  std::size_t frames_ = 0;  // queued + being written
  std::size_t bytes_ = 0;
  bool flushing_ = false;
  bool closed_ = false;
  std::weak_ptr<connection> conn_;
  std::size_t max_frames_;
  std::size_t max_bytes_;
};

class connection : public std::enable_shared_from_this<connection> {
 public:
  connection(beast::tcp_stream&& stream, caf::actor_system& sys, actors::viewer_context ctx,
             chat_socket_options opts, std::string peer)
      : ws_(std::move(stream)), sys_(sys), ctx_(std::move(ctx)), opts_(opts),
        peer_(std::move(peer)) {}

  void start(http::request&& req) {
    outbox_ = std::make_shared<outbox>(weak_from_this(), opts_);
    beast::get_lowest_layer(ws_).expires_never();  // the websocket layer has its own timeouts
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().set_option(
      asio::socket_base::send_buffer_size(opts_.send_buffer_bytes), ignored);
    beast::get_lowest_layer(ws_).socket().set_option(asio::ip::tcp::no_delay(true), ignored);
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.idle_timeout = opts_.idle_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(beast::http::field::server, "aethex"); }));
    ws_.read_message_max(opts_.max_frame_bytes + 2 * next_read_chunk);  // backstop only
    ws_.auto_fragment(false);
    ws_.text(true);
    auto request = std::make_shared<http::request>(std::move(req));
    ws_.async_accept(*request, [self = shared_from_this(), request](beast::error_code ec) {
      if (ec)
        return;
      self->session_ = actors::spawn_viewer_session(self->sys_, self->ctx_, self->outbox_,
                                                    self->peer_);
      self->ctx_ = actors::viewer_context{};  // the session has its own copy
      self->read();
    });
  }

  /// Called through the outbox: the writer was idle and frames are waiting.
  void flush() {
    if (done_)
      return;
    auto frames = outbox_->take();
    if (frames.empty())
      return;
    writing_ = std::move(frames);
    asio::const_buffer buffer;
    if (writing_.size() == 1) {
      buffer = asio::buffer(*writing_.front());
    } else {
      // Frames that queued while the last write was in flight go out as one JSON array.
      std::size_t total = writing_.size() + 1;
      for (auto& f : writing_)
        total += f->size();
      batch_.clear();
      batch_.reserve(total);
      batch_ += '[';
      for (auto& f : writing_) {
        if (batch_.size() > 1)
          batch_ += ',';
        batch_ += *f;
      }
      batch_ += ']';
      buffer = asio::buffer(batch_);
    }
    ws_.async_write(buffer, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      std::size_t bytes = 0;
      for (auto& f : self->writing_)
        bytes += f->size();
      self->outbox_->written(self->writing_.size(), bytes);
      self->writing_.clear();
      if (self->batch_.capacity() > 64 * 1024)
        std::string{}.swap(self->batch_);
      if (ec)
        return self->finish();
      self->flush();
    });
  }

  /// Hard drop (slow consumer): a close handshake could not get past the stuck writes anyway.
  void drop() {
    if (done_)
      return;
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(ws_).socket().close(ec);
    finish();
  }

  void close_with(websocket::close_code code, std::string reason) {
    if (done_ || closing_)
      return;
    closing_ = true;
    ws_.async_close(websocket::close_reason{code, reason},
                    [self = shared_from_this()](beast::error_code) { self->finish(); });
  }

  auto executor() { return ws_.get_executor(); }

 private:
  void read() {
    auto chunk = in_.size() == 0 ? first_read_chunk : next_read_chunk;
    ws_.async_read_some(in_, chunk, [self = shared_from_this()](beast::error_code ec,
                                                               std::size_t) {
      self->on_read(ec);
    });
  }

  void on_read(beast::error_code ec) {
    if (ec)
      return finish();
    if (in_.size() > opts_.max_frame_bytes) {
      in_ = beast::flat_buffer{};
      return close_with(websocket::close_code::too_big,
                        "message exceeds " + std::to_string(opts_.max_frame_bytes) + " bytes");
    }
    if (!ws_.is_message_done())
      return read();
    if (ws_.got_binary()) {
      outbox_->push(std::make_shared<const std::string>(
        R"({"type":"error","code":"bad_frame","message":"binary frames are not supported; send JSON text"})"));
    } else {
      caf::anon_send(session_, actors::ws_text_atom::value, beast::buffers_to_string(in_.data()));
    }
    in_.clear();
    if (in_.capacity() > first_read_chunk)
      in_.shrink_to_fit();
    read();
  }

  void finish() {
    if (done_)
      return;
    done_ = true;
    outbox_->shut();
    if (session_)
      caf::anon_send(session_, actors::ws_closed_atom::value);
  }

  websocket::stream<beast::tcp_stream> ws_;
  caf::actor_system& sys_;
  actors::viewer_context ctx_;
  chat_socket_options opts_;
  std::string peer_;
  std::shared_ptr<outbox> outbox_;
  caf::actor session_;
  beast::flat_buffer in_;
  std::vector<frame_ptr> writing_;
  std::string batch_;
  bool done_ = false;
  bool closing_ = false;
};

bool outbox::push(frame_ptr frame) {
  std::unique_lock lock{mu_};
  if (closed_)
    return false;
  if (frames_ >= max_frames_ || bytes_ + frame->size() > max_bytes_) {
    closed_ = true;
    queue_.clear();
    frames_ = bytes_ = 0;
    lock.unlock();
    if (auto conn = conn_.lock())
      asio::post(conn->executor(), [conn] { conn->drop(); });
    return false;
  }
  ++frames_;
  bytes_ += frame->size();
  queue_.push_back(std::move(frame));
  if (flushing_)
    return true;
  flushing_ = true;
  lock.unlock();
  if (auto conn = conn_.lock())
    asio::post(conn->executor(), [conn] { conn->flush(); });
  return true;
}

void outbox::close(std::string reason) {
  if (auto conn = conn_.lock())
    asio::post(conn->executor(), [conn, reason = std::move(reason)]() mutable {
      conn->close_with(websocket::close_code::going_away, std::move(reason));
    });
}

}  // namespace

void serve_chat_socket(beast::tcp_stream&& stream, http::request&& req, std::string peer,
                       caf::actor_system& sys, const actors::viewer_context& ctx,
                       const chat_socket_options& options) {
  std::make_shared<connection>(std::move(stream), sys, ctx, options, std::move(peer))
    ->start(std::move(req));
}

}  // namespace aethex::net::ws
