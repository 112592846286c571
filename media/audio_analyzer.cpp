#include "media/audio_analyzer.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include <ebur128.h>
#include <gst/gst.h>
#include <nlohmann/json.hpp>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include "media/gst_util.hpp"
#include "media/pushed_chain.hpp"

namespace aethex::media {
namespace {

using json = nlohmann::json;

constexpr int bands = 32;
constexpr double floor_db = -120;
constexpr std::size_t summary_window = 60;  // intervals: the summary's levels cover 3 s
constexpr unsigned low_bitrate_kbps = 128;
constexpr int worker_nice = 10;

// spectrum averages the channels (multi-channel=false); threshold -90 dB keeps silence finite.
constexpr const char* analysis_chain =
  "avdec_aac name=first ! audioconvert ! audio/x-raw,format=F32LE,layout=interleaved"
  " ! level interval=50000000 post-messages=true"
  " ! spectrum bands=32 threshold=-90 interval=50000000 post-messages=true message-phase=false"
  " ! appsink name=sink sync=false async=false wait-on-eos=false";

double round1(double v) { return std::round(v * 10) / 10; }
double clamp_db(double v) { return std::isfinite(v) ? std::max(v, floor_db) : floor_db; }

json db_or_null(const std::optional<double>& v) {
  return v && std::isfinite(*v) ? json(round1(*v)) : json(nullptr);
}

// Like the thumbnailer's worker: Linux keeps a nice value per thread.
void lower_this_thread_priority() {
#if defined(__linux__)
  auto tid = static_cast<id_t>(gettid());
  errno = 0;
  int current = getpriority(PRIO_PROCESS, tid);
  if (errno == 0 && current < worker_nice)
    setpriority(PRIO_PROCESS, tid, worker_nice);
  pthread_setname_np(pthread_self(), "aethex-audio");
#endif
}

// The dB values of a level message's field: a GValueArray in GStreamer 1.22, a GstValueArray
// in later versions.
std::vector<double> doubles_of(const GValue* v) {
  std::vector<double> out;
  if (!v)
    return out;
  if (GST_VALUE_HOLDS_ARRAY(v)) {
    for (guint i = 0; i < gst_value_array_get_size(v); ++i)
      out.push_back(g_value_get_double(gst_value_array_get_value(v, i)));
    return out;
  }
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  if (G_VALUE_TYPE(v) == g_type_from_name("GValueArray")) {
    auto* array = static_cast<GValueArray*>(g_value_get_boxed(v));
    for (guint i = 0; array && i < array->n_values; ++i)
      out.push_back(g_value_get_double(&array->values[i]));
  }
#pragma GCC diagnostic pop
  return out;
}

struct ebur128_release {
  void operator()(ebur128_state* st) const noexcept { ebur128_destroy(&st); }
};

}  // namespace

std::optional<aac_format> parse_asc(std::span<const std::byte> asc) {
  static constexpr unsigned rates[] = {96000, 88200, 64000, 48000, 44100, 32000, 24000,
                                       22050, 16000, 12000, 11025, 8000,  7350};
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < std::min<std::size_t>(asc.size(), 8); ++i)
    bits |= std::uint64_t{std::to_integer<std::uint8_t>(asc[i])} << (56 - 8 * i);
  if (asc.size() < 2)
    return std::nullopt;
  int used = 0;
  auto take = [&](int n) {
    auto v = static_cast<unsigned>((bits << used) >> (64 - n));
    used += n;
    return v;
  };
  aac_format f;
  f.object_type = take(5);
  if (f.object_type == 31)
    f.object_type = 32 + take(6);
  auto index = take(4);
  if (index == 15) {
    if (asc.size() < 5)
      return std::nullopt;
    f.sample_rate = take(24);
  } else if (index < std::size(rates)) {
    f.sample_rate = rates[index];
  } else {
    return std::nullopt;
  }
  auto config = take(4);
  f.channels = config == 7 ? 8 : config;  // 1-6 are that many channels; 7 is 7.1
  if (f.channels == 0 || f.sample_rate == 0)
    return std::nullopt;
  return f;
}

std::string audio_frame_json(const audio_interval& f) {
  json bands_db = json::array();
  for (double b : f.bands_db)
    bands_db.push_back(round1(clamp_db(b)));
  return json{{"type", "audio"},
              {"t", f.t_ms},
              {"peak_db", {round1(clamp_db(f.peak_db[0])), round1(clamp_db(f.peak_db[1]))}},
              {"rms_db", {round1(clamp_db(f.rms_db[0])), round1(clamp_db(f.rms_db[1]))}},
              {"bands_db", std::move(bands_db)},
              {"lufs_m", db_or_null(f.lufs_m)},
              {"lufs_s", db_or_null(f.lufs_s)},
              {"lufs_i", db_or_null(f.lufs_i)},
              {"clipping", f.clipping},
              {"beat", f.beat}}
    .dump();
}

bool beat_detector::on_interval(std::int64_t t_ms, double low_band_db) {
  double power = std::pow(10.0, clamp_db(low_band_db) / 10);
  if (!primed_) {
    average_ = power;
    primed_ = true;
    return false;
  }
  // An onset: twice the last ~half second's energy, loud enough to be music, not a flicker.
  bool beat = power > 2 * average_ && low_band_db > -50 && t_ms - last_beat_ms_ >= 250;
  if (beat)
    last_beat_ms_ = t_ms;
  average_ = 0.9 * average_ + 0.1 * power;
  return beat;
}

// What the worker measured, read by summary().
struct audio_analyzer::figures {
  bool running = false;
  std::deque<std::pair<std::array<double, 2>, std::array<double, 2>>> recent;  // peak, rms (dB)
  std::optional<double> lufs_i, lufs_s;
  std::uint64_t clipping_total = 0;
};

// The decoding chain and the meters; lives on the worker thread only.
class audio_analyzer::worker {
 public:
  explicit worker(audio_analyzer& owner) : owner_(owner) {}

  void configure(const byte_vector& asc) {
    chain_.reset();
    loudness_.reset();
    first_dts_.reset();
    auto format = parse_asc(asc);
    if (!format)
      return;
    channels_ = format->channels;
    try {
      chain_ = std::make_unique<pushed_chain>(analysis_chain, nullptr);
      gst::buffer_ptr config{gst_buffer_new_memdup(asc.data(), asc.size())};
      gst::caps_ptr caps{
        gst_caps_new_simple("audio/mpeg", "mpegversion", G_TYPE_INT, 4, "stream-format",
                            G_TYPE_STRING, "raw", "codec_data", GST_TYPE_BUFFER, config.get(),
                            "rate", G_TYPE_INT, static_cast<int>(format->sample_rate), "channels",
                            G_TYPE_INT, static_cast<int>(format->channels), nullptr)};
      if (!chain_->begin(caps.get()))
        chain_.reset();
    } catch (const std::exception&) {
      chain_.reset();  // elements missing: no analysis, the stream plays on
    }
    if (chain_) {
      auto first = chain_->element("first");
      bus_.reset(gst_element_get_bus(GST_ELEMENT(GST_OBJECT_PARENT(first.get()))));
      loudness_.reset(ebur128_init(format->channels, format->sample_rate,
                                   EBUR128_MODE_M | EBUR128_MODE_S | EBUR128_MODE_I |
                                     EBUR128_MODE_HISTOGRAM));
    }
  }

  void frame(const byte_vector& data, std::int64_t dts) {
    if (!chain_)
      return;
    if (!first_dts_)
      first_dts_ = dts;
    auto pts = static_cast<GstClockTime>((dts - *first_dts_) * GST_SECOND / ticks_per_second);
    if (!chain_->push(data, pts, pts)) {
      chain_.reset();
      return;
    }
    drain_samples();
    drain_bus();
  }

 private:
  void drain_samples() {
    while (GstSample* raw = chain_->pull(0)) {
      gst::sample_ptr sample{raw};
      gst::mapped_buffer mapped{gst_sample_get_buffer(sample.get())};
      auto bytes = mapped.bytes();
      auto* samples = reinterpret_cast<const float*>(bytes.data());
      std::size_t count = bytes.size() / sizeof(float);
      for (std::size_t i = 0; i < count; ++i)
        if (std::fabs(samples[i]) >= 1.0f)
          ++clipping_;
      if (loudness_ && channels_ > 0)
        ebur128_add_frames_float(loudness_.get(), samples, count / channels_);
    }
  }

  void drain_bus() {
    while (GstMessage* raw = gst_bus_pop(bus_.get())) {
      std::unique_ptr<GstMessage, decltype(&gst_message_unref)> msg{raw, gst_message_unref};
      if (GST_MESSAGE_TYPE(raw) != GST_MESSAGE_ELEMENT)
        continue;
      const GstStructure* s = gst_message_get_structure(raw);
      GstClockTime ts = 0;
      gst_structure_get_clock_time(s, "timestamp", &ts);
      if (gst_structure_has_name(s, "level")) {
        level_peak_ = doubles_of(gst_structure_get_value(s, "peak"));
        level_rms_ = doubles_of(gst_structure_get_value(s, "rms"));
      } else if (gst_structure_has_name(s, "spectrum")) {
        const GValue* list = gst_structure_get_value(s, "magnitude");
        std::vector<double> magnitudes;
        if (list && GST_VALUE_HOLDS_LIST(list))
          for (guint i = 0; i < gst_value_list_get_size(list); ++i)
            magnitudes.push_back(g_value_get_float(gst_value_list_get_value(list, i)));
        emit(ts, std::move(magnitudes));
      }
    }
  }

  // The spectrum follows the level in the chain: its message closes the interval.
  void emit(GstClockTime ts, std::vector<double> magnitudes) {
    audio_interval f;
    f.t_ms = *first_dts_ * 1000 / ticks_per_second + static_cast<std::int64_t>(ts / GST_MSECOND);
    for (std::size_t c = 0; c < 2; ++c) {
      std::size_t from = std::min(c, level_peak_.empty() ? 0 : level_peak_.size() - 1);
      if (from < level_peak_.size())
        f.peak_db[c] = level_peak_[from];
      if (from < level_rms_.size())
        f.rms_db[c] = level_rms_[from];
    }
    magnitudes.resize(bands, floor_db);
    f.bands_db = std::move(magnitudes);
    if (loudness_) {
      double v;
      if (ebur128_loudness_momentary(loudness_.get(), &v) == EBUR128_SUCCESS)
        f.lufs_m = v;
      if (ebur128_loudness_shortterm(loudness_.get(), &v) == EBUR128_SUCCESS)
        f.lufs_s = v;
      if (ebur128_loudness_global(loudness_.get(), &v) == EBUR128_SUCCESS)
        f.lufs_i = v;
    }
    f.clipping = std::exchange(clipping_, 0);
    f.beat = beats_.on_interval(f.t_ms, std::max(f.bands_db[0], f.bands_db[1]));
    {
      std::lock_guard lock{owner_.mutex_};
      auto& fig = *owner_.figures_;
      fig.recent.push_back({{f.peak_db[0], f.peak_db[1]}, {f.rms_db[0], f.rms_db[1]}});
      if (fig.recent.size() > summary_window)
        fig.recent.pop_front();
      fig.lufs_i = f.lufs_i;
      fig.lufs_s = f.lufs_s;
      fig.clipping_total += f.clipping;
    }
    owner_.sink_(audio_frame_json(f));
  }

  audio_analyzer& owner_;
  std::unique_ptr<pushed_chain> chain_;
  gst::object_ptr<GstBus> bus_;
  std::unique_ptr<ebur128_state, ebur128_release> loudness_;
  unsigned channels_ = 0;
  std::optional<std::int64_t> first_dts_;
  std::vector<double> level_peak_, level_rms_;
  std::uint64_t clipping_ = 0;
  beat_detector beats_;
};

audio_analyzer::audio_analyzer(frame_sink sink, std::size_t max_queue)
    : sink_(std::move(sink)), max_queue_(max_queue), figures_(std::make_unique<figures>()) {}

audio_analyzer::~audio_analyzer() {
  {
    std::lock_guard lock{mutex_};
    stop_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable())
    thread_.join();
}

void audio_analyzer::configure(std::span<const std::byte> asc) {
  std::lock_guard lock{mutex_};
  asc_.assign(asc.begin(), asc.end());
  format_ = parse_asc(asc);
  if (figures_->running) {
    queue_.push_back(item{true, asc_, 0});
    wake_.notify_one();
  }
}

void audio_analyzer::push(const media_frame& frame) {
  std::lock_guard lock{mutex_};
  audio_bytes_ += frame.data.size();
  ++frames_;
  if (!first_dts_)
    first_dts_ = frame.dts;
  last_dts_ = frame.dts;
  if (!figures_->running)
    return;
  if (queue_.size() >= max_queue_) {
    ++dropped_;  // the worker is behind: the copy path never waits for it
    return;
  }
  queue_.push_back(item{false, frame.data, frame.dts});
  wake_.notify_one();
}

void audio_analyzer::start_analysis() {
  std::lock_guard lock{mutex_};
  if (figures_->running)
    return;
  figures_->running = true;
  if (!asc_.empty())
    queue_.push_back(item{true, asc_, 0});
  thread_ = std::thread([this] { run(); });
}

bool audio_analyzer::analysing() const {
  std::lock_guard lock{mutex_};
  return figures_->running;
}

void audio_analyzer::run() {
  lower_this_thread_priority();
  worker w{*this};
  for (;;) {
    item next;
    {
      std::unique_lock lock{mutex_};
      wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (stop_)
        return;
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    if (next.config)
      w.configure(next.data);
    else
      w.frame(next.data, next.dts);
  }
}

std::string audio_analyzer::summary() const {
  std::lock_guard lock{mutex_};
  json out{{"codec", format_ ? "aac" : ""},
           {"channels", format_ ? format_->channels : 0},
           {"sample_rate", format_ ? format_->sample_rate : 0},
           {"analysis", figures_->running}};
  // The bitrate of the AAC frames themselves, over the session (each frame is 1024 samples).
  unsigned kbps = 0;
  double seconds = 0;
  if (format_ && first_dts_ && frames_ > 1) {
    seconds = double(*last_dts_ - *first_dts_) / ticks_per_second + 1024.0 / format_->sample_rate;
    kbps = static_cast<unsigned>(std::lround(double(audio_bytes_) * 8 / seconds / 1000));
  }
  out["bitrate_kbps"] = kbps;
  const auto& fig = *figures_;
  json peak = nullptr, rms = nullptr;
  if (!fig.recent.empty()) {
    std::array<double, 2> p{floor_db, floor_db}, power{0, 0};
    for (auto& [pk, r] : fig.recent)
      for (int c = 0; c < 2; ++c) {
        p[c] = std::max(p[c], clamp_db(pk[c]));
        power[c] += std::pow(10.0, clamp_db(r[c]) / 10);
      }
    peak = {round1(p[0]), round1(p[1])};
    rms = {round1(clamp_db(10 * std::log10(power[0] / fig.recent.size()))),
           round1(clamp_db(10 * std::log10(power[1] / fig.recent.size())))};
  }
  out["peak_db"] = peak;
  out["rms_db"] = rms;
  out["lufs_i"] = db_or_null(fig.lufs_i);
  out["lufs_s"] = db_or_null(fig.lufs_s);
  out["clipping_total"] = fig.clipping_total;
  out["dropped"] = dropped_;
  json warnings = json::array();
  if (format_ && format_->channels == 1)
    warnings.push_back({{"code", "mono"},
                        {"message", "the stream's audio is mono: send stereo for music"}});
  if (kbps > 0 && seconds >= 3 && kbps < low_bitrate_kbps)
    warnings.push_back(
      {{"code", "low_bitrate"},
       {"message", "the stream's audio is " + std::to_string(kbps) +
                     " kbit/s: send at least 128 kbit/s AAC (up to 320 kbit/s passes through)"}});
  if (fig.clipping_total > 0)
    warnings.push_back({{"code", "clipping"},
                        {"message", std::to_string(fig.clipping_total) +
                                      " samples reached full scale: lower the master level"}});
  out["warnings"] = std::move(warnings);
  return out.dump();
}

}  // namespace aethex::media
