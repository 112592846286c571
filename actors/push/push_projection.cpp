#include "actors/push/push_projection.hpp"

#include <stdexcept>

#include "storage/event_schema.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

constexpr std::string_view push_subs_prefix = "push_subs/";
constexpr std::string_view push_follows_prefix = "follows/";

const storage::event_schema_registry& push_schemas() {
  static storage::event_schema_registry registry;
  static const bool declared = [] {
    for (auto* type : {"push.subscribed", "push.unsubscribed", "follow.started", "follow.stopped",
                       "follow.prefs_changed"})
      registry.declare(type, 1);
    return true;
  }();
  (void)declared;
  return registry;
}

void set_follow(storage::sqlite::database& db, std::string_view user, const std::string& channel,
                bool on) {
  if (on)
    db.prepare("INSERT OR IGNORE INTO push_follows(channel, user) VALUES(?1, ?2)")
      .bind(1, channel)
      .bind(2, user)
      .run();
  else
    db.prepare("DELETE FROM push_follows WHERE channel = ?1 AND user = ?2")
      .bind(1, channel)
      .bind(2, user)
      .run();
}

}  // namespace

void push_projection::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS push_subscriptions(user TEXT NOT NULL, id TEXT NOT NULL, "
    "endpoint TEXT NOT NULL, p256dh TEXT NOT NULL, auth TEXT NOT NULL, PRIMARY KEY(user, id))");
  db.exec(
    "CREATE TABLE IF NOT EXISTS push_follows(channel TEXT NOT NULL, user TEXT NOT NULL, "
    "PRIMARY KEY(channel, user))");
}

void push_projection::reset(storage::sqlite::database& db) {
  db.exec("DELETE FROM push_subscriptions");
  db.exec("DELETE FROM push_follows");
}

void push_projection::apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) {
  bool subs = e.stream.starts_with(push_subs_prefix);
  if (!subs && !e.stream.starts_with(push_follows_prefix))
    return;
  if (!push_schemas().supported(e.data.type))
    return;
  if (auto problem = push_schemas().check(e))
    throw std::runtime_error(*problem);
  auto body = json::parse(e.data.payload, nullptr, false);
  if (!body.is_object())
    throw std::runtime_error("push: malformed payload in " + e.stream);
  auto& db = tx.db();
  auto user = std::string_view{e.stream}.substr(e.stream.find('/') + 1);
  if (subs) {
    if (e.data.type == "push.subscribed")
      db.prepare(
          "INSERT OR REPLACE INTO push_subscriptions(user, id, endpoint, p256dh, auth) "
          "VALUES(?1, ?2, ?3, ?4, ?5)")
        .bind(1, user)
        .bind(2, body.value("id", std::string{}))
        .bind(3, body.value("endpoint", std::string{}))
        .bind(4, body.value("p256dh", std::string{}))
        .bind(5, body.value("auth", std::string{}))
        .run();
    else
      db.prepare("DELETE FROM push_subscriptions WHERE user = ?1 AND id = ?2")
        .bind(1, user)
        .bind(2, body.value("id", std::string{}))
        .run();
    return;
  }
  auto channel = body.value("channel", std::string{});
  if (e.data.type == "follow.started")
    set_follow(db, user, channel, true);
  else if (e.data.type == "follow.stopped")
    set_follow(db, user, channel, false);
  else
    set_follow(db, user, channel, body.value("notify", true));
}

std::optional<std::uint64_t> push_projection::row_count(storage::sqlite::database& db) const {
  auto count = db.prepare(
    "SELECT (SELECT COUNT(*) FROM push_subscriptions) + (SELECT COUNT(*) FROM push_follows)");
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

json push_followers_query(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto rows = db.prepare("SELECT user FROM push_follows WHERE channel = ?1");
  rows.bind(1, args.value("channel", std::string{}));
  json out = json::array();
  while (rows.step()) {
    auto user = rows.column_text(0);
    if (owns("follows", user))
      out.push_back(json{{"user", std::move(user)}});
  }
  return out;
}

json push_subscriptions_query(storage::sqlite::database& db, const json& args,
                              const owns_fn& owns) {
  auto rows = db.prepare(
    "SELECT id, endpoint, p256dh, auth FROM push_subscriptions WHERE user = ?1");
  json out = json::array();
  std::size_t asked = 0;
  for (auto& user : args.value("users", json::array())) {
    if (!user.is_string() || ++asked > push_users_per_query)
      continue;
    auto name = user.get<std::string>();
    if (!owns("push_subs", name))
      continue;
    rows.reset();
    rows.bind(1, name);
    while (rows.step())
      out.push_back(json{{"user", name},
                         {"id", rows.column_text(0)},
                         {"endpoint", rows.column_text(1)},
                         {"p256dh", rows.column_text(2)},
                         {"auth", rows.column_text(3)}});
  }
  return out;
}

}  // namespace aethex::actors
