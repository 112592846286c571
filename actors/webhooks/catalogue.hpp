// The public event catalogue: the one mapping from the domains' stored events to the events
// third parties see (webhooks, channel bots). Public events name a channel and carry only what a
// channel's audience could see anyway (no payment ids, stream keys or addresses), so a domain may
// change its stored payload without breaking receivers: only this file follows it.
//
// A public event's id is "<stream>:<seq>" of the stored event it comes from, so every replay of
// the global log maps an event to the same id and receivers can deduplicate (at-least-once).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/event_store.hpp"

namespace aethex::actors::webhooks {

struct public_event {
  std::string id;       // "<stream>:<seq>" of the source event
  std::string type;     // a catalogue type, e.g. "channel.follow"
  std::string channel;  // the channel it concerns (whose subscribers hear it)
  std::int64_t at_ms = 0;
  nlohmann::json data = nlohmann::json::object();
};

struct catalogue_entry {
  std::string_view type;
  std::string_view description;
};

/// Every public event type, in a stable order (GET /webhooks/catalogue lists it).
const std::vector<catalogue_entry>& catalogue();
/// True when `type` is in the catalogue.
bool known_type(std::string_view type);

/// The public form of a stored event, or nullopt when it has none (internal bookkeeping, an
/// unreadable payload, a schema newer than this code reads).
std::optional<public_event> to_public_event(const storage::recorded_event& e);

/// Same, for events whose stream does not name their channel (vod.finished of vod/<id>): the
/// caller that remembers it (from vod.recorded) passes `channel`.
std::optional<public_event> to_public_event(const storage::recorded_event& e,
                                            std::string_view channel);

/// {"id","type","channel","at_ms","data"}: the body of a webhook notification's "event".
nlohmann::json to_json(const public_event& e);

}  // namespace aethex::actors::webhooks
