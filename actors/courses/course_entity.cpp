// course/<id> (courses.hpp): the actor around a course_book — validates each command against
// the book, writes its events, and answers JSON text.
//
// Events (JSON, schema 1), stream course/<id>: course.created {title, description, channel,
// org, timezone, enrolment, completion, instructors, assistants, by}, course.updated {patch},
// course.module_added {id, title}, course.module_updated {id, title}, course.module_removed
// {id}, course.lesson_put {module, lesson}, course.lesson_removed {id}, course.enrolled /
// course.requested / course.invited / course.declined / course.left {user, by},
// course.attended {user, lesson, from_ms, to_ms}, course.watched {user, lesson, pct},
// course.completed {user}, course.indexed {the read model's row: title, channel, org,
// enrolment, timezone, live lessons}, notify.personal {id, users ≤ 64, kind "course_reminder",
// title, link, course, lesson, reminder, starts_at_ms} (the notify domain's inbox row; also the
// record that the reminder went, so it never goes twice).
#include <algorithm>

#include <caf/all.hpp>

#include "actors/core/entity_ref.hpp"
#include "actors/core/event_sourced.hpp"
#include "actors/courses/course_book.hpp"
#include "actors/courses/courses.hpp"
#include "actors/courses/internal.hpp"
#include "actors/vod/vod_watch.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

template <std::size_t N>
struct course_event_name {
  char text[N]{};
  constexpr course_event_name(const char (&s)[N]) { std::copy_n(s, N, text); }  // NOLINT
};

template <course_event_name Name>
struct course_event {
  static constexpr std::string_view type{Name.text};
  static constexpr std::uint32_t schema = 1;
  json body = json::object();
};
template <course_event_name Name>
void to_json(json& j, const course_event<Name>& e) {
  j = e.body;
}
template <course_event_name Name>
void from_json(const json& j, course_event<Name>& e) {
  e.body = j;
}

namespace cev {
using created = course_event<"course.created">;
using updated = course_event<"course.updated">;
using module_added = course_event<"course.module_added">;
using module_updated = course_event<"course.module_updated">;
using module_removed = course_event<"course.module_removed">;
using lesson_put = course_event<"course.lesson_put">;
using lesson_removed = course_event<"course.lesson_removed">;
using enrolled = course_event<"course.enrolled">;
using requested = course_event<"course.requested">;
using invited = course_event<"course.invited">;
using declined = course_event<"course.declined">;
using left = course_event<"course.left">;
using attended = course_event<"course.attended">;
using watched = course_event<"course.watched">;
using completed = course_event<"course.completed">;
using indexed = course_event<"course.indexed">;
using reminder = course_event<"notify.personal">;
}  // namespace cev

struct course_state {
  static constexpr std::string_view kind = "course";
  static inline const char* name = "course";
  using events =
    event_list<cev::created, cev::updated, cev::module_added, cev::module_updated,
               cev::module_removed, cev::lesson_put, cev::lesson_removed, cev::enrolled,
               cev::requested, cev::invited, cev::declined, cev::left, cev::attended, cev::watched,
               cev::completed, cev::indexed, cev::reminder>;
  course_book book;

  bool known() const { return book.alive(); }
  std::string user_of(const json& b) const { return b.value("user", ""); }

  void apply(const cev::created& e, const event_meta& m) { book.create(e.body, m.timestamp_ms); }
  void apply(const cev::updated& e, const event_meta&) { book.update(e.body); }
  void apply(const cev::module_added& e, const event_meta&) {
    book.add_module(e.body.at("id"), e.body.value("title", ""));
  }
  void apply(const cev::module_updated& e, const event_meta&) {
    book.rename_module(e.body.at("id"), e.body.value("title", ""));
  }
  void apply(const cev::module_removed& e, const event_meta&) {
    book.remove_module(e.body.at("id"));
  }
  void apply(const cev::lesson_put& e, const event_meta&) {
    const auto& l = e.body.at("lesson");
    course_lesson lesson{l.at("id"),
                         l.value("title", ""),
                         l.value("kind", "live"),
                         l.value("starts_at_ms", std::int64_t{0}),
                         l.value("duration_min", std::int64_t{0}),
                         l.value("vod", ""),
                         l.value("min_attendance_pct", course_limits::default_min_attendance_pct)};
    book.put_lesson(e.body.value("module", ""), lesson);
  }
  void apply(const cev::lesson_removed& e, const event_meta&) {
    book.remove_lesson(e.body.at("id"));
  }
  void apply(const cev::enrolled& e, const event_meta& m) {
    book.enrol(user_of(e.body), m.timestamp_ms);
  }
  void apply(const cev::requested& e, const event_meta& m) {
    book.request(user_of(e.body), m.timestamp_ms);
  }
  void apply(const cev::invited& e, const event_meta& m) {
    book.invite(user_of(e.body), m.timestamp_ms);
  }
  void apply(const cev::declined& e, const event_meta&) { book.drop_pending(user_of(e.body)); }
  void apply(const cev::left& e, const event_meta&) { book.leave(user_of(e.body)); }
  void apply(const cev::attended& e, const event_meta&) {
    book.attend(user_of(e.body), e.body.value("lesson", ""),
                course_span{e.body.value("from_ms", std::int64_t{0}),
                            e.body.value("to_ms", std::int64_t{0})});
  }
  void apply(const cev::watched& e, const event_meta&) {
    book.watched(user_of(e.body), e.body.value("lesson", ""), e.body.value("pct", 0));
  }
  void apply(const cev::completed& e, const event_meta& m) {
    book.complete(user_of(e.body), m.timestamp_ms);
  }
  void apply(const cev::indexed&, const event_meta&) {}
  void apply(const cev::reminder& e, const event_meta&) { book.reminded(e.body.value("id", "")); }

  std::string snapshot() const { return book.snapshot().dump(); }
  void restore(const std::string& text) { book.restore(json::parse(text)); }
};

using course_actor = caf::stateful_actor<event_sourced<course_state>>;

// Attendance writes an event per flushed viewing span: replay stays short with snapshots.
constexpr std::uint64_t course_snapshot_every = 256;

caf::error course_missing() { return make_error(errc::not_found, "course not found"); }

caf::result<std::string> course_answer(course_actor* self, caf::error err, json value) {
  auto& st = self->state;
  st.touch();
  if (err) {
    (void)st.require_exists(self, caf::none);
    return err;
  }
  return value.dump();
}

caf::result<std::string> course_json(course_actor* self, caf::error err = caf::none) {
  return course_answer(self, err, err ? json{} : self->state.book.to_json());
}

// Content edits: the event itself and the read model's row, written together.
template <class Event>
caf::error course_edit(course_actor* self, json body) {
  auto& st = self->state;
  if (auto err = st.emit(Event{std::move(body)}))
    return err;
  return st.emit(cev::indexed{st.book.index_json()});
}

caf::error course_edit_step(course_actor* self, const std::string& op, const json& body) {
  auto& book = self->state.book;
  auto zone = time_zone::load(book.timezone());
  if (!zone)
    zone = time_zone::load("UTC");
  if (op == "patch") {
    auto patch = parse_course_patch(body);
    if (!patch)
      return patch.error();
    if (patch->empty())
      return caf::none;
    return course_edit<cev::updated>(self, *patch);
  }
  if (op == "module.add") {
    auto title = course_title(body.value("title", json()), "title");
    if (!title)
      return title.error();
    if (book.modules().size() >= course_limits::modules_max)
      return make_error(errc::conflict, "a course has at most 50 modules");
    return course_edit<cev::module_added>(self, json{{"id", book.next_id('m')}, {"title", *title}});
  }
  auto find_module = [&](const std::string& id) {
    return std::find_if(book.modules().begin(), book.modules().end(),
                        [&](const course_module& m) { return m.id == id; });
  };
  if (op == "module.patch" || op == "module.remove") {
    auto id = body.value("id", std::string{});
    if (find_module(id) == book.modules().end())
      return make_error(errc::not_found, "module not found");
    if (op == "module.remove")
      return course_edit<cev::module_removed>(self, json{{"id", id}});
    auto title = course_title(body.value("title", json()), "title");
    if (!title)
      return title.error();
    return course_edit<cev::module_updated>(self, json{{"id", id}, {"title", *title}});
  }
  if (op == "lesson.add") {
    auto module = find_module(body.value("module", std::string{}));
    if (module == book.modules().end())
      return make_error(errc::not_found, "module not found");
    if (module->lessons.size() >= course_limits::lessons_per_module_max)
      return make_error(errc::conflict, "a module has at most 50 lessons");
    course_lesson base;
    base.id = book.next_id('l');
    auto lesson = parse_lesson(body, base, *zone);
    if (!lesson)
      return lesson.error();
    return course_edit<cev::lesson_put>(self, json{{"module", module->id},
                                                   {"lesson", lesson_event_json(*lesson)}});
  }
  if (op == "lesson.patch" || op == "lesson.remove") {
    std::string module;
    const auto* old = book.lesson(body.value("id", std::string{}), &module);
    if (!old)
      return make_error(errc::not_found, "lesson not found");
    if (op == "lesson.remove")
      return course_edit<cev::lesson_removed>(self, json{{"id", old->id}});
    auto patch = body;
    patch.erase("id");
    auto lesson = parse_lesson(patch, *old, *zone);
    if (!lesson)
      return lesson.error();
    return course_edit<cev::lesson_put>(self, json{{"module", module},
                                                   {"lesson", lesson_event_json(*lesson)}});
  }
  return make_error(errc::invalid_argument, "unknown edit");
}

// After attendance or a recording's progress changed: the completion, once.
caf::error course_check_completion(course_actor* self, const std::string& user) {
  auto& st = self->state;
  if (!st.book.newly_complete(user))
    return caf::none;
  return st.emit(cev::completed{json{{"user", user}}});
}

// The recording lessons' watched share from vodwatch/<user>, stored when it grew (and so kept
// for the report), then the progress JSON.
void course_progress_with_watch(course_actor* self, const std::string& user,
                                caf::typed_response_promise<std::string> rp) {
  entity_ref<vodwatch_protocol>{self->state.registry(), user}
    .request(self, get_atom::value)
    .then(
      [self, user, rp](vodwatch_view& view) mutable {
        auto& st = self->state;
        for (const auto& m : st.book.modules())
          for (const auto& l : m.lessons) {
            if (l.kind != "recording")
              continue;
            for (const auto& w : view.entries) {
              if (w.vod != l.vod || w.duration_ms <= 0)
                continue;
              auto pct = static_cast<int>(std::min<std::int64_t>(100, w.position_ms * 100 /
                                                                        w.duration_ms));
              // Stored in steps of 5 % and at the threshold: a bounded number of events.
              auto before = st.book.progress_of(user, l).present_pct;
              bool crosses = before < course_limits::recording_watched_pct &&
                             pct >= course_limits::recording_watched_pct;
              if (pct > before && (crosses || pct >= before + 5))
                (void)st.emit(cev::watched{json{{"user", user}, {"lesson", l.id}, {"pct", pct}}});
            }
          }
        (void)course_check_completion(self, user);
        rp.deliver(st.book.progress_json(user).dump());
      },
      [self, user, rp](caf::error&) mutable {
        rp.deliver(self->state.book.progress_json(user).dump());  // what is stored
      });
}

caf::behavior course_behavior(course_actor* self, caf::actor registry, storage::event_store* store,
                              std::string id, const runtime::clock* clock) {
  auto& st = self->state;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = course_snapshot_every;
  if (auto err = st.activate(self, *store, id, opts))
    return st.refuse(self, std::move(err));
  st.book.id = id;
  return {
    [self](course_create_atom, const std::string& by,
           const std::string& body) -> caf::result<std::string> {
      auto& st = self->state;
      if (st.book.alive())
        return course_json(self, make_error(errc::conflict, "course exists"));
      auto parsed = json::parse(body, nullptr, false);
      if (!parsed.is_object())
        return course_json(self, make_error(errc::invalid_json, "a course is a JSON object"));
      auto org = parsed.value("org", std::string{});
      parsed.erase("org");
      auto course = parse_course_create(parsed);
      if (!course)
        return course_json(self, course.error());
      (*course)["org"] = org;
      (*course)["by"] = by;
      return course_json(self, course_edit<cev::created>(self, *course));
    },
    [self](course_get_atom) -> caf::result<std::string> {
      return course_json(self, self->state.book.alive() ? caf::none : course_missing());
    },
    [self](course_edit_atom, const std::string& by, bool manager, const std::string& op,
           const std::string& body) -> caf::result<std::string> {
      auto& st = self->state;
      if (!st.book.alive())
        return course_json(self, course_missing());
      if (!st.book.can_teach({by, manager}))
        return course_json(self,
                           make_error(errc::forbidden,
                                      "only the course's managers and instructors may edit it"));
      auto parsed = json::parse(body, nullptr, false);
      if (!parsed.is_object())
        return course_json(self, make_error(errc::invalid_json, "a body is a JSON object"));
      if (op == "patch" && !manager &&
          (parsed.contains("instructors") || parsed.contains("assistants")))
        return course_json(self, make_error(errc::forbidden,
                                            "only the channel's or org's managers change staff"));
      return course_json(self, course_edit_step(self, op, parsed));
    },
    [self](course_enrol_atom, const std::string& by, bool manager, const std::string& op,
           const std::string& user) -> caf::result<std::string> {
      auto& st = self->state;
      if (!st.book.alive())
        return course_json(self, course_missing());
      auto step = st.book.enrolment_step({by, manager}, op, user);
      if (!step)
        return course_json(self, step.error());
      json body{{"user", user}, {"by", by}};
      caf::error err;
      if (*step == "enrolled")
        err = st.emit(cev::enrolled{body});
      else if (*step == "requested")
        err = st.emit(cev::requested{body});
      else if (*step == "invited")
        err = st.emit(cev::invited{body});
      else if (*step == "declined")
        err = st.emit(cev::declined{body});
      else if (*step == "left")
        err = st.emit(cev::left{body});
      return course_answer(self, err,
                           json{{"user", user}, {"status", course_status(st.book, user)}});
    },
    [self](course_people_atom, const std::string& by, bool manager) -> caf::result<std::string> {
      auto& st = self->state;
      if (!st.book.alive())
        return course_json(self, course_missing());
      if (!st.book.can_assist({by, manager}))
        return course_json(self, make_error(errc::forbidden, "only the course's staff see this"));
      return course_answer(self, caf::none, st.book.people_json());
    },
    [self](course_progress_atom, const std::string& user) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (!st.book.alive())
        return course_json(self, course_missing());
      bool recordings = false;
      for (const auto& m : st.book.modules())
        for (const auto& l : m.lessons)
          recordings = recordings || l.kind == "recording";
      if (!recordings || !st.book.is_student(user)) {
        (void)course_check_completion(self, user);
        return st.book.progress_json(user).dump();
      }
      auto rp = self->make_response_promise<std::string>();
      course_progress_with_watch(self, user, rp);
      return rp;
    },
    [self](course_attend_atom, const std::string& user, const std::string& lesson,
           std::int64_t joined_ms, std::int64_t left_ms) -> caf::result<std::string> {
      auto& st = self->state;
      if (!st.book.alive())
        return course_json(self, course_missing());
      auto span = st.book.clip(lesson, course_span{joined_ms, left_ms});
      if (!span || !st.book.is_student(user))
        return course_answer(self, caf::none, json{{"ok", false}});
      if (
        auto err = st.emit(cev::attended{json{
          {"user", user}, {"lesson", lesson}, {"from_ms", span->from_ms}, {"to_ms", span->to_ms}}}))
        return course_answer(self, err, {});
      return course_answer(self, course_check_completion(self, user), json{{"ok", true}});
    },
    [self](course_report_atom, const std::string& by, bool manager) -> caf::result<std::string> {
      auto& st = self->state;
      if (!st.book.alive())
        return course_json(self, course_missing());
      if (!st.book.can_assist({by, manager}))
        return course_json(self,
                           make_error(errc::forbidden, "only the course's staff see attendance"));
      return course_answer(self, caf::none,
                           json{{"course", st.book.to_json()}, {"rows", st.book.report_rows()}});
    },
    [self](course_remind_atom, std::int64_t now_ms) -> caf::result<std::string> {
      auto& st = self->state;
      if (!st.book.alive())
        return course_json(self, course_missing());
      auto due = st.book.due_reminders(now_ms);
      std::vector<cev::reminder> notices;
      for (const auto& r : due)
        for (auto& body : course_reminder_bodies(st.book, r))
          notices.push_back(cev::reminder{std::move(body)});
      return course_answer(self, st.emit_all(notices), json{{"due", due}});
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

bool valid_course_id(std::string_view id) {
  return id.size() == 10 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
         });
}

void add_course_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                     const runtime::clock& clock) {
  kinds.factories["course"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                               const std::string& id) {
    return sys.spawn(course_behavior, registry, &store, id, &clock);
  };
}

}  // namespace aethex::actors
