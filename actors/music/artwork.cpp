// music_art/<channel>.<track id>: one track's artwork (PNG or JPEG, at most 1 MiB), stored as
// base64 in its event as emote images are (the journal holds text), erased with its track.
// PNGs are walked by the emotes' probe; JPEGs by the small walker below (markers up to the scan,
// then the end-of-image marker): only the container is read, no pixel is decoded.
#include <sodium.h>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/event_sourced.hpp"
#include "actors/emotes/image_probe.hpp"
#include "actors/music/internal.hpp"
#include "actors/music/music.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

constexpr std::uint32_t artwork_max_side = 4096;

std::string art_to_base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the terminating NUL
  return out;
}

std::string art_from_base64(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    throw json::other_error::create(501, "music artwork: invalid base64", nullptr);
  out.resize(length);
  return out;
}

struct jpeg_size {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

caf::expected<jpeg_size> probe_jpeg(std::string_view text) {
  auto b = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
  auto broken = [](const char* why) {
    return make_error(errc::invalid_argument, std::string{"the JPEG is broken: "} + why);
  };
  std::size_t at = 2;
  std::optional<jpeg_size> size;
  while (true) {
    while (at < text.size() && b(at) == 0xFF && at + 1 < text.size() && b(at + 1) == 0xFF)
      ++at;  // fill bytes
    if (at + 2 > text.size() || b(at) != 0xFF)
      return broken("a marker is missing");
    auto marker = b(at + 1);
    at += 2;
    if (marker == 0xD9)
      return broken("it ends before its image data");
    if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01)
      continue;  // markers without a length
    if (at + 2 > text.size())
      return broken("a segment is cut off");
    std::size_t length = std::size_t{b(at)} << 8 | b(at + 1);
    if (length < 2 || length > text.size() - at)
      return broken("a segment runs past the end");
    bool frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 &&
                 marker != 0xCC;
    if (frame) {
      if (length < 7)
        return broken("a frame header is too short");
      size = jpeg_size{std::uint32_t{b(at + 5)} << 8 | b(at + 6),
                       std::uint32_t{b(at + 3)} << 8 | b(at + 4)};
    }
    at += length;
    if (marker == 0xDA)  // start of scan: entropy-coded data up to the end marker
      break;
  }
  if (!size)
    return broken("it has no frame header");
  if (text.size() < at + 2 || b(text.size() - 2) != 0xFF || b(text.size() - 1) != 0xD9)
    return broken("it is truncated (no end marker)");
  return *size;
}

namespace art_ev {
struct stored {
  static constexpr std::string_view type = "music_art.stored";
  static constexpr std::uint32_t schema = 1;
  std::string format;
  std::string bytes;  // base64 in the payload
};
void to_json(json& j, const stored& e) {
  j = json{{"format", e.format}, {"data", art_to_base64(e.bytes)}};
}
void from_json(const json& j, stored& e) {
  e.format = j.at("format").get<std::string>();
  e.bytes = art_from_base64(j.at("data").get<std::string>());
}
struct erased {
  static constexpr std::string_view type = "music_art.erased";
  static constexpr std::uint32_t schema = 1;
};
void to_json(json& j, const erased&) { j = json::object(); }
void from_json(const json&, erased&) {}
}  // namespace art_ev

struct art_state {
  static constexpr std::string_view kind = "music_art";
  using events = event_list<art_ev::stored, art_ev::erased>;
  std::string format;  // empty: none
  std::string bytes;

  void apply(const art_ev::stored& e, const event_meta&) {
    format = e.format;
    bytes = e.bytes;
  }
  void apply(const art_ev::erased&, const event_meta&) {
    format.clear();
    bytes.clear();
    bytes.shrink_to_fit();
  }
};

using art_actor = caf::stateful_actor<event_sourced<art_state>>;

caf::behavior art_behavior(art_actor* self, caf::actor registry, storage::event_store* store,
                           std::string id, const runtime::clock* clock) {
  if (auto err = self->state.activate(self, *store, id, {registry, clock}))
    return self->state.refuse(self, err);
  return {
    [self](music_art_store_atom, const std::string& format,
           const std::string& bytes) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (st.format == format && st.bytes == bytes)
        return std::string{"stored"};
      if (auto err = st.emit(art_ev::stored{format, bytes}))
        return err;
      return std::string{"stored"};
    },
    [self](music_art_get_atom) -> caf::result<std::string> {
      auto& st = self->state;
      if (st.format.empty())
        return st.answer_read(self, make_error(errc::not_found, "this track has no artwork"));
      st.touch();
      return st.format + "\n" + st.bytes;
    },
    [self](music_art_erase_atom) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (!st.format.empty())
        if (auto err = st.emit(art_ev::erased{}))
          return err;
      return std::string{"erased"};
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

caf::expected<std::string> artwork_format(std::string_view bytes) {
  if (bytes.size() > music_limits::artwork_max_bytes)
    return make_error(errc::payload_too_large, "artwork is at most 1 MiB");
  std::uint32_t width = 0, height = 0;
  std::string format;
  if (bytes.size() >= 3 && static_cast<std::uint8_t>(bytes[0]) == 0xFF &&
      static_cast<std::uint8_t>(bytes[1]) == 0xD8 && static_cast<std::uint8_t>(bytes[2]) == 0xFF) {
    auto size = probe_jpeg(bytes);
    if (!size)
      return size.error();
    width = size->width;
    height = size->height;
    format = "jpeg";
  } else if (!bytes.starts_with("\x89PNG\r\n\x1a\n")) {
    return make_error(errc::unsupported_media_type, "artwork is a PNG or JPEG image");
  } else {
    namespace img = emote_images;
    auto probed = img::probe({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
    auto* info = std::get_if<img::image_info>(&probed);
    if (!info || info->format != img::image_format::png) {
      auto* problem = std::get_if<img::probe_error>(&probed);
      if (info || problem->unsupported_format)
        return make_error(errc::unsupported_media_type, "artwork is a PNG or JPEG image");
      return make_error(errc::invalid_argument, problem->message);
    }
    width = info->width;
    height = info->height;
    format = "png";
  }
  if (width == 0 || height == 0 || width > artwork_max_side || height > artwork_max_side)
    return make_error(errc::invalid_argument, "artwork is 1-4096 pixels a side");
  return format;
}

std::string music_art_entity(std::string_view channel, std::string_view track_id) {
  return std::string{channel} + "." + std::string{track_id};
}

void add_music_art_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                        const runtime::clock& clock) {
  kinds.factories["music_art"] =
    [&store, &clock](caf::actor_system& sys, const caf::actor& registry, const std::string& id) {
      return sys.spawn(art_behavior, registry, &store, id, &clock);
    };
}

}  // namespace aethex::actors
