#include "media/session_recording.hpp"

#include <fstream>
#include <system_error>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/entity_ref.hpp"
#include "media/thumbnailer.hpp"
#include "media/vod_recorder.hpp"
#include "actors/vod/vod_files.hpp"

namespace aethex::media {
namespace {

namespace files = actors::vod_files;
using json = nlohmann::json;
using vod_ref = actors::entity_ref<actors::vod_protocol>;

// The VOD's list entry shows a duration that grows while the session runs; the restart after a
// crash corrects what the last report missed from the file itself.
constexpr unsigned report_every_ticks = 30;

json meta_of(const actors::vod_recording& info) {
  return json{{"channel", info.channel},
              {"title", info.title},
              {"category", info.category},
              {"node", info.node},
              {"started_at_ms", info.started_at_ms},
              {"retention_days", info.retention_days}};
}

std::optional<actors::vod_recording> read_meta(const std::filesystem::path& dir) {
  std::ifstream in(dir / files::meta, std::ios::binary);
  auto j = json::parse(in, nullptr, false);
  if (!j.is_object() || !j.contains("channel") || !j["channel"].is_string())
    return std::nullopt;
  actors::vod_recording info;
  info.channel = j["channel"].get<std::string>();
  info.title = j.value("title", "");
  info.category = j.value("category", "");
  info.node = j.value("node", "");
  info.started_at_ms = j.value("started_at_ms", std::int64_t{0});
  info.retention_days = j.value("retention_days", actors::default_vod_retention_days);
  return info;
}

// Once vod/<id> holds the finished recording, the folder says so: no restart reports it again.
void report_finished(caf::actor_system& sys, const caf::actor& registry, std::string id,
                     actors::vod_recording info, std::filesystem::path dir) {
  vod_ref{registry, std::move(id)}
    .ask(actors::vod_record_atom::value, std::move(info))
    .then(sys, [dir = std::move(dir)](caf::expected<actors::vod_view> view) {
      if (view)
        std::ofstream{dir / files::reported};
    });
}

}  // namespace

session_recording::session_recording(caf::actor_system& sys, caf::actor registry,
                                     std::string vod_id, recording_settings settings,
                                     std::shared_ptr<thumbnailer> thumbnails)
    : sys_(sys), registry_(std::move(registry)), vod_id_(std::move(vod_id)),
      settings_(std::move(settings)), thumbnails_(std::move(thumbnails)) {
  if (!files::valid_id(vod_id_)) {
    error_ = "not a VOD id: " + vod_id_;
    return;
  }
  recorder_ = vod_recorder::create(settings_.vod_root / vod_id_, meta_of(settings_.info).dump(),
                                   error_);
  if (recorder_)
    report(false);
}

session_recording::~session_recording() { finish(); }

bool session_recording::recording() const { return recorder_ && !recorder_->stopped(); }

void session_recording::on_units(const std::vector<remux_unit>& units) {
  if (!recording())
    return;
  for (const auto& unit : units) {
    if (unit.kind == remux_unit::type::segment_end || !unit.data)
      continue;
    bool ok = unit.kind == remux_unit::type::init
                ? recorder_->add_init(*unit.data)
                : recorder_->add_fragment(*unit.data,
                                          {unit.track_id, unit.decode_time, unit.duration,
                                           unit.samples, unit.keyframe || !unit.video});
    if (!ok) {
      // What is on disk stays a finished VOD; the session goes on live without recording.
      error_ = recorder_->error();
      finish();
      return;
    }
  }
}

void session_recording::on_keyframe(const std::shared_ptr<const byte_vector>& avcc,
                                    const byte_vector& access_unit) {
  if (poster_done_ || !recording() || !thumbnails_ || !avcc)
    return;
  auto path = settings_.vod_root / vod_id_ / files::poster;
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    poster_done_ = true;
    return;
  }
  // A full thumbnail queue drops the job: the next keyframe asks again.
  thumbnails_->submit({path, avcc, std::make_shared<const byte_vector>(access_unit)});
}

void session_recording::tick() {
  if (recording() && ++ticks_ % report_every_ticks == 0)
    report(false);
}

void session_recording::finish() {
  if (finished_ || !recorder_)
    return;
  finished_ = true;
  recorder_->finish();
  report(true);
  if (thumbnails_)
    thumbnails_->submit_strip(settings_.vod_root / vod_id_);
}

void session_recording::report(bool finished) {
  auto info = settings_.info;
  auto figures = recorder_->figures();
  info.duration_ms = static_cast<std::int64_t>(figures.duration_s * 1000);
  info.bytes = figures.bytes;
  info.finished = finished;
  if (finished)
    report_finished(sys_, registry_, vod_id_, std::move(info), settings_.vod_root / vod_id_);
  else
    vod_ref{registry_, vod_id_}.tell(actors::vod_record_atom::value, std::move(info));
}

std::size_t recover_recordings(caf::actor_system& sys, const caf::actor& registry,
                               const std::filesystem::path& data_dir,
                               const std::shared_ptr<thumbnailer>& thumbnails) {
  std::size_t reported = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(files::root(data_dir), ec)) {
    auto id = entry.path().filename().string();
    const auto& dir = entry.path();
    if (!files::valid_id(id) || !entry.is_directory(ec) ||
        std::filesystem::exists(dir / files::reported, ec))
      continue;
    auto info = read_meta(dir);
    bool was_finished = recording_finished(dir);
    auto figures = info ? recover_recording(dir) : std::nullopt;
    if (!figures) {
      // Nothing playable was written (the node stopped before the first keyframe).
      std::filesystem::remove_all(dir, ec);
      continue;
    }
    info->duration_ms = static_cast<std::int64_t>(figures->duration_s * 1000);
    info->bytes = figures->bytes;
    info->finished = true;
    info->recovered = !was_finished;
    report_finished(sys, registry, id, std::move(*info), dir);
    if (thumbnails && !std::filesystem::exists(dir / files::thumbnails, ec))
      thumbnails->submit_strip(dir);
    ++reported;
  }
  return reported;
}

}  // namespace aethex::media
