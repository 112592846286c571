#include "net/ws_media/media_socket.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <iterator>
#include <mutex>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
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

// Frames go out here, not through websocket::stream::async_write: Beast sends a message through
// asio's write loop, which stops each system call at 64 KiB, so a 500 ms batch (~165 KB) cost
// three sendmsg calls. A server frame is a head of 2 to 10 bytes (RFC 6455 §5.2, unmasked)
// before its payload, and the whole frame then goes in one gathered write. Beast still does the
// handshake, reads what the viewer sends and closes. It writes on its own only to answer a
// viewer's ping or close frame: browsers send no pings, and a close ends the socket anyway. Its
// keep-alive pings are off, as one could land inside a frame of ours; a viewer that stops
// reading is dropped when a write stalls instead.
class frame_head {
 public:
  frame_head() = default;
  frame_head(bool text, std::uint64_t payload_bytes) {
    bytes_[0] = text ? 0x81 : 0x82;  // FIN, opcode 1 (text) or 2 (binary)
    if (payload_bytes < 126) {
      bytes_[1] = static_cast<std::uint8_t>(payload_bytes);
      size_ = 2;
      return;
    }
    const std::size_t length_bytes = payload_bytes <= 0xffff ? 2 : 8;
    bytes_[1] = length_bytes == 2 ? 126 : 127;
    for (std::size_t i = 0; i < length_bytes; ++i)  // big-endian
      bytes_[2 + i] = static_cast<std::uint8_t>(payload_bytes >> (8 * (length_bytes - 1 - i)));
    size_ = 2 + length_bytes;
  }
  asio::const_buffer buffer() const { return {bytes_.data(), size_}; }

 private:
  std::array<std::uint8_t, 10> bytes_{};
  std::size_t size_ = 0;
};

class session final : public viewer, public std::enable_shared_from_this<session> {
 public:
  // The plain socket, not the HTTP server's beast::tcp_stream: that one's timeout bookkeeping
  // runs on every write, and the WebSocket layer has timeouts of its own.
  session(beast::tcp_stream&& stream, socket_options options)
      : ws_(stream.release_socket()), options_(options) {}

  void start(http::request&& req, std::function<void(std::shared_ptr<viewer>)> on_open) {
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds(30);  // also bounds the closing handshake
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
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
    if (writing_ && std::chrono::steady_clock::now() - write_started_ > options_.write_stall) {
      // The viewer has not taken a frame for this long: gone, or too slow to ever catch up.
      beast::error_code ignored;
      ws_.next_layer().close(ignored);  // the write ends with an error, and the session with it
      return;
    }
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
    buffers_.assign(1, {});  // [0]: the frame head
    if (!control_sent_ && !p.control.empty()) {
      buffers_.push_back(asio::buffer(p.control));
      return send_frame(true, [](session& self) {
        self.control_sent_ = true;
        if (!self.queue_.front().data)
          self.pop();
      });
    }
    if (!p.data) {
      pop();
      return write();
    }
    // The fragments queued behind this one go in the same message, unless a text message must
    // come between them (a skip, an init); an init segment goes alone. A keyframe's clock inside
    // the run becomes the front's text message instead, written ahead of the run (the front's
    // own one went out already): the player only maps media time to wall time with it, so its
    // place does not matter, and a batch that holds a keyframe then costs two writes, not three.
    for (auto& next : queue_) {
      bool first = buffers_.size() == 1;
      if (!first && (next.init || !next.data || p.init || buffers_.size() > max_batch))
        break;
      if (!first && !next.control.empty()) {
        p.control = std::exchange(next.control, {});
        control_sent_ = false;
        return write();
      }
      buffers_.emplace_back(next.data->data(), next.data->size());
    }
    in_flight_ = buffers_.size() - 1;
    send_frame(false, [](session& self) {
      for (auto n = std::exchange(self.in_flight_, 0); n > 0; --n)
        self.pop();
    });
  }

  // Writes one frame whose payload is buffers_[1…]; `sent` runs once all of it is on the wire.
  template <class Sent>
  void send_frame(bool text, Sent sent) {
    std::size_t payload_bytes = 0;
    for (std::size_t i = 1; i < buffers_.size(); ++i)
      payload_bytes += buffers_[i].size();
    head_ = frame_head{text, payload_bytes};
    buffers_[0] = head_.buffer();
    writing_ = true;
    write_started_ = std::chrono::steady_clock::now();
    asio::async_write(ws_.next_layer(), buffers_, http::all_at_once,
                      [self = shared_from_this(), sent](beast::error_code ec, std::size_t) {
                        self->writing_ = false;
                        if (ec || self->done_)
                          return self->finish();
                        sent(*self);
                        self->write();
                      });
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
  // Fixed capacity: asio copies the sequence into each write operation, and a vector's copy
  // would be one more allocation per write.
  boost::container::static_vector<asio::const_buffer, max_batch + 1> buffers_;  // head, payload
  frame_head head_;
  std::chrono::steady_clock::time_point write_started_{};
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
