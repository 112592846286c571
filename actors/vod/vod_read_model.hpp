// Read models of the VOD domain and the read queries its routes and keeper run on them:
//  - `vods`: one row per VOD (vod/* events), for a channel's list, retention and disk figures;
//  - `vod_chat`: the chat of every room (chat/* events) as it stands after moderation, for the
//    replay next to a VOD. A deleted message is hidden; a ban or timeout hides the user's earlier
//    messages, as Twitch's chat does at that moment; later unbans bring nothing back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"
#include "storage/read_model.hpp"

namespace aethex::actors {

class vods_projection final : public storage::projection {
 public:
  static constexpr std::string_view projection_name = "vods";

  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  /// Throws on an event schema newer than this code understands.
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;
};

class vod_chat_projection final : public storage::projection {
 public:
  static constexpr std::string_view projection_name = "vod_chat";

  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;
};

/// Names of the read queries (env.query), each answering a JSON array of rows.
namespace vod_queries {
/// {"channel","limit","privacies":[...]} → a channel's VODs of those privacies, newest first:
/// rows {"id","channel","title","category","node","started_at_ms","duration_ms","bytes",
/// "privacy","state","views","expires_at_ms"}.
inline constexpr std::string_view channel = "vod.channel";
/// {"ids":[...]} → those VODs' rows (deleted ones left out), in no particular order.
inline constexpr std::string_view by_ids = "vod.by_ids";
/// {"now_ms"} → [{"id","node"}]: VODs past their expiry, not deleted yet.
inline constexpr std::string_view expired = "vod.expired";
/// {} → [{"node","vods","bytes"}]: what the VODs kept take on each node's disk.
inline constexpr std::string_view disk = "vod.disk";
/// {"channel","from_ms","to_ms","limit"} → [{"id","user","text","badges","at_ms"}]: the
/// channel's visible chat messages with from_ms <= at_ms < to_ms, in time order.
inline constexpr std::string_view chat = "vod.chat";
}  // namespace vod_queries

/// Adds the queries above.
void add_vod_queries(read_query_table& queries);

}  // namespace aethex::actors
