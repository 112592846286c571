// Audio analysis of a live session (docs/music.md, "Stream metadata and audio analysis").
//
// The session's thread hands over the AAC frames it already has (push() copies one and never
// blocks); a worker thread of its own, at low priority like the thumbnailer's, decodes them
// (GStreamer avdec_aac → audioconvert → level → spectrum, 32 bands every 50 ms, in a pushed chain
// without appsrc: media/pushed_chain.hpp says why) and measures the loudness (libebur128). The
// queue between them is bounded: when the worker falls behind, frames are dropped, never the copy
// path slowed. Each 50 ms interval becomes one JSON frame for the audio WebSocket.
//
// Codec, channels, sample rate and bitrate are known without decoding, so the summary has them
// (and the mono and low-bitrate warnings) for every session; levels and loudness only once
// start_analysis() ran (channels in DJ mode).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "media/elementary.hpp"

namespace aethex::media {

/// What an AudioSpecificConfig says (ISO/IEC 14496-3 1.6.2.1).
struct aac_format {
  unsigned object_type = 0;
  unsigned sample_rate = 0;
  unsigned channels = 0;
};
std::optional<aac_format> parse_asc(std::span<const std::byte> asc);

/// The analysis of one 50 ms interval (dB full scale; loudness in LUFS, nullopt while unmeasured).
struct audio_interval {
  std::int64_t t_ms = 0;  // stream time of its start
  double peak_db[2] = {-120, -120};
  double rms_db[2] = {-120, -120};
  std::vector<double> bands_db;  // 32, low to high, 0 to half the sample rate
  std::optional<double> lufs_m, lufs_s, lufs_i;
  std::uint64_t clipping = 0;  // samples at or over full scale since the previous interval
  bool beat = false;
};

/// {"type":"audio","t",…} as the WebSocket sends it.
std::string audio_frame_json(const audio_interval& frame);

/// A beat: the low band's energy jumps over its recent average (an onset), at most every 250 ms.
class beat_detector {
 public:
  bool on_interval(std::int64_t t_ms, double low_band_db);

 private:
  double average_ = 0;  // linear power, exponentially smoothed
  bool primed_ = false;
  std::int64_t last_beat_ms_ = -1'000'000;
};

class audio_analyzer {
 public:
  using frame_sink = std::function<void(std::string json)>;  // runs on the worker thread

  explicit audio_analyzer(frame_sink sink, std::size_t max_queue = 256);
  ~audio_analyzer();  // stops and joins the worker
  audio_analyzer(const audio_analyzer&) = delete;
  audio_analyzer& operator=(const audio_analyzer&) = delete;

  /// The stream's AudioSpecificConfig (again when it changes).
  void configure(std::span<const std::byte> asc);
  /// One AAC access unit; counted for the bitrate, analysed when the analysis runs.
  void push(const media_frame& frame);
  /// Starts the worker (once): frames pushed from now on are analysed.
  void start_analysis();
  bool analysing() const;

  /// {"codec","channels","sample_rate","bitrate_kbps","analysis","peak_db","rms_db","lufs_i",
  /// "lufs_s","clipping_total","dropped","warnings":[{"code","message"}]} as JSON text.
  std::string summary() const;

 private:
  struct item {
    bool config = false;
    byte_vector data;
    std::int64_t dts = 0;
  };
  struct figures;  // what the worker measured, under mutex_
  class worker;

  void run();

  frame_sink sink_;
  std::size_t max_queue_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<item> queue_;
  bool stop_ = false;
  std::unique_ptr<figures> figures_;
  // The copy path's view (session thread writes, summary() reads; under mutex_).
  byte_vector asc_;
  std::optional<aac_format> format_;
  std::uint64_t audio_bytes_ = 0;
  std::optional<std::int64_t> first_dts_, last_dts_;
  std::uint64_t frames_ = 0, dropped_ = 0;
  std::thread thread_;  // last: started after everything it reads exists
};

}  // namespace aethex::media
