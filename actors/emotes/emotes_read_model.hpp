// Read model of the emotes domain: `emotes`, one row per upload (emotes/* events), for the
// operator's list of recent uploads across channels (post-moderation, docs/emotes.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "actors/core/module.hpp"
#include "storage/read_model.hpp"

namespace aethex::actors {

class emotes_projection final : public storage::projection {
 public:
  static constexpr std::string_view projection_name = "emotes";

  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  /// Throws on an event schema newer than this code understands or a malformed payload.
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;
};

namespace emote_queries {
/// {"limit"} → the listed emotes of the owned channels, newest first: emote JSON + "channel".
inline constexpr std::string_view recent = "emotes.recent";
}  // namespace emote_queries

void add_emote_queries(read_query_table& queries);

}  // namespace aethex::actors
