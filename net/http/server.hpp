// HTTP/1.1 server on Boost.Beast: parses requests with limits, hands each one to a single
// handler, and writes the response the handler gives back (from any thread).
//
// Resource limits: connections are capped in total and per client address (WebSocket sessions
// keep their place until their socket closes); a connection over a cap gets a 503 and is closed
// at once. A request head must be complete within header_timeout_s of its start (slowloris).
// Accept errors such as EMFILE pause accepting (50..500 ms) instead of spinning.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>

#include "net/http/io_pool.hpp"
#include "net/http/payload.hpp"

namespace aethex::net::http {

/// asio completion condition for async_write without asio's default cap of 64 KiB per system
/// call: an answer or a frame goes in as few calls as the socket takes.
inline std::size_t all_at_once(const boost::system::error_code& ec, std::size_t) {
  return ec ? 0 : std::numeric_limits<std::size_t>::max();
}

using request = boost::beast::http::request<boost::beast::http::string_body>;
using response = boost::beast::http::response<payload_body>;

/// Delivers the response for one request. Callable once, from any thread.
using respond_fn = std::function<void(response)>;
using request_handler = std::function<void(request&& req, std::string peer, respond_fn respond)>;
/// Takes over a connection whose request asks for a WebSocket upgrade (the handler accepts or
/// rejects it). Runs on the connection's strand.
using upgrade_handler =
  std::function<void(boost::beast::tcp_stream&& stream, request&& req, std::string peer)>;
/// The body limit of one request, decided from its head (method and target): a route that takes
/// slide decks allows more than the default.
using body_limit_fn = std::function<std::uint64_t(boost::beast::http::verb, std::string_view)>;

struct server_options {
  std::uint64_t max_body_bytes = 1 << 20;  // larger bodies get 413 before they are read
  unsigned idle_timeout_s = 60;            // keep-alive wait for the next request; time for a body
  unsigned header_timeout_s = 10;        // a request head must be complete this long after it began
  std::size_t max_connections = 10'000;  // 0 = no cap
  std::size_t max_connections_per_address = 256;  // runtime::address_key; 0 = no cap
  upgrade_handler on_upgrade;                     // empty: upgrade requests get 404
  /// Requests it gives a limit above max_body_bytes are "large": at most max_large_bodies are
  /// read and answered at once; one more gets 503 with Retry-After, so uploads bound memory.
  body_limit_fn body_limit_of;
  std::size_t max_large_bodies = 4;
};

class server {
 public:
  server(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
         request_handler handler, server_options options = {});
  /// Listens on the pool's main loop and spreads connections over all of its loops.
  server(io_pool& loops, const boost::asio::ip::tcp::endpoint& endpoint, request_handler handler,
         server_options options = {});
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  unsigned short port() const;
  void stop();

  struct listener;

 private:
  std::shared_ptr<listener> listener_;
};

/// Request head limit of every connection (the body limit is server_options::max_body_bytes).
inline constexpr std::uint32_t max_header_bytes = 16 * 1024;

/// One request read off the front of `bytes` by the parser a connection uses, with its limits,
/// but without a socket (fuzz target: tests/net/http/fuzz_http_request.cpp).
struct parsed_request {
  /// too_large answers 413, malformed 400 (what a connection does, then closes).
  enum class status { need_more, complete, too_large, malformed } result = status::need_more;
  request req;               // when complete
  std::size_t consumed = 0;  // bytes of this request (when complete)
};
parsed_request parse_request(std::string_view bytes, std::uint64_t max_body_bytes);

/// A JSON response with the given status and body text.
response json_response(unsigned status, std::string body, unsigned http_version = 11);
/// `{"error":{"code":code,"message":message}}` with the given status.
response error_response(unsigned status, std::string_view code, std::string_view message);

}  // namespace aethex::net::http
