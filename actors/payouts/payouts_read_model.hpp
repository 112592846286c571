// Read model of payouts: `payout_payments` (one row per payment that earned the channel money:
// its net, the platform's cut and the fee, product, status) projected from the ledger's
// transfers (earn:/cut:/fee:<payment>, the hold's post or void) and payouts.held; and
// `payout_history` (payout requests and their outcome) from payouts/<channel>. Statements, the
// CSV export and the analytics revenue series read these tables.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "actors/core/module.hpp"
#include "storage/read_model.hpp"

namespace aethex::actors {

class payouts_projection final : public storage::projection {
 public:
  static constexpr std::string_view projection_name = "payouts";

  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;
};

namespace payout_queries {
/// {"channel","from","to"} -> the channel's payments in [from, to): {"row": "payment",
/// "payment","product","currency","gross","cut","fee","net","status","at_ms"}, and its payouts
/// requested or settled then: {"row": "payout","n","amount","currency","status",
/// "requested_at_ms","settled_at_ms"}.
inline constexpr std::string_view statement = "payouts.statement";
/// {"now"} -> {"channel"} of every channel with a hold due by `now` or a payout in flight.
inline constexpr std::string_view open_channels = "payouts.open_channels";
}  // namespace payout_queries

/// The queries above and the analytics revenue source (net earnings per bucket and product).
void add_payout_queries(read_query_table& queries);

}  // namespace aethex::actors
