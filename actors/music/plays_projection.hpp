// Read model of every play of every channel (music.played of music/<channel>), by channel and
// time: the VOD chapters (GET vods/{id}/chapters) are the plays inside a VOD's recording. The
// entity keeps only the last 500 plays; this keeps them all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"
#include "storage/read_model.hpp"

namespace aethex::actors {

class music_plays_projection final : public storage::projection {
 public:
  static constexpr std::string_view projection_name = "music_plays";

  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  /// Throws on an event schema newer than this code understands or a malformed payload.
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;
};

/// Chapters a VOD lists at most.
inline constexpr std::int64_t music_chapters_max = 1000;

/// The query "music.plays" (args {"channel","from_ms","to_ms"}): rows {"played_at_ms","title",
/// "artist","album","track","source"} of the channel's plays with from_ms <= played_at_ms <=
/// to_ms, oldest first, at most music_chapters_max, when this member owns music/<channel> —
/// led by what was playing at from_ms, when something was (played before it and not stopped).
/// A stop is a row of source "stop" (never returned).
inline constexpr std::string_view music_plays_query = "music.plays";
nlohmann::json music_plays(storage::sqlite::database& db, const nlohmann::json& args,
                           const owns_fn& owns);

}  // namespace aethex::actors
