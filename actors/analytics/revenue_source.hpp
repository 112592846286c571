// Revenue on the creator dashboard, once a monetization domain exists. That domain implements
// revenue_source over its own read model and registers it from its module's add_queries() with
// add_revenue_source(); the analytics route then asks every member (env.query) and shows the
// merged rows as `revenue`. Until one is registered the route answers "revenue": null.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"

namespace aethex::actors {

/// Money a channel earned in one bucket, in one currency (minor units: cents).
struct revenue_row {
  std::int64_t t = 0;  // bucket start, ms
  std::string currency;
  std::int64_t amount_minor = 0;
  std::string product;  // "sub" | "tip" | "gift"; "" when the source does not say
};

class revenue_source {
 public:
  virtual ~revenue_source() = default;
  /// The rows of `channel` for buckets of `bucket_ms` starting in [from_ms, to_ms), counting only
  /// entities `owns` says are this member's (members' rows are added up per t and currency).
  virtual std::vector<revenue_row> revenue(storage::sqlite::database& db, std::string_view channel,
                                           std::int64_t from_ms, std::int64_t to_ms,
                                           std::int64_t bucket_ms, const owns_fn& owns) const = 0;
};

/// The read query the analytics route asks: {"channel","from","to","bucket_ms"} →
/// [{"t","currency","amount_minor","product"}]. Absent until a revenue_source is registered
/// (actors/payouts registers one: net earnings from the ledger).
inline constexpr std::string_view revenue_query = "analytics.revenue";

inline void add_revenue_source(read_query_table& queries,
                               std::shared_ptr<const revenue_source> source) {
  queries[std::string{revenue_query}] = [source](storage::sqlite::database& db,
                                                 const nlohmann::json& args, const owns_fn& owns) {
    nlohmann::json out = nlohmann::json::array();
    for (auto& r :
         source->revenue(db, args.value("channel", std::string{}),
                         args.value("from", std::int64_t{0}), args.value("to", std::int64_t{0}),
                         args.value("bucket_ms", std::int64_t{3'600'000}), owns))
      out.push_back({{"t", r.t},
                     {"currency", r.currency},
                     {"amount_minor", r.amount_minor},
                     {"product", r.product}});
    return out;
  };
}

}  // namespace aethex::actors
