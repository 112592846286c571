// Course calendars: the iCalendar text of live lessons, and each user's calendar feed token.
//
// Times are written in UTC ("DTSTART:20261205T170000Z"), with X-WR-TIMEZONE naming the
// course's zone for display. RFC 5545 allows UTC forms everywhere; Google Calendar ignores
// VTIMEZONE bodies (it reads TZID names only) and Thunderbird accepts UTC as is, so UTC is the
// one form both read the same way without shipping zone rules that could disagree with theirs.
// UIDs are "<lesson>.<course>@aethex-live": stable across downloads and edits, so a
// subscribed calendar updates a moved lesson instead of adding a second one.
#include <caf/all.hpp>

#include "actors/core/icalendar.hpp"
#include "actors/core/event_sourced.hpp"
#include "actors/courses/internal.hpp"
#include "runtime/errors.hpp"
#include "runtime/secrets.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

struct cal_ev {
  static constexpr std::string_view type = "coursecal.rotated";
  static constexpr std::uint32_t schema = 1;
  std::string digest;
};
void to_json(json& j, const cal_ev& e) { j = json{{"digest", e.digest}}; }
void from_json(const json& j, cal_ev& e) { e.digest = j.at("digest").get<std::string>(); }

struct cal_state {
  static constexpr std::string_view kind = "coursecal";
  static inline const char* name = "coursecal";
  using events = event_list<cal_ev>;
  std::string digest;
  void apply(const cal_ev& e, const event_meta&) { digest = e.digest; }
};

using cal_actor = caf::stateful_actor<event_sourced<cal_state>>;

caf::behavior cal_behavior(cal_actor* self, caf::actor registry, storage::event_store* store,
                           std::string user, const runtime::clock* clock) {
  auto& st = self->state;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  if (auto err = st.activate(self, *store, user, opts))
    return st.refuse(self, std::move(err));
  return {
    [self](course_cal_rotate_atom) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      auto token = st.id() + "." + runtime::random_hex(16);
      if (auto err = st.emit(cal_ev{runtime::token_digest(token)}))
        return err;
      return token;
    },
    [self](course_cal_check_atom, const std::string& token) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (st.digest.empty() ||
          !runtime::constant_time_equal(st.digest, runtime::token_digest(token))) {
        (void)st.require_exists(self, caf::none);
        return make_error(errc::not_found, "unknown calendar token");
      }
      return std::string{"ok"};
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

std::string course_ical(const std::vector<json>& courses, std::string_view name,
                        std::int64_t now_ms, std::string_view base_url) {
  std::vector<ical_event> events;
  for (const auto& course : courses) {
    auto id = course.value("id", "");
    auto channel = course.value("channel", "");
    for (const auto& module : course.value("modules", json::array()))
      for (const auto& lesson : module.value("lessons", json::array())) {
        if (lesson.value("kind", "") != "live")
          continue;
        auto starts = lesson.value("starts_at_ms", std::int64_t{0});
        auto ends = starts + lesson.value("duration_min", std::int64_t{0}) * 60'000;
        events.push_back(
          {lesson.value("id", "") + "." + id + "@aethex-live", starts, ends,
           course.value("title", "") + ": " + lesson.value("title", ""),
           module.value("title", "") + " — live on channel " + channel + " (" +
             lesson.value("starts_local", "") + " " + course.value("timezone", "UTC") + ")",
           std::string{base_url} + "/courses/" + id, std::string{base_url} + "/" + channel});
      }
  }
  // One course's feed names its zone for calendar apps that show it; times are UTC either way.
  std::string zone = courses.size() == 1 ? courses.front().value("timezone", "UTC") : "";
  return ical_calendar({"Courses", name, zone}, events, now_ms);
}

void add_course_cal_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                         const runtime::clock& clock) {
  kinds.factories["coursecal"] =
    [&store, &clock](caf::actor_system& sys, const caf::actor& registry, const std::string& user) {
      return sys.spawn(cal_behavior, registry, &store, user, &clock);
    };
}

}  // namespace aethex::actors
