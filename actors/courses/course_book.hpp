// The rules of a course without actors or storage: its content limits, who may manage, teach,
// assist and enrol, the enrolment flows, attendance arithmetic (joined/left intervals clipped
// to a live lesson's window, merged and bounded), progress against the completion rule, and
// which reminders are due. course_entity.cpp applies its events to a course_book.
// Contract: docs/education.md, section Courses.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/courses/zone.hpp"

namespace aethex::actors {

struct course_lesson {
  std::string id;
  std::string title;
  std::string kind;  // "live" | "recording"
  std::int64_t starts_at_ms = 0;
  std::int64_t duration_min = 0;  // live
  std::string vod;                // recording
  int min_attendance_pct = 75;    // live
  std::int64_t ends_at_ms() const { return starts_at_ms + duration_min * 60'000; }
};

struct course_module {
  std::string id;
  std::string title;
  std::vector<course_lesson> lessons;
};

struct course_span {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
};

/// How far one student is in one lesson.
struct lesson_progress {
  int present_pct = 0;
  bool attended = false;
};

/// What a caller is to the course: `manager` comes from the channel or org (the caller
/// checked it); the rest the book knows.
struct course_caller {
  std::string user;
  bool manager = false;
};

/// Parses a lesson body for `lesson.add` (all fields) or `lesson.patch` (onto `base`).
/// `zone` reads "starts_local" (wall time in the course's zone) when "starts_at_ms" is absent.
caf::expected<course_lesson> parse_lesson(const nlohmann::json& body, course_lesson base,
                                          const time_zone& zone);
/// Trimmed title of 1–200 code points, or invalid_argument naming `what`.
caf::expected<std::string> course_title(const nlohmann::json& value, std::string_view what);

class course_book {
 public:
  // ---- reads of roles ----
  bool alive() const { return alive_; }
  bool is_instructor(const std::string& user) const;
  bool is_assistant(const std::string& user) const;
  bool is_student(const std::string& user) const { return students_.contains(user); }
  /// Managers and instructors change content and enrolment; assistants see attendance and
  /// approve or decline requests.
  bool can_teach(const course_caller& who) const;
  bool can_assist(const course_caller& who) const;

  // ---- changes (applied from events; callers validated them first) ----
  void create(const nlohmann::json& body, std::int64_t at_ms);
  void update(const nlohmann::json& body);
  void add_module(const std::string& id, const std::string& title);
  void rename_module(const std::string& id, const std::string& title);
  void remove_module(const std::string& id);
  void put_lesson(const std::string& module, const course_lesson& lesson);  // add or replace
  void remove_lesson(const std::string& id);
  void enrol(const std::string& user, std::int64_t at_ms);
  void request(const std::string& user, std::int64_t at_ms);
  void invite(const std::string& user, std::int64_t at_ms);
  void drop_pending(const std::string& user);
  void leave(const std::string& user);
  void attend(const std::string& user, const std::string& lesson, course_span span);
  void watched(const std::string& user, const std::string& lesson, int pct);
  void complete(const std::string& user, std::int64_t at_ms);
  void reminded(const std::string& id) { reminded_.insert(id); }
  std::string next_id(char prefix);  // "m3", "l12": ids within the course, never reused

  // ---- enrolment flows: the event to emit ("enrolled", "requested", "invited", "declined",
  // "left") or an error; "" when nothing changes ----
  caf::expected<std::string> enrolment_step(const course_caller& who, std::string_view op,
                                            const std::string& user) const;

  // ---- attendance and progress ----
  const course_lesson* lesson(const std::string& id, std::string* module = nullptr) const;
  /// The span clipped to a live lesson's window; nullopt when it does not overlap it.
  std::optional<course_span> clip(const std::string& lesson, course_span span) const;
  lesson_progress progress_of(const std::string& user, const course_lesson& lesson) const;
  /// The documented progress JSON of `user`.
  nlohmann::json progress_json(const std::string& user) const;
  /// Whether the student's progress meets the completion rule (and has not been recorded).
  bool newly_complete(const std::string& user) const;
  /// One row per student × lesson (managers' report and CSV).
  nlohmann::json report_rows() const;
  const std::vector<course_span>* spans(const std::string& user, const std::string& lesson) const;

  /// Reminders due at `now_ms`: [{"id","lesson","reminder":"24h"|"15m","starts_at_ms",
  /// "title"}] not yet sent.
  nlohmann::json due_reminders(std::int64_t now_ms) const;

  // ---- JSON ----
  nlohmann::json to_json() const;
  /// {"students":[{"user","enrolled_at_ms","completed_at_ms"}],"requests":[…],"invitations":[…]}
  nlohmann::json people_json() const;
  /// The read model's row: {"title","channel","org","enrolment","timezone","lessons":[…]}.
  nlohmann::json index_json() const;
  nlohmann::json snapshot() const;
  void restore(const nlohmann::json& j);

  const std::string& title() const { return title_; }
  const std::string& channel() const { return channel_; }
  const std::string& enrolment() const { return enrolment_; }
  const std::string& timezone() const { return timezone_; }
  const std::vector<course_module>& modules() const { return modules_; }
  const std::map<std::string, std::int64_t, std::less<>>& students() const { return students_; }
  std::size_t lesson_count() const;

  std::string id;

 private:
  bool alive_ = false;
  std::string title_;
  std::string description_;
  std::string channel_;
  std::string org_;
  std::string timezone_ = "UTC";
  std::string enrolment_ = "open";
  std::string created_by_;
  std::int64_t created_at_ms_ = 0;
  std::vector<std::string> instructors_;
  std::vector<std::string> assistants_;
  std::vector<course_module> modules_;
  int rule_attendance_pct_ = 75;
  bool rule_all_modules_ = true;
  std::int64_t next_id_ = 1;
  std::map<std::string, std::int64_t, std::less<>> students_;
  std::map<std::string, std::int64_t, std::less<>> requests_;
  std::map<std::string, std::int64_t, std::less<>> invitations_;
  std::map<std::string, std::int64_t, std::less<>> completed_;
  // user → lesson → disjoint spans, ascending, at most intervals_max
  std::map<std::string, std::map<std::string, std::vector<course_span>, std::less<>>, std::less<>>
    presence_;
  std::map<std::string, std::map<std::string, int, std::less<>>, std::less<>> watched_;
  std::set<std::string, std::less<>> reminded_;
};

/// Checks a creation body {"title","description"?,"channel","timezone"?,"enrolment"?,
/// "completion"?}; answers the normalised body (defaults filled in) or invalid_argument.
caf::expected<nlohmann::json> parse_course_create(const nlohmann::json& body);
/// Checks a patch {"title"?,"description"?,"timezone"?,"enrolment"?,"completion"?,
/// "instructors"?,"assistants"?}; answers the normalised patch.
caf::expected<nlohmann::json> parse_course_patch(const nlohmann::json& body);

}  // namespace aethex::actors
