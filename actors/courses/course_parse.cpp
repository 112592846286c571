// Reading course and lesson bodies: every limit of docs/education.md checked before an event
// is written, so replay never meets a value the rules refuse.
#include <algorithm>

#include "actors/core/text.hpp"
#include "actors/courses/course_book.hpp"
#include "actors/courses/courses.hpp"
#include "actors/identity/user.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

caf::error course_bad(std::string text) {
  return make_error(errc::invalid_argument, std::move(text));
}

std::string course_trim(const std::string& text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos)
    return {};
  auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

caf::error course_known(const json& body, std::initializer_list<std::string_view> keys) {
  for (auto& [key, value] : body.items())
    if (std::find(keys.begin(), keys.end(), key) == keys.end())
      return course_bad("unknown field '" + key + "'");
  return caf::none;
}

caf::expected<std::int64_t> course_int(const json& value, std::string_view what,
                                       std::int64_t lowest, std::int64_t highest) {
  if (!value.is_number_integer() || value.get<std::int64_t>() < lowest ||
      value.get<std::int64_t>() > highest)
    return course_bad("'" + std::string{what} + "' must be a whole number " +
                      std::to_string(lowest) + "-" + std::to_string(highest));
  return value.get<std::int64_t>();
}

caf::error course_common(const json& body, json& out) {
  if (body.contains("title")) {
    auto title = course_title(body["title"], "title");
    if (!title)
      return title.error();
    out["title"] = *title;
  }
  if (body.contains("description")) {
    const auto& d = body["description"];
    if (!d.is_string() || utf8_length(d.get<std::string>()) > course_limits::description_max)
      return course_bad("'description' must be text of at most 5000 characters");
    out["description"] = d;
  }
  if (body.contains("timezone")) {
    const auto& tz = body["timezone"];
    if (!tz.is_string() || !time_zone::load(tz.get<std::string>()))
      return course_bad("'timezone' must be an IANA time zone name, e.g. Europe/Berlin");
    out["timezone"] = tz;
  }
  if (body.contains("enrolment")) {
    const auto& e = body["enrolment"];
    if (!e.is_string() || (e != "open" && e != "approval" && e != "invite"))
      return course_bad("'enrolment' must be open, approval or invite");
    out["enrolment"] = e;
  }
  if (body.contains("completion")) {
    const auto& c = body["completion"];
    if (!c.is_object() || course_known(c, {"attendance_pct", "all_modules"}))
      return course_bad("'completion' must be {\"attendance_pct\", \"all_modules\"}");
    json rule = {{"attendance_pct", 75}, {"all_modules", true}};
    if (c.contains("attendance_pct")) {
      auto pct = course_int(c["attendance_pct"], "completion.attendance_pct", 0, 100);
      if (!pct)
        return pct.error();
      rule["attendance_pct"] = *pct;
    }
    if (c.contains("all_modules")) {
      if (!c["all_modules"].is_boolean())
        return course_bad("'completion.all_modules' must be true or false");
      rule["all_modules"] = c["all_modules"];
    }
    out["completion"] = rule;
  }
  for (const char* key : {"instructors", "assistants"}) {
    if (!body.contains(key))
      continue;
    const auto& list = body[key];
    if (!list.is_array() || list.size() > course_limits::staff_max)
      return course_bad("'" + std::string{key} + "' must be a list of at most 50 user names");
    std::vector<std::string> names;
    for (const auto& name : list) {
      if (!name.is_string() || !valid_username(name.get<std::string>()))
        return course_bad("'" + std::string{key} + "' must hold user names");
      if (std::find(names.begin(), names.end(), name.get<std::string>()) == names.end())
        names.push_back(name.get<std::string>());
    }
    out[key] = names;
  }
  return caf::none;
}

}  // namespace

caf::expected<std::string> course_title(const json& value, std::string_view what) {
  if (!value.is_string())
    return course_bad("'" + std::string{what} + "' must be text of 1-200 characters");
  auto title = course_trim(value.get<std::string>());
  auto length = utf8_length(title);
  if (length == 0 || length > course_limits::title_max)
    return course_bad("'" + std::string{what} + "' must be text of 1-200 characters");
  return title;
}

caf::expected<json> parse_course_create(const json& body) {
  if (auto err = course_known(body, {"title", "description", "channel", "timezone", "enrolment",
                                     "completion", "instructors", "assistants"}))
    return err;
  if (!body.contains("title"))
    return course_bad("'title' is required");
  json out = {{"description", ""},
              {"timezone", "UTC"},
              {"enrolment", "open"},
              {"completion", {{"attendance_pct", 75}, {"all_modules", true}}},
              {"instructors", json::array()},
              {"assistants", json::array()}};
  if (auto err = course_common(body, out))
    return err;
  out["channel"] = body.value("channel", "");
  return out;
}

caf::expected<json> parse_course_patch(const json& body) {
  if (auto err = course_known(body, {"title", "description", "timezone", "enrolment", "completion",
                                     "instructors", "assistants"}))
    return err;
  json out = json::object();
  if (auto err = course_common(body, out))
    return err;
  return out;
}

caf::expected<course_lesson> parse_lesson(const json& body, course_lesson base,
                                          const time_zone& zone) {
  if (auto err = course_known(body, {"title", "kind", "starts_at_ms", "starts_local",
                                     "duration_min", "vod", "min_attendance_pct", "module"}))
    return err;
  if (body.contains("title")) {
    auto title = course_title(body["title"], "title");
    if (!title)
      return title.error();
    base.title = *title;
  }
  if (body.contains("kind")) {
    if (body["kind"] != "live" && body["kind"] != "recording")
      return course_bad("'kind' must be live or recording");
    base.kind = body["kind"].get<std::string>();
  }
  if (body.contains("starts_at_ms")) {
    // From 2000 to 2100: a schedule, not an arbitrary number.
    auto at = course_int(body["starts_at_ms"], "starts_at_ms", 946'684'800'000, 4'102'444'800'000);
    if (!at)
      return at.error();
    base.starts_at_ms = *at;
  } else if (body.contains("starts_local")) {
    auto local = body["starts_local"].is_string()
                   ? parse_local_time(body["starts_local"].get<std::string>())
                   : std::nullopt;
    if (!local)
      return course_bad("'starts_local' must be a wall time YYYY-MM-DDTHH:MM in the course's zone");
    base.starts_at_ms = zone.utc_of_local(*local);
  }
  if (body.contains("duration_min")) {
    auto minutes = course_int(body["duration_min"], "duration_min", 1,
                              course_limits::duration_min_max);
    if (!minutes)
      return minutes.error();
    base.duration_min = *minutes;
  }
  if (body.contains("vod")) {
    const auto& vod = body["vod"];
    if (!vod.is_string() || vod.get<std::string>().empty() || vod.get<std::string>().size() > 64)
      return course_bad("'vod' must be a VOD id");
    base.vod = vod.get<std::string>();
  }
  if (body.contains("min_attendance_pct")) {
    auto pct = course_int(body["min_attendance_pct"], "min_attendance_pct", 0, 100);
    if (!pct)
      return pct.error();
    base.min_attendance_pct = static_cast<int>(*pct);
  }
  if (base.title.empty())
    return course_bad("'title' is required");
  if (base.kind.empty())
    return course_bad("'kind' is required (live or recording)");
  if (base.kind == "live" && (base.starts_at_ms == 0 || base.duration_min == 0))
    return course_bad("a live lesson needs 'starts_at_ms' (or 'starts_local') and 'duration_min'");
  if (base.kind == "recording" && base.vod.empty())
    return course_bad("a recording lesson needs 'vod'");
  return base;
}

}  // namespace aethex::actors

namespace aethex::actors {

nlohmann::json lesson_event_json(const course_lesson& l) {
  return nlohmann::json{{"id", l.id},
                        {"title", l.title},
                        {"kind", l.kind},
                        {"starts_at_ms", l.starts_at_ms},
                        {"duration_min", l.duration_min},
                        {"vod", l.vod},
                        {"min_attendance_pct", l.min_attendance_pct}};
}

std::string course_status(const course_book& book, const std::string& user) {
  if (book.is_student(user))
    return "enrolled";
  auto people = book.people_json();
  for (const char* list : {"requests", "invitations"})
    for (const auto& row : people[list])
      if (row.value("user", "") == user)
        return std::string{list} == "requests" ? "requested" : "invited";
  return "none";
}

std::vector<nlohmann::json> course_reminder_bodies(const course_book& book,
                                                   const nlohmann::json& due) {
  auto zone = time_zone::load(book.timezone());
  auto starts = due.value("starts_at_ms", std::int64_t{0});
  auto local = local_time_text(starts, zone ? zone->offset_s(starts) : 0);
  auto when = due.value("reminder", "") == "15m" ? "in 15 minutes" : "in 24 hours";
  // "2026-12-05 21:00 Europe/Berlin (UTC+01:00)": the wall time where the course is held.
  auto starts_text = local.substr(0, 10) + " " + local.substr(11, 5) + " " + book.timezone() +
                     " (UTC" + local.substr(19) + ")";
  nlohmann::json base{{"id", due.value("id", "")},
                      {"kind", "course_reminder"},
                      {"title", book.title() + ": " + due.value("title", "") + " starts " + when +
                                  " (" + local.substr(0, 16) + " " + book.timezone() + ")"},
                      {"link", "/courses/" + book.id},
                      // The lines of the e-mail (actors/notify: a personal notice's details).
                      {"details", nlohmann::json::array({{"Course", book.title()},
                                                         {"Lesson", due.value("title", "")},
                                                         {"Starts", starts_text}})},
                      {"course", book.id},
                      {"lesson", due.value("lesson", "")},
                      {"reminder", due.value("reminder", "")},
                      {"starts_at_ms", starts},
                      {"users", nlohmann::json::array()}};
  std::vector<nlohmann::json> bodies;
  for (const auto& [user, since] : book.students()) {
    if (bodies.empty() || bodies.back()["users"].size() >= 64)
      bodies.push_back(base);
    bodies.back()["users"].push_back(user);
  }
  if (bodies.empty())
    bodies.push_back(base);
  return bodies;
}

}  // namespace aethex::actors
