// libFuzzer target: bytes a client sends on an HTTP connection, read request after request
// (keep-alive pipelining) by the parser and limits every connection uses, then what the
// connection does with each request: keep-alive and version for the answer, the WebSocket
// upgrade check and handshake answer, and an error response written back.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string_view>

#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "net/http/server.hpp"
#include "net/ws/ws_frame.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aethex::net;
  using status = http::parsed_request::status;
  const auto max_body = http::server_options{}.max_body_bytes;
  std::string_view rest{reinterpret_cast<const char*>(data), size};
  while (!rest.empty()) {
    auto parsed = http::parse_request(rest, max_body);
    if (parsed.result != status::complete)
      break;  // the connection waits for more bytes, or answers 413/400 and closes
    if (parsed.consumed == 0 || parsed.consumed > rest.size())
      __builtin_trap();  // a request lies inside the buffer and makes progress
    auto& req = parsed.req;
    if (req.body().size() > max_body)
      __builtin_trap();
    auto res = http::error_response(404, "not_found", "no such endpoint");
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    std::ostringstream out;
    out << res;
    if (boost::beast::websocket::is_upgrade(req)) {
      auto answer = ws::answer_handshake(req);
      if (answer.bytes.empty())
        __builtin_trap();  // an upgrade request always gets an answer
    }
    rest.remove_prefix(parsed.consumed);
  }
  return 0;
}
