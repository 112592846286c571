// The server side of RFC 6455 that the chat socket needs: the opening handshake's answer, frame
// headers, parsing masked client frames and UTF-8 validation. No I/O and no per-connection state,
// so an idle connection holds only its own few fields (docs/chat-protocol.md, connection limits).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/http/server.hpp"

namespace aethex::net::ws {

enum class opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xa,
};

/// The bytes answering a WebSocket upgrade request: "101 Switching Protocols" when `ok`, otherwise
/// an error response after which the connection closes.
struct handshake_answer {
  std::string bytes;
  bool ok = false;
};
handshake_answer answer_handshake(const http::request& req);

/// Header of an unmasked, final server frame (RFC 6455 5.2); returns its length (2, 4 or 10).
std::uint8_t frame_head(std::array<char, 11>& head, opcode op, std::size_t len);

/// A whole control frame (payload at most 125 bytes).
std::string control_frame(opcode op, std::string_view payload);
/// A close frame with a status code and reason.
std::string close_frame(std::uint16_t code, std::string_view reason);

/// One client frame taken off the front of a byte buffer.
struct parsed_frame {
  enum class status { need_more, ok, protocol_error, too_big } result = status::need_more;
  std::size_t consumed = 0;  // bytes of the frame (when ok or too_big)
  opcode op = opcode::continuation;
  bool fin = false;
  std::string payload;  // unmasked
};

/// Parses the first frame of `in`. Data frames whose payload would take the message past
/// `max_message` (with `message_so_far` bytes already received) are `too_big` as soon as their
/// header is in; unmasked, reserved-bit or malformed control frames are protocol errors.
parsed_frame parse_frame(std::string_view in, std::size_t message_so_far, std::size_t max_message);

bool valid_utf8(std::string_view text);

}  // namespace aethex::net::ws
