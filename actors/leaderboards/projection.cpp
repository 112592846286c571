// Read model of the leaderboards: which boards exist and who owns them (the per-owner limit) and
// every badge given (a user's achievements across games, with the user's choice to show each in
// chat). Fed by lb.created, lb.badge and lb.badge_shown of the
// streams "leaderboard/<game>"; the submissions themselves stay in the entity.
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "actors/leaderboards/internal.hpp"
#include "storage/event_schema.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

constexpr std::string_view lb_stream_prefix = "leaderboard/";

class leaderboards_projection final : public storage::projection {
 public:
  std::string name() const override { return "leaderboards"; }

  void create_schema(storage::sqlite::database& db) override {
    db.exec(
      "CREATE TABLE IF NOT EXISTS leaderboards(game TEXT PRIMARY KEY, owner TEXT NOT NULL, "
      "name TEXT NOT NULL, mode TEXT NOT NULL, created_ms INTEGER NOT NULL)");
    db.exec("CREATE INDEX IF NOT EXISTS leaderboards_by_owner ON leaderboards(owner)");
    db.exec(
      "CREATE TABLE IF NOT EXISTS lb_badges(user TEXT NOT NULL, game TEXT NOT NULL, "
      "badge TEXT NOT NULL, detail TEXT NOT NULL, at_ms INTEGER NOT NULL, "
      "show_in_chat INTEGER NOT NULL DEFAULT 0, "
      "PRIMARY KEY(user, game, badge))");
  }

  void reset(storage::sqlite::database& db) override {
    db.exec("DELETE FROM leaderboards");
    db.exec("DELETE FROM lb_badges");
  }

  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override {
    if (!e.stream.starts_with(lb_stream_prefix))
      return;
    const bool created = e.data.type == "lb.created";
    const bool badge = e.data.type == "lb.badge";
    const bool shown = e.data.type == "lb.badge_shown";
    if (!created && !badge && !shown)
      return;  // submissions, keys, rollovers: the entity's alone
    if (e.data.schema > 1)
      throw std::runtime_error("leaderboards: " + e.data.type + " schema " +
                               std::to_string(e.data.schema) + " is newer than supported");
    auto body = json::parse(e.data.payload, nullptr, false);
    if (!body.is_object())
      throw std::runtime_error("leaderboards: malformed payload in " + e.stream);
    auto game = e.stream.substr(lb_stream_prefix.size());
    if (created)
      tx.db()
        .prepare(
          "INSERT OR REPLACE INTO leaderboards(game, owner, name, mode, created_ms) "
          "VALUES(?1, ?2, ?3, ?4, ?5)")
        .bind(1, game)
        .bind(2, body.value("owner", ""))
        .bind(3, body.value("name", ""))
        .bind(4, body.value("mode", ""))
        .bind(5, e.data.timestamp_ms)
        .run();
    else if (shown)
      tx.db()
        .prepare(
          "UPDATE lb_badges SET show_in_chat = ?4 WHERE user = ?1 AND game = ?2 AND "
          "badge = ?3")
        .bind(1, body.value("player", ""))
        .bind(2, game)
        .bind(3, body.value("badge", ""))
        .bind(4, std::int64_t{body.value("show", false) ? 1 : 0})
        .run();
    else
      tx.db()
        .prepare(
          "INSERT OR IGNORE INTO lb_badges(user, game, badge, detail, at_ms) "
          "VALUES(?1, ?2, ?3, ?4, ?5)")
        .bind(1, body.value("player", ""))
        .bind(2, game)
        .bind(3, body.value("badge", ""))
        .bind(4, body.value("detail", "null"))
        .bind(5, e.data.timestamp_ms)
        .run();
  }

  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override {
    auto count = db.prepare(
      "SELECT (SELECT COUNT(*) FROM leaderboards) + "
      "(SELECT COUNT(*) FROM lb_badges)");
    count.step();
    return static_cast<std::uint64_t>(count.column_int64(0));
  }
};

json lb_owned_query(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto rows = db.prepare("SELECT game FROM leaderboards WHERE owner = ?1");
  rows.bind(1, args.value("owner", std::string{}));
  std::int64_t count = 0;
  while (rows.step())
    count += owns("leaderboard", rows.column_text(0)) ? 1 : 0;
  return json::array({json{{"owned", count}}});
}

json lb_achievements_query(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto rows = db.prepare(
    "SELECT game, badge, detail, at_ms, show_in_chat FROM lb_badges WHERE user = ?1 "
    "ORDER BY at_ms LIMIT 500");
  rows.bind(1, args.value("user", std::string{}));
  auto out = json::array();
  while (rows.step()) {
    auto game = rows.column_text(0);
    if (!owns("leaderboard", game))
      continue;
    auto detail = json::parse(rows.column_text(2), nullptr, false);
    out.push_back({{"game", game},
                   {"badge", rows.column_text(1)},
                   {"detail", detail.is_discarded() ? json(nullptr) : detail},
                   {"at_ms", rows.column_int64(3)},
                   {"show_in_chat", rows.column_int64(4) != 0}});
  }
  return out;
}

}  // namespace

std::unique_ptr<storage::projection> make_leaderboards_projection() {
  return std::make_unique<leaderboards_projection>();
}

void add_leaderboard_queries(read_query_table& queries) {
  queries["leaderboards.owned"] = lb_owned_query;
  queries["leaderboards.achievements"] = lb_achievements_query;
}

}  // namespace aethex::actors
