#include "actors/webhooks/projection.hpp"

#include <set>

#include <nlohmann/json.hpp>

namespace aethex::actors::webhooks {
namespace {

using json = nlohmann::json;

constexpr std::string_view webhooks_prefix = "webhooks/";
constexpr std::string_view vod_prefix = "vod/";

void apply_subscriptions(storage::sqlite::database& db, std::string_view channel,
                         const storage::recorded_event& e) {
  auto body = json::parse(e.data.payload, nullptr, false);
  if (!body.is_object())
    return;
  if (e.data.type == "webhooks.subscribed")
    db.prepare("INSERT OR REPLACE INTO webhook_types(channel, id, type) VALUES(?1, ?2, ?3)")
      .bind(1, channel)
      .bind(2, body.value("id", ""))
      .bind(3, body.value("type", ""))
      .run();
  else if (e.data.type == "webhooks.removed")
    db.prepare("DELETE FROM webhook_types WHERE channel = ?1 AND id = ?2")
      .bind(1, channel)
      .bind(2, body.value("id", ""))
      .run();
}

}  // namespace

webhooks_projection::webhooks_projection(std::function<void(const public_event&)> deliver,
                                         std::function<std::int64_t()> now_ms)
    : deliver_(std::move(deliver)), now_ms_(std::move(now_ms)) {}

void webhooks_projection::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS webhook_types(channel TEXT NOT NULL, id TEXT NOT NULL, "
    "type TEXT NOT NULL, PRIMARY KEY(channel, id))");
  db.exec("CREATE INDEX IF NOT EXISTS webhook_types_by_type ON webhook_types(channel, type)");
  db.exec("CREATE TABLE IF NOT EXISTS webhook_vods(vod TEXT PRIMARY KEY, channel TEXT NOT NULL)");
}

void webhooks_projection::reset(storage::sqlite::database& db) {
  db.exec("DELETE FROM webhook_types");
  db.exec("DELETE FROM webhook_vods");
}

void webhooks_projection::apply(storage::sqlite::transaction& tx,
                                const storage::recorded_event& e) {
  auto& db = tx.db();
  if (e.stream.starts_with(webhooks_prefix))
    return apply_subscriptions(db, std::string_view{e.stream}.substr(webhooks_prefix.size()), e);
  std::string hint;
  if (e.stream.starts_with(vod_prefix)) {
    auto vod = e.stream.substr(vod_prefix.size());
    if (e.data.type == "vod.recorded") {
      auto body = json::parse(e.data.payload, nullptr, false);
      if (body.is_object())
        db.prepare("INSERT OR REPLACE INTO webhook_vods(vod, channel) VALUES(?1, ?2)")
          .bind(1, vod)
          .bind(2, body.value("channel", ""))
          .run();
      return;
    }
    if (e.data.type != "vod.finished")
      return;
    auto row = db.prepare("SELECT channel FROM webhook_vods WHERE vod = ?1");
    row.bind(1, vod);
    if (row.step())
      hint = row.column_text(0);
    db.prepare("DELETE FROM webhook_vods WHERE vod = ?1").bind(1, vod).run();
  }
  auto event = to_public_event(e, hint);
  if (!event || event->at_ms < now_ms_() - fresh_window_ms || !acts_on(e))
    return;
  auto wanted = db.prepare("SELECT 1 FROM webhook_types WHERE channel = ?1 AND type = ?2 LIMIT 1");
  wanted.bind(1, event->channel).bind(2, event->type);
  if (wanted.step())
    deliver_(*event);
}

std::optional<std::uint64_t> webhooks_projection::row_count(storage::sqlite::database& db) const {
  auto count = db.prepare(
    "SELECT (SELECT COUNT(*) FROM webhook_types) + (SELECT COUNT(*) FROM webhook_vods)");
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

void reoffer_fresh_events(storage::event_store& store, std::int64_t now_ms,
                          const std::function<void(const public_event&)>& deliver,
                          std::size_t max_events) {
  std::set<std::string, std::less<>> channels;
  for (const auto& stream : store.list_streams(webhooks_prefix))
    channels.insert(stream.substr(webhooks_prefix.size()));
  if (channels.empty())
    return;
  const auto cutoff = now_ms - webhooks_projection::fresh_window_ms;
  constexpr std::uint64_t page = 1000;
  // Pages from the log's end backwards, until one starts before the window (the log is in
  // append order, so older pages hold nothing fresh).
  std::uint64_t last = store.global_head();
  for (std::size_t read = 0; last > 0 && read < max_events;) {
    const auto first = last > page ? last - page + 1 : 1;
    auto batch = store.read_global(first, last - first + 1);
    read += batch.size();
    for (const auto& e : batch) {
      auto event = to_public_event(e);
      if (event && event->at_ms >= cutoff && channels.contains(event->channel))
        deliver(*event);
    }
    if (batch.empty() || batch.front().data.timestamp_ms < cutoff)
      return;
    last = first - 1;
  }
}

}  // namespace aethex::actors::webhooks
