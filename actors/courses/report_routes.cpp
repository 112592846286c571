// Courses over REST, the reading side: people, progress, attendance (JSON and CSV) and the
// calendars (docs/education.md, section Courses → Routes).
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>

#include "actors/core/entity_ref.hpp"
#include "actors/courses/access.hpp"
#include "actors/courses/course_projection.hpp"
#include "actors/courses/courses.hpp"
#include "actors/courses/internal.hpp"
#include "actors/identity/user.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using course_ref = entity_ref<course_protocol>;
using cal_ref = entity_ref<course_cal_protocol>;

constexpr const char* ical_type = "text/calendar; charset=utf-8";

// A CSV cell (RFC 4180 quoting); a text starting like a formula is prefixed with ' so a
// spreadsheet shows it instead of running it.
std::string csv_cell(std::string text) {
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@'))
    text.insert(0, "'");
  if (text.find_first_of(",\"\r\n") == std::string::npos)
    return text;
  std::string out = "\"";
  for (char c : text)
    out += c == '"' ? std::string{"\"\""} : std::string(1, c);
  return out + "\"";
}

std::string csv_time(const json& ms) {
  return ms.is_number() ? local_time_text(ms.get<std::int64_t>(), 0).substr(0, 19) + "Z" : "";
}

std::string attendance_csv(const json& report) {
  std::map<std::string, json> lessons;
  for (const auto& m : report["course"].value("modules", json::array()))
    for (const auto& l : m.value("lessons", json::array()))
      lessons[l.value("id", "")] = l;
  std::string out =
    "user,module,lesson,title,kind,starts_at,min_attendance_pct,present_pct,attended,"
    "joined_at,left_at,sessions\r\n";
  for (const auto& row : report["rows"]) {
    const auto& l = lessons[row.value("lesson", "")];
    out += csv_cell(row.value("user", "")) + "," + csv_cell(row.value("module", "")) + "," +
           csv_cell(row.value("lesson", "")) + "," + csv_cell(row.value("title", "")) + "," +
           row.value("kind", "") + "," + csv_time(l.value("starts_at_ms", json())) + "," +
           (l["min_attendance_pct"].is_number() ? std::to_string(l["min_attendance_pct"].get<int>())
                                                : std::string{}) +
           "," + std::to_string(row.value("present_pct", 0)) + "," +
           (row.value("attended", false) ? "yes" : "no") + "," +
           csv_time(row.value("joined_ms", json())) + "," + csv_time(row.value("left_ms", json())) +
           "," + std::to_string(row.value("sessions", 0)) + "\r\n";
  }
  return out;
}

void course_people(const node_env& env, route_request&& req, route_reply reply) {
  with_course(env, req, reply, [env, req, reply](json course, bool manager) {
    course_ref{env.registry, course.value("id", "")}
      .ask(course_people_atom::value, course_by(req.who), manager)
      .then(*env.sys, pass_json_text(reply));
  });
}

// The caller's own progress, or a student's for the course's staff.
void course_progress(const node_env& env, route_request&& req, route_reply reply) {
  auto user = req.params.contains("user") ? req.param("user") : course_by(req.who);
  if (!valid_username(user))
    return reply(make_error(errc::not_found, "user not found"));
  with_course(env, req, reply, [env, req, reply, user](json course, bool manager) {
    auto id = course.value("id", "");
    auto ask = [env, id, user, reply] {
      course_ref{env.registry, id}
        .ask(course_progress_atom::value, user)
        .then(*env.sys, pass_written_json_text(env, reply));
    };
    if (user == course_by(req.who))
      return ask();
    // Another student's: the staff only (the people ask checks who is staff).
    course_ref{env.registry, id}
      .ask(course_people_atom::value, course_by(req.who), manager)
      .then(*env.sys, [reply, ask](caf::expected<std::string> people) {
        if (!people)
          return reply(people.error());
        ask();
      });
  });
}

void course_attendance(const node_env& env, route_request&& req, route_reply reply, bool csv) {
  with_course(env, req, reply, [env, req, reply, csv](json course, bool manager) {
    course_ref{env.registry, course.value("id", "")}
      .ask(course_report_atom::value, course_by(req.who), manager)
      .then(*env.sys, [reply, csv, id = course.value("id", "")](caf::expected<std::string> text) {
        if (!text)
          return reply(text.error());
        auto report = json::parse(*text);
        if (!csv)
          return reply(route_response::json(200, json{{"rows", report["rows"]}}));
        auto response = route_response::text(200, "text/csv; charset=utf-8",
                                             attendance_csv(report));
        response.headers.emplace_back("Content-Disposition",
                                      "attachment; filename=\"attendance-" + id + ".csv\"");
        reply(std::move(response));
      });
  });
}

void course_calendar(const node_env& env, route_request&& req, route_reply reply) {
  if (!valid_course_id(req.param("id")))
    return reply(make_error(errc::not_found, "course not found"));
  course_ref{env.registry, req.param("id")}
    .ask(course_get_atom::value)
    .then(*env.sys, [env, reply](caf::expected<std::string> text) {
      if (!text)
        return reply(text.error());
      auto course = json::parse(*text);
      reply(route_response::text(
        200, ical_type, course_ical({course}, course.value("title", ""), env.clock->now_ms(), "")));
    });
}

void rotate_calendar_token(const node_env& env, route_request&& req, route_reply reply) {
  cal_ref{env.registry, req.who.name}
    .ask(course_cal_rotate_atom::value)
    .then(*env.sys, [reply](caf::expected<std::string> token) {
      if (!token)
        return reply(token.error());
      reply(route_response::json(201, json{{"token", *token},
                                           {"path", "/api/v1/me/calendar.ics?token=" + *token}}));
    });
}

// Every course the token's user is enrolled in, one calendar (calendar apps fetch it without
// a session: the token in the URL is the credential).
void my_calendar(const node_env& env, route_request&& req, route_reply reply) {
  auto token = req.query_param("token").value_or("");
  auto dot = token.rfind('.');
  auto user = dot == std::string::npos ? std::string{} : token.substr(0, dot);
  if (!valid_username(user))
    return reply(make_error(errc::not_found, "unknown calendar token"));
  cal_ref{env.registry, user}
    .ask(course_cal_check_atom::value, token)
    .then(*env.sys, [env, reply, user](caf::expected<std::string> ok) {
      if (!ok)
        return reply(ok.error());
      env.query(std::string{course_queries::of_user}, json{{"user", user}},
                [env, reply](caf::expected<std::vector<json>> rows) {
                  if (!rows)
                    return reply(rows.error());
                  // Gathers each course's JSON, then renders once all answered.
                  struct gather {
                    std::vector<json> courses;
                    std::size_t left = 0;
                  };
                  auto all = std::make_shared<gather>();
                  all->left = rows->size();
                  auto finish = [env, reply, all] {
                    reply(route_response::text(200, ical_type,
                                               course_ical(all->courses, "Courses",
                                                           env.clock->now_ms(), "")));
                  };
                  if (rows->empty())
                    return finish();
                  auto lock = std::make_shared<std::mutex>();
                  for (const auto& row : *rows)
                    course_ref{env.registry, row.value("course", "")}
                      .ask(course_get_atom::value)
                      .then(*env.sys, [all, lock, finish](caf::expected<std::string> text) {
                        bool last = false;
                        {
                          std::lock_guard guard{*lock};
                          if (text)
                            all->courses.push_back(json::parse(*text));
                          last = --all->left == 0;
                        }
                        if (last)
                          finish();
                      });
                });
    });
}

}  // namespace

void add_course_report_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  auto scoped = [&](http_method m, std::string pattern, access need, route_handler h,
                    std::string summary, std::string scope) {
    routes.add(m, std::move(pattern), need, std::move(h), std::move(summary)).scope = std::move(
      scope);
  };
  scoped(get, "courses/{id}/people", access::user, with_env(env, course_people),
         "students, enrolment requests and invitations (managers, instructors, assistants)",
         "channel:manage");
  routes.add(get, "courses/{id}/progress", access::user, with_env(env, course_progress),
             "the caller's progress: lessons attended, attendance_pct, modules completed");
  scoped(get, "courses/{id}/progress/{user}", access::user, with_env(env, course_progress),
         "a student's progress (managers, instructors, assistants)", "channel:manage");
  scoped(
    get, "courses/{id}/attendance", access::user,
    [env](route_request&& req, route_reply reply) {
      course_attendance(env, std::move(req), std::move(reply), false);
    },
    "attendance, one row per student × lesson (managers, instructors, assistants)",
    "channel:manage");
  scoped(
    get, "courses/{id}/attendance.csv", access::user,
    [env](route_request&& req, route_reply reply) {
      course_attendance(env, std::move(req), std::move(reply), true);
    },
    "the attendance report as CSV (managers, instructors, assistants)", "channel:manage");
  routes.add(get, "courses/{id}/calendar.ics", access::anyone, with_env(env, course_calendar),
             "the course's live lessons as an iCalendar (RFC 5545, UTC times, stable UIDs)");
  scoped(post, "me/calendar-token", access::user, with_env(env, rotate_calendar_token),
         "a new calendar feed token for me/calendar.ics (the previous one stops working)",
         "user:read");
  routes.add(get, "me/calendar.ics", access::anyone, with_env(env, my_calendar),
             "every enrolled course's live lessons as one iCalendar: ?token= from "
             "me/calendar-token");
}

}  // namespace aethex::actors
