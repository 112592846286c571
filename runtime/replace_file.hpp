// Replacing a small file at once: readers (players polling a playlist, a page showing a
// thumbnail) and a crash never see it half written.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string_view>

namespace aethex::runtime {

/// Writes `bytes` beside `path` (".tmp"), then renames it over `path`. False, with the
/// temporary file removed, when either step fails.
bool replace_file(const std::filesystem::path& path, std::span<const std::byte> bytes);
inline bool replace_file(const std::filesystem::path& path, std::string_view text) {
  return replace_file(path, std::as_bytes(std::span{text.data(), text.size()}));
}

}  // namespace aethex::runtime
