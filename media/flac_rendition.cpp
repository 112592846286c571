#include "media/flac_rendition.hpp"

#include <cstdio>
#include <stdexcept>

#include "media/fmp4_hub.hpp"

namespace aethex::media {
namespace {

// What the rendition may need at its peak: the picture as the source sends it (not counted
// here) plus FLAC at 48 kHz stereo, which stays under a megabit for music.
constexpr unsigned flac_bandwidth_bps = 1'000'000;

}  // namespace

flac_rendition::flac_rendition(flac_rendition_setup setup, transcode_budget::lease lease,
                               flac_encoder::output_fn output)
    : asc_(std::move(setup.asc)), video_(setup.video), avcc_(std::move(setup.avcc)),
      store_(std::make_shared<ll_hls_stream>(setup.hls)), set_(std::move(setup.set)),
      source_clock_(std::move(setup.source_clock)), lease_(std::move(lease)) {
  remuxer_.follow_base(setup.base_dts);
  std::vector<remux_unit> none;
  remuxer_.push(track_layout{video_, true}, none);
  output_ = {std::string{flac_rendition_name}, setup.width, setup.height, flac_bandwidth_bps,
             std::make_shared<fmp4_hub>(),     nullptr};
  encoder_ = std::make_unique<flac_encoder>(asc_, std::move(output));
  set_->add(output_);
}

flac_rendition::~flac_rendition() {
  encoder_.reset();  // no output arrives after this
  set_->remove(flac_rendition_name);
  output_.fmp4->close();
  store_->close();
}

void flac_rendition::on_source(const demux_event& event) {
  std::vector<remux_unit> units;
  if (auto* frame = std::get_if<media_frame>(&event)) {
    if (frame->kind == track_kind::audio) {
      encoder_->push(*frame);
      return;
    }
    // Video waits for the FLAC track's configuration, and starts at a keyframe: a muxer that saw
    // a second of one track and nothing of the other would start without it.
    if (!flac_ready_ || (!keyframe_seen_ && !frame->keyframe))
      return;
    keyframe_seen_ = true;
    remuxer_.push(*frame, units);
  } else if (auto* config = std::get_if<video_config>(&event)) {
    avcc_ = config->avcc;
    if (!flac_ready_)
      return;
    remuxer_.push(*config, units);
  } else {
    return;  // the source's AAC configuration is the encoder's; a new one restarts us
  }
  publish(units);
}

void flac_rendition::on_encoded(std::vector<demux_event> events) {
  std::vector<remux_unit> units;
  for (auto& event : events) {
    if (std::holds_alternative<audio_config>(event) && !flac_ready_) {
      flac_ready_ = true;
      remuxer_.push(std::move(event), units);
      if (avcc_)
        remuxer_.push(video_config{*avcc_}, units);
      continue;
    }
    // FLAC frames wait for the first picture the same way (a GOP may last longer than the
    // second the muxer waits for a missing track).
    if (video_ && !keyframe_seen_ && std::holds_alternative<media_frame>(event))
      continue;
    remuxer_.push(std::move(event), units);
  }
  publish(units);
}

void flac_rendition::flush() {
  std::vector<remux_unit> units;
  remuxer_.flush(units);
  publish(units);
}

void flac_rendition::publish(std::vector<remux_unit>& units) {
  if (!units.empty())
    publish_units(*output_.fmp4, *store_, units, !video_, *source_clock_, true);
}

std::unique_ptr<flac_rendition> start_flac_rendition(flac_rendition_setup setup,
                                                     flac_encoder::output_fn output,
                                                     std::string& why) {
  char text[160];
  auto budget = setup.budget;
  auto lease = budget ? budget->reserve(flac_rendition_cores) : std::nullopt;
  if (!lease) {
    double total = budget ? budget->cores() : 0;
    std::snprintf(text, sizeof text,
                  "the transcode budget is too small (the FLAC rendition needs %.2f cores, %.2f "
                  "of %.2f are free)",
                  flac_rendition_cores, std::max(0.0, total - (budget ? budget->reserved() : 0)),
                  total);
    why = text;
    return nullptr;
  }
  if (auto idle = budget->idle(); idle && *idle < flac_rendition_cores) {
    std::snprintf(text, sizeof text, "the machine is too busy (%.2f cores are idle)", *idle);
    why = text;
    return nullptr;  // the lease goes back as it goes out of scope
  }
  try {
    return std::make_unique<flac_rendition>(std::move(setup), std::move(*lease), std::move(output));
  } catch (const std::exception& e) {
    why = std::string{"the FLAC encoder did not start: "} + e.what();
    return nullptr;
  }
}

void flac_slot::on_source(const demux_event& event) {
  if (auto* config = std::get_if<audio_config>(&event); config && asc_ != config->asc) {
    running_.reset();  // its encoder decodes the old configuration
    settled_ = false;
    asc_ = config->asc;
  }
  if (running_)
    running_->on_source(event);
}

void flac_slot::on_encoded(std::uint32_t generation, std::vector<demux_event> events) {
  if (running_ && generation == generation_)
    running_->on_encoded(std::move(events));
}

void flac_slot::flush() {
  if (running_)
    running_->flush();
}

void flac_slot::stop() { running_.reset(); }

std::string flac_slot::settle(const live_remuxer& source,
                              const std::shared_ptr<const byte_vector>& avcc,
                              flac_rendition_setup setup, const sender& send) {
  if (running_ && !running_->error().empty()) {
    auto why = running_->error();
    running_.reset();  // settled stays: not retried until the AAC configuration changes
    return "stops its FLAC rendition: " + why;
  }
  if (running_ || settled_ || !wanted || !asc_ || !source.started() || !source.has_audio())
    return {};
  settled_ = true;
  setup.asc = *asc_;
  setup.video = source.has_video();
  if (setup.video && avcc && source.video()) {
    setup.avcc = *avcc;
    setup.width = source.video()->width;
    setup.height = source.video()->height;
  }
  setup.base_dts = *source.base_dts();
  auto generation = ++generation_;
  std::string why;
  running_ = start_flac_rendition(
    std::move(setup),
    [send, generation](std::vector<demux_event> events) { send(generation, std::move(events)); },
    why);
  return running_ ? "makes its FLAC rendition" : "has no FLAC rendition: " + why;
}

}  // namespace aethex::media
