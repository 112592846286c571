// A live session's running transcode ladder: the transcoder makes each rendition's video, the
// session hands it the source's audio, and per rendition a remuxer on the source's timeline
// writes fMP4 for that rendition's WebSocket hub and HLS/LL-HLS stream. Runs on the session
// actor's thread; only the transcoder's output callback runs elsewhere (it must only queue).
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "media/elementary.hpp"
#include "media/live_outputs.hpp"
#include "media/live_remuxer.hpp"
#include "media/ll_hls.hpp"
#include "media/renditions.hpp"
#include "media/transcoder.hpp"

namespace aethex::media {

class ladder_runner {
 public:
  /// Starts the transcoder for the source configuration `avcc` and adds the renditions of
  /// `plans` to `set`. `base_dts` is the source remuxer's media time 0; rendition segments
  /// follow `source_hls`'s boundaries and numbers. Throws
  /// std::runtime_error when the transcoder cannot start.
  ladder_runner(const byte_vector& avcc, std::vector<rendition_plan> plans,
                transcoder::output_fn output, transcoder::options opts, ll_hls_options hls,
                std::int64_t base_dts, transcode_budget::lease lease,
                std::shared_ptr<rendition_set> set, std::optional<track_layout> layout,
                const std::optional<byte_vector>& asc, std::shared_ptr<media_clock> source_clock,
                std::shared_ptr<const ll_hls_stream> source_hls);
  /// Closes the renditions (viewers of them see the end) and takes them out of the set.
  ~ladder_runner();
  ladder_runner(const ladder_runner&) = delete;
  ladder_runner& operator=(const ladder_runner&) = delete;

  /// A source event: video access units go to the transcoder (from the first keyframe on),
  /// the audio track's configuration and frames to every rendition.
  void on_source(const demux_event& event);
  /// One rendition's transcoder output (see transcoder::output_fn).
  void on_transcoded(std::size_t rendition, std::vector<demux_event> events);
  /// End of input: writes what the remuxers hold.
  void flush();

  std::string error() const { return transcoder_->error(); }

 private:
  struct rendition {
    live_remuxer remuxer;
    rendition_output output;
    bool video_seen = false;
  };
  void publish(rendition& r, std::vector<remux_unit>& units);

  std::shared_ptr<rendition_set> set_;
  std::shared_ptr<media_clock> source_clock_;  // renditions are stamped from the source's
  std::vector<std::unique_ptr<rendition>> renditions_;
  std::unique_ptr<transcoder> transcoder_;
  transcode_budget::lease lease_;
  bool keyframe_seen_ = false;
};

}  // namespace aethex::media
