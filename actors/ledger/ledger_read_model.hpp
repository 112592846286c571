// Read model of the ledger: `ledger_entries`, one row per leg of every journaled transfer (the
// debit leg and the credit leg), for an account's statement and monthly reports.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "actors/core/module.hpp"
#include "storage/read_model.hpp"

namespace aethex::actors {

class ledger_projection final : public storage::projection {
 public:
  static constexpr std::string_view projection_name = "ledger_entries";

  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  /// Throws on an event schema newer than this code understands or a malformed payload.
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;
};

namespace ledger_queries {
/// {"account","limit","before"} → the account's entries, newest first: {"position","transfer",
/// "kind","side","amount","code","counterparty","at_ms"}; `before` pages by position.
inline constexpr std::string_view statement = "ledger.statement";
}  // namespace ledger_queries

void add_ledger_queries(read_query_table& queries);

}  // namespace aethex::actors
