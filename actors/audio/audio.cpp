#include "actors/audio/audio.hpp"

#include <chrono>
#include <set>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/entity_support.hpp"

namespace aethex::actors {
namespace {

using namespace std::chrono_literals;
// A summary arrives every second while live: three missed mean the session is gone (its node
// died without saying so).
constexpr auto stale_after = 3s;

struct audio_state {
  caf::actor registry;
  std::string summary;  // the last one, JSON object text; empty: none yet
  std::chrono::steady_clock::time_point summary_at{};
  bool analysis = false;  // the summary says frames come (DJ mode)
  std::set<caf::actor> subscribers;
  idle_tracker idle{30s, 60s};
  static inline const char* name = "audio";
};

using audio_actor = caf::stateful_actor<audio_state>;

bool live(const audio_state& st) {
  return !st.summary.empty() && std::chrono::steady_clock::now() - st.summary_at < stale_after;
}

void end_session(audio_actor* self) {
  auto& st = self->state;
  st.summary.clear();
  for (auto& sink : st.subscribers) {
    self->demonitor(sink);
    self->send(sink, audio_end_atom::value);
  }
  st.subscribers.clear();
}

caf::behavior audio_entity(audio_actor* self, caf::actor registry) {
  self->state.registry = std::move(registry);
  self->state.idle.arm(self);
  self->set_down_handler([self](const caf::down_msg& down) {
    std::erase_if(self->state.subscribers,
                  [&](const caf::actor& sink) { return sink.address() == down.source; });
  });
  return {
    [self](audio_summary_atom, std::string& json) {
      if (json.size() > audio_limits::message_max)
        return;
      auto parsed = nlohmann::json::parse(json, nullptr, false);
      if (!parsed.is_object())
        return;
      self->state.analysis = parsed.value("analysis", false);
      self->state.summary = std::move(json);
      self->state.summary_at = std::chrono::steady_clock::now();
      self->state.idle.touch();
    },
    [self](audio_frame_atom, const std::string& json) {
      if (json.size() > audio_limits::message_max)
        return;
      for (auto& sink : self->state.subscribers)
        self->send(sink, audio_frame_atom::value, json);
    },
    [self](audio_end_atom) {
      end_session(self);
      self->state.idle.touch();
    },
    [self](audio_subscribe_atom, const caf::actor& sink) {
      auto& st = self->state;
      st.idle.touch();
      if (!sink || !live(st) || !st.analysis ||
          st.subscribers.size() >= audio_limits::subscribers_max)
        return false;
      if (st.subscribers.insert(sink).second)
        self->monitor(sink);
      return true;
    },
    [self](audio_get_atom) {
      auto& st = self->state;
      st.idle.touch();
      if (!live(st))
        return std::string{R"({"live":false})"};
      auto out = nlohmann::json::parse(st.summary, nullptr, false);
      if (!out.is_object())
        return std::string{R"({"live":false})"};
      out["live"] = true;
      return out.dump();
    },
    [self](idle_check_atom) {
      auto& st = self->state;
      if (!st.summary.empty() && !live(st))
        end_session(self);  // the session's node stopped reporting
      st.idle.check(self, st.registry, live(st) || !st.subscribers.empty());
    },
    stop_on_request(self),
  };
}

}  // namespace

void add_audio_kind(runtime::entity_kinds& kinds) {
  kinds.factories["audio"] = [](caf::actor_system& sys, const caf::actor& registry,
                                const std::string&) { return sys.spawn(audio_entity, registry); };
}

}  // namespace aethex::actors
