// relations/<user>: a user's side of their ties to other users — friends, friend requests both
// ways, and the users they blocked. Each side keeps its own entity; the routes change the asking
// user's side first, then mirror the result onto the other's (a block on a side is never undone
// by the other side's mirror).
//
// Events: relation.changed {"user","state"} with state friend | incoming | outgoing | blocked |
// none. A snapshot every 64 events keeps activation short for users with many friends.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using friend_ask_atom = caf::atom_constant<caf::atom("friendask")>;
using friend_asked_atom = caf::atom_constant<caf::atom("friendaskd")>;
using friend_accept_atom = caf::atom_constant<caf::atom("friendacc")>;
using relation_drop_atom = caf::atom_constant<caf::atom("reldrop")>;
using block_atom = caf::atom_constant<caf::atom("relblock")>;
using unblock_atom = caf::atom_constant<caf::atom("relunblock")>;
using relation_mirror_atom = caf::atom_constant<caf::atom("relmirror")>;

/// How one user stands towards another, from the first one's side.
namespace relation {
inline constexpr std::string_view friends = "friend";
inline constexpr std::string_view incoming = "incoming";  // they asked to be friends
inline constexpr std::string_view outgoing = "outgoing";  // we asked them
inline constexpr std::string_view blocked = "blocked";    // we blocked them
inline constexpr std::string_view none = "none";
}  // namespace relation

/// Friends (and blocks) an account may have, as Twitch bounds friend lists.
inline constexpr std::size_t max_relations = 2000;
/// Requests waiting for an answer: more are refused until some are answered.
inline constexpr std::size_t max_incoming_requests = 500;

struct relation_entry {
  std::string user;
  std::string state;  // one of relation::*, never none
  std::int64_t since_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, relation_entry& x) {
  return f(caf::meta::type_name("relation_entry"), x.user, x.state, x.since_ms);
}

struct relations_view {
  std::string user;
  std::vector<relation_entry> entries;  // oldest first

  /// relation::none when there is no entry for `other`.
  std::string_view state_of(std::string_view other) const;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, relations_view& x) {
  return f(caf::meta::type_name("relations_view"), x.user, x.entries);
}

/// Protocol of relations/<user>; every command answers the user's state towards `other` after it:
///  (friend_ask_atom, other)    we ask: friends if they had asked us, else outgoing;
///                              conflict when we blocked them
///  (friend_asked_atom, other)  they ask us: friends if we had asked them, else incoming;
///                              forbidden when we blocked them or have too many requests
///  (friend_accept_atom, other) friends; not_found without their request
///  (relation_drop_atom, other) none (unfriend, cancel, decline); a block stays
///  (block_atom, other)         blocked (ends a friendship or request)
///  (unblock_atom, other)       none
///  (relation_mirror_atom, other, state) the other side's state towards us (friend, incoming,
///                              outgoing, none) made ours (friend, outgoing, incoming, none),
///                              unless we blocked them
///  (get_atom) -> relations_view
/// The caller checks that both users exist and differ.
struct relations_protocol {
  static constexpr std::string_view kind = "relations";
  static std::string reply_to(friend_ask_atom, std::string other);
  static std::string reply_to(friend_asked_atom, std::string other);
  static std::string reply_to(friend_accept_atom, std::string other);
  static std::string reply_to(relation_drop_atom, std::string other);
  static std::string reply_to(block_atom, std::string other);
  static std::string reply_to(unblock_atom, std::string other);
  static std::string reply_to(relation_mirror_atom, std::string other, std::string state);
  static relations_view reply_to(get_atom);
};

void add_relations_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                        const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
