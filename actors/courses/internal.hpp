// The courses domain's own parts, for its module.cpp and files; other domains include
// courses.hpp.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"
#include "actors/courses/course_book.hpp"

namespace aethex::actors {

/// A lesson as course.lesson_put stores it.
nlohmann::json lesson_event_json(const course_lesson& lesson);
/// "enrolled", "requested", "invited" or "none": where `user` stands.
std::string course_status(const course_book& book, const std::string& user);
/// The notify.personal bodies of one due reminder (courses.hpp): the students in groups of at
/// most 64 (the notify domain's bound per event); one body with no users when there are none,
/// so the reminder is recorded as gone either way.
std::vector<nlohmann::json> course_reminder_bodies(const course_book& book,
                                                   const nlohmann::json& due);

/// courses, courses/{id}, its modules, lessons, enrolment, people, progress, attendance,
/// calendars; me/courses, me/calendar.ics.
void add_course_routes(route_table& routes, const node_env& env);

/// course/<id> in the console.
console::adapter course_adapter();

/// The node's courses service: signed-in viewers' presence on channels (from the chat's viewer
/// sessions), turned into attendance spans of the live lessons then running, and the reminder
/// ticker on the node's clock.
caf::actor spawn_course_presence(caf::actor_system& sys, const node_env& env);

}  // namespace aethex::actors

namespace aethex::actors {

/// An iCalendar (RFC 5545) of the courses' live lessons: `courses` holds course JSON
/// (course_book::to_json). `base_url` prefixes the lesson links ("" for relative none).
std::string course_ical(const std::vector<nlohmann::json>& courses, std::string_view name,
                        std::int64_t now_ms, std::string_view base_url);

using course_cal_rotate_atom = caf::atom_constant<caf::atom("crscalrot")>;
using course_cal_check_atom = caf::atom_constant<caf::atom("crscalchk")>;

/// coursecal/<user>: the user's calendar feed token (me/calendar.ics?token=), kept as its
/// digest. Events: coursecal.rotated {"digest"}.
///  (course_cal_rotate_atom)         -> the new token "<user>.<32 hex>" (the old one stops)
///  (course_cal_check_atom, token)   -> "ok" | not_found (no such token)
struct course_cal_protocol {
  static constexpr std::string_view kind = "coursecal";
  static std::string reply_to(course_cal_rotate_atom);
  static std::string reply_to(course_cal_check_atom, std::string token);
};

void add_course_cal_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                         const runtime::clock& clock);

}  // namespace aethex::actors
