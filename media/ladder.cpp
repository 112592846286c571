#include "media/ladder.hpp"

#include "media/fmp4_hub.hpp"
#include "media/live_outputs.hpp"

namespace aethex::media {
namespace {

constexpr unsigned audio_allowance_kbps = 160;

}  // namespace

ladder_runner::ladder_runner(
  const byte_vector& avcc, std::vector<rendition_plan> plans, transcoder::output_fn output,
  transcoder::options opts, ll_hls_options hls, std::int64_t base_dts,
  transcode_budget::lease lease, std::shared_ptr<rendition_set> set,
  std::optional<track_layout> layout, const std::optional<byte_vector>& asc,
  std::shared_ptr<media_clock> source_clock, std::shared_ptr<const ll_hls_stream> source_hls)
    : set_(std::move(set)), source_clock_(std::move(source_clock)), lease_(std::move(lease)) {
  for (const auto& plan : plans) {
    auto r = std::make_unique<rendition>();
    r->remuxer.follow_base(base_dts);
    std::vector<remux_unit> none;
    if (layout)
      r->remuxer.push(*layout, none);
    if (asc)
      r->remuxer.push(audio_config{*asc}, none);
    r->output = {plan.name,
                 plan.width,
                 plan.height,
                 (plan.video_kbps + audio_allowance_kbps) * 1000,
                 std::make_shared<fmp4_hub>(),
                 std::make_shared<ll_hls_stream>(hls)};
    r->output.ll->follow(source_hls);
    renditions_.push_back(std::move(r));
  }
  transcoder_ = std::make_unique<transcoder>(avcc, std::move(plans), std::move(output), opts);
  for (auto& r : renditions_)
    set_->add(r->output);
}

ladder_runner::~ladder_runner() {
  transcoder_.reset();  // no output arrives after this
  for (auto& r : renditions_) {
    set_->remove(r->output.name);  // only its own: the FLAC rendition may stay
    r->output.fmp4->close();
    r->output.ll->close();
  }
}

void ladder_runner::on_source(const demux_event& event) {
  if (auto* frame = std::get_if<media_frame>(&event)) {
    if (frame->kind == track_kind::video) {
      // A decoder starts at a keyframe; what comes before one would only be decode errors.
      keyframe_seen_ = keyframe_seen_ || frame->keyframe;
      if (keyframe_seen_)
        transcoder_->push(*frame);
      return;
    }
  } else if (!std::holds_alternative<audio_config>(event)) {
    return;  // video configurations are the transcoder's own; layouts were set at the start
  }
  std::vector<remux_unit> units;
  for (auto& r : renditions_) {
    // Audio waits for the rendition's first picture: a remuxer that saw a second of audio and
    // no video would start without a video track.
    if (std::holds_alternative<media_frame>(event) && !r->video_seen)
      continue;
    r->remuxer.push(event, units);
    publish(*r, units);
  }
}

void ladder_runner::on_transcoded(std::size_t index, std::vector<demux_event> events) {
  if (index >= renditions_.size())
    return;
  auto& r = *renditions_[index];
  std::vector<remux_unit> units;
  for (auto& event : events) {
    r.video_seen = r.video_seen || std::holds_alternative<media_frame>(event);
    r.remuxer.push(std::move(event), units);
  }
  publish(r, units);
}

void ladder_runner::flush() {
  std::vector<remux_unit> units;
  for (auto& r : renditions_) {
    r->remuxer.flush(units);
    publish(*r, units);
  }
}

void ladder_runner::publish(rendition& r, std::vector<remux_unit>& units) {
  publish_units(*r.output.fmp4, *r.output.ll, units, !r.remuxer.has_video(), *source_clock_, true);
}

}  // namespace aethex::media
