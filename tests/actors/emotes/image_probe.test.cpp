// The emote image probe: PNG and GIF recognised by their bytes with their size and frames;
// truncated, trailing, headerless and foreign files refused with the reason.
#include "actors/emotes/image_probe.hpp"

#include <doctest/doctest.h>

#include <span>
#include <string>

#include "tests/actors/emotes/emote_images.hpp"

using namespace aethex::actors::emote_images;
using aethex::test::gif;
using aethex::test::png;

namespace {

std::variant<image_info, probe_error> probe_text(const std::string& bytes) {
  return probe(std::span{reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
}

image_info accepted(const std::string& bytes) {
  auto result = probe_text(bytes);
  REQUIRE(std::holds_alternative<image_info>(result));
  return std::get<image_info>(result);
}

probe_error refused(const std::string& bytes) {
  auto result = probe_text(bytes);
  REQUIRE(std::holds_alternative<probe_error>(result));
  return std::get<probe_error>(result);
}

}  // namespace

TEST_CASE("a whole PNG is read with its size; an animated one with its frames") {
  auto info = accepted(png(56, 48));
  CHECK(info.format == image_format::png);
  CHECK(info.width == 56);
  CHECK(info.height == 48);
  CHECK(info.frames == 1);

  auto animated = png(28, 28);
  std::string actl;
  aethex::test::put32(actl, 12);  // frames
  aethex::test::put32(actl, 0);   // plays
  std::string chunk;
  aethex::test::png_chunk(chunk, "acTL", actl);
  animated.insert(8 + 25, chunk);  // after the signature and IHDR
  CHECK(accepted(animated).frames == 12);
  CHECK(std::string{content_type(image_format::png)} == "image/png");
}

TEST_CASE("a broken PNG is refused, not guessed at") {
  auto whole = png(56, 56);
  auto cut = refused(whole.substr(0, whole.size() - 5));
  CHECK_FALSE(cut.unsupported_format);
  CHECK(cut.message.find("truncated") != std::string::npos);
  CHECK(refused(whole + "junk").message.find("after its end") != std::string::npos);
  auto no_header = whole;
  no_header.replace(12, 4, "IDAT");
  CHECK(refused(no_header).message.find("header") != std::string::npos);
  auto huge_length = whole;
  huge_length.replace(33, 4, std::string{"\x7f\xff\xff\xff", 4});  // IDAT claims 2 GiB
  CHECK(refused(huge_length).message.find("truncated") != std::string::npos);
}

TEST_CASE("a GIF is walked to its trailer and its images counted") {
  auto info = accepted(gif(64, 3));
  CHECK(info.format == image_format::gif);
  CHECK(info.width == 64);
  CHECK(info.height == 64);
  CHECK(info.frames == 3);
  auto whole = gif(64, 2);
  CHECK(refused(whole.substr(0, whole.size() - 1)).message.find("truncated") != std::string::npos);
  CHECK(refused(whole.substr(0, 20)).message.find("truncated") != std::string::npos);
  CHECK(refused(gif(64, 0)).message.find("no image") != std::string::npos);
  auto odd_block = whole;
  odd_block[odd_block.size() - 1] = '\x55';
  CHECK(refused(odd_block).message.find("unknown block") != std::string::npos);
}

TEST_CASE("anything else is an unsupported format") {
  for (const std::string& other :
       {std::string{"<svg xmlns='http://www.w3.org/2000/svg'/>"},
        std::string{"\xff\xd8\xff\xe0 JFIF"}, std::string{}, std::string{"GIF8"}}) {
    auto err = refused(other);
    CHECK(err.unsupported_format);
  }
}
