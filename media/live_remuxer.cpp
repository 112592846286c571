#include "media/live_remuxer.hpp"

#include <algorithm>
#include <cstdlib>

#include "media/flac_format.hpp"

namespace aethex::media {
namespace {

constexpr std::uint32_t video_track_id = 1;
constexpr std::uint32_t audio_track_id = 2;
constexpr std::uint32_t aac_frame_samples = 1024;
constexpr std::uint32_t default_frame_ticks = 3000;  // 30 fps, until a real interval is seen

// What the audio track's configuration says: an AAC AudioSpecificConfig, or the FLAC
// rendition's STREAMINFO.
std::optional<audio_info> describe_audio(const audio_config& config) {
  if (config.codec == audio_codec::aac)
    return describe_asc(config.asc);
  auto info = read_streaminfo(config.asc);
  if (!info)
    return std::nullopt;
  return audio_info{info->sample_rate, info->channels, "flac", "flac"};
}

}  // namespace

live_remuxer::live_remuxer(remux_options options) : options_(options) {
  video_.id = video_track_id;
  video_.timescale = static_cast<std::uint32_t>(ticks_per_second);
  audio_.id = audio_track_id;
}

void live_remuxer::push(demux_event event, std::vector<remux_unit>& out) {
  if (auto* layout = std::get_if<track_layout>(&event)) {
    if (!started_)
      layout_ = *layout;
    return;
  }
  if (auto* config = std::get_if<video_config>(&event)) {
    auto info = describe_avcc(config->avcc);
    if (!info || config->avcc == video_.config)
      return;  // unparsable, or the same record repeated (publishers resend it)
    bool reinit = started_ && video_.carried;
    if (reinit)
      flush(out);
    video_.config = std::move(config->avcc);
    video_info_ = std::move(info);
    if (reinit)
      write_init(out);
    return;
  }
  if (auto* config = std::get_if<audio_config>(&event)) {
    auto info = describe_audio(*config);
    if (!info || (config->asc == audio_.config && config->codec == audio_.codec))
      return;
    bool reinit = started_ && audio_.carried;
    if (reinit)
      flush(out);
    audio_.config = std::move(config->asc);
    audio_.codec = config->codec;
    audio_.timescale = info->sample_rate;
    audio_info_ = std::move(info);
    if (reinit)
      write_init(out);
    return;
  }
  auto* frame = std::get_if<media_frame>(&event);
  if (!frame)
    return;  // unsupported codecs are the session's to report
  if (started_)
    return run(std::move(*frame), out);
  waiting_bytes_ += frame->data.size();
  waiting_.push_back(std::move(*frame));
  while (waiting_bytes_ > options_.max_waiting_bytes && !waiting_.empty()) {
    waiting_bytes_ -= waiting_.front().data.size();
    waiting_.pop_front();
    ++discarded_;
  }
  decide(out, false);
}

void live_remuxer::decide(std::vector<remux_unit>& out, bool timed_out) {
  if (waiting_.empty())
    return;
  auto has = [&](track_kind kind, bool key) {
    return std::any_of(waiting_.begin(), waiting_.end(), [&](const media_frame& f) {
      return f.kind == kind && (!key || f.keyframe);
    });
  };
  bool video_ready = video_info_ && has(track_kind::video, true);
  bool audio_ready = audio_info_ && has(track_kind::audio, false);
  if (!video_ready && !audio_ready)
    return;
  bool want_video = !layout_ || layout_->video;
  bool want_audio = !layout_ || layout_->audio;
  auto [lo, hi] = std::minmax_element(waiting_.begin(), waiting_.end(),
                                      [](const media_frame& a, const media_frame& b) {
                                        return a.dts < b.dts;
                                      });
  bool waited = hi->dts - lo->dts >= std::int64_t{options_.track_wait_ms} * 90;
  bool complete = (!want_video || video_ready) && (!want_audio || audio_ready);
  if (!complete && !waited && !timed_out)
    return;
  video_.carried = video_ready;
  audio_.carried = audio_ready;
  start(out);
}

void live_remuxer::start(std::vector<remux_unit>& out) {
  started_ = true;
  auto first = std::find_if(waiting_.begin(), waiting_.end(), [&](const media_frame& f) {
    return video_.carried ? f.kind == track_kind::video && f.keyframe : f.kind == track_kind::audio;
  });
  base_dts_ = fixed_base_ ? std::min(*fixed_base_, first->dts) : first->dts;
  write_init(out);
  auto waiting = std::move(waiting_);
  waiting_.clear();
  waiting_bytes_ = 0;
  for (auto& frame : waiting)
    run(std::move(frame), out);
}

void live_remuxer::write_init(std::vector<remux_unit>& out) {
  std::vector<fmp4::track_setup> tracks;
  std::string codecs;
  if (video_.carried) {
    tracks.push_back({video_.id, track_kind::video, video_.timescale, video_.config,
                      video_info_->width, video_info_->height, 0, 0});
    codecs = video_info_->codec;
  }
  if (audio_.carried) {
    tracks.push_back({audio_.id, track_kind::audio, audio_.timescale, audio_.config, 0, 0,
                      audio_info_->channels, audio_info_->sample_rate, audio_.codec});
    codecs += (codecs.empty() ? "" : ",") + audio_info_->codec;
  }
  mime_ = "video/mp4; codecs=\"" + codecs + "\"";
  remux_unit unit;
  unit.kind = remux_unit::type::init;
  unit.data = std::make_shared<const byte_vector>(fmp4::write_init(tracks));
  out.push_back(std::move(unit));
}

void live_remuxer::run(media_frame frame, std::vector<remux_unit>& out) {
  bool video = frame.kind == track_kind::video;
  if (!(video ? video_.carried : audio_.carried) || frame.dts < base_dts_) {
    ++discarded_;
    return;
  }
  if (video)
    on_video(std::move(frame), out);
  else
    on_audio(std::move(frame), out);
}

std::uint64_t live_remuxer::open_duration(const track& t) const {
  std::uint64_t total = 0;
  for (auto& s : t.samples)
    total += s.duration;
  return total;
}

void live_remuxer::on_video(media_frame frame, std::vector<remux_unit>& out) {
  auto& v = video_;
  if (!v.held && v.frame_ticks == 0 && !frame.keyframe) {
    ++discarded_;  // nothing decodes before the first keyframe
    return;
  }
  auto time = frame.dts - base_dts_ + v.offset;
  if (v.held) {
    auto& held = *v.held;
    if (time <= held.time) {
      // Timestamps went back (a publisher restarted its clock): continue one frame later.
      auto step = v.frame_ticks > 0 ? v.frame_ticks : std::int64_t{default_frame_ticks};
      v.offset += held.time + step - time;
      time = held.time + step;
    }
    held.duration = static_cast<std::uint32_t>(std::min<std::int64_t>(time - held.time,
                                                                      UINT32_MAX));
    v.frame_ticks = held.duration;
    v.samples.push_back(std::move(held));
    v.held.reset();
    if (frame.keyframe) {
      // The segment ends here: everything before the keyframe goes out now.
      emit(v, out);
      emit(audio_, out);
      remux_unit end;
      end.kind = remux_unit::type::segment_end;
      out.push_back(std::move(end));
    } else if (open_duration(v) * 1000 >= std::uint64_t{options_.fragment_ms} * v.timescale) {
      emit(v, out);
      emit(audio_, out);
    }
  }
  v.held = pending_sample{std::move(frame.data), time, frame.cts, frame.keyframe, 0};
}

void live_remuxer::on_audio(media_frame frame, std::vector<remux_unit>& out) {
  auto& a = audio_;
  auto rate = static_cast<std::int64_t>(a.timescale);
  auto input_time = (frame.dts - base_dts_) * rate / ticks_per_second;
  auto time = a.next_time < 0 ? input_time : a.next_time;
  if (a.next_time >= 0 && input_time - a.next_time > rate / 10) {
    // A real gap (the publisher sent no audio for a while): restart the count after it.
    emit(a, out);
    time = input_time;
  }
  std::uint32_t frame_samples = aac_frame_samples;
  if (a.codec == audio_codec::flac) {
    auto samples = flac_frame_samples(frame.data);
    if (!samples) {
      ++discarded_;  // not a FLAC frame: its length would be a guess
      return;
    }
    frame_samples = *samples;
  }
  a.samples.push_back(pending_sample{std::move(frame.data), time, 0, true, frame_samples});
  a.next_time = time + frame_samples;
  // Alone, audio cuts its own fragments; beside video it follows the video cuts, unless the
  // video stalls.
  auto limit = std::uint64_t{options_.fragment_ms} * (video_.carried ? 4 : 1);
  if (open_duration(a) * 1000 >= limit * a.timescale)
    emit(a, out);
}

void live_remuxer::emit(track& t, std::vector<remux_unit>& out) {
  if (t.samples.empty())
    return;
  std::vector<fmp4::sample> samples;
  samples.reserve(t.samples.size());
  std::uint64_t duration = 0;
  for (auto& s : t.samples) {
    samples.push_back({s.data, s.duration, s.cts, s.sync});
    duration += s.duration;
  }
  remux_unit unit;
  unit.track_id = t.id;
  unit.video = &t == &video_;
  unit.keyframe = unit.video && t.samples.front().sync;
  unit.decode_time = static_cast<std::uint64_t>(t.samples.front().time);
  unit.duration = duration;
  unit.timescale = t.timescale;
  unit.samples = static_cast<std::uint32_t>(samples.size());
  unit.data = std::make_shared<const byte_vector>(fmp4::write_fragment(++sequence_, t.id,
                                                                       unit.decode_time, samples));
  out.push_back(std::move(unit));
  t.samples.clear();
}

void live_remuxer::flush(std::vector<remux_unit>& out) {
  if (!started_) {
    decide(out, true);
    if (!started_)
      return;
  }
  if (video_.held) {
    video_.held->duration = static_cast<std::uint32_t>(video_.frame_ticks > 0
                                                         ? video_.frame_ticks
                                                         : default_frame_ticks);
    video_.samples.push_back(std::move(*video_.held));
    video_.held.reset();
  }
  emit(video_, out);
  emit(audio_, out);
}

}  // namespace aethex::media
