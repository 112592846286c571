#include "media/media_session.hpp"

#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <system_error>
#include <variant>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/channel/channel.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/core/module.hpp"
#include "actors/music/music.hpp"
#include "media/audio_session.hpp"
#include "media/flac_rendition.hpp"
#include "media/fmp4_hub.hpp"
#include "media/gst_util.hpp"
#include "media/input_demuxer.hpp"
#include "media/ladder.hpp"
#include "media/live_outputs.hpp"
#include "media/live_remuxer.hpp"
#include "media/ll_hls.hpp"
#include "media/stream_stats.hpp"
#include "media/thumbnailer.hpp"
#include "runtime/atoms.hpp"
#include "runtime/cluster.hpp"
#include "runtime/errors.hpp"

namespace aethex::media {
namespace {

using namespace std::chrono_literals;
using channel_ref = actors::entity_ref<actors::channel_protocol>;
using health_tick_atom = caf::atom_constant<caf::atom("healthtick")>;
using transcoded_atom = caf::atom_constant<caf::atom("transcoded")>;
using idle_sample_atom = caf::atom_constant<caf::atom("idlesample")>;
using flac_out_atom = caf::atom_constant<caf::atom("flacout")>;

constexpr auto health_interval = 1s;
constexpr unsigned dj_mode_ask_ticks = 5;  // DJ mode switched on while live: seen within 5 s
constexpr auto idle_sample_interval = 2s;  // the machine's idle CPU, for the transcode budget
// A thumbnail costs a keyframe decode (~25 ms of a core at 720p): every 30 s keeps browse pages
// current at a few tenths of a percent of a core per hundred streams.
constexpr auto thumbnail_interval = 30s;

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

// One rendition's transcoder output on its way to the session's thread. `generation` names the
// ladder that made it: output of a ladder the session already stopped is dropped.
struct transcoded_output {
  std::uint32_t generation = 0;
  std::size_t rendition = 0;
  std::vector<demux_event> events;
};

struct media_events {  // the FLAC encoder's output on its way to the session's thread
  std::vector<demux_event> events;
};

}  // namespace
}  // namespace aethex::media

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(aethex::media::transcoded_output)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(aethex::media::media_events)

namespace aethex::media {
namespace {

struct session_state {
  media_session_config config;
  std::optional<input_demuxer> demuxer;
  live_remuxer remuxer;
  stream_meter meter;
  media_outputs outputs;
  std::shared_ptr<const byte_vector> avcc;  // for thumbnails and the transcoder
  std::optional<byte_vector> asc;           // for renditions started later
  std::vector<std::string> ladder_names;    // wanted renditions
  std::unique_ptr<ladder_runner> ladder;    // while renditions are made
  std::uint32_t ladder_generation = 0;
  bool ladder_settled = false;  // started or refused for the current video configuration
  flac_slot flac;               // the FLAC rendition (DJ mode)
  bool dj_mode = false;         // music/<channel> said so: FLAC and the audio analysis run
  unsigned ticks = 0;
  double source_kbps = 0;  // smoothed ingest bitrate, for the master playlist
  std::shared_ptr<media_clock> clock = std::make_shared<media_clock>();  // shared with the ladder
  std::int64_t last_thumbnail_ns = 0;
  std::unique_ptr<session_recording> recording;  // while the session is recorded
  std::unique_ptr<session_audio> audio;          // now playing from metadata, audio analysis
  track_layout layout{true, true};
  bool video_refused = false, audio_refused = false;
  bool finished = false;
  std::uint64_t bytes_in = 0;
  // Previous health sample, for per-second rates.
  std::uint64_t last_bytes = 0;
  std::uint64_t last_frames = 0;
  std::chrono::steady_clock::time_point last_tick = std::chrono::steady_clock::now();
  static inline const char* name = "media_session";
};

using session_actor = caf::stateful_actor<session_state>;

std::filesystem::path hls_dir_of(const media_session_config& config) {
  return config.hls_root / config.channel;
}

// An old session's thumbnail would show a picture of a stream that has ended.
void clear_hls_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir, ec);
}

void close_outputs(session_state& st) {
  st.ladder.reset();  // closes the renditions and returns the budget
  st.flac.stop();
  auto& outputs = st.outputs;
  if (outputs.fmp4)
    outputs.fmp4->close();
  if (outputs.ll)
    outputs.ll->close();
}

void publish(session_state& st, std::vector<remux_unit>& units) {
  if (st.recording)
    st.recording->on_units(units);
  publish_units(*st.outputs.fmp4, *st.outputs.ll, units, !st.remuxer.has_video(), *st.clock);
}

// Media URIs carry the session id: a CDN may keep them forever, and a later session of the
// channel must never be served an earlier one's segments.
ll_hls_options ll_hls_options_of(const media_session_config& config) {
  ll_hls_options ll;
  ll.min_target_duration_s = config.hls.target_duration_s;
  ll.playlist_segments = config.hls.playlist_length;
  ll.viewer_window_ms = std::int64_t{config.hls.viewer_window_s} * 1000;
  ll.session = config.session_id;
  return ll;
}

void stop_ladder(session_state& st) {
  st.ladder.reset();
  st.ladder_settled = false;
  ++st.ladder_generation;
}

// Settles the session's ladder once the source's picture size and frame rate are known: the
// renditions smaller than the source start when their cost fits the node's budget; otherwise
// the source plays alone and the log (and the rendition set) says why.
void settle_ladder(session_actor* self, double fps) {
  auto& st = self->state;
  if (st.ladder || st.ladder_settled || st.ladder_names.empty() || !st.config.transcode ||
      !st.remuxer.started() || !st.remuxer.has_video() || !st.avcc || fps <= 0)
    return;
  st.ladder_settled = true;
  const auto& video = *st.remuxer.video();
  auto plans = plan_ladder(st.ladder_names, video.width, video.height, fps);
  if (plans.empty())
    return;  // every rendition asked for is as tall as the source: nothing to make
  const auto& settings = *st.config.transcode;
  auto cost = ladder_cost(video.width, video.height, fps, plans, settings.costs);
  auto refuse_ladder = [&](std::string why) {
    caf::aout(self) << "media: " << st.config.channel << " plays its source only: " << why << "\n";
    st.outputs.renditions->refuse(std::move(why));
  };
  auto lease = settings.budget ? settings.budget->reserve(cost) : std::nullopt;
  if (!lease) {
    char why[160];
    double total = settings.budget ? settings.budget->cores() : 0;
    double used = settings.budget ? settings.budget->reserved() : 0;
    std::snprintf(why, sizeof why,
                  "the transcode budget is too small (the ladder needs %.2f cores, %.2f of %.2f "
                  "are free)",
                  cost, std::max(0.0, total - used), total);
    return refuse_ladder(std::string{why});
  }
  if (auto idle = settings.budget->idle(); idle && *idle < cost) {
    char why[160];
    std::snprintf(why, sizeof why,
                  "the machine is too busy (the ladder needs %.2f cores, %.2f are idle)", cost,
                  *idle);
    return refuse_ladder(std::string{why});  // the lease goes back as it goes out of scope
  }
  transcoder::options opts;
  opts.speed_preset = settings.speed_preset;
  auto generation = ++st.ladder_generation;
  auto output = [weak = caf::actor_cast<caf::weak_actor_ptr>(self),
                 generation](std::size_t rendition, std::vector<demux_event> events) {
    if (auto session = caf::actor_cast<caf::actor>(weak))
      caf::anon_send(session, transcoded_atom::value,
                     transcoded_output{generation, rendition, std::move(events)});
  };
  std::string names;
  for (auto& plan : plans)
    names += (names.empty() ? "" : ", ") + plan.name;
  try {
    st.ladder = std::make_unique<ladder_runner>(
      *st.avcc, std::move(plans), std::move(output), opts, ll_hls_options_of(st.config),
      *st.remuxer.base_dts(), std::move(*lease), st.outputs.renditions,
      track_layout{true, st.remuxer.has_audio()}, st.asc, st.clock, st.outputs.ll);
  } catch (const std::exception& e) {
    return refuse_ladder(std::string{"the transcoder did not start: "} + e.what());
  }
  st.outputs.renditions->refuse({});
  char figures[64];
  std::snprintf(figures, sizeof figures, "%.2f cores", cost);
  caf::aout(self) << "media: " << st.config.channel << " transcodes " << names << " ("
                  << std::string{figures} << ")\n";
}

void report_health(session_actor* self) {
  auto& st = self->state;
  auto now = std::chrono::steady_clock::now();
  auto elapsed_ms = std::max<std::int64_t>(
    1, std::chrono::duration_cast<std::chrono::milliseconds>(now - st.last_tick).count());
  const auto& stats = st.meter.stats();
  actors::stream_health h;
  h.session_id = st.config.session_id;
  h.updated_at_ms = wall_clock_ms();
  h.bitrate_kbps = (st.bytes_in - st.last_bytes) * 8 / static_cast<std::uint64_t>(elapsed_ms);
  h.fps_milli = (stats.video_frames - st.last_frames) * 1'000'000 /
                static_cast<std::uint64_t>(elapsed_ms);
  h.keyframe_interval_ms = stats.keyframe_interval_ms;
  h.dropped_frames = stats.dropped_frames;
  h.late_frames = stats.late_frames;
  h.video_codec = stats.video_codec;
  h.audio_codec = stats.audio_codec;
  h.width = stats.width;
  h.height = stats.height;
  h.ws_viewers = st.outputs.fmp4 ? st.outputs.fmp4->viewers() : 0;
  for (const auto& r : st.outputs.renditions->list()) {
    h.ws_viewers += r.fmp4->viewers();  // a viewer of a rendition watches this stream too
    h.renditions.push_back(r.name);
  }
  h.transcode_refused = st.outputs.renditions->refusal();
  st.source_kbps = st.source_kbps == 0 ? double(h.bitrate_kbps)
                                       : 0.8 * st.source_kbps + 0.2 * double(h.bitrate_kbps);
  st.outputs.renditions->set_source(h.width, h.height,
                                    static_cast<unsigned>(st.source_kbps * 1000));
  if (st.ladder && !st.ladder->error().empty()) {
    auto why = "the transcoder failed: " + st.ladder->error();
    caf::aout(self) << "media: " << st.config.channel << " plays its source only: " << why << "\n";
    stop_ladder(st);
    st.ladder_settled = true;
    st.outputs.renditions->refuse(why);
  }
  settle_ladder(self, static_cast<double>(h.fps_milli) / 1000.0);
  if (st.config.transcode) {
    flac_rendition_setup setup;  // the slot fills in the source's tracks
    setup.hls = ll_hls_options_of(st.config);
    setup.set = st.outputs.renditions;
    setup.source_clock = st.clock;
    setup.budget = st.config.transcode->budget;
    auto weak = caf::actor_cast<caf::weak_actor_ptr>(self);
    auto line = st.flac.settle(st.remuxer, st.avcc, std::move(setup),
                               [weak](std::uint32_t generation, std::vector<demux_event> e) {
                                 if (auto session = caf::actor_cast<caf::actor>(weak))
                                   caf::anon_send(session, flac_out_atom::value, generation,
                                                  media_events{std::move(e)});
                               });
    if (!line.empty())
      caf::aout(self) << "media: " << st.config.channel << " " << line << "\n";
  }
  auto players = st.outputs.ll->viewers(wall_clock_ms());
  h.hls_viewers = players.hls;
  h.ll_hls_viewers = players.ll_hls;
  if (auto supervisor = caf::actor_cast<caf::actor>(st.config.supervisor)) {
    self->send(supervisor, media_figures_atom::value,
               session_figures{st.config.channel, st.bytes_in, h.bitrate_kbps, h.ws_viewers,
                               players.hls, players.ll_hls});
  }
  st.last_tick = now;
  st.last_bytes = st.bytes_in;
  st.last_frames = stats.video_frames;
  channel_ref{st.config.registry, st.config.channel}.tell(actors::health_atom::value, std::move(h));
}

// Closes the recording (the VOD is then complete) and says why when it ended early.
void end_recording(session_actor* self) {
  auto& st = self->state;
  if (!st.recording)
    return;
  st.recording->finish();
  if (!st.recording->error().empty())
    caf::aout(self) << "media: " << st.config.channel
                    << " is not recorded further: " << st.recording->error() << "\n";
  st.recording.reset();
}

void finish(session_actor* self, const std::string& reason) {
  auto& st = self->state;
  if (st.finished)
    return;
  st.finished = true;
  st.audio.reset();
  close_outputs(st);
  end_recording(self);
  caf::aout(self) << "media: session of " << st.config.channel << " ended (" << reason << ")\n";
  channel_ref{st.config.registry, st.config.channel}.tell(actors::publish_end_atom::value,
                                                          st.config.session_id);
  self->quit();
}

// Every ~30 s one keyframe goes to the shared decoder; the copy path itself never decodes.
void maybe_thumbnail(session_state& st, const media_frame& frame) {
  if (!st.config.thumbnails || !st.avcc || frame.kind != track_kind::video || !frame.keyframe)
    return;
  auto now = steady_ns();
  if (st.last_thumbnail_ns != 0 &&
      now - st.last_thumbnail_ns < std::chrono::nanoseconds(thumbnail_interval).count())
    return;
  st.last_thumbnail_ns = now;
  st.config.thumbnails->submit({hls_dir_of(st.config) / "thumb.jpg", st.avcc,
                                std::make_shared<const byte_vector>(frame.data)});
}

// A track the copy path cannot carry is left out; a stream left with nothing ends.
std::optional<std::string> refuse(session_actor* self, const unsupported_codec& codec) {
  auto& st = self->state;
  bool video = codec.what.starts_with("video");
  (video ? st.video_refused : st.audio_refused) = true;
  caf::aout(self) << "media: " << st.config.channel << " sends an unsupported " << codec.what
                  << "; that track is left out\n";
  bool video_gone = st.video_refused || !st.layout.video;
  bool audio_gone = st.audio_refused || !st.layout.audio;
  if (video_gone && audio_gone)
    return "no playable track (" + codec.what + ")";
  return std::nullopt;
}

void on_events(session_actor* self, std::vector<demux_event> events) {
  auto& st = self->state;
  std::vector<remux_unit> units;
  for (auto& event : events) {
    if (auto* codec = std::get_if<unsupported_codec>(&event)) {
      if (auto reason = refuse(self, *codec))
        return finish(self, *reason);
      continue;
    }
    if (auto* layout = std::get_if<track_layout>(&event))
      st.layout = *layout;
    if (auto* frame = std::get_if<media_frame>(&event)) {
      st.meter.on_frame(*frame, steady_ns());
      maybe_thumbnail(st, *frame);
      if (st.recording && frame->kind == track_kind::video && frame->keyframe)
        st.recording->on_keyframe(st.avcc, frame->data);
    }
    std::shared_ptr<const byte_vector> avcc;
    if (auto* config = std::get_if<video_config>(&event)) {
      avcc = std::make_shared<const byte_vector>(config->avcc);
      if (st.avcc && *st.avcc != config->avcc)
        stop_ladder(st);  // new picture settings: the ladder is planned again
    }
    if (st.audio)
      st.audio->on_event(event);
    bool audio_config = std::holds_alternative<media::audio_config>(event);
    if (auto* config = std::get_if<media::audio_config>(&event))
      st.asc = config->asc;
    if (st.ladder)
      st.ladder->on_source(event);
    st.flac.on_source(event);
    st.remuxer.push(std::move(event), units);
    if (avcc && st.remuxer.video()) {
      st.meter.on_video(*st.remuxer.video());
      st.avcc = std::move(avcc);
    }
    if (audio_config && st.remuxer.audio())
      st.meter.on_audio(*st.remuxer.audio());
  }
  publish(st, units);
}

// A channel in DJ mode (music/<channel>, docs/music.md) gets the FLAC rendition (when this node
// transcodes) and the audio analysis; no answer is a no. Asked at the start, then every few
// seconds until the answer is yes; switching DJ mode off takes effect at the next publish.
void ask_dj_mode(session_actor* self) {
  auto& st = self->state;
  if (st.dj_mode || !st.config.registry)
    return;
  actors::entity_ref<actors::music_protocol>{st.config.registry, st.config.channel}
    .request(self, actors::music_dj_atom::value)
    .then(
      [self](bool dj) {
        auto& st = self->state;
        if (!dj || st.dj_mode || st.finished)
          return;
        st.dj_mode = true;
        st.flac.wanted = st.flac.wanted || static_cast<bool>(st.config.transcode);
        if (st.audio)
          st.audio->start_analysis();
      },
      [](caf::error&) {});
}

caf::behavior session_behavior(session_actor* self, media_session_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  // On node shutdown the supervisor exits: viewers learn the stream ended.
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    self->state.audio.reset();
    close_outputs(self->state);
    end_recording(self);
    self->quit(msg.reason);
  });
  clear_hls_dir(hls_dir_of(st.config));
  st.outputs = {std::make_shared<fmp4_hub>(st.config.hls.ws_batching),
                std::make_shared<ll_hls_stream>(ll_hls_options_of(st.config)),
                std::make_shared<rendition_set>()};
  if (st.config.transcode)
    st.ladder_names = st.config.ladder.value_or(st.config.transcode->default_ladder);
  st.flac.wanted = std::count(st.ladder_names.begin(), st.ladder_names.end(), "flac") > 0;
  st.demuxer.emplace(st.config.format);
  st.audio = std::make_unique<session_audio>(st.config.registry, st.config.channel);
  ask_dj_mode(self);
  caf::aout(self) << "media: session of " << st.config.channel << " started\n";
  if (st.config.record) {
    st.recording = std::make_unique<session_recording>(self->system(), st.config.registry,
                                                       st.config.session_id, *st.config.record,
                                                       st.config.thumbnails);
    if (!st.recording->recording())
      end_recording(self);
  }
  self->delayed_send(self, health_interval, health_tick_atom::value);
  return {
    [self](media_data_atom, const media_chunk& chunk) {
      auto& st = self->state;
      if (st.finished)
        return;
      st.bytes_in += chunk.bytes->size();
      on_events(self, st.demuxer->feed(*chunk.bytes));
      for (auto& tags : st.demuxer->take_tags())
        if (st.audio)
          st.audio->on_tags(tags);
      if (const char* why = st.demuxer->failed())
        finish(self, std::string{"bad input: "} + why);
    },
    // The channel's owner ended the stream: hang up; the provider's close then ends the session.
    [self](media_stop_atom, const std::string& session_id) {
      auto& st = self->state;
      if (st.finished || session_id != st.config.session_id)
        return;
      caf::aout(self) << "media: the owner of " << st.config.channel << " ended the stream\n";
      if (st.config.disconnect)
        st.config.disconnect("the channel's owner ended the stream");
      else
        self->send(self, media_close_atom::value, std::string{"ended by the channel's owner"});
    },
    [self](media_close_atom, const std::string& reason) {
      auto& st = self->state;
      if (st.finished)
        return;
      caf::aout(self) << "media: publisher of " << st.config.channel << " left (" << reason
                      << ")\n";
      on_events(self, st.demuxer->flush());
      std::vector<remux_unit> units;
      st.remuxer.flush(units);
      publish(st, units);
      if (st.ladder)
        st.ladder->flush();
      st.flac.flush();
      finish(self, "end of stream");
    },
    [self](media_meta_atom, const std::string& title, const std::string& artist,
           const std::string& album, const std::string& text) {
      auto& st = self->state;
      if (st.finished || !st.audio)
        return;
      auto tags = text.empty() ? stream_tags{clean_tag(title), clean_tag(artist), clean_tag(album)}
                               : split_artist_title(text);
      st.audio->on_tags(tags);
    },
    [self](media_outputs_atom) { return self->state.outputs; },
    [self](transcoded_atom, transcoded_output& out) {
      auto& st = self->state;
      if (st.ladder && out.generation == st.ladder_generation)
        st.ladder->on_transcoded(out.rendition, std::move(out.events));
    },
    [self](flac_out_atom, std::uint32_t generation, media_events& out) {
      self->state.flac.on_encoded(generation, std::move(out.events));
    },
    [self](health_tick_atom) {
      if (self->state.finished)
        return;
      if (++self->state.ticks % dj_mode_ask_ticks == 0)
        ask_dj_mode(self);
      report_health(self);
      if (self->state.audio)
        self->state.audio->tick();
      if (auto& recording = self->state.recording) {
        recording->tick();
        if (!recording->recording())
          end_recording(self);
      }
      self->delayed_send(self, health_interval, health_tick_atom::value);
    },
  };
}

}  // namespace

struct supervisor_state {
  std::map<std::string, caf::actor> sessions;      // channel -> live session
  std::map<std::string, session_figures> figures;  // channel -> its last report
  std::shared_ptr<thumbnailer> thumbnails;
  std::shared_ptr<const transcode_settings> transcode;
  idle_meter idle;
  static inline const char* name = "media_supervisor";
};

caf::actor spawn_media_supervisor(caf::actor_system& sys, transcode_settings transcode,
                                  std::shared_ptr<thumbnailer> thumbnails) {
  if (!thumbnails)
    thumbnails = std::make_shared<thumbnailer>();
  return sys.spawn(
    [thumbnails](caf::stateful_actor<supervisor_state>* self,
                 std::shared_ptr<const transcode_settings> transcode) -> caf::behavior {
      self->state.transcode = std::move(transcode);
      self->state.thumbnails = thumbnails;
      if (self->state.transcode->budget)
        self->send(self, idle_sample_atom::value);
      self->set_down_handler([self](const caf::down_msg& msg) {
        std::erase_if(self->state.sessions, [&](auto& entry) {
          if (entry.second.address() != msg.source)
            return false;
          self->state.figures.erase(entry.first);
          return true;
        });
      });
      return {
        [self](create_atom, media_session_config& config) {
          auto channel = config.channel;
          config.thumbnails = self->state.thumbnails;
          config.transcode = self->state.transcode;
          config.supervisor = caf::actor_cast<caf::weak_actor_ptr>(self);
          auto session = self->spawn<caf::linked>(session_behavior, std::move(config));
          self->monitor(session);
          self->state.sessions[channel] = session;
          return session;
        },
        // The machine's idle CPU, which a new ladder must fit as well as the budget.
        [self](idle_sample_atom) {
          if (auto idle = self->state.idle.sample())
            self->state.transcode->budget->observe_idle(*idle);
          self->delayed_send(self, idle_sample_interval, idle_sample_atom::value);
        },
        [self](media_figures_atom, session_figures& figures) {
          if (self->state.sessions.count(figures.channel))
            self->state.figures[figures.channel] = std::move(figures);
        },
        [self](media_figures_atom) {
          std::vector<session_figures> out;
          for (auto& [_, f] : self->state.figures)
            out.push_back(f);
          return out;
        },
        [self](publish_atom, const std::string& topic, const std::string& payload) {
          if (topic != actors::service_names::end_stream)
            return;
          auto request = nlohmann::json::parse(payload, nullptr, false);
          if (!request.is_object())
            return;
          auto found = self->state.sessions.find(request.value("channel", ""));
          if (found != self->state.sessions.end())
            self->send(found->second, media_stop_atom::value, request.value("session", ""));
        },
        // Live sessions ingested here (GET /api/v1/cluster reports them as load).
        [self](runtime::load_atom) {
          return static_cast<std::uint64_t>(self->state.sessions.size());
        },
        [self](media_outputs_atom, const std::string& channel) -> caf::result<media_outputs> {
          auto found = self->state.sessions.find(channel);
          if (found == self->state.sessions.end())
            return make_error(errc::not_found, "channel is not live");
          auto promise = self->make_response_promise<media_outputs>();
          self->request(found->second, 5s, media_outputs_atom::value)
            .then(
              [promise](media_outputs& outputs) mutable { promise.deliver(std::move(outputs)); },
              [promise](caf::error& err) mutable { promise.deliver(std::move(err)); });
          return promise;
        },
      };
    },
    std::make_shared<const transcode_settings>(std::move(transcode)));
}

std::string initialize_gstreamer() {
  static constexpr const char* needed[] = {"appsrc",       "appsink",    "avdec_h264",
                                           "videoconvert", "videoscale", "jpegenc"};
  if (const char* missing = gst::missing_element(needed))
    return std::string{"GStreamer element '"} + missing + "' is missing (install the plugins)";
  return {};
}

}  // namespace aethex::media
