// Projections used by tests and the crash writer to observe exactly-once application.
#pragma once

#include "storage/read_model.hpp"

namespace aethex::storage::testing {

/// Counts applied events: after catching up, the count must equal the checkpoint. A duplicate or
/// lost application (e.g. checkpoint and rows committed separately) breaks that equality.
class event_counter final : public projection {
 public:
  std::string name() const override { return "event_counter"; }
  void create_schema(sqlite::database& db) override {
    db.exec(
      "CREATE TABLE IF NOT EXISTS event_count(id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT "
      "NULL)");
    db.exec("INSERT OR IGNORE INTO event_count(id, n) VALUES(1, 0)");
  }
  void reset(sqlite::database& db) override { db.exec("UPDATE event_count SET n = 0"); }
  void apply(sqlite::transaction& tx, const recorded_event&) override {
    tx.db().exec("UPDATE event_count SET n = n + 1");
  }
  static std::int64_t count(sqlite::database& db) {
    auto q = db.prepare("SELECT n FROM event_count WHERE id = 1");
    return q.step() ? q.column_int64(0) : -1;
  }
};

}  // namespace aethex::storage::testing
