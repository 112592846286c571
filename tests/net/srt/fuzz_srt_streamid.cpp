// libFuzzer target: the streamid an SRT caller sends in its handshake, as the listener's accept
// callback parses it before any key lookup.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/srt/streamid.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aethex::net::srt;
  const std::string_view sid{reinterpret_cast<const char*>(data), size};
  const auto r = parse_streamid(sid);
  if (!r) {
    // Refused: no key, a reason to log, and a rejection code for the caller.
    if (!r.key.empty() || r.reason.empty() || reject_code(r.error) == 0)
      __builtin_trap();
    return 0;
  }
  if (r.key.empty() || r.key.size() > max_key_length || !r.reason.empty() ||
      reject_code(r.error) != 0 || sid.find(r.key) == std::string_view::npos)
    __builtin_trap();
  // An accepted key reads back the same in both forms.
  if (parse_streamid(r.key).key != r.key ||
      parse_streamid("#!::r=live/" + r.key + ",m=publish").key != r.key)
    __builtin_trap();
  return 0;
}
