#include "media/fmp4.hpp"

#include <bit>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string_view>

namespace aethex::media::fmp4 {
namespace {

using span = std::span<const std::byte>;

std::uint32_t be32(span d, std::size_t at) {
  if (at + 4 > d.size())
    throw std::out_of_range("box too short");
  return std::to_integer<std::uint32_t>(d[at]) << 24 |
         std::to_integer<std::uint32_t>(d[at + 1]) << 16 |
         std::to_integer<std::uint32_t>(d[at + 2]) << 8 | std::to_integer<std::uint32_t>(d[at + 3]);
}

std::uint64_t be64(span d, std::size_t at) {
  return std::uint64_t{be32(d, at)} << 32 | be32(d, at + 4);
}

std::uint8_t u8(span d, std::size_t at) {
  if (at >= d.size())
    throw std::out_of_range("box too short");
  return std::to_integer<std::uint8_t>(d[at]);
}

// Calls `fn(type, payload)` for each child box in `d`; throws on a truncated box.
void for_each_box(span d, const std::function<void(std::string_view, span)>& fn) {
  while (!d.empty()) {
    auto header = read_box_header(d);
    if (!header || header->size > d.size())
      throw std::out_of_range("truncated box");
    fn(header->type, d.subspan(header->header_size, header->size - header->header_size));
    d = d.subspan(header->size);
  }
}

span child(span d, std::string_view type) {
  span found;
  for_each_box(d, [&](std::string_view t, span payload) {
    if (t == type && found.empty())
      found = payload;
  });
  return found;
}

// Size field of an MPEG-4 descriptor (1–4 bytes, 7 bits each).
std::size_t descriptor_size(span d, std::size_t& at) {
  std::size_t size = 0;
  for (int i = 0; i < 4; ++i) {
    auto b = u8(d, at++);
    size = size << 7 | (b & 0x7f);
    if (!(b & 0x80))
      break;
  }
  return size;
}

// "mp4a.40.<audio object type>" from an esds box payload.
std::string aac_codec(span esds) {
  std::size_t at = 4;  // version + flags
  if (u8(esds, at++) != 0x03)
    return "mp4a.40.2";
  descriptor_size(esds, at);
  at += 2;  // ES_ID
  auto flags = u8(esds, at++);
  if (flags & 0x80)
    at += 2;
  if (flags & 0x40)
    at += 1 + u8(esds, at);
  if (flags & 0x20)
    at += 2;
  if (u8(esds, at++) != 0x04)
    return "mp4a.40.2";
  descriptor_size(esds, at);
  auto object_type = u8(esds, at);
  at += 13;
  if (u8(esds, at++) != 0x05)
    return "mp4a.40.2";
  descriptor_size(esds, at);
  char text[24];
  std::snprintf(text, sizeof text, "mp4a.%02x.%u", object_type, u8(esds, at) >> 3);
  return text;
}

std::string sample_entry_codec(span stsd, bytes& config) {
  // stsd: version/flags, entry count, then the first sample entry box.
  std::string codec;
  for_each_box(stsd.subspan(8), [&](std::string_view type, span entry) {
    if (!codec.empty())
      return;
    if (type == "avc1" || type == "avc3") {
      auto avcc = child(entry.subspan(78), "avcC");  // after the visual sample entry fields
      config.assign(avcc.begin(), avcc.end());
      char text[24];
      std::snprintf(text, sizeof text, "%.4s.%02x%02x%02x", type.data(), u8(avcc, 1), u8(avcc, 2),
                    u8(avcc, 3));
      codec = text;
    } else if (type == "mp4a") {
      codec = aac_codec(child(entry.subspan(28), "esds"));
    } else if (type == "fLaC") {
      codec = "flac";  // the MSE and RFC 6381 name of the 'fLaC' sample entry
    } else {
      codec = std::string{type};
    }
  });
  return codec;
}

}  // namespace

std::optional<box_header> read_box_header(std::span<const std::byte> data) {
  if (data.size() < 8)
    return std::nullopt;
  box_header h;
  h.size = be32(data, 0);
  h.type.assign(reinterpret_cast<const char*>(data.data()) + 4, 4);
  h.header_size = 8;
  if (h.size == 1) {
    if (data.size() < 16)
      return std::nullopt;
    h.size = be64(data, 8);
    h.header_size = 16;
  }
  if (h.size < h.header_size)
    throw std::runtime_error("invalid box size");
  return h;
}

const track_info* init_info::video_track() const {
  for (auto& [id, track] : tracks)
    if (track.video)
      return &track;
  return nullptr;
}

std::string init_info::mime() const {
  std::string codecs;
  for (auto& [id, track] : tracks)
    codecs += (codecs.empty() ? "" : ",") + track.codec;
  return "video/mp4; codecs=\"" + codecs + "\"";
}

std::optional<init_info> parse_init(std::span<const std::byte> ftyp_moov) {
  try {
    init_info info;
    for_each_box(ftyp_moov, [&](std::string_view type, span moov) {
      if (type != "moov")
        return;
      for_each_box(moov, [&](std::string_view t, span box) {
        if (t == "trak") {
          track_info track;
          auto tkhd = child(box, "tkhd");
          track.id = be32(tkhd, u8(tkhd, 0) == 1 ? 20 : 12);
          auto mdia = child(box, "mdia");
          auto mdhd = child(mdia, "mdhd");
          track.timescale = be32(mdhd, u8(mdhd, 0) == 1 ? 20 : 12);
          auto hdlr = child(mdia, "hdlr");
          track.video = std::string_view{reinterpret_cast<const char*>(hdlr.data()) + 8, 4} ==
                        "vide";
          auto stbl = child(child(mdia, "minf"), "stbl");
          track.codec = sample_entry_codec(child(stbl, "stsd"), track.decoder_config);
          auto& slot = info.tracks[track.id];
          track.default_duration = slot.default_duration;
          track.default_flags = slot.default_flags;
          slot = track;
        } else if (t == "mvex") {
          for_each_box(box, [&](std::string_view tt, span trex) {
            if (tt != "trex")
              return;
            auto& slot = info.tracks[be32(trex, 4)];
            slot.default_duration = be32(trex, 12);
            slot.default_flags = be32(trex, 20);
          });
        }
      });
    });
    if (info.tracks.empty())
      return std::nullopt;
    for (auto& [id, track] : info.tracks)
      if (track.timescale == 0)
        return std::nullopt;
    return info;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

namespace {

struct run_sample {
  std::uint32_t duration = 0, size = 0, flags = 0;
  std::int32_t cts = 0;
};

// The first track fragment of a moof: its tfhd and trex defaults applied to every sample the
// trun lists. `init` may be null (no trex defaults, any track id). Throws on a malformed box.
struct track_run {
  std::uint32_t track_id = 0;
  std::uint64_t decode_time = 0;
  bool explicit_base = false;  // a base-data-offset in the file, not the moof
  std::optional<std::uint32_t> data_offset;
  std::vector<run_sample> samples;
};

track_run walk_traf(span moof, const init_info* init) {
  auto header = read_box_header(moof);
  if (!header || header->type != "moof")
    throw std::runtime_error("not a moof");
  auto traf = child(moof.subspan(header->header_size, header->size - header->header_size), "traf");
  auto tfhd = child(traf, "tfhd");
  auto trun = child(traf, "trun");
  track_run run;
  auto tf_flags = be32(tfhd, 0) & 0xffffff;
  run.track_id = be32(tfhd, 4);
  run.explicit_base = tf_flags & 0x1;
  run_sample defaults;
  if (init) {
    auto track = init->tracks.find(run.track_id);
    if (track == init->tracks.end())
      throw std::runtime_error("fragment of unknown track");
    defaults.duration = track->second.default_duration;
    defaults.flags = track->second.default_flags;
  }
  std::size_t at = 8 + ((tf_flags & 0x1) ? 8 : 0) + ((tf_flags & 0x2) ? 4 : 0);
  for (auto [bit, field] : {std::pair{0x8u, &defaults.duration}, std::pair{0x10u, &defaults.size},
                            std::pair{0x20u, &defaults.flags}})
    if (tf_flags & bit) {
      *field = be32(tfhd, at);
      at += 4;
    }
  auto tfdt = child(traf, "tfdt");
  if (!tfdt.empty())
    run.decode_time = u8(tfdt, 0) == 1 ? be64(tfdt, 4) : be32(tfdt, 4);
  auto flags = be32(trun, 0) & 0xffffff;
  auto count = be32(trun, 4);
  std::size_t pos = 8;
  if (flags & 0x1) {
    run.data_offset = be32(trun, pos);
    pos += 4;
  }
  std::optional<std::uint32_t> first_flags;
  if (flags & 0x4) {
    first_flags = be32(trun, pos);
    pos += 4;
  }
  // Each sample's fields take 4 bytes; checked before reserving for a count a box cannot hold.
  auto per_sample = 4u * std::popcount(flags & 0xf00);
  if (std::size_t{count} * per_sample > trun.size())
    throw std::out_of_range("trun too short");
  run.samples.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    auto s = defaults;
    if (i == 0 && first_flags)
      s.flags = *first_flags;
    for (auto [bit, field] :
         {std::pair{0x100u, &s.duration}, std::pair{0x200u, &s.size}, std::pair{0x400u, &s.flags}})
      if (flags & bit) {
        *field = be32(trun, pos);
        pos += 4;
      }
    if (flags & 0x800) {
      s.cts = static_cast<std::int32_t>(be32(trun, pos));
      pos += 4;
    }
    run.samples.push_back(s);
  }
  return run;
}

bool is_sync(const run_sample& s) { return !(s.flags & 0x10000); }

}  // namespace

std::optional<fragment_info> parse_fragment(std::span<const std::byte> moof,
                                            const init_info& init) {
  try {
    auto run = walk_traf(moof, &init);
    fragment_info out;
    out.track_id = run.track_id;
    out.decode_time = run.decode_time;
    out.samples = static_cast<std::uint32_t>(run.samples.size());
    for (const auto& s : run.samples)
      out.duration += s.duration;
    out.starts_with_sync = !run.samples.empty() && is_sync(run.samples.front());
    return out;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<fragment_samples> read_samples(std::span<const std::byte> fragment,
                                             const init_info* init) {
  try {
    auto run = walk_traf(fragment, init);
    // Only offsets from the moof (default-base-is-moof, as our writer and mp4mux make them),
    // given in the trun: a base elsewhere in the file cannot be resolved from the fragment.
    if (run.explicit_base || !run.data_offset)
      return std::nullopt;
    fragment_samples out{run.track_id, run.decode_time, {}};
    out.samples.reserve(run.samples.size());
    std::size_t at = *run.data_offset;
    for (const auto& s : run.samples) {
      if (at > fragment.size() || s.size > fragment.size() - at)
        return std::nullopt;
      out.samples.push_back({fragment.subspan(at, s.size), s.duration, s.cts, is_sync(s)});
      at += s.size;
    }
    return out;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<std::span<const std::byte>> first_sample(std::span<const std::byte> fragment) {
  auto read = read_samples(fragment);
  if (!read || read->samples.empty() || read->samples.front().data.empty())
    return std::nullopt;
  return read->samples.front().data;
}

bool set_decode_time(std::span<std::byte> moof, std::uint64_t decode_time) {
  try {
    auto header = read_box_header(moof);
    if (!header || header->type != "moof")
      return false;
    span whole{moof.data(), moof.size()};
    auto traf = child(whole.subspan(header->header_size, header->size - header->header_size),
                      "traf");
    auto tfdt = traf.empty() ? span{} : child(traf, "tfdt");
    if (tfdt.size() < 8)
      return false;
    auto at = static_cast<std::size_t>(tfdt.data() - whole.data());
    bool wide = u8(tfdt, 0) == 1;
    if (wide ? tfdt.size() < 12 : decode_time > 0xffffffffu)
      return false;
    int bytes = wide ? 8 : 4;
    for (int i = 0; i < bytes; ++i)
      moof[at + 4 + static_cast<std::size_t>(i)] = std::byte{
        static_cast<unsigned char>(decode_time >> (8 * (bytes - 1 - i)))};
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

bool allow_inband_parameter_sets(std::span<std::byte> init) {
  try {
    span whole{init.data(), init.size()};
    bool renamed = false;
    auto moov = child(whole, "moov");
    for_each_box(moov, [&](std::string_view type, span trak) {
      if (type != "trak")
        return;
      auto stsd = child(child(child(child(trak, "mdia"), "minf"), "stbl"), "stsd");
      if (stsd.size() < 8)
        return;
      auto entries = stsd.subspan(8);  // version/flags, entry count
      while (!entries.empty()) {
        auto header = read_box_header(entries);
        if (!header || header->size > entries.size())
          throw std::out_of_range("truncated sample entry");
        if (header->type == "avc1") {
          auto at = static_cast<std::size_t>(entries.data() - whole.data()) + 4;
          init[at + 3] = std::byte{'3'};
          renamed = true;
        }
        entries = entries.subspan(header->size);
      }
    });
    return renamed;
  } catch (const std::exception&) {
    return false;
  }
}

std::vector<stream_splitter::unit> stream_splitter::feed(std::span<const std::byte> data) {
  pending_.insert(pending_.end(), data.begin(), data.end());
  std::vector<unit> units;
  std::size_t at = 0;
  while (true) {
    auto rest = std::span<const std::byte>{pending_}.subspan(at);
    auto header = read_box_header(rest);
    if (!header || header->size > rest.size())
      break;
    auto box = rest.subspan(0, header->size);
    at += header->size;
    if (header->type == "ftyp") {
      ftyp_.assign(box.begin(), box.end());
    } else if (header->type == "moov") {
      auto init = std::make_shared<bytes>(ftyp_);
      init->insert(init->end(), box.begin(), box.end());
      init_ = parse_init(*init);
      if (!init_)
        throw std::runtime_error("unreadable moov from the muxer");
      units.push_back({true, std::move(init), {}});
    } else if (header->type == "moof") {
      moof_.assign(box.begin(), box.end());
    } else if (header->type == "mdat" && !moof_.empty() && init_) {
      auto info = parse_fragment(moof_, *init_);
      if (!info)
        throw std::runtime_error("unreadable moof from the muxer");
      auto fragment = std::make_shared<bytes>(std::move(moof_));
      fragment->insert(fragment->end(), box.begin(), box.end());
      moof_.clear();
      units.push_back({false, std::move(fragment), *info});
    }
    // Other top-level boxes (uuid, free, mfra) carry nothing a live viewer needs.
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(at));
  return units;
}

}  // namespace aethex::media::fmp4
