// course/<id> in the admin console: the course, a student's progress, the attendance rows, and
// the reminders due now (written once, as the node's ticker would), for operators checking a
// course and its attendance.
#include <caf/all.hpp>

#include "actors/courses/courses.hpp"
#include "actors/courses/internal.hpp"

namespace aethex::actors {

using namespace console;

adapter course_adapter() {
  adapter a;
  a.kind = "course";
  a.summary = "a course: modules, lessons, enrolment, attendance and progress";
  a.show_query = "get";
  auto as_json = expecting<std::string>([](const std::string& text) -> caf::expected<json> {
    return json::parse(text);
  });
  a.ask("get", {}, "The course with its modules, lessons (UTC and local times) and staff.",
        "ask course/k3x9a0b2c4 get", message_of_args(course_get_atom::value), as_json);
  a.ask("progress", {arg_spec{"user"}}, "A student's progress against the completion rule.",
        "ask course/k3x9a0b2c4 progress alice", message_of_args(course_progress_atom::value),
        as_json);
  a.ask(
    "attendance", {}, "One row per student × lesson: present %, attended, joined/left.",
    "ask course/k3x9a0b2c4 attendance",
    [](const invocation&) -> caf::expected<caf::message> {
      return caf::make_message(course_report_atom::value, std::string{}, true);
    },
    expecting<std::string>([](const std::string& text) -> caf::expected<json> {
      return json::parse(text).at("rows");
    }));
  a.send(
    "remind", {}, "Writes the reminders due now on the node's clock (each goes once).",
    "send course/k3x9a0b2c4 remind",
    [](const invocation&) -> caf::expected<caf::message> {
      auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
      return caf::make_message(course_remind_atom::value, std::int64_t{now});
    },
    as_json);
  return a;
}

}  // namespace aethex::actors
