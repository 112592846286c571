// The adaptive-bitrate ladder: which renditions exist, how big each is for a given source, what
// a ladder costs in CPU, the node's transcode budget, and the set of a live session's renditions
// that viewers read (HLS master playlists list it; WebSocket viewers pick from it).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aethex::media {

class fmp4_hub;
class ll_hls_stream;

struct rendition_spec {
  std::string_view name;
  int height = 0;
  unsigned video_kbps = 0;
  unsigned max_fps = 30;  // a faster source is stepped down to this (Twitch: 60 only from 720p)
};

/// The renditions a ladder may name (Twitch's set), tallest first.
inline constexpr rendition_spec rendition_specs[] = {
  {"1080p", 1080, 6000, 60}, {"720p", 720, 3000, 60}, {"480p", 480, 1200, 30},
  {"360p", 360, 700, 30},    {"160p", 160, 250, 30},
};
std::optional<rendition_spec> find_rendition(std::string_view name);

struct rendition_plan {
  std::string name;
  int width = 0;
  int height = 0;
  unsigned video_kbps = 0;
  unsigned fps = 0;  // 0: the source's rate; else frames are dropped down to this rate
};

/// The renditions of `names` worth making from a `width`×`height` source, tallest first: unknown
/// names and renditions not smaller than the source are left out (transcoding up or to the
/// same size only costs CPU). Sizes keep the source's aspect ratio and are even. A source faster
/// than a rendition's max_fps (`source_fps`, 0 when unknown) is stepped down to it: a 60 fps
/// stream gets 720p60 and 480p30, and the small renditions cost half as much to make.
std::vector<rendition_plan> plan_ladder(std::span<const std::string> names, int width, int height,
                                        double source_fps = 0);

/// CPU a transcode costs, in cores per million pixels per second: the source's decode (paid once
/// per ladder), each rendition's scale (it reads the whole source picture) and each rendition's
/// x264 encode (its own pixels). Defaults: 720p30 decoded with avdec_h264, scaled and encoded
/// with x264 superfast/zerolatency on the project's 2-core reference box; scripts/bench/transcode
/// fits them on another (`--transcode-cost-decode/-scale/-encode`).
struct transcode_costs {
  double decode = 0.0046;
  double scale = 0.0018;
  double encode = 0.020;
};

/// Cores of one source decode plus each rendition's scale and encode at `fps`.
double ladder_cost(int width, int height, double fps, std::span<const rendition_plan> ladder,
                   const transcode_costs& costs = {});

/// The node's CPU budget for transcoding, shared by its sessions. A session reserves its
/// ladder's cost before it starts one and gives it back when the lease ends; a ladder that does
/// not fit is refused, so a busy node never starts dropping frames for everyone.
class transcode_budget : public std::enable_shared_from_this<transcode_budget> {
 public:
  explicit transcode_budget(double cores) : cores_(cores) {}

  class lease {
   public:
    lease(std::shared_ptr<transcode_budget> budget, double cores)
        : budget_(std::move(budget)), cores_(cores) {}
    lease(lease&& other) noexcept
        : budget_(std::move(other.budget_)), cores_(std::exchange(other.cores_, 0)) {}
    lease& operator=(lease&&) = delete;
    lease(const lease&) = delete;
    ~lease();
    double cores() const { return cores_; }

   private:
    std::shared_ptr<transcode_budget> budget_;
    double cores_;
  };

  /// A lease of `cores`, or nullopt when that is more than what is left.
  std::optional<lease> reserve(double cores);
  double cores() const { return cores_; }
  double reserved() const;

  /// The machine's idle CPU as last measured (cores; the media supervisor samples /proc/stat
  /// every 2 s). The model may be wrong for this machine and other work may load it: a ladder
  /// also needs this much idle CPU, whatever the budget says, so a busy box plays sources
  /// only instead of dropping frames for everyone.
  void observe_idle(double cores);
  /// nullopt until the first measurement.
  std::optional<double> idle() const;

 private:
  double cores_;
  mutable std::mutex mutex_;
  double reserved_ = 0;
  std::optional<double> idle_;
};

/// Idle CPU of the whole machine between two readings of /proc/stat, in cores.
class idle_meter {
 public:
  /// Idle cores since the previous call; nullopt on the first call or when /proc/stat cannot
  /// be read.
  std::optional<double> sample();

 private:
  std::uint64_t idle_ = 0;
  std::uint64_t total_ = 0;
  bool primed_ = false;
};

/// One rendition as viewers read it.
struct rendition_output {
  std::string name;
  int width = 0;
  int height = 0;
  unsigned bandwidth_bps = 0;  // peak the encoder aims at, video + audio
  std::shared_ptr<fmp4_hub> fmp4;
  std::shared_ptr<ll_hls_stream> ll;  // null: WebSocket only (the FLAC rendition)
};

/// The renditions of one live session besides its source. Renditions appear once the session
/// knows the source's size and its ladder got a budget. Thread-safe: the session writes,
/// request threads read.
class rendition_set {
 public:
  void add(rendition_output rendition);
  std::optional<rendition_output> find(std::string_view name) const;
  std::vector<rendition_output> list() const;
  /// Takes every rendition out (their ladder stopped; the caller closes their outputs).
  void clear();
  /// Takes the rendition `name` out (the caller closes its outputs).
  void remove(std::string_view name);
  /// Why the session's ladder is not running (empty when it runs or none was asked for).
  void refuse(std::string why);
  std::string refusal() const;
  /// The source's picture and measured bitrate, for its master playlist entry.
  void set_source(int width, int height, unsigned bandwidth_bps);
  struct source_figures {
    int width = 0;
    int height = 0;
    unsigned bandwidth_bps = 0;
  };
  source_figures source() const;

 private:
  mutable std::mutex mutex_;
  std::vector<rendition_output> renditions_;
  std::string refusal_;
  source_figures source_;
};

/// The master playlist of a session: the source (`index.m3u8`, or `ll.m3u8` with
/// `low_latency`) first, then each rendition under `r/<name>/`; nullopt before the source has
/// media. `query` (e.g. "vid=…") is appended to every variant URI.
std::optional<std::string> master_playlist(const ll_hls_stream& source, const rendition_set& set,
                                           bool low_latency, std::string_view query = {});

}  // namespace aethex::media
