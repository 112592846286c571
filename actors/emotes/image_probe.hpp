// Recognises an uploaded emote image by its bytes and reads what the limits need (format,
// dimensions, frames). Sans-I/O and strict: a file that does not parse to its end is refused,
// so what browsers get is a whole PNG or GIF. Written by hand because only the container is
// walked (no pixel is decoded): a decoding library would add attack surface for nothing.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <variant>

namespace aethex::actors::emote_images {

enum class image_format { png, gif };

struct image_info {
  image_format format = image_format::png;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t frames = 1;  // a GIF's images; an animated PNG's acTL frame count
};

/// Why the bytes are not an image we take.
struct probe_error {
  bool unsupported_format = false;  // neither PNG nor GIF (else a broken one)
  std::string message;
};

std::variant<image_info, probe_error> probe(std::span<const std::uint8_t> bytes);

const char* format_name(image_format format);   // "png" | "gif"
const char* content_type(image_format format);  // "image/png" | "image/gif"

}  // namespace aethex::actors::emote_images
