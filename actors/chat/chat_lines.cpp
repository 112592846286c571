// Group commit of a room's chat lines. A room is its stream's only writer, so writing each line
// on its own serialises the room on the disk: one fsync per line caps a busy room at about a
// thousand lines a second, and a burst queues behind it. Instead a shown line waits in
// room_state::unwritten while the room handles the rest of its mailbox; the room's note to
// itself (chat_flush_atom), sent at the first waiting line, arrives behind that burst and
// writes it as one append. The store's own group commit still joins rooms' appends together.
#include "actors/chat/chat_room_ops.hpp"

#include <utility>
#include <vector>

namespace aethex::actors::chat_room_detail {
namespace {

// A burst longer than this is written at once: bounds the memory and the wait of its senders.
constexpr std::size_t max_unwritten_lines = 256;

}  // namespace

void queue_line(room_actor* self, chat_events::message line, std::int64_t ts,
                caf::typed_response_promise<chat_ack> reply) {
  auto& st = self->state;
  st.unwritten.push_back({std::move(line), ts, std::move(reply)});
  if (st.unwritten.size() >= max_unwritten_lines)
    return write_lines(self);
  if (!st.lines_flush_armed) {
    st.lines_flush_armed = true;
    self->send(self, chat_flush_atom::value);
  }
}

void write_lines(room_actor* self) {
  auto& st = self->state;
  if (st.unwritten.empty())
    return;
  auto waiting = std::exchange(st.unwritten, {});
  std::vector<chat_events::message> lines;
  std::vector<std::int64_t> stamps;
  lines.reserve(waiting.size());
  stamps.reserve(waiting.size());
  for (const auto& w : waiting) {
    lines.push_back(w.line);
    stamps.push_back(w.ts);
  }
  if (auto err = st.emit_all_at(lines, stamps)) {
    // "moved": the room's partition changed leader before the lines were written, so nothing
    // was stored and the sender's session may send them again to the room's new home.
    auto refusal = chat_values::expected_of(
      reject(reason_of(err) == "moved" ? "moved" : "unavailable",
             "chat is unavailable right now: " + message_of(err)));
    for (auto& w : waiting) {
      broadcast(self, dump(json{{"type", "deleted"}, {"id", w.line.id}, {"by", "system"}}));
      w.reply.deliver(refusal.error());
    }
    return;
  }
  for (auto& w : waiting)
    w.reply.deliver(chat_ack{{}, w.line.id});
}

}  // namespace aethex::actors::chat_room_detail
