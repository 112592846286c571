// The bots read model: which channels have their bot switched on (bot.script_set), so that a
// node wakes its bots when it starts (the "bots.enabled" query), and the hand-over of public
// events (actors/webhooks/catalogue.hpp: channel.follow, channel.raid, channel.subscribe, …) to
// the bots that are on, as (bot_event_atom, type, data). Only fresh events are handed over: a
// rebuild of the read model replays the whole log, and a bot must not thank last year's
// followers again.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"
#include "storage/read_model.hpp"

namespace aethex::actors {

class bots_projection final : public storage::projection {
 public:
  /// Hands a public event to bot/<channel>: (channel, type, data JSON text).
  using deliver_fn = std::function<void(const std::string&, const std::string&, std::string)>;
  /// `now_ms`: the node's clock, to tell fresh events from replayed ones.
  bots_projection(deliver_fn deliver, std::function<std::int64_t()> now_ms)
      : deliver_(std::move(deliver)), now_ms_(std::move(now_ms)) {}

  std::string name() const override { return "bots"; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;

  /// Events older than this (by their time against now_ms) are not handed to bots.
  static constexpr std::int64_t fresh_ms = 60'000;

 private:
  void hand_over(storage::sqlite::database& db, const storage::recorded_event& e);

  deliver_fn deliver_;
  std::function<std::int64_t()> now_ms_;
};

/// "bots.enabled": [{"channel"}] of the bots that are on, for the entities this member owns.
nlohmann::json enabled_bots(storage::sqlite::database& db, const nlohmann::json& args,
                            const owns_fn& owns);

}  // namespace aethex::actors
