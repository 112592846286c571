// One RTMP copy-publisher of the clip, paced like `ffmpeg -re -stream_loop -1 -c copy`: each tag
// goes out when the wall clock since T0 reaches its timestamp, passes repeat with their
// timestamps moved on by the clip's length (sequence headers and metadata only on the first).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange

#include <boost/asio.hpp>

#include "rtmp_wire.hpp"

namespace capacity {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

inline double wall_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct rtmp_target {
  std::string host, port, app, name, tc_url;

  /// rtmp://host:port/app/name
  static rtmp_target parse(const std::string& url) {
    auto rest = url.substr(url.find("//") + 2);
    auto slash = rest.find('/');
    auto hostport = rest.substr(0, slash);
    auto path = rest.substr(slash + 1);
    auto colon = hostport.rfind(':');
    auto app_end = path.find('/');
    if (colon == std::string::npos || app_end == std::string::npos)
      throw std::runtime_error("not rtmp://host:port/app/name: " + url);
    return {hostport.substr(0, colon), hostport.substr(colon + 1), path.substr(0, app_end),
            path.substr(app_end + 1), url.substr(0, url.find("//") + 2 + slash + 1 + app_end)};
  }
};

class publisher : public std::enable_shared_from_this<publisher> {
 public:
  publisher(asio::io_context& io, const flv_clip& clip, rtmp_target target,
            std::function<void()> on_settled)
      : socket_(io), clip_(clip), target_(std::move(target)), on_settled_(std::move(on_settled)) {}

  // Results, read after the run.
  std::atomic<double> t0{0};  // wall time media time 0 was due (0: never published)
  std::string error;          // read once the threads stopped

  bool streaming() const { return live_.load(); }

  void start() {
    auto self = shared_from_this();
    tcp::resolver resolver(socket_.get_executor());
    boost::system::error_code ec;
    auto endpoints = resolver.resolve(target_.host, target_.port, ec);
    if (ec)
      return fail("resolve: " + ec.message());
    asio::async_connect(socket_, endpoints,
                        [self](boost::system::error_code ec, const tcp::endpoint&) {
                          if (ec)
                            return self->fail("connect: " + ec.message());
                          self->handshake();
                        });
  }

  /// Queues every tag that is due and writes them; called by the thread's pacing tick.
  void pace(std::chrono::steady_clock::time_point now) {
    if (phase_ != phase::streaming)
      return;
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - started_).count();
    while (true) {
      auto& tag = clip_.tags[next_];
      auto due = static_cast<long long>(tag.ms) + static_cast<long long>(pass_) * clip_.loop_ms;
      if (due > elapsed)
        break;
      if (pass_ == 0 || !tag.config) {
        auto ms = static_cast<std::uint32_t>(due);
        if (tag.type == 18) {
          amf_writer data;
          data.string("@setDataFrame");
          append_message(out_, 5, 18, stream_id_, ms, data.out + std::string{tag.payload});
        } else {
          append_message(out_, tag.type == 9 ? 6 : 4, tag.type, stream_id_, ms, tag.payload);
        }
      }
      if (++next_ == clip_.tags.size()) {
        next_ = 0;
        ++pass_;
      }
    }
    if (out_.size() > (64u << 20))
      return fail("the server stopped reading (64 MiB queued)");
    flush();
  }

  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

 private:
  enum class phase {
    connecting,
    handshake,
    connect_sent,
    create_sent,
    publish_sent,
    streaming,
    done
  };

  void fail(const std::string& what) {
    if (phase_ == phase::done)
      return;
    bool was_streaming = phase_ == phase::streaming;
    phase_ = phase::done;
    live_ = false;
    error = what;
    close();
    if (!was_streaming)
      on_settled_();
  }

  void handshake() {
    phase_ = phase::handshake;
    out_.assign(1 + 1536, '\0');
    out_[0] = 3;  // C0: version; C1: time 0, zero, then (here zero) random bytes
    flush();
    hs_.resize(1 + 1536 + 1536);
    auto self = shared_from_this();
    asio::async_read(socket_, asio::buffer(hs_), [self](boost::system::error_code ec, std::size_t) {
      if (ec)
        return self->fail("handshake: " + ec.message());
      self->out_.append(self->hs_, 1, 1536);  // C2 echoes S1
      std::string size(4, '\0');
      for (int i = 0; i < 4; ++i)
        size[i] = static_cast<char>(out_chunk_size >> (8 * (3 - i)));
      append_message(self->out_, 2, 1, 0, 0, size);
      amf_writer cmd;
      cmd.string("connect");
      cmd.number(1);
      cmd.object({{"app", self->target_.app},
                  {"type", "nonprivate"},
                  {"flashVer", "FMLE/3.0"},
                  {"tcUrl", self->target_.tc_url}});
      append_message(self->out_, 3, 20, 0, 0, cmd.out);
      self->phase_ = phase::connect_sent;
      self->flush();
      self->read();
    });
  }

  void command(std::uint32_t stream, const char* name, double tx, const std::string* arg) {
    amf_writer cmd;
    cmd.string(name);
    cmd.number(tx);
    cmd.null();
    if (arg)
      cmd.string(*arg);
    if (std::string_view{name} == "publish")
      cmd.string("live");
    append_message(out_, stream ? 8 : 3, 20, stream, 0, cmd.out);
  }

  void on_message(const rtmp_message& m) {
    if (m.type != 20 || phase_ == phase::done)
      return;
    amf_values v(m.payload);
    if (v.strings.empty())
      return;
    auto& name = v.strings[0];
    double tx = v.numbers.empty() ? 0 : v.numbers[0];
    if (name == "_error")
      return fail("refused: " + v.fields["description"] + " " + v.fields["code"]);
    if (name == "_result" && tx == 1 && phase_ == phase::connect_sent) {
      command(0, "releaseStream", 2, &target_.name);
      command(0, "FCPublish", 3, &target_.name);
      command(0, "createStream", 4, nullptr);
      phase_ = phase::create_sent;
    } else if (name == "_result" && tx == 4 && phase_ == phase::create_sent &&
               v.numbers.size() >= 2) {
      stream_id_ = static_cast<std::uint32_t>(v.numbers[1]);
      command(stream_id_, "publish", 5, &target_.name);
      phase_ = phase::publish_sent;
    } else if (name == "onStatus") {
      auto& code = v.fields["code"];
      if (code == "NetStream.Publish.Start" && phase_ == phase::publish_sent) {
        phase_ = phase::streaming;
        live_ = true;
        started_ = std::chrono::steady_clock::now();
        t0 = wall_now();
        on_settled_();
        return pace(started_);
      }
      if (v.fields["level"] == "error")
        return fail("refused: " + code);
    }
    flush();
  }

  void read() {
    auto self = shared_from_this();
    socket_.async_read_some(asio::buffer(in_), [self](boost::system::error_code ec, std::size_t n) {
      if (ec)
        return self->fail(ec == asio::error::eof ? "closed by the server"
                                                 : "read: " + ec.message());
      auto messages = self->reader_.feed({self->in_.data(), n});
      if (!messages)
        return self->fail("malformed RTMP from the server");
      for (auto& m : *messages)
        self->on_message(m);
      if (self->phase_ != phase::done)
        self->read();
    });
  }

  void flush() {
    if (writing_ || out_.empty() || phase_ == phase::done)
      return;
    writing_ = true;
    sending_.swap(out_);
    out_.clear();
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(sending_),
                      [self](boost::system::error_code ec, std::size_t) {
                        self->writing_ = false;
                        if (ec)
                          return self->fail("write: " + ec.message());
                        self->flush();
                      });
  }

  tcp::socket socket_;
  const flv_clip& clip_;
  rtmp_target target_;
  std::function<void()> on_settled_;
  phase phase_ = phase::connecting;
  std::atomic<bool> live_{false};
  std::string hs_, out_, sending_;
  std::array<char, 16384> in_{};
  chunk_reader reader_;
  bool writing_ = false;
  std::uint32_t stream_id_ = 0;
  std::size_t next_ = 0;
  unsigned pass_ = 0;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace capacity
