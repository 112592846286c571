#include "runtime/replace_file.hpp"

#include <fstream>
#include <system_error>

namespace aethex::runtime {

bool replace_file(const std::filesystem::path& path, std::span<const std::byte> bytes) {
  auto tmp = path;
  tmp += ".tmp";
  std::error_code ec;
  {
    std::ofstream out{tmp, std::ios::binary | std::ios::trunc};
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::filesystem::remove(tmp, ec);
      return false;
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return false;
  }
  return true;
}

}  // namespace aethex::runtime
