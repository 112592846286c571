// The edges of an exactly trimmed clip: the pictures of one GOP that the clip keeps, decoded
// and encoded again so that the clip may start (or end) between two of the source's keyframes.
// Everything between the edges is copied; see media/clip_trim.hpp.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "media/elementary.hpp"

namespace aethex::media {

/// A source picture in decode order; times in the track's timescale.
struct source_picture {
  std::span<const std::byte> data;  // AVCC, 4-byte NAL lengths
  std::int64_t dts = 0;
  std::int32_t cts = 0;
  std::uint32_t duration = 0;
  bool sync = false;
  std::int64_t pts() const { return dts + cts; }
};

/// An encoded picture, in presentation order (the encoder does not reorder), with the time of
/// the source picture it replaces.
struct coded_picture {
  byte_vector data;  // AVCC, 4-byte NAL lengths
  std::int64_t pts = 0;
  std::uint32_t duration = 0;
  bool sync = false;
};

/// Decodes `gop` (a keyframe and the pictures that follow it up to the next keyframe, in decode
/// order, described by `avcc`) and encodes the pictures presented in [from, to) again: x264,
/// constant quality, the first a keyframe that carries the encoder's SPS and PPS in band. The
/// last picture lasts until `to` at most. Runs on the calling thread (media/pushed_chain.hpp);
/// nullopt with `error` when GStreamer fails.
std::optional<std::vector<coded_picture>> reencode_pictures(
  std::span<const source_picture> gop, std::span<const std::byte> avcc, std::uint32_t timescale,
  std::int64_t from, std::int64_t to, std::string& error);

}  // namespace aethex::media
