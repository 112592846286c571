#include "actors/ledger/ledger_read_model.hpp"

#include <algorithm>

#include "actors/core/read_model_support.hpp"
#include "actors/ledger/ledger_book.hpp"
#include "storage/event_schema.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

const storage::event_schema_registry& ledger_schemas() {
  static storage::event_schema_registry registry;
  static const bool declared = [] {
    for (auto type : {"ledger.accounts_opened", "ledger.transfers"})
      registry.declare(type, 1);
    return true;
  }();
  (void)declared;
  return registry;
}

json statement(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  if (!owns("ledger", std::string{"main"}))
    return json::array();
  auto limit = std::clamp(args.value("limit", std::int64_t{50}), std::int64_t{1},
                          std::int64_t{500});
  auto before = args.value("before", std::int64_t{0});
  auto rows = db.prepare(
    "SELECT position, transfer, kind, side, amount, code, counterparty, at_ms FROM ledger_entries "
    "WHERE account = ?1 AND (?2 = 0 OR position < ?2) ORDER BY position DESC LIMIT ?3");
  rows.bind(1, args.value("account", std::string{})).bind(2, before).bind(3, limit);
  json out = json::array();
  while (rows.step())
    out.push_back(json{{"position", rows.column_int64(0)},
                       {"transfer", rows.column_text(1)},
                       {"kind", rows.column_text(2)},
                       {"side", rows.column_text(3)},
                       {"amount", rows.column_int64(4)},
                       {"code", rows.column_text(5)},
                       {"counterparty", rows.column_text(6)},
                       {"at_ms", rows.column_int64(7)}});
  return out;
}

}  // namespace

void ledger_projection::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS ledger_entries(position INTEGER PRIMARY KEY AUTOINCREMENT, "
    "account TEXT NOT NULL, transfer TEXT NOT NULL, kind TEXT NOT NULL, side TEXT NOT NULL, "
    "amount INTEGER NOT NULL, code TEXT NOT NULL, counterparty TEXT NOT NULL, "
    "at_ms INTEGER NOT NULL)");
  db.exec(
    "CREATE INDEX IF NOT EXISTS ledger_entries_by_account ON ledger_entries(account, "
    "position)");
}

void ledger_projection::reset(storage::sqlite::database& db) {
  db.exec("DELETE FROM ledger_entries");
}

void ledger_projection::apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) {
  if (!e.stream.starts_with("ledger/") || e.data.type != "ledger.transfers")
    return;
  auto body = projected_payload(ledger_schemas(), e, projection_name);
  auto insert = tx.db().prepare(
    "INSERT INTO ledger_entries(account, transfer, kind, side, amount, code, counterparty, at_ms) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  for (auto& t : body.at("transfers")) {
    auto r = ledger::record_from_json(t);
    auto transfer = r.id.empty() ? r.pending_id : r.id;  // an expiry names its pending transfer
    for (auto [account, side, other] :
         {std::tuple{r.debit, "debit", r.credit}, std::tuple{r.credit, "credit", r.debit}}) {
      insert.reset();
      insert.bind(1, account)
        .bind(2, transfer)
        .bind(3, ledger::kind_name(r.kind))
        .bind(4, side)
        .bind(5, r.amount)
        .bind(6, r.code)
        .bind(7, other)
        .bind(8, e.data.timestamp_ms)
        .run();
    }
  }
}

std::optional<std::uint64_t> ledger_projection::row_count(storage::sqlite::database& db) const {
  auto count = db.prepare("SELECT COUNT(*) FROM ledger_entries");
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

void add_ledger_queries(read_query_table& queries) {
  queries[std::string{ledger_queries::statement}] = statement;
}

}  // namespace aethex::actors
