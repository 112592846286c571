// Read model of direct messages: every thread's history and, per participant, the thread list
// with the last message and the read mark (unread = the other side's messages past it). Fed by
// dm.sent / dm.read of streams "dm/<a.b>"; each member holds the threads whose entities it owns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"
#include "storage/read_model.hpp"

namespace aethex::actors {

class dm_projection final : public storage::projection {
 public:
  static constexpr std::string_view projection_name = "direct_messages";

  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  /// Throws on an event schema newer than this code understands or a malformed payload.
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;
};

/// Most threads one listing returns, newest first.
inline constexpr std::size_t max_listed_threads = 200;
/// Most messages one history page returns.
inline constexpr std::size_t max_history_page = 100;

/// "messaging.dm_threads" {"user"} → the user's owned threads:
/// {"with","last":{"id","from","text","at_ms"},"unread"}.
nlohmann::json dm_threads_query(storage::sqlite::database& db, const nlohmann::json& args,
                                const owns_fn& owns);
/// "messaging.dm_history" {"thread","before"?,"limit"} → messages before id `before` (0: the
/// newest), oldest first: {"id","from","text","at_ms"}; nothing unless this member owns it.
nlohmann::json dm_history_query(storage::sqlite::database& db, const nlohmann::json& args,
                                const owns_fn& owns);

}  // namespace aethex::actors
