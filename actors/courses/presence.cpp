// The courses service of a node: attendance from the chat's viewer sessions, and reminders.
//
// Attendance: a signed-in viewer's page holds a WebSocket session that joins the channel's room
// when the page opens and leaves it when the page closes or moves on (actors/chat/
// viewer_session.cpp tells this service both, with the user). Those are exact joined/left
// times of a signed-in student on the lesson's channel. (The analytics heartbeats count playing
// video, but they are kept per minute as watch seconds without join/left times, so they cannot
// give the report's times.) Open presences live here, bounded; every `flush_every` each is
// reported as the span [joined, now] so a node that stops loses at most that much, and on leave
// the final span goes. Each span is sent to the course entities whose live lessons on the
// channel overlap it (read model), which clip, merge and keep only students' spans.
//
// Reminders: every `tick_every` the read model names courses with a reminder due on the node's
// clock and not yet sent; each course entity writes its reminders (once: notify.personal events
// are also its record of what went).
#include <map>

#include <caf/all.hpp>

#include "actors/core/entity_ref.hpp"
#include "actors/courses/course_projection.hpp"
#include "actors/courses/courses.hpp"
#include "actors/courses/internal.hpp"
#include "actors/courses/presence.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using flush_atom = caf::atom_constant<caf::atom("crsflush")>;
using remind_tick_atom = caf::atom_constant<caf::atom("crstick")>;

constexpr auto flush_every = std::chrono::seconds(60);
constexpr auto tick_every = std::chrono::seconds(2);
constexpr std::size_t open_presences_max = 100'000;

struct presence_state {
  static inline const char* name = "courses.presence";
  struct presence {
    std::int64_t joined_ms = 0;  // the first page's
    int pages = 0;               // a user may have the channel open in several pages
  };
  std::map<std::pair<std::string, std::string>, presence> open;  // by (user, channel)
};

void report_span(const node_env& env, const std::string& user, const std::string& channel,
                 std::int64_t from_ms, std::int64_t to_ms) {
  if (to_ms <= from_ms)
    return;
  env.query(std::string{course_queries::live_on},
            json{{"channel", channel}, {"from_ms", from_ms}, {"to_ms", to_ms}},
            [env, user, from_ms, to_ms](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return;
              for (const auto& row : *rows)
                entity_ref<course_protocol>{env.registry, row.value("course", "")}.tell(
                  course_attend_atom::value, user, row.value("lesson", ""), from_ms, to_ms);
            });
}

}  // namespace

caf::actor spawn_course_presence(caf::actor_system& sys, const node_env& env) {
  return sys.spawn([env](caf::stateful_actor<presence_state>* self) -> caf::behavior {
    self->delayed_send(self, flush_every, flush_atom::value);
    self->send(self, remind_tick_atom::value);
    return {
      [self, env](course_seen_atom, const std::string& user, const std::string& channel,
                  bool joined) {
        auto& open = self->state.open;
        auto key = std::make_pair(user, channel);
        auto now = env.clock->now_ms();
        auto it = open.find(key);
        if (joined) {
          if (it != open.end())
            ++it->second.pages;
          else if (open.size() < open_presences_max)
            open.emplace(key, presence_state::presence{now, 1});
          return;
        }
        if (it == open.end() || --it->second.pages > 0)
          return;
        report_span(env, user, channel, it->second.joined_ms, now);
        open.erase(it);
      },
      [self, env](flush_atom) {
        self->delayed_send(self, flush_every, flush_atom::value);
        auto now = env.clock->now_ms();
        for (const auto& [key, seen] : self->state.open)
          report_span(env, key.first, key.second, seen.joined_ms, now);
      },
      [self, env](remind_tick_atom) {
        self->delayed_send(self, tick_every, remind_tick_atom::value);
        auto now = env.clock->now_ms();
        env.query(std::string{course_queries::due}, json{{"now_ms", now}},
                  [env, now](caf::expected<std::vector<json>> rows) {
                    if (!rows)
                      return;
                    for (const auto& row : *rows)
                      entity_ref<course_protocol>{env.registry, row.value("course", "")}.tell(
                        course_remind_atom::value, now);
                  });
      },
    };
  });
}

}  // namespace aethex::actors
