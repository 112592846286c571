// Read model of the clip domain: `clips`, one row per clip (clip/* events), for a channel's
// clips (recent or top, and the owner's dashboard with clips still rendering or failed) and
// the trending list across channels.
//
// Trending: score = (3 * likes + views) / (age_hours + 2)^1.5 over the ready clips made in the
// last 7 days (age from the node's injected clock, never below 0). A like weighs three views;
// the +2 hours keep a brand-new clip from dividing by almost nothing, and the power 1.5 lets a
// clip's score fall as it ages (Hacker News' ranking with its gravity lowered from 1.8, as clips
// keep their audience longer than a link does).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/clip/clip.hpp"
#include "actors/core/module.hpp"
#include "storage/read_model.hpp"

namespace aethex::actors {

class clips_projection final : public storage::projection {
 public:
  static constexpr std::string_view projection_name = "clips";

  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  /// Throws on an event schema newer than this code understands or a malformed payload.
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;
};

/// Clips made longer ago than this are not trending.
inline constexpr std::int64_t trending_window_ms = 7LL * 24 * 3600 * 1000;

/// The trending score above, for a clip `age_ms` old (negative ages count as 0).
double clip_trending_score(std::uint64_t likes, std::uint64_t views, std::int64_t age_ms);

/// Names of the read queries (env.query), each answering a JSON array of rows shaped like
/// clip_row_json (the trending rows with their "score" too).
namespace clip_queries {
/// {"channel","sort":"recent"|"top","limit","all_states":bool} → the channel's clips not
/// deleted: ready ones, or every state when all_states; recent = newest first, top = most likes
/// (then views, then newest) first.
inline constexpr std::string_view channel = "clip.channel";
/// {"now_ms","limit"} → the highest trending scores among the owned clips, best first.
inline constexpr std::string_view trending = "clip.trending";
}  // namespace clip_queries

/// Adds the queries above.
void add_clip_queries(read_query_table& queries);

/// A row of the queries above as the clip it shows (what GET clips/{id} answers is made from
/// the same view).
clip_view clip_of_row(const nlohmann::json& row);

}  // namespace aethex::actors
