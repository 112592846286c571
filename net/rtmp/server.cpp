#include "net/rtmp/server.hpp"

#include "runtime/limits.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <deque>
#include <iostream>
#include <utility>

namespace aethex::net::rtmp {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;

namespace {

// One line per event, written with a single call so lines from several threads do not interleave.
void log_line(const std::string& text) { std::clog << ("rtmp: " + text + "\n") << std::flush; }

std::string describe(const tcp::endpoint& ep) {
  const auto addr = ep.address();
  return (addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string()) + ":" +
         std::to_string(ep.port());
}

constexpr auto linger_time = std::chrono::seconds(2);

// One publisher socket. Every member runs on the socket's strand.
class connection : public std::enable_shared_from_this<connection> {
 public:
  connection(tcp::socket socket, std::string peer, ingest::ingest_handler& handler,
             const server_options& opt, runtime::connection_caps::slot place,
             std::shared_ptr<std::atomic<std::size_t>> publishers)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), session_(peer, opt.session),
        handler_(handler), opt_(opt), read_buf_(opt.read_buffer_size), place_(std::move(place)),
        publishers_(std::move(publishers)) {}

  void start() {
    asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
      log_line("connection from " + self->session_.peer());
      self->phase_start_ = self->last_read_ = clock::now();
      self->arm_timer(self->phase_start_ + self->opt_.publish_timeout);
      self->read();
    });
  }

  void stop(std::string reason) {
    asio::post(socket_.get_executor(),
               [self = shared_from_this(), reason = std::move(reason)]() mutable {
                 self->shutdown(std::move(reason));
               });
  }

 private:
  void read() {
    socket_.async_read_some(asio::buffer(read_buf_),
                            [self = shared_from_this()](boost::system::error_code ec,
                                                        std::size_t n) { self->on_read(ec, n); });
  }

  void on_read(boost::system::error_code ec, std::size_t n) {
    if (closed_)
      return;
    if (ec) {
      if (closing_)
        return shutdown(close_reason_);
      return shutdown(ec == asio::error::eof ? "publisher disconnected"
                                             : "read error: " + ec.message());
    }
    last_read_ = clock::now();
    if (closing_)
      return read();  // draining so the peer sees our last words, not a reset
    pace_reads(n);

    auto st = session_.receive(std::span<const std::uint8_t>{read_buf_.data(), n});
    flush();
    handle_events();
    if (!st) {
      log_line("protocol error from " + session_.peer() + ": " + st.message());
      return shutdown("protocol error");
    }
    if (closed_)
      return;
    if (session_.wants_close())
      close_gracefully("publish rejected");
    read();
  }

  void handle_events() {
    for (auto& ev : session_.take_events()) {
      if (auto* req = std::get_if<publish_requested>(&ev)) {
        log_line("publish request from " + session_.peer() + " app=" + session_.app());
        auto done = [self = shared_from_this(), id = req->id](ingest::open_result r) {
          // The handler may answer from any thread: hop back onto our strand.
          asio::post(self->socket_.get_executor(),
                     [self, id, r = std::move(r)]() mutable { self->on_open(id, std::move(r)); });
        };
        req->request.disconnect = [weak = weak_from_this()](std::string reason) {
          if (auto self = weak.lock()) {
            log_line("disconnecting " + self->session_.peer() + ": " + reason);
            self->stop(std::move(reason));
          }
        };
        handler_.open(std::move(req->request), std::move(done));
      } else if (auto* up = std::get_if<unpublished>(&ev)) {
        log_line("unpublished " + session_.peer() + " app=" + session_.app() + " (" + up->reason +
                 ")");
        phase_start_ = clock::now();
        arm_timer(current_deadline());
      }
    }
  }

  void on_open(std::uint64_t id, ingest::open_result r) {
    if (r.sink) {
      session_.accept_publish(id, std::move(r.sink));  // closes the sink itself if we are gone
      if (session_.publishing()) {
        log_line("publishing from " + session_.peer() + " app=" + session_.app());
        arm_timer(current_deadline());  // the idle limit applies from now on
      }
    } else {
      log_line("publish rejected from " + session_.peer() + " app=" + session_.app() + ": " +
               (r.reject_reason.empty() ? std::string{"rejected"} : r.reject_reason));
      session_.reject_publish(id, r.reject_reason);
    }
    if (closed_)
      return;
    flush();
    if (session_.wants_close())
      close_gracefully("publish rejected");
  }

  void flush() {
    auto out = session_.take_output();
    if (out.empty() || closed_)
      return;
    queued_ += out.size();
    if (queued_ > opt_.max_pending_output)
      return shutdown("peer is not reading (output backlog)");
    queue_.push_back(std::move(out));
    if (!writing_)
      write_next();
  }

  void write_next() {
    writing_ = true;
    asio::async_write(socket_, asio::buffer(queue_.front()),
                      [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                        self->writing_ = false;
                        self->queued_ -= self->queue_.front().size();
                        self->queue_.pop_front();
                        if (self->closed_)
                          return;
                        if (ec)
                          return self->shutdown("write error: " + ec.message());
                        if (!self->queue_.empty())
                          return self->write_next();
                        if (self->closing_)
                          self->linger();
                      });
  }

  // Sends what is queued, half-closes, and waits briefly for the peer to hang up.
  void close_gracefully(std::string reason) {
    if (closing_ || closed_)
      return;
    closing_ = true;
    close_reason_ = std::move(reason);
    if (!writing_ && queue_.empty())
      linger();
  }

  void linger() {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    arm_timer(clock::now() + linger_time);
  }

  void arm_timer(clock::time_point at) {
    timer_.expires_at(at);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec != asio::error::operation_aborted)
        self->on_timer();
    });
  }

  void on_timer() {
    if (closed_)
      return;
    const auto now = clock::now();
    if (closing_) {
      if (now >= timer_.expiry())
        shutdown(close_reason_);
      return;
    }
    // One timer serves both limits: re-arm for whichever deadline applies now.
    const auto deadline = current_deadline();
    if (now >= deadline)
      return shutdown(session_.publishing() ? "timeout: no data while publishing"
                                            : "timeout: no publish");
    arm_timer(deadline);
  }

  // A publisher's media arrives as one TCP write per audio or video frame, ~75 a second, and
  // each read wakes a network thread and then the media actor. On a busy server, past the first
  // second of publishing, the socket is told to report readable only once ~read_batch of media
  // (at the last second's bitrate) is there: fewer wake-ups for a little delay (a close is
  // reported at once, whatever the mark).
  void pace_reads(std::size_t n) {
    if (opt_.read_batch.count() <= 0)
      return;
    bytes_since_ += n;
    const auto now = clock::now();
    if (!session_.publishing()) {
      bytes_since_ = 0;
      rate_since_ = now;
      return set_low_water(1);
    }
    if (!counted_) {
      counted_ = true;
      publishers_->fetch_add(1);
    }
    if (now - rate_since_ < std::chrono::seconds(1))
      return;
    const double seconds = std::chrono::duration<double>(now - rate_since_).count();
    const double batch = std::chrono::duration<double>(opt_.read_batch).count();
    auto mark = static_cast<int>(static_cast<double>(bytes_since_) / seconds * batch);
    bool busy = publishers_->load() >= opt_.read_batch_from;
    set_low_water(busy ? std::clamp(mark, 1, max_low_water) : 1);
    bytes_since_ = 0;
    rate_since_ = now;
  }

  void set_low_water(int bytes) {
    if (bytes == low_water_)
      return;
    low_water_ = bytes;
    if (::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVLOWAT, &bytes, sizeof bytes) != 0)
      low_water_ = 1;  // keeps reading on every packet
  }

  // Publishing: idle limit since the last bytes. Otherwise: time allowed to get to publishing.
  clock::time_point current_deadline() const {
    return session_.publishing() ? last_read_ + opt_.idle_timeout
                                 : phase_start_ + opt_.publish_timeout;
  }

  void shutdown(std::string reason) {
    if (closed_)
      return;
    closed_ = true;
    session_.close(reason);
    log_line("closed " + session_.peer() + ": " + reason);
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    timer_.cancel();
    place_.release();  // the address may connect again at once
    if (std::exchange(counted_, false))
      publishers_->fetch_sub(1);
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  session session_;
  ingest::ingest_handler& handler_;
  const server_options opt_;  // a copy: connections may outlive the server object
  std::vector<std::uint8_t> read_buf_;
  std::deque<std::vector<std::uint8_t>> queue_;
  std::size_t queued_ = 0;
  bool writing_ = false;
  bool closing_ = false;
  bool closed_ = false;
  std::string close_reason_;
  clock::time_point last_read_{};
  clock::time_point phase_start_{};
  static constexpr int max_low_water = 16 * 1024;
  int low_water_ = 1;            // the socket's SO_RCVLOWAT
  bool counted_ = false;         // among the server's publishers
  std::size_t bytes_since_ = 0;  // bytes read since rate_since_
  clock::time_point rate_since_{};
  runtime::connection_caps::slot place_;                  // in the server's connection caps
  std::shared_ptr<std::atomic<std::size_t>> publishers_;  // the server's publishing sockets
};

// Accept failures that mean "out of descriptors or memory": retrying at once would fail again.
bool exhausted(const boost::system::error_code& ec) {
  if (ec.category() != boost::system::system_category())
    return false;
  const int v = ec.value();
  return v == EMFILE || v == ENFILE || v == ENOBUFS || v == ENOMEM;
}

}  // namespace

struct server::impl : std::enable_shared_from_this<server::impl> {
  impl(asio::io_context& io, std::function<asio::io_context&()> loop, const tcp::endpoint& ep,
       ingest::ingest_handler& h, server_options o)
      : connection_loop(std::move(loop)), acceptor(asio::make_strand(io)), handler(h), opt(o),
        caps({opt.max_connections, opt.max_connections_per_address}) {
    acceptor.open(ep.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen();
    port = acceptor.local_endpoint().port();
  }

  void accept() {
    acceptor.async_accept(asio::make_strand(connection_loop()),
                          [self = shared_from_this()](boost::system::error_code ec,
                                                      tcp::socket socket) {
                            if (self->stopped)
                              return;
                            if (ec) {
                              if (ec == asio::error::operation_aborted)
                                return;
                              return self->on_accept_error(ec);
                            }
                            self->errors = 0;
                            self->backoff = {};
                            self->admit(std::move(socket));
                            self->accept();
                          });
  }

  // Out of descriptors (EMFILE) the pending connection stays queued and accept fails again at
  // once: pause instead of spinning, longer while it lasts.
  void on_accept_error(const boost::system::error_code& ec) {
    if (!exhausted(ec) && ++errors < 8)
      return accept();
    backoff = std::clamp(backoff * 2, std::chrono::milliseconds(50),
                         std::chrono::milliseconds(500));
    if (auto held_back = errors_log.admit())
      log_line("accept error: " + ec.message() + "; pausing accepts for " +
               std::to_string(backoff.count()) + " ms" +
               (*held_back ? " (" + std::to_string(*held_back) + " more failures)" : ""));
    pause.expires_after(backoff);
    pause.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
      if (!wait_ec && !self->stopped)
        self->accept();
    });
  }

  void admit(tcp::socket socket) {
    boost::system::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    if (ec)
      return;  // already gone
    std::erase_if(connections, [](const auto& w) { return w.expired(); });
    auto admission = caps.admit(runtime::address_key(remote.address().to_string()));
    if (!admission.held) {
      if (auto held_back = refusals_log.admit())
        log_line("refusing " + describe(remote) + ": " + runtime::to_string(admission.why) +
                 (*held_back ? " (" + std::to_string(*held_back) + " more refused)" : ""));
      socket.set_option(asio::socket_base::linger(true, 0), ec);  // reset: nothing to say
      return;  // the socket closes as it goes out of scope
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto c = std::make_shared<connection>(std::move(socket), describe(remote), handler, opt,
                                          std::move(admission.held), publishers);
    connections.push_back(c);
    c->start();
  }

  std::function<asio::io_context&()> connection_loop;  // where each new publisher runs
  std::shared_ptr<std::atomic<std::size_t>> publishers = std::make_shared<std::atomic<std::size_t>>(
    0);
  tcp::acceptor acceptor;
  ingest::ingest_handler& handler;
  server_options opt;
  unsigned short port = 0;
  bool stopped = false;
  std::vector<std::weak_ptr<connection>> connections;  // touched only on the acceptor's strand
  asio::steady_timer pause{acceptor.get_executor()};   // accept backoff, on the acceptor's strand
  runtime::connection_caps caps;
  runtime::log_throttle refusals_log;
  runtime::log_throttle errors_log;
  std::chrono::milliseconds backoff{0};
  int errors = 0;  // consecutive accept errors
};

server::server(asio::io_context& io, tcp::endpoint endpoint, ingest::ingest_handler& handler,
               server_options options)
    : server(
        io, [&io]() -> asio::io_context& { return io; }, endpoint, handler, options) {}

server::server(asio::io_context& io, std::function<asio::io_context&()> connection_loop,
               tcp::endpoint endpoint, ingest::ingest_handler& handler, server_options options)
    : impl_(std::make_shared<impl>(io, std::move(connection_loop), endpoint, handler, options)) {
  log_line("listening on " + describe(tcp::endpoint{endpoint.address(), impl_->port}));
  impl_->accept();
}

server::~server() { stop(); }

unsigned short server::port() const { return impl_->port; }

void server::stop() {
  asio::post(impl_->acceptor.get_executor(), [self = impl_] {
    if (self->stopped)
      return;
    self->stopped = true;
    boost::system::error_code ignored;
    self->acceptor.close(ignored);
    self->pause.cancel();
    for (auto& w : self->connections)
      if (auto c = w.lock())
        c->stop("server stopping");
  });
}

}  // namespace aethex::net::rtmp
