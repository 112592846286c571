// The FLAC rendition of a live session (`/ws/media/<channel>/flac`): the source's video copied
// as it is, and its AAC decoded and re-encoded losslessly to FLAC (media/flac_encoder.hpp), in
// one fMP4 stream on the source's timeline. A WebSocket player switches to it like to any
// rendition (same picture, same media times; only the audio codec differs) and back to the
// AAC source or a video rendition when it needs to. It is not listed in the HLS master
// playlists (hls.js would rank it by bandwidth alone): WebSocket viewers ask for it by name.
//
// It runs for a channel in DJ mode, or for every channel when the node's ladder names "flac",
// once its small cost fits the node's transcode budget. Runs on the session actor's thread;
// only the encoder's output callback runs elsewhere (it must only queue).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "media/elementary.hpp"
#include "media/flac_encoder.hpp"
#include "media/live_outputs.hpp"
#include "media/live_remuxer.hpp"
#include "media/ll_hls.hpp"
#include "media/renditions.hpp"

namespace aethex::media {

/// The rendition's name in URLs and in the rendition set.
inline constexpr std::string_view flac_rendition_name = "flac";

/// Cores the rendition may cost: an AAC decode and a FLAC encode of 48 kHz stereo took 0.6 % of
/// a core on the 2-core reference box (60 s of 320 kbit/s AAC: 0.34 s of CPU), five times that.
inline constexpr double flac_rendition_cores = 0.03;

struct flac_rendition_setup {
  byte_vector asc;                  // the source's AudioSpecificConfig
  std::optional<byte_vector> avcc;  // the source's video configuration, if it has video
  bool video = false;               // the source carries a video track
  int width = 0, height = 0;        // its picture, for the rendition set's entry
  std::int64_t base_dts = 0;        // the source remuxer's media time 0
  ll_hls_options hls;               // for the rendition's own (unlisted) fragment store
  std::shared_ptr<rendition_set> set;
  std::shared_ptr<media_clock> source_clock;
  std::shared_ptr<transcode_budget> budget;
};

class flac_rendition {
 public:
  /// Starts the encoder and adds the rendition to the set. Throws std::runtime_error when the
  /// encoder cannot start.
  flac_rendition(flac_rendition_setup setup, transcode_budget::lease lease,
                 flac_encoder::output_fn output);
  /// Closes the rendition (its viewers see the end) and takes it out of the set.
  ~flac_rendition();
  flac_rendition(const flac_rendition&) = delete;
  flac_rendition& operator=(const flac_rendition&) = delete;

  /// A source event: audio frames go to the encoder; video configurations and frames to the
  /// rendition's muxer once the FLAC stream's configuration is known.
  void on_source(const demux_event& event);
  /// The encoder's output (see flac_encoder::output_fn).
  void on_encoded(std::vector<demux_event> events);
  /// End of input: writes what the muxer holds.
  void flush();

  std::string error() const { return encoder_->error(); }
  /// The AudioSpecificConfig the encoder was made for: another one needs a new rendition.
  const byte_vector& asc() const { return asc_; }

 private:
  void publish(std::vector<remux_unit>& units);

  byte_vector asc_;
  bool video_ = false;
  bool flac_ready_ = false;     // the encoder's STREAMINFO reached the muxer
  bool keyframe_seen_ = false;  // the muxer got its first video keyframe
  std::optional<byte_vector> avcc_;
  live_remuxer remuxer_;
  rendition_output output_;
  std::shared_ptr<ll_hls_stream> store_;  // publish_units needs one; nobody is served from it
  std::shared_ptr<rendition_set> set_;
  std::shared_ptr<media_clock> source_clock_;
  std::unique_ptr<flac_encoder> encoder_;
  transcode_budget::lease lease_;
};

/// The rendition for `setup`, or null with `why` set when the budget or the machine's idle CPU
/// has no room for it or the encoder does not start.
std::unique_ptr<flac_rendition> start_flac_rendition(flac_rendition_setup setup,
                                                     flac_encoder::output_fn output,
                                                     std::string& why);

/// A live session's FLAC rendition over the session's life: whether it is wanted, the one
/// running, and which encoder's output is current. Runs on the session actor's thread.
class flac_slot {
 public:
  /// Sends the encoder's output, tagged with its generation, to the session's thread.
  using sender = std::function<void(std::uint32_t generation, std::vector<demux_event> events)>;

  bool wanted = false;  // DJ mode, or "flac" in the ladder

  /// A source event; a new AAC configuration stops the rendition (it is started again).
  void on_source(const demux_event& event);
  /// Output of the encoder of `generation` (older generations' is dropped).
  void on_encoded(std::uint32_t generation, std::vector<demux_event> events);
  void flush();
  void stop();
  /// Each second: stops a failed encoder; starts the rendition once it is wanted and the
  /// source's remuxer has started with audio. Returns a line for the log, or empty.
  std::string settle(const live_remuxer& source, const std::shared_ptr<const byte_vector>& avcc,
                     flac_rendition_setup setup, const sender& send);

 private:
  std::unique_ptr<flac_rendition> running_;
  std::optional<byte_vector> asc_;  // the source's current AAC configuration
  std::uint32_t generation_ = 0;
  bool settled_ = false;  // started or refused for the current AAC configuration
};

}  // namespace aethex::media
