// channel/<name>: a creator's channel — identity, stream key, metadata and live status.
//
// Events: channel.created, channel.updated, channel.key_rotated, channel.went_live,
// channel.went_offline. The media path asks this entity to begin/end a publish, which makes the
// "one publisher per key" rule and the live flag a single decision in one place.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using publish_begin_atom = caf::atom_constant<caf::atom("pubbegin")>;
using publish_end_atom = caf::atom_constant<caf::atom("pubend")>;
using rotate_key_atom = caf::atom_constant<caf::atom("rotatekey")>;
using reveal_key_atom = caf::atom_constant<caf::atom("revealkey")>;

/// Public view of a channel (never contains the stream key).
struct channel_view {
  std::string name;
  std::string owner;
  std::string title;
  std::string category;
  bool live = false;
  std::int64_t started_at_ms = 0;  // 0 when offline
  std::string session_id;          // current publish session, empty when offline
  std::uint64_t version = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, channel_view& x) {
  return f(caf::meta::type_name("channel_view"), x.name, x.owner, x.title, x.category, x.live,
           x.started_at_ms, x.session_id, x.version);
}

struct channel_patch {
  std::optional<std::string> title;
  std::optional<std::string> category;
};

/// Protocol of channel/<name>:
///  (create_atom, owner, title)                -> std::string stream key   | conflict
///  (get_atom)                                 -> channel_view              | not_found
///  (update_atom, requester, title, category)  -> channel_view (empty string = unchanged)
///  (rotate_key_atom, requester)               -> std::string new stream key
///  (reveal_key_atom, requester)               -> std::string stream key   | forbidden
///  (publish_begin_atom, key, session_id)      -> channel_view | unauthorized | conflict (live)
///  (publish_end_atom, session_id)             -> bool (true when this ended the session)
/// `requester` "admin" acts as any owner.
caf::actor spawn_channel(caf::actor_system& sys, const caf::actor& registry,
                         storage::event_store& store, const std::string& name);

/// Channel names are 3–25 characters of a–z, 0–9 and '_' (what a URL and a key can carry).
bool valid_channel_name(std::string_view name);

/// Stream keys read "live_<channel>_<secret>", so ingest can route a key to its channel.
std::string channel_of_stream_key(std::string_view key);

/// Registers the "channel" kind with its store.
void add_channel_kind(runtime::entity_kinds& kinds, storage::event_store& store);

}  // namespace aethex::actors
