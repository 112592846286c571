#include "net/http/server.hpp"

#include <iostream>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <nlohmann/json.hpp>

namespace aethex::net::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket socket, std::shared_ptr<const request_handler> handler,
          server_options options)
      : stream_(std::move(socket)), handler_(std::move(handler)), options_(options) {}

  void start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(options_.max_body_bytes);
    parser_->header_limit(max_header_bytes);
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
    std::string peer;
    beast::error_code peer_ec;
    auto remote = stream_.socket().remote_endpoint(peer_ec);
    if (!peer_ec)
      peer = remote.address().to_string() + ":" + std::to_string(remote.port());
    if (boost::beast::websocket::is_upgrade(req)) {
      if (!options_.on_upgrade)
        return write(error_response(404, "not_found", "no WebSocket endpoint here"));
      stream_.expires_never();
      // The stream moves to the WebSocket session; this HTTP session ends here.
      return options_.on_upgrade(std::move(stream_), std::move(req), std::move(peer));
    }
    // The handler may answer from another thread: hop back onto this connection's strand.
    auto respond = [self = shared_from_this()](response res) {
      asio::post(self->stream_.get_executor(),
                 [self, res = std::move(res)]() mutable { self->write(std::move(res)); });
    };
    try {
      (*handler_)(std::move(req), std::move(peer), std::move(respond));
    } catch (const std::exception& e) {
      std::clog << "http: handler failed: " << e.what() << "\n";
      write(error_response(500, "internal", "internal error"));
    }
  }

  void write(response res) {
    res.version(version_);
    res.keep_alive(keep_alive_);
    if (res.find(bhttp::field::server) == res.end())
      res.set(bhttp::field::server, "aethex");
    res.prepare_payload();
    auto shared = std::make_shared<response>(std::move(res));
    bhttp::async_write(stream_, *shared,
                       [self = shared_from_this(), shared](beast::error_code ec, std::size_t) {
                         if (ec || !self->keep_alive_)
                           return self->close();
                         self->read();
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
  bool keep_alive_ = true;
  unsigned version_ = 11;
};

}  // namespace

struct server::listener : std::enable_shared_from_this<server::listener> {
  listener(asio::io_context& io, const tcp::endpoint& endpoint, request_handler handler,
           server_options options)
      : io(io), acceptor(asio::make_strand(io)),
        handler(std::make_shared<const request_handler>(std::move(handler))), options(options) {
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
  }

  void accept() {
    acceptor.async_accept(asio::make_strand(io),
                          [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                            if (ec == asio::error::operation_aborted || !self->acceptor.is_open())
                              return;
                            if (!ec)
                              std::make_shared<session>(std::move(socket), self->handler,
                                                        self->options)
                                  ->start();
                            self->accept();
                          });
  }

  asio::io_context& io;
  tcp::acceptor acceptor;
  std::shared_ptr<const request_handler> handler;
  server_options options;
};

server::server(asio::io_context& io, const tcp::endpoint& endpoint, request_handler handler,
               server_options options)
    : listener_(std::make_shared<listener>(io, endpoint, std::move(handler), options)) {
  listener_->accept();
}

server::~server() { stop(); }

unsigned short server::port() const { return listener_->acceptor.local_endpoint().port(); }

void server::stop() {
  asio::post(listener_->acceptor.get_executor(), [l = listener_] {
    beast::error_code ec;
    l->acceptor.close(ec);
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
  res.body() = std::move(body);
  return res;
}

response error_response(unsigned status, std::string_view code, std::string_view message) {
  nlohmann::json body{{"error", {{"code", code}, {"message", message}}}};
  return json_response(status, body.dump());
}

}  // namespace aethex::net::http
