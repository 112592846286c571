#include "media/clip_cutter.hpp"

#include <algorithm>
#include <fstream>
#include <mutex>
#include <system_error>

#include <gst/gst.h>

#include "media/gst_util.hpp"

namespace aethex::media {
namespace {

// Reads `size` bytes at the stream's position; false when the file ends first.
bool read_exactly(std::ifstream& in, fmp4::bytes& out, std::uint64_t size) {
  out.resize(size);
  in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(size));
  return static_cast<std::uint64_t>(in.gcount()) == size;
}

std::uint64_t ticks(double seconds, std::uint32_t timescale) {
  return static_cast<std::uint64_t>(std::max(0.0, seconds) * timescale + 0.5);
}

bool rename_into_place(const std::filesystem::path& tmp, const std::filesystem::path& out,
                       std::string& error) {
  std::error_code ec;
  std::filesystem::rename(tmp, out, ec);
  if (ec)
    error = "cannot write " + out.string() + ": " + ec.message();
  return !ec;
}

}  // namespace

namespace {

// The lead track's first and end times, the wanted start in its ticks and the keyframe
// fragment the clip starts with.
struct lead_span {
  const fmp4::track_info* track = nullptr;
  std::uint64_t origin = UINT64_MAX, end = 0, wanted = 0;
  double start_s = 0;
  const recording_map::fragment* key = nullptr;
};

std::optional<lead_span> find_start(const recording_map& map, double start_s, double duration_s) {
  lead_span span;
  span.track = map.lead();
  if (!span.track)
    return std::nullopt;
  for (const auto& f : map.fragments)
    if (f.info.track_id == span.track->id) {
      span.origin = std::min(span.origin, f.info.decode_time);
      span.end = std::max(span.end, f.info.decode_time + f.info.duration);
    }
  if (span.end == 0)
    return std::nullopt;
  auto scale = span.track->timescale;
  if (start_s < 0)  // a live clip: the last duration_s of what is recorded
    start_s = std::max(0.0, double(span.end - span.origin) / scale - duration_s);
  span.start_s = start_s;
  span.wanted = span.origin + ticks(start_s, scale);
  // The last keyframe at or before the wanted start (the first one when none is).
  for (const auto& f : map.fragments) {
    if (f.info.track_id != span.track->id || !f.info.starts_with_sync)
      continue;
    if (f.info.decode_time > span.wanted && span.key)
      break;
    span.key = &f;
  }
  if (!span.key)
    return std::nullopt;
  return span;
}

}  // namespace

std::optional<clip_start> keyframe_before(const recording_map& map, double start_s,
                                          double duration_s) {
  auto span = find_start(map, start_s, duration_s);
  if (!span)
    return std::nullopt;
  return clip_start{double(span->key->info.decode_time - span->origin) / span->track->timescale,
                    span->start_s};
}

std::optional<clip_cut> cut_on_keyframes(const recording_map& map,
                                         const std::filesystem::path& media, double start_s,
                                         double duration_s, const std::filesystem::path& out,
                                         std::string& error) {
  auto span = find_start(map, start_s, duration_s);
  if (!span) {
    error = map.fragments.empty() ? "nothing is recorded yet" : "no keyframe in the range";
    return std::nullopt;
  }
  const auto* lead = span->track;
  const auto* key = span->key;
  auto scale = lead->timescale;
  auto origin = span->origin;
  auto from = key->info.decode_time;
  auto to = from + ticks(duration_s, scale);
  auto tmp = out;
  tmp += ".tmp";
  std::ifstream in(media, std::ios::binary);
  std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
  file.write(reinterpret_cast<const char*>(map.init.data()),
             static_cast<std::streamsize>(map.init.size()));
  std::uint64_t bytes = map.init.size(), lead_end = from;
  fmp4::bytes fragment;
  for (const auto& f : map.fragments) {
    auto track = map.info.tracks.find(f.info.track_id);
    if (track == map.info.tracks.end())
      continue;
    // The other tracks' times, in their own timescale, relative to the same instant.
    auto rescale = [&](std::uint64_t t) { return t * track->second.timescale / scale; };
    auto begin = rescale(from), end = rescale(to);
    if (f.info.decode_time < begin || f.info.decode_time >= end)
      continue;
    in.seekg(static_cast<std::streamoff>(f.offset));
    if (!read_exactly(in, fragment, f.size) ||
        !fmp4::set_decode_time(fragment, f.info.decode_time - begin)) {
      error = "cannot read the recording";
      return std::nullopt;
    }
    file.write(reinterpret_cast<const char*>(fragment.data()),
               static_cast<std::streamsize>(fragment.size()));
    bytes += fragment.size();
    if (f.info.track_id == lead->id)
      lead_end = std::max(lead_end, f.info.decode_time + f.info.duration);
  }
  if (!file.flush()) {
    error = "cannot write " + tmp.string();
    return std::nullopt;
  }
  file.close();
  if (!rename_into_place(tmp, out, error))
    return std::nullopt;
  return clip_cut{double(from - origin) / scale, double(lead_end - from) / scale, true, bytes};
}

namespace {

// Shared by the pad probes of one exact trim: what to drop, how far to move the rest.
struct trim_window {
  GstClockTime skip = 0;
  GstClockTime length = 0;
  std::function<void(unsigned)> progress;
  std::mutex mutex;
  GstClockTime video_end = 0;
  unsigned reported = 0;
};

// Drops buffers before the wanted start or past its end and moves the others to start at 0.
GstPadProbeReturn retime(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto* window = static_cast<trim_window*>(data);
  auto* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  auto pts = GST_BUFFER_PTS(buffer);
  if (!GST_CLOCK_TIME_IS_VALID(pts) || pts < window->skip || pts >= window->skip + window->length)
    return GST_PAD_PROBE_DROP;
  buffer = gst_buffer_make_writable(buffer);
  GST_BUFFER_PTS(buffer) = pts - window->skip;
  if (GST_BUFFER_DTS_IS_VALID(buffer))
    GST_BUFFER_DTS(buffer) = GST_BUFFER_DTS(buffer) > window->skip
                               ? GST_BUFFER_DTS(buffer) - window->skip
                               : 0;
  GST_PAD_PROBE_INFO_DATA(info) = buffer;
  return GST_PAD_PROBE_OK;
}

GstPadProbeReturn note_video(GstPad* pad, GstPadProbeInfo* info, gpointer data) {
  auto verdict = retime(pad, info, data);
  if (verdict != GST_PAD_PROBE_OK)
    return verdict;
  auto* window = static_cast<trim_window*>(data);
  auto* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  auto end = GST_BUFFER_PTS(buffer) +
             (GST_BUFFER_DURATION_IS_VALID(buffer) ? GST_BUFFER_DURATION(buffer) : 0);
  std::lock_guard lock{window->mutex};
  window->video_end = std::max(window->video_end, end);
  auto percent = static_cast<unsigned>(std::min<GstClockTime>(99, end * 100 / window->length));
  if (window->progress && percent >= window->reported + 10) {
    window->reported = percent;
    window->progress(percent);
  }
  return GST_PAD_PROBE_OK;
}

void add_probe(GstElement* pipeline, const char* element, GstPadProbeCallback fn,
               trim_window& window) {
  gst::object_ptr<GstElement> e{gst_bin_get_by_name(GST_BIN(pipeline), element)};
  gst::object_ptr<GstPad> pad{gst_element_get_static_pad(e.get(), "src")};
  gst_pad_add_probe(pad.get(), GST_PAD_PROBE_TYPE_BUFFER, fn, &window, nullptr);
}

}  // namespace

std::optional<clip_cut> trim_exactly(const std::filesystem::path& keyframe_cut, double skip_s,
                                     double duration_s, const std::filesystem::path& out,
                                     const std::function<void(unsigned)>& progress,
                                     std::string& error) {
  auto map = map_recording(keyframe_cut);
  if (!map || !map->info.video_track()) {
    error = "exact trimming needs a video track";
    return std::nullopt;
  }
  bool audio = map->info.tracks.size() > 1;
  auto tmp = out;
  tmp += ".tmp";
  // Constant quality (qp 21) keeps the re-encoded picture close to the source's without
  // knowing its bitrate. ultrafast: 30 s of 720p30 in ~4 s on two cores (veryfast takes ~9 s
  // for a third fewer bytes); a clip is short, its bytes matter less than the wait.
  std::string description =
    "filesrc location=\"" + keyframe_cut.string() +
    "\" ! qtdemux name=d d.video_0 ! queue ! h264parse ! avdec_h264 name=vdec "
    "! x264enc speed-preset=ultrafast pass=quant quantizer=21 key-int-max=60 ! h264parse ! "
    "queue ! mp4mux name=mux faststart=true ! filesink location=\"" +
    tmp.string() + "\"";
  if (audio)
    description += " d.audio_0 ! queue ! aacparse name=aparse ! queue ! mux.";
  trim_window window;
  window.skip = static_cast<GstClockTime>(skip_s * GST_SECOND);
  window.length = static_cast<GstClockTime>(duration_s * GST_SECOND);
  window.progress = progress;
  try {
    auto pipeline = gst::launch(description.c_str(), "exact clip trimming");
    add_probe(pipeline.get(), "vdec", note_video, window);
    if (audio)
      add_probe(pipeline.get(), "aparse", retime, window);
    gst_element_set_state(pipeline.get(), GST_STATE_PLAYING);
    gst::object_ptr<GstBus> bus{gst_element_get_bus(pipeline.get())};
    auto* message = gst_bus_timed_pop_filtered(bus.get(), 300 * GST_SECOND,
                                               static_cast<GstMessageType>(GST_MESSAGE_EOS |
                                                                           GST_MESSAGE_ERROR));
    if (!message || GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
      error = "the re-encode failed";
      if (message) {
        GError* err = nullptr;
        gst_message_parse_error(message, &err, nullptr);
        gst::error_ptr owned{err};
        error += std::string{": "} + (err ? err->message : "");
      }
      if (message)
        gst_message_unref(message);
      return std::nullopt;
    }
    gst_message_unref(message);
  } catch (const std::exception& e) {
    error = e.what();
    return std::nullopt;
  }
  if (!rename_into_place(tmp, out, error))
    return std::nullopt;
  std::error_code ec;
  auto bytes = std::filesystem::file_size(out, ec);
  std::lock_guard lock{window.mutex};
  return clip_cut{0, double(window.video_end) / GST_SECOND, false, ec ? 0 : bytes};
}

}  // namespace aethex::media
