#include "net/ws_media/media_socket.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <iterator>
#include <mutex>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/container/static_vector.hpp>
#include <boost/beast/websocket.hpp>

namespace aethex::net::ws_media {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

// Application close code (4000–4999 range) for "the channel is not live".
constexpr std::uint16_t close_offline = 4404;
// Packets handed over between two runs of the socket's executor: past this the viewer is far
// behind anyway, and the packets are dropped as a skip.
constexpr std::size_t max_inbox = 1024;
// Fragments sent as one WebSocket message (MSE takes several moof+mdat pairs in one append).
constexpr std::size_t max_batch = 32;

class session final : public viewer, public std::enable_shared_from_this<session> {
 public:
  // The plain socket, not the HTTP server's beast::tcp_stream: that one's timeout bookkeeping
  // runs on every write, and the WebSocket layer has timeouts of its own.
  session(beast::tcp_stream&& stream, socket_options options)
      : ws_(stream.release_socket()), options_(options) {}

  void start(http::request&& req, std::function<void(std::shared_ptr<viewer>)> on_open) {
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

  // The publishing thread hands packets over through an inbox, and wakes the socket's executor
  // only when the inbox was empty: a batch costs one wake-up per viewer, not one per packet.
  void push_all(std::vector<packet> run) override {
    {
      std::lock_guard lock{inbox_mutex_};
      if (inbox_.size() + run.size() > max_inbox) {
        inbox_.clear();
        inbox_overflow_ = true;
      }
      if (inbox_.empty())
        inbox_ = std::move(run);
      else
        std::move(run.begin(), run.end(), std::back_inserter(inbox_));
      if (drain_posted_)
        return;
      drain_posted_ = true;
    }
    asio::post(ws_.get_executor(), [self = shared_from_this()] { self->drain(); });
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

  void drain() {
    std::vector<packet> batch;
    bool overflow = false;
    {
      std::lock_guard lock{inbox_mutex_};
      batch.swap(inbox_);
      overflow = std::exchange(inbox_overflow_, false);
      drain_posted_ = false;
    }
    if (overflow && !done_ && !ending_)
      skip();
    // Everything handed over goes in one write (the write takes the whole run of queued
    // fragments): writing after the first would send it alone, a second write per batch.
    for (auto& p : batch)
      enqueue(std::move(p));
    write();
  }

  // Drops everything not yet on the wire (a write in progress still reads its packets, text
  // or binary); playback resumes at the next keyframe.
  void skip() {
    skips_.fetch_add(1);
    auto keep = writing_ ? std::max<std::size_t>(in_flight_, 1) : 0;
    while (queue_.size() > keep) {
      queued_bytes_ -= size_of(queue_.back());
      queue_.pop_back();
    }
    waiting_for_keyframe_ = true;
  }

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
      skip();
      if (!p.keyframe)
        return;
      waiting_for_keyframe_ = false;
      queue_.push_back({R"({"type":"skip"})", nullptr});
    }
    queued_bytes_ += size_of(p);
    queue_.push_back(std::move(p));
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
      // The fragments queued behind this one go in the same message, unless a text message
      // must come between them (a skip, an init); an init segment goes alone. A keyframe's
      // clock inside the run becomes the front's text message instead, written ahead of the
      // run (the front's own one went out already): the player only maps media time to wall
      // time with it, so its place does not matter, and a batch that holds a keyframe then
      // costs two writes, not three.
      buffers_.clear();
      for (auto& next : queue_) {
        bool first = buffers_.empty();
        if (!first && (next.init || !next.data || p.init || buffers_.size() >= max_batch))
          break;
        if (!first && !next.control.empty()) {
          p.control = std::exchange(next.control, {});
          control_sent_ = false;
          writing_ = false;
          return write();
        }
        buffers_.emplace_back(next.data->data(), next.data->size());
      }
      in_flight_ = buffers_.size();
      ws_.binary(true);
      ws_.async_write(buffers_, [self](beast::error_code ec, std::size_t) {
        self->writing_ = false;
        if (ec || self->done_)
          return self->finish();
        for (auto n = std::exchange(self->in_flight_, 0); n > 0; --n)
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

  websocket::stream<asio::ip::tcp::socket> ws_;
  socket_options options_;
  beast::flat_buffer buffer_;
  std::deque<packet> queue_;
  std::size_t queued_bytes_ = 0;
  std::size_t in_flight_ = 0;  // packets at the queue's front that the current write sends
  // Fixed capacity: Beast copies the sequence into each write operation, and a vector's copy
  // would be one more allocation per write.
  boost::container::static_vector<asio::const_buffer, max_batch> buffers_;
  std::mutex inbox_mutex_;
  std::vector<packet> inbox_;  // guarded by inbox_mutex_, like the two flags below
  bool drain_posted_ = false;
  bool inbox_overflow_ = false;
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
