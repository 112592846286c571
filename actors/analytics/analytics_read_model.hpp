// The `analytics` read model: per channel rollups written as events are projected, so the
// dashboard reads a few hundred rows whatever the channel's size (docs/analytics.md).
//
//  - analytics_minutes / _hours / _days: per (channel, bucket start, part) the peak of viewers,
//    watch seconds, views, chat messages, new and lost followers. `part` is the partition of the
//    stream the figures came from (analytics/<c>, chat/<c>, follows/<user>): in a cluster a
//    member answers only for the partitions it owns, so each figure is counted by one member;
//  - analytics_viewer_days / analytics_chatter_days: who watched / chatted on a UTC day, for
//    unique counts;
//  - analytics_sources: views per UTC day and traffic source;
//  - analytics_followers: the channel's current followers with the time they followed;
//  - analytics_sessions: the channel's live sessions (stream/<c>-<session>).
// Minute rows are kept 35 days, hour rows and the day sets 400 days (pruned by the events' own
// times, so a rebuild prunes alike); day rows, sources and sessions are kept.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"
#include "storage/read_model.hpp"

namespace aethex::actors {

namespace analytics_retention {
inline constexpr std::int64_t day_ms = 86'400'000;
inline constexpr std::int64_t hour_ms = 3'600'000;
inline constexpr std::int64_t minutes_kept_ms = 35 * day_ms;
inline constexpr std::int64_t hours_kept_ms = 400 * day_ms;
inline constexpr std::int64_t day_sets_kept_ms = 400 * day_ms;
}  // namespace analytics_retention

class analytics_projection final : public storage::projection {
 public:
  static constexpr std::string_view projection_name = "analytics";

  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  /// Throws on an event schema newer than this code understands.
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;
};

/// Names of the read queries (env.query), each answering a JSON array of rows.
namespace analytics_queries {
/// {"channel","from","to"} or {"channel","session"} → [{"id","started_at_ms","ended_at_ms"}]:
/// the channel's sessions overlapping [from, to) (ended_at_ms 0 while live), or that session.
inline constexpr std::string_view sessions = "analytics.sessions";
/// {"channel","from","to","bucket_ms","followers","sessions":[[id, from, to], ...]} → rows
/// tagged by "k": "point" {t, viewers, watch_s, views, chat_messages, new_followers,
/// lost_followers} per bucket start with figures (partial per member: sum them, max viewers),
/// "unique_viewers"/"unique_chatters" {n} over the UTC days the range touches, "source" {source,
/// views} over those days, "follower" {user, at_ms} (newest first, at most "followers"),
/// "session" {id, peak_viewers, watch_time_s, views} for each given range.
inline constexpr std::string_view dashboard = "analytics.dashboard";
}  // namespace analytics_queries

/// Adds the queries above.
void add_analytics_queries(read_query_table& queries);

/// Bucket widths the dashboard knows.
inline constexpr std::int64_t analytics_minute_ms = 60'000;

}  // namespace aethex::actors
