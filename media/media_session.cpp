#include "media/media_session.hpp"

#include <chrono>
#include <fstream>
#include <map>
#include <optional>
#include <system_error>

#include <caf/all.hpp>
#include <gst/gst.h>

#include "actors/channel/channel.hpp"
#include "actors/core/entity_ref.hpp"
#include "media/fmp4_hub.hpp"
#include "media/ingest_pipeline.hpp"
#include "media/ll_hls.hpp"
#include "runtime/atoms.hpp"
#include "runtime/cluster.hpp"
#include "runtime/errors.hpp"

namespace aethex::media {
namespace {

using namespace std::chrono_literals;
using channel_ref = actors::entity_ref<actors::channel_protocol>;
using bus_error_atom = caf::atom_constant<caf::atom("buserror")>;
using bus_eos_atom = caf::atom_constant<caf::atom("buseos")>;
using drain_timeout_atom = caf::atom_constant<caf::atom("draintmo")>;
using health_tick_atom = caf::atom_constant<caf::atom("healthtick")>;

// A publisher that outruns the pipeline by this much is cut off rather than grow memory.
constexpr std::uint64_t max_queued_bytes = 48ull << 20;
constexpr auto drain_timeout = 5s;
constexpr auto health_interval = 1s;

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

// Turns the muxer's byte stream into init/fragment units for the WebSocket hub and LL-HLS.
// Runs only on the fMP4 appsink's streaming thread.
struct fmp4_router {
  media_outputs outputs;
  fmp4::stream_splitter splitter;

  void feed(std::span<const std::byte> data) {
    for (auto& unit : splitter.feed(data)) {
      const auto& init = *splitter.init();
      fmp4_packet packet;
      packet.data = unit.data;
      if (unit.init) {
        packet.init = true;
        packet.mime = init.mime();
        outputs.ll->set_init(unit.data, init);
      } else {
        auto& track = init.tracks.at(unit.fragment.track_id);
        packet.video = track.video;
        packet.keyframe = track.video && unit.fragment.starts_with_sync;
        packet.media_time_s = static_cast<double>(unit.fragment.decode_time) / track.timescale;
        // The fragment leaves the muxer when its last sample is in: its first was live earlier.
        auto duration_ms = static_cast<std::int64_t>(unit.fragment.duration * 1000 /
                                                     track.timescale);
        packet.wall_ms = wall_ms() - duration_ms;
        outputs.ll->add_fragment(unit.data, unit.fragment, packet.wall_ms);
      }
      outputs.fmp4->publish(std::move(packet));
    }
  }
};

// Writes the snapshot next to the HLS files; rename makes readers see whole files only.
void write_thumbnail(const std::filesystem::path& dir, std::span<const std::byte> jpeg) {
  auto tmp = dir / "thumb.jpg.tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(jpeg.data()),
              static_cast<std::streamsize>(jpeg.size()));
    if (!out)
      return;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, dir / "thumb.jpg", ec);
}

struct session_state {
  media_session_config config;
  std::optional<ingest_pipeline> pipeline;
  media_outputs outputs;
  bool closing = false;
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

// Old sessions' segments and playlist would confuse players joining the new session.
void clear_hls_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir, ec);
}

void close_outputs(media_outputs& outputs) {
  if (outputs.fmp4)
    outputs.fmp4->close();
  if (outputs.ll)
    outputs.ll->close();
}

void report_health(session_actor* self) {
  auto& st = self->state;
  if (!st.pipeline)
    return;
  auto now = std::chrono::steady_clock::now();
  auto elapsed_ms = std::max<std::int64_t>(
    1, std::chrono::duration_cast<std::chrono::milliseconds>(now - st.last_tick).count());
  auto stats = st.pipeline->stats();
  actors::stream_health h;
  h.session_id = st.config.session_id;
  h.updated_at_ms = wall_ms();
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
  h.ws_viewers = st.outputs.fmp4 ? st.outputs.fmp4->subscribers() : 0;
  st.last_tick = now;
  st.last_bytes = st.bytes_in;
  st.last_frames = stats.video_frames;
  channel_ref{st.config.registry, st.config.channel}.tell(actors::health_atom::value, std::move(h));
}

void finish(session_actor* self, const std::string& reason) {
  auto& st = self->state;
  st.pipeline.reset();
  close_outputs(st.outputs);
  std::error_code ec;
  // An ended session has no live playlist; viewers learn "offline" from the channel.
  std::filesystem::remove(hls_dir_of(st.config) / "index.m3u8", ec);
  caf::aout(self) << "media: session of " << st.config.channel << " ended (" << reason << ")\n";
  channel_ref{st.config.registry, st.config.channel}.tell(actors::publish_end_atom::value,
                                                          st.config.session_id);
  self->quit();
}

caf::behavior session_behavior(session_actor* self, media_session_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  // On node shutdown the supervisor exits: stop the pipeline before going down.
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    self->state.pipeline.reset();
    close_outputs(self->state.outputs);
    self->quit(msg.reason);
  });
  auto dir = hls_dir_of(st.config);
  clear_hls_dir(dir);
  st.outputs = {std::make_shared<fmp4_hub>(), std::make_shared<ll_hls_stream>()};
  auto router = std::make_shared<fmp4_router>();
  router->outputs = st.outputs;
  auto weak_self = caf::actor_cast<caf::weak_actor_ptr>(self);
  pipeline_callbacks callbacks{
    [weak_self](std::string message) {
      if (auto strong = weak_self.lock())
        caf::anon_send(caf::actor_cast<caf::actor>(strong), bus_error_atom::value,
                       std::move(message));
    },
    [weak_self] {
      if (auto strong = weak_self.lock())
        caf::anon_send(caf::actor_cast<caf::actor>(strong), bus_eos_atom::value);
    },
    [router, weak_self](std::span<const std::byte> data) {
      try {
        router->feed(data);
      } catch (const std::exception& e) {
        if (auto strong = weak_self.lock())
          caf::anon_send(caf::actor_cast<caf::actor>(strong), bus_error_atom::value,
                         std::string{"fMP4 output: "} + e.what());
      }
    },
    [dir](std::span<const std::byte> jpeg) { write_thumbnail(dir, jpeg); },
  };
  try {
    st.pipeline.emplace(st.config.format, dir, st.config.session_id, st.config.hls,
                        std::move(callbacks));
  } catch (const std::exception& e) {
    caf::aout(self) << "media: cannot start pipeline for " << st.config.channel << ": " << e.what()
                    << "\n";
    finish(self, "pipeline failed to start");
    return {};
  }
  caf::aout(self) << "media: session of " << st.config.channel << " started\n";
  self->delayed_send(self, health_interval, health_tick_atom::value);
  return {
    [self](media_data_atom, const media_chunk& chunk) {
      auto& st = self->state;
      if (st.closing || !st.pipeline)
        return;
      st.bytes_in += chunk.bytes->size();
      if (st.pipeline->queued_bytes() > max_queued_bytes) {
        finish(self, "pipeline cannot keep up with the input");
        return;
      }
      if (!st.pipeline->push(*chunk.bytes))
        finish(self, "pipeline stopped accepting data");
    },
    [self](media_close_atom, const std::string& reason) {
      auto& st = self->state;
      if (st.closing)
        return;
      st.closing = true;
      caf::aout(self) << "media: publisher of " << st.config.channel << " left (" << reason
                      << "), finalising\n";
      st.pipeline->end_of_stream();
      self->delayed_send(self, drain_timeout, drain_timeout_atom::value);
    },
    [self](media_outputs_atom) { return self->state.outputs; },
    [self](health_tick_atom) {
      if (self->state.closing)
        return;
      report_health(self);
      self->delayed_send(self, health_interval, health_tick_atom::value);
    },
    [self](bus_eos_atom) { finish(self, "end of stream"); },
    [self](drain_timeout_atom) { finish(self, "drain timed out"); },
    [self](bus_error_atom, const std::string& message) {
      finish(self, "pipeline error: " + message);
    },
  };
}

}  // namespace

caf::actor spawn_media_session(caf::actor_system& sys, media_session_config config) {
  return sys.spawn(session_behavior, std::move(config));
}

struct supervisor_state {
  std::map<std::string, caf::actor> sessions;  // channel -> live session
  static inline const char* name = "media_supervisor";
};

caf::actor spawn_media_supervisor(caf::actor_system& sys) {
  // The unused argument: CAF 0.17 starts an argument-less function actor through a null
  // std::tuple<> pointer it dereferences (caf/detail/init_fun_factory.hpp), which UBSan stops.
  return sys.spawn(
    [](caf::stateful_actor<supervisor_state>* self, caf::unit_t) -> caf::behavior {
      self->set_down_handler([self](const caf::down_msg& msg) {
        std::erase_if(self->state.sessions,
                      [&](auto& entry) { return entry.second.address() == msg.source; });
      });
      return {
        [self](create_atom, media_session_config& config) {
          auto channel = config.channel;
          auto session = self->spawn<caf::linked>(session_behavior, std::move(config));
          self->monitor(session);
          self->state.sessions[channel] = session;
          return session;
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
    caf::unit);
}

std::string initialize_gstreamer() {
  if (!gst_is_initialized())
    gst_init(nullptr, nullptr);
  for (const char* name : {"appsrc", "flvdemux", "tsdemux", "h264parse", "aacparse", "hlssink2",
                           "mp4mux", "appsink", "avdec_h264", "jpegenc", "videoscale"}) {
    GstElementFactory* factory = gst_element_factory_find(name);
    if (!factory)
      return std::string{"GStreamer element '"} + name + "' is missing (install the plugins)";
    gst_object_unref(factory);
  }
  return {};
}

}  // namespace aethex::media
