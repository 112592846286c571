#include "net/http/server.hpp"

#include <sys/sendfile.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <iostream>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <nlohmann/json.hpp>

#include "net/http/response_head.hpp"
#include "runtime/limits.hpp"

namespace aethex::net::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using slot = runtime::connection_caps::slot;

namespace {

void log_line(const std::string& text) { std::clog << ("http: " + text + "\n") << std::flush; }

// WebSocket sessions take the socket over, and with it the end of the connection, which this
// server cannot observe. Their place in the caps is parked here with the descriptor and its
// inode, and given back once fstat shows the descriptor closed or reused by another file:
// checked when a cap refuses a connection, at most every 100 ms.
class upgraded_sockets {
 public:
  void keep(int fd, slot place) {
    struct stat st {};
    if (::fstat(fd, &st) != 0)
      return;  // already gone: the place goes back now
    std::lock_guard lock{mutex_};
    entries_.push_back({fd, st.st_dev, st.st_ino, std::move(place)});
    // Without caps nothing asks for places back: sweep whenever the list doubled, so it stays
    // within twice the open WebSocket sessions.
    if (entries_.size() >= 2 * after_sweep_ + 64)
      sweep_locked();
  }

  /// True when places were given back.
  bool reclaim() {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock{mutex_};
    if (now - last_sweep_ < std::chrono::milliseconds(100))
      return false;
    last_sweep_ = now;
    return sweep_locked() > 0;
  }

 private:
  std::size_t sweep_locked() {
    auto gone = std::erase_if(entries_, [](const entry& e) {
      struct stat st {};
      return ::fstat(e.fd, &st) != 0 || st.st_dev != e.dev || st.st_ino != e.ino;
    });
    after_sweep_ = entries_.size();
    return gone;
  }

  struct entry {
    int fd;
    dev_t dev;
    ino_t ino;
    slot place;
  };
  std::mutex mutex_;
  std::vector<entry> entries_;  // at most max_connections, or twice the open sessions
  std::size_t after_sweep_ = 0;
  std::chrono::steady_clock::time_point last_sweep_{};
};

// Counts the large bodies being read or answered (server_options::max_large_bodies); a ticket
// gives its place back when dropped.
class large_body_gate : public std::enable_shared_from_this<large_body_gate> {
 public:
  explicit large_body_gate(std::size_t capacity) : capacity_(capacity) {}
  using ticket = std::shared_ptr<const large_body_gate>;  // null: no place
  ticket enter() {
    auto taken = taken_.load();
    do {
      if (taken >= capacity_)
        return nullptr;
    } while (!taken_.compare_exchange_weak(taken, taken + 1));
    return {this, [self = shared_from_this()](const large_body_gate*) { --self->taken_; }};
  }

 private:
  const std::size_t capacity_;
  std::atomic<std::size_t> taken_{0};
};

class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket socket, std::shared_ptr<const request_handler> handler,
          server_options options, slot place, std::shared_ptr<upgraded_sockets> upgraded,
          std::shared_ptr<large_body_gate> large_bodies)
      : stream_(std::move(socket)), handler_(std::move(handler)), options_(std::move(options)),
        place_(std::move(place)), upgraded_(std::move(upgraded)),
        large_bodies_(std::move(large_bodies)) {}

  void start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

 private:
  void read() {
    parser_.emplace();
    // Decided once the head names the request (admit_body). Not boost::none: Beast 1.74 compares
    // a Content-Length with the optional limit, and any length is "greater" than none.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    parser_->header_limit(max_header_bytes);
    if (first_request_ || buffer_.size() > 0)
      return read_head();
    // Between keep-alive requests: wait for the next one to begin, then time its head.
    stream_.expires_after(std::chrono::seconds(options_.idle_timeout_s));
    stream_.async_read_some(buffer_.prepare(1024),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec)
                                return self->on_read(ec);
                              self->buffer_.commit(n);
                              self->read_head();
                            });
  }

  // The deadline covers the whole head however slowly its bytes trickle in (slowloris).
  void read_head() {
    first_request_ = false;
    stream_.expires_after(std::chrono::seconds(options_.header_timeout_s));
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, std::size_t) {
                               if (ec || self->parser_->is_done())
                                 return self->on_read(ec);
                               if (self->admit_body())
                                 self->continue_body();
                             });
  }

  // The head was read without a body limit, because the limit depends on the request (a route
  // that takes slide decks allows more). A Content-Length over it is refused here, before any
  // body byte is read; a chunked body is cut off while it is read. Large bodies are read a few
  // at a time.
  bool admit_body() {
    const auto& head = parser_->get();
    auto limit = options_.max_body_bytes;
    if (options_.body_limit_of)
      limit = std::max(limit, options_.body_limit_of(head.method(), head.target()));
    if (auto length = parser_->content_length(); length && *length > limit) {
      keep_alive_ = false;
      write(error_response(413, "payload_too_large", "request body is too large"));
      return false;
    }
    if (limit > options_.max_body_bytes) {
      large_ticket_ = large_bodies_->enter();
      if (!large_ticket_) {
        keep_alive_ = false;
        auto busy = error_response(503, "unavailable", "too many large uploads at once");
        busy.set(bhttp::field::retry_after, "5");
        write(std::move(busy));
        return false;
      }
    }
    parser_->body_limit(limit);
    return true;
  }

  // A client that sent "Expect: 100-continue" (curl does for bodies over 1 MiB) waits for this
  // interim answer before it sends the body — a second, otherwise.
  void continue_body() {
    const auto expect = parser_->get()[bhttp::field::expect];
    if (!beast::iequals(expect, "100-continue"))
      return read_body();
    static constexpr std::string_view interim = "HTTP/1.1 100 Continue\r\n\r\n";
    asio::async_write(stream_, asio::buffer(interim.data(), interim.size()),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec)
                          return self->close();
                        self->read_body();
                      });
  }

  void read_body() {
    stream_.expires_after(std::chrono::seconds(options_.idle_timeout_s));
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->on_read(ec);
                      });
  }

  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset)
      return close();
    if (ec == bhttp::error::body_limit) {
      keep_alive_ = false;
      return write(error_response(413, "payload_too_large", "request body is too large"));
    }
    if (ec) {
      keep_alive_ = false;
      return write(error_response(400, "bad_request", "malformed HTTP request"));
    }
    auto req = parser_->release();
    keep_alive_ = req.keep_alive();
    version_ = req.version();
    head_request_ = req.method() == bhttp::verb::head;
    if (peer_.empty()) {  // once per connection: getpeername is a system call
      beast::error_code peer_ec;
      auto remote = stream_.socket().remote_endpoint(peer_ec);
      if (!peer_ec)
        peer_ = remote.address().to_string() + ":" + std::to_string(remote.port());
    }
    std::string peer = peer_;
    if (boost::beast::websocket::is_upgrade(req)) {
      if (!options_.on_upgrade)
        return write(error_response(404, "not_found", "no WebSocket endpoint here"));
      stream_.expires_never();
      // The stream moves to the WebSocket session; this HTTP session ends here, its place in
      // the caps stays taken until the socket closes.
      upgraded_->keep(stream_.socket().native_handle(), std::move(place_));
      return options_.on_upgrade(std::move(stream_), std::move(req), std::move(peer));
    }
    // The handler may answer from another thread: hop back onto this connection's executor (its
    // loop). Answered at once (files, cached media) it is on that loop already and writes inline.
    auto respond = [self = shared_from_this()](response res) {
      asio::dispatch(self->stream_.get_executor(),
                     [self, res = std::move(res)]() mutable { self->write(std::move(res)); });
    };
    try {
      (*handler_)(std::move(req), std::move(peer), std::move(respond));
    } catch (const std::exception& e) {
      std::clog << "http: handler failed: " << e.what() << "\n";
      write(error_response(500, "internal", "internal error"));
    }
  }

  // One answer at a time: the next request is read once this one is written.
  void write(response res) {
    response_ = std::move(res);
    const head_options how{version_, keep_alive_, head_request_};
    render_head(response_, how, head_);
    const auto& body = response_.body();
    const bool with_body = sends_body(response_, how) && !body.empty();
    if (with_body && body.file())
      return write_file();
    buffers_.clear();
    buffers_.emplace_back(head_.data(), head_.size());
    if (with_body)
      body.append_buffers(buffers_);
    // A span, not the vector: asio copies the sequence into its operation.
    asio::async_write(stream_, std::span<const asio::const_buffer>{buffers_}, all_at_once,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->written(ec);
                      });
  }

  void written(beast::error_code ec) {
    response_ = {};  // the body may hold a live segment: not kept while the connection idles
    large_ticket_.reset();
    if (ec || !keep_alive_)
      return close();
    read();
  }

  // The head, then the body straight from the file's pages with sendfile(2).
  void write_file() {
    asio::async_write(stream_, asio::buffer(head_), all_at_once,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec)
                          return self->close();
                        const auto& body = self->response_.body();
                        self->send_file(body.file_offset(), body.size());
                      });
  }

  // Sends what the socket takes now; when it is full, waits until it drains (at most the idle
  // timeout: a player that stopped reading must not hold its connection forever).
  void send_file(std::size_t offset, std::size_t left) {
    const int socket = stream_.socket().native_handle();
    const int file = response_.body().file()->fd();
    while (left > 0) {
      auto at = static_cast<off_t>(offset);
      const auto n = ::sendfile(socket, file, &at, left);
      if (n > 0) {
        offset += static_cast<std::size_t>(n);
        left -= static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return wait_writable(offset, left);
      return close();  // an error, or the file shorter than its range (never for live media)
    }
    written({});
  }

  void wait_writable(std::size_t offset, std::size_t left) {
    if (!send_deadline_)
      send_deadline_.emplace(stream_.get_executor());
    send_deadline_->expires_after(std::chrono::seconds(options_.idle_timeout_s));
    // The generation tells an expiry of this wait from one of an earlier wait that had already
    // fired when its socket became writable (its handler cannot be cancelled any more).
    const auto wait = ++send_waits_;
    send_deadline_->async_wait([self = shared_from_this(), wait](beast::error_code ec) {
      if (!ec && wait == self->send_waits_)  // this wait expired: give up on the client
        self->stream_.socket().cancel();
    });
    stream_.socket().async_wait(tcp::socket::wait_write,
                                [self = shared_from_this(), offset, left](beast::error_code ec) {
                                  ++self->send_waits_;
                                  self->send_deadline_->cancel();
                                  if (ec)
                                    return self->close();
                                  self->send_file(offset, left);
                                });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<const request_handler> handler_;
  server_options options_;
  slot place_;        // in the connection caps, given back when the session ends
  std::string peer_;  // "address:port" of the client
  std::shared_ptr<upgraded_sockets> upgraded_;
  std::shared_ptr<large_body_gate> large_bodies_;
  large_body_gate::ticket large_ticket_;     // held from a large body's head until its answer
  response response_;                        // the answer being written
  std::string head_;                         // its head; the capacity serves the next answers
  std::vector<asio::const_buffer> buffers_;  // head and body, likewise
  std::optional<asio::steady_timer> send_deadline_;  // made on the first wait of a file send
  std::uint64_t send_waits_ = 0;
  bool first_request_ = true;
  bool keep_alive_ = true;
  bool head_request_ = false;
  unsigned version_ = 11;
};

// Accept failures that mean "out of descriptors or memory": retrying at once would fail again.
bool exhausted(const beast::error_code& ec) {
  if (ec.category() != boost::system::system_category())
    return false;
  const int v = ec.value();
  return v == EMFILE || v == ENFILE || v == ENOBUFS || v == ENOMEM;
}

// A 503 written without waiting for the request, then the connection closes.
void refuse(tcp::socket socket, runtime::connection_caps::refusal why) {
  const std::string body =
    nlohmann::json{{"error", {{"code", "unavailable"}, {"message", runtime::to_string(why)}}}}
      .dump();
  const std::string reply =
    "HTTP/1.1 503 Service Unavailable\r\nServer: aethex\r\nContent-Type: application/json\r\n"
    "Retry-After: 5\r\nConnection: close\r\nContent-Length: " +
    std::to_string(body.size()) + "\r\n\r\n" + body;
  beast::error_code ec;
  socket.non_blocking(true, ec);
  socket.write_some(asio::buffer(reply), ec);
  socket.shutdown(tcp::socket::shutdown_send, ec);
  // Whatever the client sent already is read away, so closing does not reset the connection
  // before the client has read the 503.
  std::array<char, 4096> sink{};
  for (int i = 0; i < 4 && !ec; ++i)
    socket.read_some(asio::buffer(sink), ec);
  socket.close(ec);
}

}  // namespace

struct server::listener : std::enable_shared_from_this<server::listener> {
  listener(asio::io_context& io, std::function<asio::any_io_executor()> connection_executor,
           const tcp::endpoint& endpoint, request_handler handler, server_options options)
      : connection_executor(std::move(connection_executor)), acceptor(asio::make_strand(io)),
        pause(acceptor.get_executor()),
        handler(std::make_shared<const request_handler>(std::move(handler))), options(options),
        caps({options.max_connections, options.max_connections_per_address}) {
    // sendfile(2) has no MSG_NOSIGNAL: sending to a connection the client has closed (EPIPE)
    // would raise SIGPIPE, whose default action ends the process, whatever else it serves.
    // Every send here handles EPIPE as an error, and nothing in the node relies on the signal.
    std::signal(SIGPIPE, SIG_IGN);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    acceptor.non_blocking(true);  // accept_queued() must not wait
  }

  void accept() {
    acceptor.async_accept(take_executor(),
                          [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                            if (ec == asio::error::operation_aborted || !self->acceptor.is_open())
                              return;
                            if (ec)
                              return self->on_accept_error(ec);
                            self->errors = 0;
                            self->backoff = {};
                            self->admit(std::move(socket));
                            self->accept_queued();
                            self->accept();
                          });
  }

  // A loaded loop runs the accept handler once per pass over its queue of ready handlers, so one
  // connection per handler capped accepts far below a thousand a second: the kernel's backlog
  // overflowed and dropped connections (118,000 drops in one 11,000-player ramp). Take what is
  // queued already, up to a bound so a flood cannot starve the loop's other connections (as
  // nginx's multi_accept does). 16 keeps the backlog from overflowing in that ramp; 128 let a
  // 9,000-player ramp start so many requests at once that the node never caught up (p50
  // 108 ms instead of 0.4 ms, a fifth more CPU).
  void accept_queued() {
    for (int i = 0; i < max_accepts_per_turn; ++i) {
      beast::error_code ec;
      auto executor = take_executor();
      tcp::socket socket{executor};
      acceptor.accept(socket, ec);
      if (ec) {
        unused_executor = std::move(executor);  // its loop's turn is not spent
        return;  // would_block: none queued; other errors: the next async_accept sees them
      }
      admit(std::move(socket));
    }
  }

  void admit(tcp::socket socket) {
    beast::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    if (ec)
      return;  // already gone
    const auto key = runtime::address_key(remote.address().to_string());
    auto admission = caps.admit(key);
    if (!admission.held && upgraded->reclaim())
      admission = caps.admit(key);
    if (!admission.held) {
      if (auto held_back = refusals_log.admit())
        log_line("refusing " + key + ": " + runtime::to_string(admission.why) +
                 (*held_back ? " (" + std::to_string(*held_back) + " more refused)" : ""));
      return refuse(std::move(socket), admission.why);
    }
    std::make_shared<session>(std::move(socket), handler, options, std::move(admission.held),
                              upgraded, large_bodies)
      ->start();
  }

  // Out of descriptors (EMFILE) the pending connection stays queued and accept fails again at
  // once: pause instead of spinning, longer while it lasts. Other errors retry at once, unless
  // they keep coming.
  void on_accept_error(const beast::error_code& ec) {
    if (!exhausted(ec) && ++errors < 8)
      return accept();
    backoff = std::clamp(backoff * 2, std::chrono::milliseconds(50),
                         std::chrono::milliseconds(500));
    if (auto held_back = errors_log.admit())
      log_line("accept failed: " + ec.message() + "; pausing accepts for " +
               std::to_string(backoff.count()) + " ms" +
               (*held_back ? " (" + std::to_string(*held_back) + " more failures)" : ""));
    pause.expires_after(backoff);
    pause.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec && self->acceptor.is_open())
        self->accept();
    });
  }

  static constexpr int max_accepts_per_turn = 16;

  // The next connection's loop. An attempt that found no connection hands its loop on to the
  // next one: otherwise every empty attempt skipped a loop in the round-robin and, with two
  // loops, every connection landed on the same one.
  asio::any_io_executor take_executor() {
    if (unused_executor)
      return *std::exchange(unused_executor, std::nullopt);
    return connection_executor();
  }

  std::function<asio::any_io_executor()> connection_executor;  // where each new connection runs
  std::optional<asio::any_io_executor> unused_executor;        // on the acceptor's strand
  tcp::acceptor acceptor;
  asio::steady_timer pause;  // on the acceptor's strand
  std::shared_ptr<const request_handler> handler;
  server_options options;
  runtime::connection_caps caps;
  std::shared_ptr<upgraded_sockets> upgraded = std::make_shared<upgraded_sockets>();
  std::shared_ptr<large_body_gate> large_bodies = std::make_shared<large_body_gate>(
    options.max_large_bodies);
  runtime::log_throttle refusals_log;
  runtime::log_throttle errors_log;
  std::chrono::milliseconds backoff{0};
  int errors = 0;  // consecutive accept errors
};

server::server(asio::io_context& io, const tcp::endpoint& endpoint, request_handler handler,
               server_options options)
    : listener_(std::make_shared<listener>(
        io, [&io]() -> asio::any_io_executor { return asio::make_strand(io); }, endpoint,
        std::move(handler), options)) {
  listener_->accept();
}

server::server(io_pool& loops, const tcp::endpoint& endpoint, request_handler handler,
               server_options options)
    : listener_(std::make_shared<listener>(
        // One thread runs each loop, so a connection needs no strand of its own: that saved
        // ~4 % of the node's CPU per HLS request (the strand's lock and executor copies).
        loops.main(), [&loops]() -> asio::any_io_executor { return loops.next().get_executor(); },
        endpoint, std::move(handler), options)) {
  listener_->accept();
}

server::~server() { stop(); }

unsigned short server::port() const { return listener_->acceptor.local_endpoint().port(); }

void server::stop() {
  asio::post(listener_->acceptor.get_executor(), [l = listener_] {
    beast::error_code ec;
    l->acceptor.close(ec);
    l->pause.cancel();
  });
}

parsed_request parse_request(std::string_view bytes, std::uint64_t max_body_bytes) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.body_limit(max_body_bytes);
  parser.header_limit(max_header_bytes);
  parser.eager(true);
  parsed_request out;
  while (!parser.is_done()) {
    beast::error_code ec;
    auto rest = bytes.substr(out.consumed);
    auto used = parser.put(asio::buffer(rest.data(), rest.size()), ec);
    out.consumed += used;
    if (ec == bhttp::error::need_more && used > 0 && out.consumed < bytes.size())
      continue;  // the head is in; the body follows
    if (ec == bhttp::error::need_more || (!ec && used == 0))
      return out;
    if (ec == bhttp::error::body_limit) {
      out.result = parsed_request::status::too_large;
      return out;
    }
    if (ec) {
      out.result = parsed_request::status::malformed;
      return out;
    }
  }
  out.result = parsed_request::status::complete;
  out.req = parser.release();
  return out;
}

response json_response(unsigned status, std::string body, unsigned http_version) {
  response res{static_cast<bhttp::status>(status), http_version};
  res.set(bhttp::field::content_type, "application/json");
  res.set(bhttp::field::cache_control, "no-store");
  // Bodies are never to be sniffed as another type (an uploaded image served as HTML).
  res.set("X-Content-Type-Options", "nosniff");
  res.body() = std::move(body);
  return res;
}

response error_response(unsigned status, std::string_view code, std::string_view message) {
  nlohmann::json body{{"error", {{"code", code}, {"message", message}}}};
  return json_response(status, body.dump());
}

}  // namespace aethex::net::http
