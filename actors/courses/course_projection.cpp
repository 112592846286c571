#include "actors/courses/course_projection.hpp"

#include <algorithm>
#include <stdexcept>

namespace aethex::actors {
namespace {

using json = nlohmann::json;

constexpr std::string_view course_stream_prefix = "course/";

}  // namespace

void course_projection::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS courses(id TEXT PRIMARY KEY, title TEXT NOT NULL, "
    "channel TEXT NOT NULL, org TEXT NOT NULL, enrolment TEXT NOT NULL, timezone TEXT NOT NULL, "
    "created_at_ms INTEGER NOT NULL)");
  db.exec("CREATE INDEX IF NOT EXISTS courses_by_channel ON courses(channel)");
  db.exec(
    "CREATE TABLE IF NOT EXISTS course_lessons(course TEXT NOT NULL, lesson TEXT NOT NULL, "
    "channel TEXT NOT NULL, starts_at_ms INTEGER NOT NULL, ends_at_ms INTEGER NOT NULL, "
    "PRIMARY KEY(course, lesson))");
  db.exec("CREATE INDEX IF NOT EXISTS course_lessons_by_time ON course_lessons(starts_at_ms)");
  db.exec(
    "CREATE INDEX IF NOT EXISTS course_lessons_by_channel ON course_lessons(channel, "
    "starts_at_ms)");
  db.exec(
    "CREATE TABLE IF NOT EXISTS course_students(course TEXT NOT NULL, user TEXT NOT NULL, "
    "at_ms INTEGER NOT NULL, PRIMARY KEY(user, course))");
  db.exec("CREATE TABLE IF NOT EXISTS course_reminders(id TEXT PRIMARY KEY)");
}

void course_projection::reset(storage::sqlite::database& db) {
  for (const char* table : {"courses", "course_lessons", "course_students", "course_reminders"})
    db.exec(std::string{"DELETE FROM "} + table);
}

void course_projection::apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) {
  if (!e.stream.starts_with(course_stream_prefix))
    return;
  const auto& type = e.data.type;
  if (type != "course.indexed" && type != "course.enrolled" && type != "course.left" &&
      type != "notify.personal")
    return;
  if (e.data.schema > 1)
    throw std::runtime_error("courses: " + type + " schema newer than supported (stream " +
                             e.stream + ")");
  auto body = json::parse(e.data.payload, nullptr, false);
  if (!body.is_object())
    throw std::runtime_error("courses: malformed payload in " + e.stream + " seq " +
                             std::to_string(e.seq));
  auto course = e.stream.substr(course_stream_prefix.size());
  auto& db = tx.db();
  if (type == "course.indexed") {
    auto channel = body.value("channel", "");
    db.prepare(
        "INSERT INTO courses(id, title, channel, org, enrolment, timezone, created_at_ms) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO UPDATE SET title = ?2, "
        "channel = ?3, org = ?4, enrolment = ?5, timezone = ?6")
      .bind(1, course)
      .bind(2, body.value("title", ""))
      .bind(3, channel)
      .bind(4, body.value("org", ""))
      .bind(5, body.value("enrolment", ""))
      .bind(6, body.value("timezone", ""))
      .bind(7, e.data.timestamp_ms)
      .run();
    db.prepare("DELETE FROM course_lessons WHERE course = ?1").bind(1, course).run();
    auto insert = db.prepare(
      "INSERT OR REPLACE INTO course_lessons(course, lesson, channel, starts_at_ms, ends_at_ms) "
      "VALUES(?1, ?2, ?3, ?4, ?5)");
    for (const auto& l : body.value("lessons", json::array())) {
      insert.reset();
      insert.bind(1, course).bind(2, l.value("lesson", "")).bind(3, channel);
      insert.bind(4, l.value("starts_at_ms", std::int64_t{0}));
      insert.bind(5, l.value("ends_at_ms", std::int64_t{0}));
      insert.run();
    }
  } else if (type == "course.enrolled") {
    db.prepare("INSERT OR IGNORE INTO course_students(course, user, at_ms) VALUES(?1, ?2, ?3)")
      .bind(1, course)
      .bind(2, body.value("user", ""))
      .bind(3, e.data.timestamp_ms)
      .run();
  } else if (type == "course.left") {
    db.prepare("DELETE FROM course_students WHERE course = ?1 AND user = ?2")
      .bind(1, course)
      .bind(2, body.value("user", ""))
      .run();
  } else {
    db.prepare("INSERT OR IGNORE INTO course_reminders(id) VALUES(?1)")
      .bind(1, body.value("id", ""))
      .run();
  }
}

std::optional<std::uint64_t> course_projection::row_count(storage::sqlite::database& db) const {
  auto count = db.prepare(
    "SELECT (SELECT COUNT(*) FROM courses) + (SELECT COUNT(*) FROM course_lessons) + "
    "(SELECT COUNT(*) FROM course_students) + (SELECT COUNT(*) FROM course_reminders)");
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

namespace {

json course_list(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto limit = std::clamp<std::int64_t>(args.value("limit", std::int64_t{50}), 1, 200);
  auto rows = db.prepare(
    "SELECT c.id, c.title, c.channel, c.org, c.enrolment, c.timezone, "
    "(SELECT MIN(starts_at_ms) FROM course_lessons l WHERE l.course = c.id AND "
    "l.ends_at_ms > ?3), c.created_at_ms FROM courses c WHERE (?1 = '' OR c.channel = ?1) AND "
    "(?2 = '' OR c.org = ?2) ORDER BY c.created_at_ms DESC, c.id LIMIT ?4");
  rows.bind(1, args.value("channel", std::string{}));
  rows.bind(2, args.value("org", std::string{}));
  rows.bind(3, args.value("now_ms", std::int64_t{0}));
  rows.bind(4, limit);
  auto out = json::array();
  while (rows.step()) {
    if (!owns("course", rows.column_text(0)))
      continue;
    auto org = rows.column_text(3);
    out.push_back(json{
      {"course", rows.column_text(0)},
      {"title", rows.column_text(1)},
      {"channel", rows.column_text(2)},
      {"org", org.empty() ? json(nullptr) : json(org)},
      {"enrolment", rows.column_text(4)},
      {"timezone", rows.column_text(5)},
      {"next_starts_at_ms", rows.column_is_null(6) ? json(nullptr) : json(rows.column_int64(6))},
      {"created_at_ms", rows.column_int64(7)}});
  }
  return out;
}

json course_of_user(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto rows = db.prepare(
    "SELECT s.course, c.title, c.channel, s.at_ms FROM course_students s JOIN courses c ON "
    "c.id = s.course WHERE s.user = ?1 ORDER BY s.at_ms DESC LIMIT 500");
  rows.bind(1, args.value("user", std::string{}));
  auto out = json::array();
  while (rows.step())
    if (owns("course", rows.column_text(0)))
      out.push_back(json{{"course", rows.column_text(0)},
                         {"title", rows.column_text(1)},
                         {"channel", rows.column_text(2)},
                         {"enrolled_at_ms", rows.column_int64(3)}});
  return out;
}

json course_live_on(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto rows = db.prepare(
    "SELECT course, lesson FROM course_lessons WHERE channel = ?1 AND starts_at_ms < ?3 AND "
    "ends_at_ms > ?2 LIMIT 200");
  rows.bind(1, args.value("channel", std::string{}));
  rows.bind(2, args.value("from_ms", std::int64_t{0}));
  rows.bind(3, args.value("to_ms", std::int64_t{0}));
  auto out = json::array();
  while (rows.step())
    if (owns("course", rows.column_text(0)))
      out.push_back(json{{"course", rows.column_text(0)}, {"lesson", rows.column_text(1)}});
  return out;
}

json course_due(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  // The 15-minute reminder replaces the 24-hour one once both would be due.
  auto rows = db.prepare(
    "SELECT DISTINCT l.course FROM course_lessons l WHERE l.starts_at_ms > ?1 AND "
    "l.starts_at_ms - 86400000 <= ?1 AND NOT EXISTS (SELECT 1 FROM course_reminders r WHERE "
    "r.id = 'course:' || l.course || ':' || l.lesson || ':' || l.starts_at_ms || ':' || "
    "CASE WHEN ?1 >= l.starts_at_ms - 900000 THEN '15m' ELSE '24h' END) LIMIT 100");
  rows.bind(1, args.value("now_ms", std::int64_t{0}));
  auto out = json::array();
  while (rows.step())
    if (owns("course", rows.column_text(0)))
      out.push_back(json{{"course", rows.column_text(0)}});
  return out;
}

}  // namespace

void add_course_queries(read_query_table& queries) {
  queries[std::string{course_queries::list}] = course_list;
  queries[std::string{course_queries::of_user}] = course_of_user;
  queries[std::string{course_queries::live_on}] = course_live_on;
  queries[std::string{course_queries::due}] = course_due;
}

}  // namespace aethex::actors
