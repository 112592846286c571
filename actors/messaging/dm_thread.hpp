// dm/<a.b>: the private conversation of two users (names in order, joined by '.'), the one
// place that numbers its messages and keeps each side's read mark. Who may write (blocks) is
// decided by the routes from both users' relations before a message reaches the thread.
//
// Events: dm.sent {"id","from","text"} (the id is the count of messages so far + 1),
// dm.read {"user","up_to"}. The dm projection (dm_projection.hpp) keeps the history and the
// per-user thread list with unread counts; the entity itself holds three numbers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using dm_send_atom = caf::atom_constant<caf::atom("dmsend")>;
using dm_read_atom = caf::atom_constant<caf::atom("dmread")>;

/// Longest message, in code points (Twitch whispers allow 500 characters).
inline constexpr std::size_t max_dm_length = 500;
/// Messages one side may send into a thread per `dm_rate_window`.
inline constexpr unsigned dm_rate_limit = 10;
inline constexpr std::chrono::seconds dm_rate_window{10};

struct dm_message {
  std::uint64_t id = 0;
  std::string from;
  std::string to;
  std::string text;
  std::int64_t at_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, dm_message& x) {
  return f(caf::meta::type_name("dm_message"), x.id, x.from, x.to, x.text, x.at_ms);
}

struct dm_thread_view {
  std::string thread;
  std::uint64_t messages = 0;
  std::uint64_t read_first = 0;   // read mark of the first participant (in name order)
  std::uint64_t read_second = 0;  // ... of the second
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, dm_thread_view& x) {
  return f(caf::meta::type_name("dm_thread_view"), x.thread, x.messages, x.read_first,
           x.read_second);
}

/// Protocol of dm/<a.b>:
///  (dm_send_atom, from, text)   -> dm_message | invalid_argument (empty, too long)
///                                  | forbidden (not a participant) | rate_limited
///  (dm_read_atom, user, up_to)  -> uint64 the user's read mark (up_to 0 = everything so far)
///  (get_atom)                   -> dm_thread_view
struct dm_thread_protocol {
  static constexpr std::string_view kind = "dm";
  static dm_message reply_to(dm_send_atom, std::string from, std::string text);
  static std::uint64_t reply_to(dm_read_atom, std::string user, std::uint64_t up_to);
  static dm_thread_view reply_to(get_atom);
};

/// The thread id of two distinct users ("alice.bob"), whatever the order given.
std::string dm_thread_id(std::string_view one, std::string_view other);
/// The two participants of a thread id; nullopt for an id that is not one.
std::optional<std::pair<std::string, std::string>> dm_participants(std::string_view thread);

void add_dm_thread_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                        const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
