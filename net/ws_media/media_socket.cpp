#include "net/ws_media/media_socket.hpp"

#include <atomic>
#include <deque>

#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace aethex::net::ws_media {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

// Application close code (4000–4999 range) for "the channel is not live".
constexpr std::uint16_t close_offline = 4404;

class session final : public viewer, public std::enable_shared_from_this<session> {
 public:
  session(beast::tcp_stream&& stream, socket_options options)
      : ws_(std::move(stream)), options_(options) {}

  void start(http::request&& req, std::function<void(std::shared_ptr<viewer>)> on_open) {
    beast::get_lowest_layer(ws_).expires_never();  // the websocket layer has its own timeouts
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(beast::http::field::server, "aethex");
    }));
    ws_.read_message_max(64 * 1024);  // viewers only send control frames
    ws_.auto_fragment(false);
    auto request = std::make_shared<http::request>(std::move(req));
    ws_.async_accept(*request, [self = shared_from_this(), request,
                                on_open = std::move(on_open)](beast::error_code ec) {
      if (ec)
        return self->finish();
      self->read();
      on_open(self);
    });
  }

  void push(packet p) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), p = std::move(p)]() mutable {
      self->enqueue(std::move(p));
    });
  }

  void end(std::string reason) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), reason = std::move(reason)] {
      self->ending_ = true;
      self->end_reason_ = reason;
      self->write();
    });
  }

  void hold(std::shared_ptr<void> source) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), source = std::move(source)] {
      if (!self->done_)
        self->source_ = source;
    });
  }

  std::size_t skips() const override { return skips_.load(); }

 private:
  static std::size_t size_of(const packet& p) { return p.data ? p.data->size() : 0; }

  void enqueue(packet p) {
    if (done_ || ending_)
      return;
    if (waiting_for_keyframe_) {
      if (!p.keyframe && !p.init)
        return;
      waiting_for_keyframe_ = false;
      queue_.push_back({R"({"type":"skip"})", nullptr});
    }
    if (!p.init && queued_bytes_ + size_of(p) > options_.max_queue_bytes) {
      // Behind: drop everything not yet on the wire and resume at a keyframe.
      skips_.fetch_add(1);
      auto keep = writing_ ? 1 : 0;
      while (queue_.size() > static_cast<std::size_t>(keep)) {
        queued_bytes_ -= size_of(queue_.back());
        queue_.pop_back();
      }
      if (!p.keyframe) {
        waiting_for_keyframe_ = true;
        return;
      }
      queue_.push_back({R"({"type":"skip"})", nullptr});
    }
    queued_bytes_ += size_of(p);
    queue_.push_back(std::move(p));
    write();
  }

  void write() {
    if (writing_ || done_)
      return;
    if (queue_.empty()) {
      if (ending_)
        close();
      return;
    }
    auto& p = queue_.front();
    writing_ = true;
    auto self = shared_from_this();
    if (!control_sent_ && !p.control.empty()) {
      ws_.text(true);
      ws_.async_write(asio::buffer(p.control), [self](beast::error_code ec, std::size_t) {
        self->writing_ = false;
        if (ec || self->done_)
          return self->finish();
        self->control_sent_ = true;
        if (!self->queue_.front().data)
          self->pop();
        self->write();
      });
    } else if (p.data) {
      ws_.binary(true);
      ws_.async_write(asio::buffer(*p.data), [self](beast::error_code ec, std::size_t) {
        self->writing_ = false;
        if (ec || self->done_)
          return self->finish();
        self->pop();
        self->write();
      });
    } else {
      writing_ = false;
      pop();
      write();
    }
  }

  void pop() {
    queued_bytes_ -= size_of(queue_.front());
    queue_.pop_front();
    control_sent_ = false;
  }

  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec)
        return self->finish();
      self->buffer_.consume(self->buffer_.size());
      self->read();
    });
  }

  void close() {
    if (done_ || closing_)
      return;
    closing_ = true;
    auto code = end_reason_ == "offline" ? static_cast<websocket::close_code>(close_offline)
                                         : websocket::close_code::normal;
    websocket::close_reason reason{code};
    reason.reason = end_reason_;
    ws_.async_close(reason, [self = shared_from_this()](beast::error_code) { self->finish(); });
  }

  void finish() {
    done_ = true;
    queue_.clear();
    queued_bytes_ = 0;
    source_.reset();  // ends the subscription (breaks the source → viewer reference)
  }

  websocket::stream<beast::tcp_stream> ws_;
  socket_options options_;
  beast::flat_buffer buffer_;
  std::deque<packet> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool control_sent_ = false;
  bool waiting_for_keyframe_ = false;
  bool ending_ = false;
  bool closing_ = false;
  bool done_ = false;
  std::string end_reason_;
  std::shared_ptr<void> source_;
  std::atomic<std::size_t> skips_{0};
};

}  // namespace

void accept(boost::beast::tcp_stream&& stream, http::request&& req, std::string,
            std::function<void(std::shared_ptr<viewer>)> on_open, socket_options options) {
  auto s = std::make_shared<session>(std::move(stream), options);
  s->start(std::move(req), std::move(on_open));
}

}  // namespace aethex::net::ws_media
