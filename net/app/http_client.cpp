#include "net/app/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace aethex::app {

namespace beast = boost::beast;
namespace bhttp = beast::http;

http_result http_call(const std::string& host_port, const std::string& method,
                      const std::string& target, const std::string& body,
                      const std::string& bearer_token) {
  auto colon = host_port.rfind(':');
  if (colon == std::string::npos)
    return {0, {}, {}, "expected HOST:PORT, got '" + host_port + "'"};
  try {
    boost::asio::io_context io;
    boost::asio::ip::tcp::resolver resolver{io};
    beast::tcp_stream stream{io};
    stream.expires_after(std::chrono::seconds(15));
    stream.connect(resolver.resolve(host_port.substr(0, colon), host_port.substr(colon + 1)));
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
    req.set(bhttp::field::host, host_port);
    if (!bearer_token.empty())
      req.set(bhttp::field::authorization, "Bearer " + bearer_token);
    if (!body.empty()) {
      req.set(bhttp::field::content_type, "application/json");
      req.body() = body;
    }
    req.prepare_payload();
    bhttp::write(stream, req);
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream, buffer, res);
    beast::error_code ec;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    return {res.result_int(), std::move(res.body()), std::string{res[bhttp::field::location]}, {}};
  } catch (const std::exception& e) {
    return {0, {}, {}, std::string{"cannot reach node at "} + host_port + ": " + e.what()};
  }
}

}  // namespace aethex::app
