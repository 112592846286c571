// libFuzzer target: client bytes as the chat socket reads them — frames taken off the front of a
// buffer until it needs more, with the limits the socket uses — and the UTF-8 check.
#include "net/ws/ws_frame.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using aethex::net::ws::parse_frame;
  using status = aethex::net::ws::parsed_frame::status;
  constexpr std::size_t max_message = 16384;
  std::string_view rest{reinterpret_cast<const char*>(data), size};
  std::size_t message = 0;
  while (!rest.empty()) {
    auto frame = parse_frame(rest, message, max_message);
    if (frame.result != status::ok)
      break;  // the socket waits for more bytes or closes (1002, 1009)
    if (frame.consumed == 0 || frame.consumed > rest.size())
      __builtin_trap();  // a parsed frame lies inside the buffer and makes progress
    bool control = static_cast<std::uint8_t>(frame.op) >= 0x8;
    if (control && frame.payload.size() > 125)
      __builtin_trap();
    if (!control) {
      if (message + frame.payload.size() > max_message)
        __builtin_trap();  // the message limit holds for what gets through
      message = frame.fin ? 0 : message + frame.payload.size();
    }
    (void)aethex::net::ws::valid_utf8(frame.payload);
    rest.remove_prefix(frame.consumed);
  }
  (void)aethex::net::ws::valid_utf8({reinterpret_cast<const char*>(data), size});
  return 0;
}
