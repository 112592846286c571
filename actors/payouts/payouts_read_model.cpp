#include "actors/payouts/payouts_read_model.hpp"

#include "actors/analytics/revenue_source.hpp"
#include "actors/core/read_model_support.hpp"
#include "actors/ledger/ledger_book.hpp"
#include "storage/event_schema.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
namespace lg = ledger;

const storage::event_schema_registry& payout_schemas() {
  static storage::event_schema_registry registry;
  static const bool declared = [] {
    for (auto type : {"ledger.transfers", "payouts.held", "payouts.requested", "payouts.paid",
                      "payouts.failed"})
      registry.declare(type, 1);
    return true;
  }();
  (void)declared;
  return registry;
}

// "channel:alice:earnings" (or ":earnings:eur") -> "alice"; "" for other accounts.
std::string channel_of_earnings(std::string_view account) {
  constexpr std::string_view head = "channel:";
  if (!account.starts_with(head))
    return {};
  auto rest = account.substr(head.size());
  auto colon = rest.find(':');
  if (colon == std::string_view::npos || rest.substr(colon + 1, 8) != "earnings")
    return {};
  return std::string{rest.substr(0, colon)};
}

bool is_product(std::string_view code) { return code == "sub" || code == "tip" || code == "gift"; }

// One column of a payment's row, creating the row when its first leg arrives.
void upsert_leg(storage::sqlite::transaction& tx, const std::string& payment, const char* column,
                std::int64_t amount, std::int64_t at_ms) {
  auto sql = std::string{"INSERT INTO payout_payments(payment, at_ms, "} + column +
             ") VALUES(?1, ?2, ?3) ON CONFLICT(payment) DO UPDATE SET " + column + " = ?3";
  tx.db().prepare(sql).bind(1, payment).bind(2, at_ms).bind(3, amount).run();
}

void apply_ledger(storage::sqlite::transaction& tx, const json& body, std::int64_t at_ms) {
  for (auto& t : body.at("transfers")) {
    auto r = lg::record_from_json(t);
    bool opens = r.kind == lg::transfer_kind::pending || r.kind == lg::transfer_kind::posted;
    if (opens && r.id.starts_with("earn:")) {
      auto channel = channel_of_earnings(r.credit);
      if (channel.empty())
        continue;
      tx.db()
        .prepare(
          "INSERT INTO payout_payments(payment, channel, product, net, status, at_ms) "
          "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(payment) DO UPDATE SET channel = ?2, "
          "product = CASE WHEN product = '' THEN ?3 ELSE product END, net = ?4, status = ?5, "
          "at_ms = ?6")
        .bind(1, r.id.substr(5))
        .bind(2, channel)
        .bind(3, is_product(r.code) ? r.code : std::string{})
        .bind(4, r.amount)
        .bind(5, r.kind == lg::transfer_kind::pending ? "held" : "released")
        .bind(6, at_ms)
        .run();
    } else if (opens && r.id.starts_with("cut:")) {
      upsert_leg(tx, r.id.substr(4), "cut", r.amount, at_ms);
    } else if (opens && r.id.starts_with("fee:")) {
      upsert_leg(tx, r.id.substr(4), "fee", r.amount, at_ms);
    } else if (opens && r.id.starts_with("rev:earn:")) {
      // A refund or lost dispute after the hold ended: the earnings went back (payments).
      tx.db()
        .prepare("UPDATE payout_payments SET status = 'refunded' WHERE payment = ?1")
        .bind(1, r.id.substr(9))
        .run();
    } else if (r.pending_id.starts_with("earn:")) {
      bool posted = r.kind == lg::transfer_kind::post;
      tx.db()
        .prepare("UPDATE payout_payments SET status = ?2, released_at_ms = ?3 WHERE payment = ?1")
        .bind(1, r.pending_id.substr(5))
        .bind(2, posted ? "released" : "refunded")
        .bind(3, at_ms)
        .run();
    }
  }
}

void apply_payouts(storage::sqlite::transaction& tx, const std::string& channel,
                   const std::string& type, const json& body, std::int64_t at_ms) {
  if (type == "payouts.held") {
    tx.db()
      .prepare(
        "INSERT INTO payout_payments(payment, channel, product, currency, at_ms, release_at_ms) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(payment) DO UPDATE SET currency = ?4, "
        "product = CASE WHEN ?3 = '' THEN product ELSE ?3 END, release_at_ms = ?6")
      .bind(1, body.at("payment").get<std::string>())
      .bind(2, channel)
      .bind(3, body.value("product", ""))
      .bind(4, body.value("currency", ""))
      .bind(5, at_ms)
      .bind(6, body.value("release_at_ms", std::int64_t{0}))
      .run();
  } else if (type == "payouts.requested") {
    tx.db()
      .prepare(
        "INSERT OR REPLACE INTO payout_history(channel, n, amount, currency, status, "
        "requested_at_ms, settled_at_ms) VALUES(?1, ?2, ?3, ?4, 'pending', ?5, 0)")
      .bind(1, channel)
      .bind(2, body.at("n").get<std::int64_t>())
      .bind(3, body.at("amount").get<std::int64_t>())
      .bind(4, body.value("currency", ""))
      .bind(5, at_ms)
      .run();
  } else if (type == "payouts.paid" || type == "payouts.failed") {
    tx.db()
      .prepare(
        "UPDATE payout_history SET status = ?3, settled_at_ms = ?4 WHERE channel = ?1 AND n = ?2")
      .bind(1, channel)
      .bind(2, body.at("n").get<std::int64_t>())
      .bind(3, type == "payouts.paid" ? "paid" : "failed")
      .bind(4, at_ms)
      .run();
  }
}

json statement_rows(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  json out = json::array();
  auto channel = args.value("channel", std::string{});
  auto from = args.value("from", std::int64_t{0});
  auto to = args.value("to", std::int64_t{0});
  if (owns("ledger", "main")) {
    auto rows = db.prepare(
      "SELECT payment, product, currency, cut, fee, net, status, at_ms FROM payout_payments "
      "WHERE channel = ?1 AND at_ms >= ?2 AND at_ms < ?3 ORDER BY at_ms, payment LIMIT 20000");
    rows.bind(1, channel).bind(2, from).bind(3, to);
    while (rows.step()) {
      auto cut = rows.column_int64(3), fee = rows.column_int64(4), net = rows.column_int64(5);
      out.push_back(json{{"row", "payment"},
                         {"payment", rows.column_text(0)},
                         {"product", rows.column_text(1)},
                         {"currency", rows.column_text(2)},
                         {"gross", cut + fee + net},
                         {"cut", cut},
                         {"fee", fee},
                         {"net", net},
                         {"status", rows.column_text(6)},
                         {"at_ms", rows.column_int64(7)}});
    }
  }
  if (owns("payouts", channel)) {
    auto rows = db.prepare(
      "SELECT n, amount, currency, status, requested_at_ms, settled_at_ms FROM payout_history "
      "WHERE channel = ?1 AND ((requested_at_ms >= ?2 AND requested_at_ms < ?3) OR "
      "(settled_at_ms >= ?2 AND settled_at_ms < ?3)) ORDER BY n");
    rows.bind(1, channel).bind(2, from).bind(3, to);
    while (rows.step())
      out.push_back(json{{"row", "payout"},
                         {"n", rows.column_int64(0)},
                         {"amount", rows.column_int64(1)},
                         {"currency", rows.column_text(2)},
                         {"status", rows.column_text(3)},
                         {"requested_at_ms", rows.column_int64(4)},
                         {"settled_at_ms", rows.column_int64(5)}});
  }
  return out;
}

json open_channel_rows(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  json out = json::array();
  auto rows = db.prepare(
    "SELECT channel FROM payout_payments WHERE status = 'held' AND channel != '' AND "
    "release_at_ms > 0 AND release_at_ms <= ?1 UNION "
    "SELECT channel FROM payout_history WHERE status = 'pending'");
  rows.bind(1, args.value("now", std::int64_t{0}));
  while (rows.step()) {
    auto channel = rows.column_text(0);
    if (owns("payouts", channel))
      out.push_back(json{{"channel", channel}});
  }
  return out;
}

// Net earnings (refunds left out) per bucket and product: the dashboard's revenue.
class payouts_revenue final : public revenue_source {
 public:
  std::vector<revenue_row> revenue(storage::sqlite::database& db, std::string_view channel,
                                   std::int64_t from_ms, std::int64_t to_ms, std::int64_t bucket_ms,
                                   const owns_fn& owns) const override {
    std::vector<revenue_row> out;
    if (!owns("ledger", "main") || bucket_ms <= 0)
      return out;
    auto rows = db.prepare(
      "SELECT at_ms - at_ms % ?4 AS t, currency, product, SUM(net) FROM payout_payments "
      "WHERE channel = ?1 AND at_ms >= ?2 AND at_ms < ?3 AND status != 'refunded' "
      "GROUP BY t, currency, product ORDER BY t");
    rows.bind(1, channel).bind(2, from_ms).bind(3, to_ms).bind(4, bucket_ms);
    while (rows.step())
      out.push_back({rows.column_int64(0), rows.column_text(1), rows.column_int64(3),
                     rows.column_text(2)});
    return out;
  }
};

}  // namespace

void payouts_projection::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS payout_payments(payment TEXT PRIMARY KEY, "
    "channel TEXT NOT NULL DEFAULT '', product TEXT NOT NULL DEFAULT '', "
    "currency TEXT NOT NULL DEFAULT '', cut INTEGER NOT NULL DEFAULT 0, "
    "fee INTEGER NOT NULL DEFAULT 0, net INTEGER NOT NULL DEFAULT 0, "
    "status TEXT NOT NULL DEFAULT 'held', at_ms INTEGER NOT NULL, "
    "released_at_ms INTEGER NOT NULL DEFAULT 0, release_at_ms INTEGER NOT NULL DEFAULT 0)");
  db.exec(
    "CREATE INDEX IF NOT EXISTS payout_payments_by_channel ON payout_payments(channel, at_ms)");
  db.exec(
    "CREATE INDEX IF NOT EXISTS payout_payments_held ON payout_payments(status, release_at_ms)");
  db.exec(
    "CREATE TABLE IF NOT EXISTS payout_history(channel TEXT NOT NULL, n INTEGER NOT NULL, "
    "amount INTEGER NOT NULL, currency TEXT NOT NULL, status TEXT NOT NULL, "
    "requested_at_ms INTEGER NOT NULL, settled_at_ms INTEGER NOT NULL, PRIMARY KEY(channel, n))");
}

void payouts_projection::reset(storage::sqlite::database& db) {
  db.exec("DELETE FROM payout_payments");
  db.exec("DELETE FROM payout_history");
}

void payouts_projection::apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) {
  bool ledger_event = e.stream.starts_with("ledger/") && e.data.type == "ledger.transfers";
  bool payouts_event = e.stream.starts_with("payouts/") && e.data.type.starts_with("payouts.");
  if (!ledger_event && !payouts_event)
    return;
  if (payouts_event && !payout_schemas().supported(e.data.type))
    return;  // the tax form and the connected account are not projected
  auto body = projected_payload(payout_schemas(), e, projection_name);
  if (ledger_event)
    apply_ledger(tx, body, e.data.timestamp_ms);
  else
    apply_payouts(tx, e.stream.substr(8), e.data.type, body, e.data.timestamp_ms);
}

std::optional<std::uint64_t> payouts_projection::row_count(storage::sqlite::database& db) const {
  auto count = db.prepare(
    "SELECT (SELECT COUNT(*) FROM payout_payments) + (SELECT COUNT(*) FROM payout_history)");
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

void add_payout_queries(read_query_table& queries) {
  queries[std::string{payout_queries::statement}] = statement_rows;
  queries[std::string{payout_queries::open_channels}] = open_channel_rows;
  add_revenue_source(queries, std::make_shared<payouts_revenue>());
}

}  // namespace aethex::actors
