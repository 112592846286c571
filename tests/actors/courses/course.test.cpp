// course/<id> over a real registry and store with a manual clock (docs/education.md): content
// limits, who edits, the three enrolment flows, attendance spans (clipped to the lesson, merged,
// bounded) and the min_attendance_pct rule, progress and completion, reminders 24 h and 15 min
// before (each once, also after a restart), the same state after replay and from a snapshot on
// RocksDB, time zones read from the system's tz database, the iCalendar text, and the read
// model's queries (live lessons on a channel, reminders due).
#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>
#include <string>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/icalendar.hpp"
#include "actors/courses/course_book.hpp"
#include "actors/courses/course_projection.hpp"
#include "actors/courses/courses.hpp"
#include "actors/courses/internal.hpp"
#include "actors/courses/zone.hpp"
#include "runtime/errors.hpp"
#include "storage/read_model.hpp"
#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using namespace aethex::actors;
using json = nlohmann::json;

namespace {

constexpr const char* course_id = "abcde12345";
constexpr std::int64_t minute = 60'000;

struct course_fixture {
  test::entity_fixture f;
  std::int64_t lesson_at = 0;  // the live lesson's start: two days after the fixture starts

  explicit course_fixture(test::entity_fixture_options opts = {.manual_clock = true}) : f(opts) {
    lesson_at = f.clock.now_ms() + 48 * 60 * minute;
  }

  static caf::expected<json> parsed(caf::expected<std::string> text) {
    if (!text)
      return text.error();
    return json::parse(*text);
  }
  caf::expected<json> create(json body, const std::string& by = "teacher") {
    return parsed(f.ask<std::string>("course", course_id, course_create_atom::value, by,
                                     body.dump()));
  }
  caf::expected<json> edit(const std::string& op, json body, const std::string& by = "teacher",
                           bool manager = true) {
    return parsed(f.ask<std::string>("course", course_id, course_edit_atom::value, by, manager, op,
                                     body.dump()));
  }
  caf::expected<json> enrol(const std::string& by, const std::string& op, const std::string& user,
                            bool manager = false) {
    return parsed(f.ask<std::string>("course", course_id, course_enrol_atom::value, by, manager, op,
                                     user));
  }
  caf::expected<json> progress(const std::string& user) {
    return parsed(f.ask<std::string>("course", course_id, course_progress_atom::value, user));
  }
  caf::expected<json> attend(const std::string& user, const std::string& lesson, std::int64_t from,
                             std::int64_t to) {
    return parsed(f.ask<std::string>("course", course_id, course_attend_atom::value, user, lesson,
                                     from, to));
  }
  caf::expected<json> remind() {
    return parsed(f.ask<std::string>("course", course_id, course_remind_atom::value,
                                     f.clock.now_ms()));
  }
  caf::expected<json> get() {
    return parsed(f.ask<std::string>("course", course_id, course_get_atom::value));
  }
  // A course with one module holding a 60-minute live lesson (l2) and a recording (l3).
  void standard(const std::string& enrolment = "open") {
    REQUIRE(create(json{{"title", "Rust in a week"},
                        {"channel", "school"},
                        {"timezone", "Europe/Berlin"},
                        {"enrolment", enrolment},
                        {"completion", {{"attendance_pct", 50}, {"all_modules", false}}}}));
    REQUIRE(edit("module.add", json{{"title", "Basics"}}));
    REQUIRE(edit("lesson.add", json{{"module", "m1"},
                                    {"title", "Ownership"},
                                    {"kind", "live"},
                                    {"starts_at_ms", lesson_at},
                                    {"duration_min", 60}}));
    REQUIRE(
      edit("lesson.add",
           json{{"module", "m1"}, {"title", "Replay"}, {"kind", "recording"}, {"vod", "v1"}}));
  }
};

errc code(const caf::expected<json>& answer) {
  REQUIRE_FALSE(answer);
  return code_of(answer.error());
}

}  // namespace

TEST_CASE("time zones come from the system's tz database, with local wall times") {
  auto berlin = time_zone::load("Europe/Berlin");
  REQUIRE(berlin);
  // 2026-01-15 12:00 UTC is winter (+01:00); 2026-07-15 12:00 UTC summer (+02:00).
  CHECK(berlin->offset_s(1'768'478'400'000) == 3600);
  CHECK(berlin->offset_s(1'784'116'800'000) == 7200);
  CHECK(local_time_text(1'784'116'800'000, 7200) == "2026-07-15T14:00:00+02:00");
  auto local = parse_local_time("2026-07-15T14:00");
  REQUIRE(local);
  CHECK(berlin->utc_of_local(*local) == 1'784'116'800'000);
  auto ny = time_zone::load("America/New_York");
  REQUIRE(ny);
  CHECK(ny->offset_s(1'768'478'400'000) == -5 * 3600);
  CHECK(time_zone::load("UTC"));
  for (const char* bad : {"Mars/Olympus", "../etc/passwd", "", "Europe//Berlin", "/UTC"})
    CHECK_FALSE(time_zone::load(bad));
  CHECK_FALSE(parse_local_time("2026-13-01T10:00"));
  CHECK_FALSE(parse_local_time("2026-01-01 10:00"));
  CHECK(ical_utc(1'784'116'800'000) == "20260715T120000Z");
}

TEST_CASE("a course's limits and who may edit it") {
  course_fixture t;
  CHECK(code(t.create(json{{"title", ""}, {"channel", "school"}})) == errc::invalid_argument);
  CHECK(code(t.create(json{{"title", std::string(201, 'a')}, {"channel", "school"}})) ==
        errc::invalid_argument);
  CHECK(code(t.create(json{{"title", "T"}, {"description", std::string(5001, 'a')}})) ==
        errc::invalid_argument);
  CHECK(code(t.create(json{{"title", "T"}, {"timezone", "Mars/Olympus"}})) ==
        errc::invalid_argument);
  CHECK(code(t.create(json{{"title", "T"}, {"enrolment", "lottery"}})) == errc::invalid_argument);
  CHECK(code(t.create(json{{"title", "T"}, {"completion", {{"attendance_pct", 101}}}})) ==
        errc::invalid_argument);
  CHECK(code(t.get()) == errc::not_found);
  t.standard();
  CHECK(code(t.create(json{{"title", "again"}})) == errc::conflict);
  auto course = t.get();
  REQUIRE(course);
  CHECK((*course)["timezone"] == "Europe/Berlin");
  auto lesson = (*course)["modules"][0]["lessons"][0];
  CHECK(lesson["id"] == "l2");
  CHECK(lesson["min_attendance_pct"] == 75);
  CHECK(lesson["starts_local"].get<std::string>().size() == 25);
  CHECK((*course)["completion"] == json{{"attendance_pct", 50}, {"all_modules", false}});

  // Outsiders may not edit; an instructor may edit content but not the staff.
  CHECK(code(t.edit("module.add", json{{"title", "X"}}, "mallory", false)) == errc::forbidden);
  REQUIRE(t.edit("patch", json{{"instructors", {"ina"}}, {"assistants", {"asa"}}}));
  CHECK(t.edit("module.add", json{{"title", "Advanced"}}, "ina", false));
  CHECK(code(t.edit("patch", json{{"assistants", {"ina"}}}, "ina", false)) == errc::forbidden);
  CHECK(code(t.edit("module.add", json{{"title", "X"}}, "asa", false)) == errc::forbidden);

  // Lessons: required fields per kind; 50 modules; 50 lessons per module.
  CHECK(code(t.edit("lesson.add", json{{"module", "m1"}, {"title", "x"}, {"kind", "live"}})) ==
        errc::invalid_argument);
  CHECK(code(t.edit("lesson.add", json{{"module", "m1"}, {"title", "x"}, {"kind", "recording"}})) ==
        errc::invalid_argument);
  CHECK(
    code(t.edit("lesson.add",
                json{{"module", "m99"}, {"title", "x"}, {"kind", "recording"}, {"vod", "v"}})) ==
    errc::not_found);
  REQUIRE(t.edit("lesson.add", json{{"module", "m1"},
                                    {"title", "Local"},
                                    {"kind", "live"},
                                    {"starts_local", "2026-07-15T14:00"},
                                    {"duration_min", 30}}));
  course = t.get();
  CHECK((*course)["modules"][0]["lessons"][2]["starts_at_ms"] == 1'784'116'800'000);
  CHECK((*course)["modules"][0]["lessons"][2]["starts_local"] == "2026-07-15T14:00:00+02:00");
  for (int i = 0; i < 48; ++i)
    REQUIRE(t.edit("module.add", json{{"title", "M" + std::to_string(i)}}));
  CHECK(code(t.edit("module.add", json{{"title", "one too many"}})) == errc::conflict);
  for (int i = 0; i < 47; ++i)
    REQUIRE(t.edit("lesson.add",
                   json{{"module", "m1"}, {"title", "r"}, {"kind", "recording"}, {"vod", "v"}}));
  CHECK(code(t.edit("lesson.add",
                    json{{"module", "m1"}, {"title", "r"}, {"kind", "recording"}, {"vod", "v"}})) ==
        errc::conflict);
}

TEST_CASE("enrolment: open, approval and invitation flows") {
  course_fixture t;
  t.standard("open");
  auto joined = t.enrol("sam", "enrol", "sam");
  REQUIRE(joined);
  CHECK((*joined)["status"] == "enrolled");
  CHECK(code(t.enrol("sam", "enrol", "other")) == errc::forbidden);
  CHECK((*t.enrol("sam", "leave", "sam"))["status"] == "none");

  REQUIRE(t.edit("patch", json{{"enrolment", "approval"}, {"assistants", {"asa"}}}));
  CHECK((*t.enrol("sam", "enrol", "sam"))["status"] == "requested");
  CHECK((*t.enrol("sam", "enrol", "sam"))["status"] == "requested");  // asking twice: once
  CHECK(code(t.enrol("sam", "approve", "sam")) == errc::forbidden);
  CHECK((*t.enrol("asa", "approve", "sam"))["status"] == "enrolled");
  CHECK((*t.enrol("pat", "enrol", "pat"))["status"] == "requested");
  CHECK((*t.enrol("asa", "decline", "pat"))["status"] == "none");
  CHECK(code(t.enrol("asa", "decline", "pat")) == errc::not_found);

  REQUIRE(t.edit("patch", json{{"enrolment", "invite"}}));
  CHECK(code(t.enrol("ivy", "enrol", "ivy")) == errc::forbidden);
  CHECK(code(t.enrol("asa", "invite", "ivy")) == errc::forbidden);  // assistants do not invite
  CHECK((*t.enrol("teacher", "invite", "ivy", true))["status"] == "invited");
  CHECK((*t.enrol("ivy", "enrol", "ivy"))["status"] == "enrolled");
  CHECK((*t.enrol("teacher", "invite", "joe", true))["status"] == "invited");
  CHECK((*t.enrol("joe", "leave", "joe"))["status"] == "none");  // declines
  CHECK((*t.enrol("teacher", "remove", "ivy", true))["status"] == "none");
  auto course = t.get();
  CHECK((*course)["students"] == 1);  // sam
}

TEST_CASE("attendance: spans clipped to the lesson, merged, bounded; the rule and progress") {
  course_fixture t;
  t.standard();
  REQUIRE(t.enrol("sam", "enrol", "sam"));
  auto at = t.lesson_at;
  // A non-student and a span outside the window count for nothing.
  CHECK((*t.attend("eve", "l2", at, at + 60 * minute))["ok"] == false);
  CHECK((*t.attend("sam", "l2", at - 30 * minute, at - minute))["ok"] == false);
  // Joined 10 min early, left after 20 min of the lesson: 20 of 60 minutes.
  CHECK((*t.attend("sam", "l2", at - 10 * minute, at + 20 * minute))["ok"] == true);
  auto p = t.progress("sam");
  REQUIRE(p);
  CHECK((*p)["lessons"][0]["present_pct"] == 33);
  CHECK((*p)["lessons"][0]["attended"] == false);
  // Overlapping flushes of the same session merge: 20 → 25 minutes, then back for 20 more.
  REQUIRE(t.attend("sam", "l2", at, at + 25 * minute));
  REQUIRE(t.attend("sam", "l2", at + 40 * minute, at + 60 * minute + 5 * minute));
  p = t.progress("sam");
  CHECK((*p)["lessons"][0]["present_pct"] == 75);  // 45 of 60 minutes: at the 75 % rule
  CHECK((*p)["lessons"][0]["attended"] == true);
  CHECK((*p)["attendance_pct"] == 50);  // one of two lessons (the recording is unwatched)
  CHECK((*p)["modules_completed"] == 0);
  // The rule (50 %, not all modules) is met: completed once, with the time.
  CHECK((*p)["completed_at_ms"].is_number());
  auto rows = t.f.ask<std::string>("course", course_id, course_report_atom::value,
                                   std::string{"teacher"}, true);
  REQUIRE(rows);
  auto report = json::parse(*rows)["rows"];
  REQUIRE(report.size() == 2);
  CHECK(report[0]["user"] == "sam");
  CHECK(report[0]["joined_ms"] == at);
  CHECK(report[0]["left_ms"] == at + 60 * minute);
  CHECK(report[0]["sessions"] == 2);
  CHECK(code(t.parsed(t.f.ask<std::string>("course", course_id, course_report_atom::value,
                                           std::string{"sam"}, false))) == errc::forbidden);

  // Bounded: 40 one-minute visits keep at most 32 spans; the shortest gaps are merged.
  REQUIRE(t.enrol("bo", "enrol", "bo"));
  for (int i = 0; i < 40; ++i)
    REQUIRE(t.attend("bo", "l2", at + i * 90'000, at + i * 90'000 + 30'000));
  rows = t.f.ask<std::string>("course", course_id, course_report_atom::value, std::string{}, true);
  for (const auto& row : json::parse(*rows)["rows"])
    if (row["user"] == "bo" && row["lesson"] == "l2")
      CHECK(row["sessions"] == course_limits::intervals_max);
}

TEST_CASE("reminders 24 h and 15 min before a live lesson, each once, after a restart too") {
  course_fixture t({.rocksdb = true, .manual_clock = true});
  t.standard();
  REQUIRE(t.enrol("sam", "enrol", "sam"));
  CHECK((*t.remind())["due"].empty());  // 48 h before
  t.f.clock.advance(std::chrono::hours(24) + std::chrono::minutes(1));
  auto due = t.remind();
  REQUIRE((*due)["due"].size() == 1);
  CHECK((*due)["due"][0]["reminder"] == "24h");
  CHECK((*t.remind())["due"].empty());
  t.f.restart();
  CHECK((*t.remind())["due"].empty());
  t.f.clock.advance(std::chrono::hours(23) + std::chrono::minutes(46));
  due = t.remind();
  REQUIRE((*due)["due"].size() == 1);
  CHECK((*due)["due"][0]["reminder"] == "15m");
  t.f.restart();
  CHECK((*t.remind())["due"].empty());
  // The inbox rows the notify domain reads: one notify.personal per reminder with the student.
  int notices = 0;
  for (const auto& e : t.f.events().read_stream("course/" + std::string{course_id}, 0))
    if (e.data.type == "notify.personal") {
      auto body = json::parse(e.data.payload);
      CHECK(body["users"] == json::array({"sam"}));
      CHECK(body["title"].get<std::string>().find("Ownership") != std::string::npos);
      // The e-mail's lines (actors/notify): course, lesson, start in the course's time zone.
      REQUIRE(body["details"].size() == 3);
      CHECK(body["details"][1] == json::array({"Lesson", "Ownership"}));
      CHECK(body["details"][2][1].get<std::string>().find(" Europe/Berlin (UTC+0") !=
            std::string::npos);
      CHECK(body["link"] == "/courses/" + std::string{course_id});
      ++notices;
    }
  CHECK(notices == 2);
  // State after replay is the state before.
  auto before = t.get();
  t.f.restart();
  CHECK(*t.get() == *before);
}

TEST_CASE("the iCalendar text: CRLF, folded lines, UTC times, stable UIDs") {
  course_fixture t;
  t.standard();
  REQUIRE(t.edit("patch", json{{"title", std::string(90, 'x') + ", ä; long"}}));
  auto course = *t.get();
  auto text = course_ical({course}, "c", t.f.clock.now_ms(), "https://live.example");
  CHECK(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
  CHECK(text.ends_with("END:VCALENDAR\r\n"));
  std::istringstream in(text);
  std::string line;
  int events = 0;
  while (std::getline(in, line)) {
    REQUIRE(line.ends_with("\r"));
    CHECK(line.size() <= 76);  // 75 octets + the CR
    events += line == "BEGIN:VEVENT\r" ? 1 : 0;
  }
  CHECK(events == 1);  // the live lesson only
  CHECK(text.find("UID:l2." + std::string{course_id} + "@aethex-live\r\n") != std::string::npos);
  CHECK(text.find("DTSTART:" + ical_utc(t.lesson_at) + "\r\n") != std::string::npos);
  CHECK(text.find("\\, ä\\; long") != std::string::npos);
}

TEST_CASE("the read model: live lessons on a channel and reminders due") {
  course_fixture t;
  t.standard();
  auto db = std::filesystem::temp_directory_path() /
            ("aethex-courses-rm-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(db);
  {
    storage::projection_runner runner{t.f.events(), db};
    runner.add(std::make_unique<course_projection>());
    runner.catch_up();
    read_query_table queries;
    add_course_queries(queries);
    auto all = [](std::string_view, std::string_view) { return true; };
    auto at = t.lesson_at;
    auto live = queries["courses.live_on"](
      runner.db(),
      json{{"channel", "school"}, {"from_ms", at + minute}, {"to_ms", at + 2 * minute}}, all);
    REQUIRE(live.size() == 1);
    CHECK(live[0] == json{{"course", course_id}, {"lesson", "l2"}});
    CHECK(queries["courses.live_on"](
            runner.db(), json{{"channel", "other"}, {"from_ms", at}, {"to_ms", at + 1}}, all)
            .empty());
    CHECK(
      queries["courses.due"](runner.db(), json{{"now_ms", at - 25 * 60 * minute}}, all).empty());
    CHECK(
      queries["courses.due"](runner.db(), json{{"now_ms", at - 23 * 60 * minute}}, all).size() ==
      1);
    t.f.clock.advance(std::chrono::hours(25));
    REQUIRE(t.remind());
    runner.catch_up();
    CHECK(queries["courses.due"](runner.db(), json{{"now_ms", t.f.clock.now_ms()}}, all).empty());
    REQUIRE(t.enrol("sam", "enrol", "sam"));
    runner.catch_up();
    auto mine = queries["courses.of_user"](runner.db(), json{{"user", "sam"}}, all);
    REQUIRE(mine.size() == 1);
    CHECK(mine[0]["course"] == course_id);
    auto list = queries["courses.list"](runner.db(), json{{"channel", "school"}}, all);
    REQUIRE(list.size() == 1);
    CHECK(list[0]["title"] == "Rust in a week");
  }
  std::filesystem::remove(db);
}

TEST_CASE("a course comes back the same from a snapshot and its tail") {
  course_fixture t;
  t.standard();
  REQUIRE(t.enrol("sam", "enrol", "sam"));
  // More events than the snapshot interval (256): the activation restores the snapshot.
  for (int i = 0; i < 270; ++i)
    REQUIRE(t.attend("sam", "l2", t.lesson_at + i * 10'000, t.lesson_at + i * 10'000 + 5'000));
  auto report = [&] {
    return *t.f.ask<std::string>("course", course_id, course_report_atom::value, std::string{},
                                 true);
  };
  auto before = report();
  auto course = *t.get();
  auto progress = *t.progress("sam");
  t.f.restart();
  CHECK(report() == before);
  CHECK(*t.get() == course);
  CHECK(*t.progress("sam") == progress);
}
