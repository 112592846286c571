// Brings domain events to webhooks/<channel>: maps each new event of the global log through the
// catalogue and, when the channel has a subscription of the public type, hands it on.
//
// Tables: webhook_types(channel, id, type) — the channel's subscriptions, from webhooks/<channel>,
// so events of channels without webhooks cost one lookup; webhook_vods(vod, channel) — recordings
// in progress, whose vod.finished names no channel (rows go when it comes).
//
// Only events younger than fresh_window_ms when applied are handed on: rebuilding the read model
// (or catching up after downtime) must not deliver old history again.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "storage/event_store.hpp"

#include "actors/webhooks/catalogue.hpp"
#include "storage/read_model.hpp"

namespace aethex::actors::webhooks {

class webhooks_projection final : public storage::projection {
 public:
  static constexpr std::string_view projection_name = "webhooks";
  static constexpr std::int64_t fresh_window_ms = 5 * 60 * 1000;

  /// `deliver` runs on the runner's thread for each event a subscription wants; `now_ms` is the
  /// clock freshness is judged by (the node's, so `--test-clock` moves it).
  webhooks_projection(std::function<void(const public_event&)> deliver,
                      std::function<std::int64_t()> now_ms);

  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;

 private:
  std::function<void(const public_event&)> deliver_;
  std::function<std::int64_t()> now_ms_;
};

/// Run once when the node starts: hands the catalogue's events of the last fresh_window_ms (the
/// newest `max_events` of the global log at most) to `deliver` again, for channels that have a
/// webhooks/<channel> stream. The projection hands events on in memory after its transaction,
/// so a crash between the two would lose them; the entity drops message ids it has seen, so
/// offering them again makes delivery at-least-once across crashes (a duplicate is possible,
/// as receivers are told). A `vod.ready` is not offered again (its channel lives in the
/// projection's table).
void reoffer_fresh_events(storage::event_store& store, std::int64_t now_ms,
                          const std::function<void(const public_event&)>& deliver,
                          std::size_t max_events = 100'000);

}  // namespace aethex::actors::webhooks
