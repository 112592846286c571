// Read model of courses (SQLite): the catalogue, each course's live lessons (for attendance,
// reminders and calendars), its students, and the reminders already sent. Fed by the events of
// streams "course/<id>" (course.indexed carries the course's row and live lessons whole);
// course/<id> stays the authority on every rule.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"
#include "storage/read_model.hpp"

namespace aethex::actors {

class course_projection final : public storage::projection {
 public:
  static constexpr std::string_view projection_name = "courses";

  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;
};

namespace course_queries {
/// {"channel"?, "org"?, "limit"?} -> [{"course","title","channel","org","enrolment",
/// "timezone","next_starts_at_ms"}] newest first.
inline constexpr std::string_view list = "courses.list";
/// {"user"} -> [{"course","title","channel","enrolled_at_ms"}]
inline constexpr std::string_view of_user = "courses.of_user";
/// {"channel","from_ms","to_ms"} -> [{"course","lesson"}]: live lessons overlapping the span.
inline constexpr std::string_view live_on = "courses.live_on";
/// {"now_ms"} -> [{"course"}]: courses with a reminder due and not yet sent.
inline constexpr std::string_view due = "courses.due";
}  // namespace course_queries

void add_course_queries(read_query_table& queries);

}  // namespace aethex::actors
