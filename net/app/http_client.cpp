#include "net/app/http_client.hpp"

#include <algorithm>
#include <charconv>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace aethex::app {

namespace beast = boost::beast;
namespace bhttp = beast::http;

http_result http_call(const std::string& host_port, const std::string& method,
                      const std::string& target, const std::string& body,
                      const std::string& bearer_token) {
  auto colon = host_port.rfind(':');
  if (colon == std::string::npos)
    return {0, {}, {}, "expected HOST:PORT, got '" + host_port + "'", 0};
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
    unsigned retry_after = 0;
    auto wait = res[bhttp::field::retry_after];
    std::from_chars(wait.data(), wait.data() + wait.size(), retry_after);  // absent or a date: 0
    return {res.result_int(),
            std::move(res.body()),
            std::string{res[bhttp::field::location]},
            {},
            retry_after};
  } catch (const std::exception& e) {
    return {0, {}, {}, std::string{"cannot reach node at "} + host_port + ": " + e.what(), 0};
  }
}

namespace {

// The JSON error body's code is `moved` (what a 503 during a partition's handover carries).
bool refused_as_moved(const http_result& result) {
  if (result.status != 503)
    return false;
  auto body = nlohmann::json::parse(result.body, nullptr, false);
  return body.is_object() && body.contains("error") && body["error"].is_object() &&
         body["error"].value("code", "") == "moved";
}

}  // namespace

http_result http_call_retrying_moved(const std::string& host_port, const std::string& method,
                                     const std::string& target, const std::string& body,
                                     const std::string& bearer_token, int retries) {
  auto result = http_call(host_port, method, target, body, bearer_token);
  for (int again = 0; again < retries && refused_as_moved(result); ++again) {
    std::this_thread::sleep_for(std::chrono::seconds(std::max(result.retry_after, 1u)));
    result = http_call(host_port, method, target, body, bearer_token);
  }
  return result;
}

}  // namespace aethex::app
