#include "media/media_session.hpp"

#include <chrono>
#include <optional>
#include <system_error>

#include <caf/all.hpp>
#include <gst/gst.h>

#include "actors/channel.hpp"
#include "media/ingest_pipeline.hpp"
#include "runtime/atoms.hpp"

namespace aethex::media {
namespace {

using namespace std::chrono_literals;
using bus_error_atom = caf::atom_constant<caf::atom("buserror")>;
using bus_eos_atom = caf::atom_constant<caf::atom("buseos")>;
using drain_timeout_atom = caf::atom_constant<caf::atom("draintmo")>;

// A publisher that outruns the pipeline by this much is cut off rather than grow memory.
constexpr std::uint64_t max_queued_bytes = 48ull << 20;
constexpr auto drain_timeout = 5s;

struct session_state {
  media_session_config config;
  std::optional<ingest_pipeline> pipeline;
  bool closing = false;
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

void finish(session_actor* self, const std::string& reason) {
  auto& st = self->state;
  st.pipeline.reset();
  std::error_code ec;
  // An ended session has no live playlist; viewers learn "offline" from the channel.
  std::filesystem::remove(hls_dir_of(st.config) / "index.m3u8", ec);
  caf::aout(self) << "media: session of " << st.config.channel << " ended (" << reason << ")\n";
  self->send(st.config.registry, route_atom::value, std::string{"channel"}, st.config.channel,
             caf::make_message(actors::publish_end_atom::value, st.config.session_id));
  self->quit();
}

caf::behavior session_behavior(session_actor* self, media_session_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  // On node shutdown the supervisor exits: stop the pipeline before going down.
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    self->state.pipeline.reset();
    self->quit(msg.reason);
  });
  auto dir = hls_dir_of(st.config);
  clear_hls_dir(dir);
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
  };
  try {
    st.pipeline.emplace(st.config.format, dir, st.config.session_id, st.config.hls,
                        std::move(callbacks));
  } catch (const std::exception& e) {
    caf::aout(self) << "media: cannot start pipeline for " << st.config.channel << ": "
                    << e.what() << "\n";
    finish(self, "pipeline failed to start");
    return {};
  }
  caf::aout(self) << "media: session of " << st.config.channel << " started\n";
  return {
    [self](media_data_atom, const media_chunk& chunk) {
      auto& st = self->state;
      if (st.closing || !st.pipeline)
        return;
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

caf::actor spawn_media_supervisor(caf::actor_system& sys) {
  return sys.spawn([](caf::event_based_actor* self) -> caf::behavior {
    return {
      [self](create_atom, media_session_config& config) {
        return self->spawn<caf::linked>(session_behavior, std::move(config));
      },
    };
  });
}

std::string initialize_gstreamer() {
  if (!gst_is_initialized())
    gst_init(nullptr, nullptr);
  for (const char* name : {"appsrc", "flvdemux", "tsdemux", "h264parse", "aacparse", "hlssink2"}) {
    GstElementFactory* factory = gst_element_factory_find(name);
    if (!factory)
      return std::string{"GStreamer element '"} + name + "' is missing (install the plugins)";
    gst_object_unref(factory);
  }
  return {};
}

}  // namespace aethex::media
