// When subscriptions fall due, whatever entity is active: the read model keeps, per live
// subscriber, the time of their next renewal, retry or end, and the node's renewer asks every
// few seconds which channels are due on the node's clock (env.clock: `serve --test-clock` moves
// it) and ticks those entities. The follows read model lends the candidates of random gifts.
#include <algorithm>

#include <caf/all.hpp>

#include "actors/core/entity_ref.hpp"
#include "actors/core/read_model_support.hpp"
#include "actors/subscriptions/internal.hpp"
#include "actors/subscriptions/subscriptions.hpp"
#include "storage/event_schema.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

constexpr std::string_view subs_stream_prefix = "subscriptions/";

const storage::event_schema_registry& subs_schemas() {
  static storage::event_schema_registry registry;
  static const bool declared = [] {
    for (auto type : {"subscriptions.tiers_set", "subscriptions.granted", "subscriptions.past_due",
                      "subscriptions.cancel_set", "subscriptions.ended"})
      registry.declare(type, 1);
    return true;
  }();
  (void)declared;
  return registry;
}

json due_channels(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto rows = db.prepare("SELECT DISTINCT channel FROM subscription_due WHERE due_ms <= ?1");
  rows.bind(1, args.value("now_ms", std::int64_t{0}));
  json out = json::array();
  while (rows.step() && out.size() < 1000)
    if (auto channel = rows.column_text(0); owns("subscriptions", channel))
      out.push_back(json{{"channel", channel}});
  return out;
}

// Followers of the channel who are not subscribed, in random order (each member its own users).
json gift_candidates(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto channel = args.value("channel", "");
  auto rows = db.prepare(
    "SELECT user FROM follows WHERE channel = ?1 AND user NOT IN "
    "(SELECT user FROM subscription_due WHERE channel = ?1) ORDER BY random() LIMIT ?2");
  rows.bind(1, channel);
  rows.bind(2, static_cast<std::int64_t>(subscription_limits::max_candidates));
  json out = json::array();
  while (rows.step())
    if (auto user = rows.column_text(0); owns("follows", user))
      out.push_back(json{{"user", user}});
  return out;
}

struct renewer_state {
  static inline const char* name = "subscription_renewer";
};

caf::behavior renewer(caf::stateful_actor<renewer_state>* self, node_env env,
                      std::chrono::milliseconds every) {
  self->send(self, sub_tick_atom::value);
  return {
    [self, env, every](sub_tick_atom) {
      self->delayed_send(self, every, sub_tick_atom::value);
      env.query(std::string{subscription_queries::due}, json{{"now_ms", env.clock->now_ms()}},
                [registry = env.registry](caf::expected<std::vector<json>> rows) {
                  if (!rows)
                    return;
                  for (auto& row : *rows)
                    entity_ref<subscriptions_protocol>{registry, row.value("channel", "")}.tell(
                      sub_tick_atom::value);
                });
    },
  };
}

}  // namespace

void subscriptions_projection::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS subscription_due(channel TEXT NOT NULL, user TEXT NOT NULL, "
    "tier INTEGER NOT NULL, due_ms INTEGER NOT NULL, PRIMARY KEY(channel, user))");
  db.exec("CREATE INDEX IF NOT EXISTS subscription_due_by_time ON subscription_due(due_ms)");
}

void subscriptions_projection::reset(storage::sqlite::database& db) {
  db.exec("DELETE FROM subscription_due");
}

void subscriptions_projection::apply(storage::sqlite::transaction& tx,
                                     const storage::recorded_event& e) {
  if (!e.stream.starts_with(subs_stream_prefix))
    return;
  auto body = projected_payload(subs_schemas(), e, projection_name);
  auto channel = e.stream.substr(subs_stream_prefix.size());
  auto user = body.value("user", "");
  const auto& type = e.data.type;
  if (type == "subscriptions.granted") {
    tx.db()
      .prepare(
        "INSERT OR REPLACE INTO subscription_due(channel, user, tier, due_ms) "
        "VALUES(?1, ?2, ?3, ?4)")
      .bind(1, channel)
      .bind(2, user)
      .bind(3, body.value("tier", std::int64_t{1}))
      .bind(4, body.value("period_end_ms", std::int64_t{0}))
      .run();
  } else if (type == "subscriptions.past_due") {
    auto due = std::min(body.value("retry_at_ms", std::int64_t{0}),
                        body.value("grace_until_ms", std::int64_t{0}));
    tx.db()
      .prepare("UPDATE subscription_due SET due_ms = ?3 WHERE channel = ?1 AND user = ?2")
      .bind(1, channel)
      .bind(2, user)
      .bind(3, due)
      .run();
  } else if (type == "subscriptions.ended") {
    tx.db()
      .prepare("DELETE FROM subscription_due WHERE channel = ?1 AND user = ?2")
      .bind(1, channel)
      .bind(2, user)
      .run();
  }
}

std::optional<std::uint64_t> subscriptions_projection::row_count(
  storage::sqlite::database& db) const {
  auto count = db.prepare("SELECT COUNT(*) FROM subscription_due");
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

void add_subscription_queries(read_query_table& queries) {
  queries[std::string{subscription_queries::due}] = due_channels;
  queries[std::string{subscription_queries::candidates}] = gift_candidates;
}

caf::actor spawn_subscription_renewer(const node_env& env, std::chrono::milliseconds every) {
  return env.sys->spawn(renewer, env, every);
}

}  // namespace aethex::actors
