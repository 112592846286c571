// The room actor's own helpers, shared by chat_room.cpp and the moderation handlers
// (moderation.cpp): send a frame to every fan-out, persist events. Internal to the chat domain.
#pragma once

#include <optional>
#include <string>

#include <caf/all.hpp>

#include "actors/chat/chat_room_state.hpp"

namespace aethex::actors::chat_room_detail {

using room_actor = caf::stateful_actor<event_sourced<room_state>>;
using chat_values::reject;
using chat_values::room_outcome;

inline void broadcast(room_actor* self, const std::string& frame) {
  for (auto& [_, f] : self->state.fanouts)
    self->send(f.handle, chat_deliver_atom::value, frame);
}

/// Takes a line its room just showed; it is written with the rest of the burst when the room
/// has handled every message waiting for it (or sooner, before any other write), and `reply`
/// answered then: the sender still learns only of durable lines (chat_lines.cpp).
void queue_line(room_actor* self, chat_events::message line, std::int64_t ts,
                caf::typed_response_promise<chat_ack> reply);
/// Writes the shown lines not yet written, as one append; on a failed write they are retracted
/// (a `deleted` frame by system) and their senders told. Every other write comes after it, so
/// the stream keeps the order the room showed.
void write_lines(room_actor* self);

/// The id a write that numbers its own item (an announcement, a held line) gives it: the
/// waiting lines are written first, so it follows theirs.
inline std::uint64_t next_item_id(room_actor* self) {
  write_lines(self);
  return self->state.version() + 1;
}

// Persists, applies, snapshots when due. The events are durable before anyone sees them.
template <class... Events>
std::optional<room_outcome> commit_at(room_actor* self, std::int64_t timestamp_ms,
                                      const Events&... events) {
  write_lines(self);
  if (auto err = self->state.emit_at(timestamp_ms, events...))
    return reject("unavailable", "chat is unavailable right now: " + message_of(err));
  return std::nullopt;
}
template <class... Events>
std::optional<room_outcome> commit(room_actor* self, const Events&... events) {
  return commit_at(self, self->state.now_ms(), events...);
}

/// Moderation of a room: what the moderation handlers answer (moderation.cpp).
/// AutoMod's verdict on a message that passed every other rule: the outcome (a `held` refusal)
/// when it is held for review, nullopt when it may be shown.
/// `sender` (the sender's session) is told if a moderator denies it.
std::optional<room_outcome> automod_hold(room_actor* self, const chat_identity& who,
                                         chat_values::role r, const std::string& text,
                                         const caf::actor& sender);
/// vip, unvip, editor, uneditor (broadcaster only; the caller checked the target may be acted on).
room_outcome change_role(room_actor* self, const chat_identity& who, const chat_command& cmd);
/// The room's handlers of the moderation protocol (chat_room.hpp: chat_watch_atom and after).
caf::message_handler moderation_handlers(room_actor* self);

}  // namespace aethex::actors::chat_room_detail
