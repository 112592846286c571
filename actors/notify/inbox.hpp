// inbox/<user>: the user's side of notifications — how far they have read. The notifications
// themselves are the channels' rows (notices.hpp), read through the user's follows.
//
// Events: inbox.read {"up_to_ms"} (everything at or before that time is read; it only moves
// forward).
#pragma once

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using mark_read_atom = caf::atom_constant<caf::atom("markread")>;

struct inbox_view {
  std::string user;
  std::int64_t read_up_to_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, inbox_view& x) {
  return f(caf::meta::type_name("inbox_view"), x.user, x.read_up_to_ms);
}

/// Protocol of inbox/<user>:
///  (get_atom)                 -> inbox_view (read_up_to_ms 0 for a user who never read)
///  (mark_read_atom, up_to_ms) -> inbox_view (the mark moves forward only; 0 means "now")
struct inbox_protocol {
  static constexpr std::string_view kind = "inbox";
  static inbox_view reply_to(get_atom);
  static inbox_view reply_to(mark_read_atom, std::int64_t up_to_ms);
};

void add_inbox_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                    const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
