// One H.264 keyframe decoded into a picture on the calling thread, with no appsrc and no
// queues: the caller's thread (and its nice value) runs the whole chain. The channel
// thumbnailer makes JPEGs this way; the VOD thumbnail strip makes small RGB tiles.
#pragma once

#include <memory>
#include <optional>
#include <span>

#include "media/elementary.hpp"

namespace aethex::media {

/// True when `avcc` is an AVCDecoderConfigurationRecord and `frame` an access unit whose NAL
/// lengths fit it and that carries a slice: a cheap check before a decoder sees the data.
bool well_formed_keyframe(std::span<const std::byte> avcc, std::span<const std::byte> frame);

class pushed_chain;  // media/pushed_chain.hpp

class keyframe_decoder {
 public:
  enum class output { jpeg, rgb };
  /// A chain that scales to `width` (and `height`, or the picture's aspect ratio when 0).
  /// Throws std::runtime_error when GStreamer cannot build or start it.
  keyframe_decoder(output kind, unsigned width, unsigned height = 0);
  ~keyframe_decoder();
  keyframe_decoder(const keyframe_decoder&) = delete;
  keyframe_decoder& operator=(const keyframe_decoder&) = delete;

  /// The picture (JPEG bytes, or packed RGB rows), or nullopt when the decoder produced none.
  /// One keyframe per decoder: EOS follows it to drain a decoder with reorder delay. (Bytes,
  /// not the GstSample: GStreamer's unref functions are static inline, so a smart pointer
  /// holding one cannot cross translation units.)
  std::optional<byte_vector> decode(std::span<const std::byte> avcc,
                                    std::span<const std::byte> frame);

 private:
  std::unique_ptr<pushed_chain> chain_;
};

/// Packed RGB (`width` × `height`) as a JPEG, encoded on the calling thread.
std::optional<byte_vector> encode_jpeg(std::span<const std::byte> rgb, unsigned width,
                                       unsigned height, int quality = 80);

}  // namespace aethex::media
