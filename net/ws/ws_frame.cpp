#include "net/ws/ws_frame.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/detail/hybi13.hpp>
#include <boost/beast/websocket/detail/utf8_checker.hpp>

namespace aethex::net::ws {

namespace beast = boost::beast;

handshake_answer answer_handshake(const http::request& req) {
  auto key = req[beast::http::field::sec_websocket_key];
  auto version = req[beast::http::field::sec_websocket_version];
  // Beast's accept hash takes keys of at most 24 characters (base64 of 16 bytes, RFC 6455
  // 4.1); longer ones abort it (assertion) or throw (length_error) on the connection's thread.
  if (req.method() != beast::http::verb::get || key.empty() ||
      key.size() > beast::websocket::detail::sec_ws_key_type::max_size_n)
    return {
      "HTTP/1.1 400 Bad Request\r\nServer: aethex\r\nContent-Length: 0\r\n"
      "Connection: close\r\n\r\n",
      false};
  if (version != "13")
    return {
      "HTTP/1.1 426 Upgrade Required\r\nServer: aethex\r\nSec-WebSocket-Version: 13\r\n"
      "Content-Length: 0\r\nConnection: close\r\n\r\n",
      false};
  beast::websocket::detail::sec_ws_accept_type accept;
  beast::websocket::detail::make_sec_ws_accept(accept, key);
  std::string out =
    "HTTP/1.1 101 Switching Protocols\r\nServer: aethex\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Accept: ";
  out.append(accept.data(), accept.size()).append("\r\n\r\n");
  return {std::move(out), true};
}

std::uint8_t frame_head(std::array<char, 11>& head, opcode op, std::size_t len) {
  head[0] = static_cast<char>(0x80 | static_cast<std::uint8_t>(op));
  if (len < 126) {
    head[1] = static_cast<char>(len);
    return 2;
  }
  if (len <= 0xffff) {
    head[1] = 126;
    head[2] = static_cast<char>(len >> 8);
    head[3] = static_cast<char>(len & 0xff);
    return 4;
  }
  head[1] = 127;
  for (int i = 0; i < 8; ++i)
    head[2 + i] = static_cast<char>((static_cast<std::uint64_t>(len) >> (56 - 8 * i)) & 0xff);
  return 10;
}

std::string control_frame(opcode op, std::string_view payload) {
  payload = payload.substr(0, 125);
  std::array<char, 11> head{};
  auto n = frame_head(head, op, payload.size());
  std::string out(head.data(), n);
  out.append(payload);
  return out;
}

std::string close_frame(std::uint16_t code, std::string_view reason) {
  std::string payload{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
  payload.append(reason.substr(0, 123));
  return control_frame(opcode::close, payload);
}

parsed_frame parse_frame(std::string_view in, std::size_t message_so_far, std::size_t max_message) {
  parsed_frame f;
  if (in.size() < 2)
    return f;
  auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(in[i]); };
  f.fin = byte(0) & 0x80;
  auto op = byte(0) & 0x0f;
  f.op = static_cast<opcode>(op);
  std::uint64_t len = byte(1) & 0x7f;
  std::size_t head = len == 126 ? 4 : len == 127 ? 10 : 2;
  bool control = op >= 0x8;
  bool known = op <= 0x2 || (op >= 0x8 && op <= 0xa);
  if ((byte(0) & 0x70) || !(byte(1) & 0x80) || !known || (control && (!f.fin || len > 125))) {
    f.result = parsed_frame::status::protocol_error;
    return f;
  }
  if (in.size() < head + 4)
    return f;
  if (len == 126) {
    len = (std::uint64_t{byte(2)} << 8) | byte(3);
  } else if (len == 127) {
    len = 0;
    for (std::size_t i = 2; i < 10; ++i)
      len = (len << 8) | byte(i);
    // RFC 6455 5.2: the most significant bit must be 0. Lengths near 2^64 would also wrap
    // `head + len` below, so they are refused here, before any arithmetic.
    if (len >> 63) {
      f.result = parsed_frame::status::protocol_error;
      return f;
    }
  }
  auto mask = in.substr(head, 4);
  head += 4;
  // `len > max_message - message_so_far` rather than a sum that could wrap.
  if (!control && (message_so_far > max_message || len > max_message - message_so_far)) {
    f.result = parsed_frame::status::too_big;
    f.consumed = head + len;  // the whole frame (len < 2^63), most of it not received yet
    return f;
  }
  if (in.size() - head < len)
    return f;
  f.payload.assign(in.substr(head, len));
  for (std::size_t i = 0; i < f.payload.size(); ++i)
    f.payload[i] = static_cast<char>(f.payload[i] ^ mask[i % 4]);
  f.consumed = head + len;
  f.result = parsed_frame::status::ok;
  return f;
}

bool valid_utf8(std::string_view text) {
  beast::websocket::detail::utf8_checker check;
  return check.write(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()) &&
         check.finish();
}

}  // namespace aethex::net::ws
