// course/<id>: a course on a channel (docs/education.md, section Courses) — its modules and
// lessons (live sessions or recordings), schedule in a time zone, instructors and assistants,
// enrolment (open / approval / invite), the attendance it keeps per student × live lesson, and
// each student's progress against the course's completion rule.
//
// Every message carries built-in types only (JSON as text), so no type id block is needed.
// Who manages the course through its channel or org is the caller's business (routes ask the
// channel and orgs); the entity gets it as a flag and adds what it knows itself (instructors,
// assistants, students).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <caf/atom.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using course_create_atom = caf::atom_constant<caf::atom("crscreate")>;
using course_get_atom = caf::atom_constant<caf::atom("crsget")>;
using course_edit_atom = caf::atom_constant<caf::atom("crsedit")>;
using course_enrol_atom = caf::atom_constant<caf::atom("crsenrol")>;
using course_people_atom = caf::atom_constant<caf::atom("crspeople")>;
using course_progress_atom = caf::atom_constant<caf::atom("crsprog")>;
using course_attend_atom = caf::atom_constant<caf::atom("crsattend")>;
using course_report_atom = caf::atom_constant<caf::atom("crsreport")>;
using course_remind_atom = caf::atom_constant<caf::atom("crsremind")>;

namespace course_limits {
inline constexpr std::size_t title_max = 200;  // code points, after trimming
inline constexpr std::size_t description_max = 5000;
inline constexpr std::size_t students_max = 10000;
inline constexpr std::size_t modules_max = 50;
inline constexpr std::size_t lessons_per_module_max = 50;
inline constexpr std::size_t staff_max = 50;            // instructors, and assistants, each
inline constexpr std::size_t pending_max = 1000;        // open requests, and open invitations
inline constexpr std::int64_t duration_min_max = 1440;  // one lesson lasts at most a day
inline constexpr int default_min_attendance_pct = 75;
inline constexpr int recording_watched_pct = 90;
/// Joined/left intervals kept per student × lesson: more are merged into the last one.
inline constexpr std::size_t intervals_max = 32;
}  // namespace course_limits

/// Whether `id` could name a course (the node gives 10 characters of [a-z0-9]).
bool valid_course_id(std::string_view id);

/// Protocol of course/<id>. Course JSON (docs/education.md): {"id","title","description",
/// "channel","org","timezone","enrolment","instructors","assistants","modules":[{"id","title",
/// "lessons":[{"id","title","kind","starts_at_ms","starts_local","duration_min","vod",
/// "min_attendance_pct"}]}],"completion":{"attendance_pct","all_modules"},"students":count,
/// "created_at_ms","created_by"}. `manager` says the caller manages the course through its
/// channel or org (or is the admin).
///  (course_create_atom, by, body JSON)      -> course | conflict | invalid_argument
///  (course_get_atom)                        -> course | not_found
///  (course_edit_atom, by, manager, op, body JSON) -> course | not_found | forbidden |
///      invalid_argument; op: "patch", "module.add", "module.patch", "module.remove",
///      "lesson.add", "lesson.patch", "lesson.remove", "staff" (managers only)
///  (course_enrol_atom, by, manager, op, user) -> {"user","status"} | ... ; op: "enrol" (by ==
///      user: joins, requests or accepts an invitation), "leave", "approve", "decline",
///      "invite", "remove" (staff: managers, instructors; assistants approve and decline)
///  (course_people_atom, by, manager)        -> {"students":[{"user","enrolled_at_ms"}],
///      "requests":[…],"invitations":[…]} (staff) | forbidden
///  (course_progress_atom, user)             -> progress JSON {"course","title","user",
///      "enrolled","lessons":[{"id","module","attended","present_pct"}],"attendance_pct",
///      "modules_completed","modules_total","completed_at_ms" or null}
///  (course_attend_atom, user, lesson, joined_ms, left_ms) -> {"ok"} (records one interval of a
///      signed-in viewer on the course's channel, clipped to the lesson's window; a non-student
///      or a time outside every live lesson is ignored)
///  (course_report_atom, by, manager)        -> {"rows":[{"user","lesson","module","kind",
///      "present_pct","attended","joined_ms","left_ms"}]} (managers, instructors, assistants)
///  (course_remind_atom, now_ms)             -> {"due":[{"lesson","kind":"24h"|"15m",
///      "students":[…]}]} and records them as sent, so each reminder goes once
struct course_protocol {
  static constexpr std::string_view kind = "course";
  static std::string reply_to(course_create_atom, std::string by, std::string body);
  static std::string reply_to(course_get_atom);
  static std::string reply_to(course_edit_atom, std::string by, bool manager, std::string op,
                              std::string body);
  static std::string reply_to(course_enrol_atom, std::string by, bool manager, std::string op,
                              std::string user);
  static std::string reply_to(course_people_atom, std::string by, bool manager);
  static std::string reply_to(course_progress_atom, std::string user);
  static std::string reply_to(course_attend_atom, std::string user, std::string lesson,
                              std::int64_t joined_ms, std::int64_t left_ms);
  static std::string reply_to(course_report_atom, std::string by, bool manager);
  static std::string reply_to(course_remind_atom, std::int64_t now_ms);
};

void add_course_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                     const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
