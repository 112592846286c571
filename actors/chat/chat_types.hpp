// Vocabulary shared by the chat actors (room, fan-out, viewer session) and the WebSocket front end.
//
// Frames are the JSON text of the chat protocol (docs/chat-protocol.md). The room encodes each
// event once; every node's fan-out hands the same immutable string to all of its sockets.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include "runtime/clock.hpp"
#include "runtime/principal.hpp"

namespace aethex::actors {

// Room protocol.
using chat_sub_atom = caf::atom_constant<caf::atom("chatsub")>;
using chat_hist_atom = caf::atom_constant<caf::atom("chathist")>;
using chat_info_atom = caf::atom_constant<caf::atom("chatinfo")>;
using chat_send_atom = caf::atom_constant<caf::atom("chatsend")>;
using chat_mod_atom = caf::atom_constant<caf::atom("chatmod")>;
using chat_set_atom = caf::atom_constant<caf::atom("chatset")>;
using chat_react_atom = caf::atom_constant<caf::atom("chatreact")>;
using presence_atom = caf::atom_constant<caf::atom("presence")>;
using chat_tick_atom = caf::atom_constant<caf::atom("chattick")>;
// The room to itself: the end of a burst, write the lines it showed (chat_lines.cpp).
using chat_flush_atom = caf::atom_constant<caf::atom("chatflush")>;
// A frame another domain puts in front of the room's viewers (a raid's countdown), as is.
using chat_relay_atom = caf::atom_constant<caf::atom("chatrelay")>;
// Community moderation (docs/moderation.md).
using chat_watch_atom = caf::atom_constant<caf::atom("chatwatch")>;
using chat_modq_atom = caf::atom_constant<caf::atom("chatmodq")>;
using chat_queue_atom = caf::atom_constant<caf::atom("chatqueue")>;
using chat_review_atom = caf::atom_constant<caf::atom("chatreview")>;
using chat_log_atom = caf::atom_constant<caf::atom("chatlog")>;
using chat_card_atom = caf::atom_constant<caf::atom("chatcard")>;
using chat_roles_atom = caf::atom_constant<caf::atom("chatroles")>;
using unban_ask_atom = caf::atom_constant<caf::atom("unbanask")>;
using unban_list_atom = caf::atom_constant<caf::atom("unbanlist")>;
using unban_decide_atom = caf::atom_constant<caf::atom("unbandecid")>;
using chat_bans_atom = caf::atom_constant<caf::atom("chatbans")>;
using chat_ban_import_atom = caf::atom_constant<caf::atom("chatbanimp")>;
/// (chat_emotes_atom, codes JSON array): the channel's custom emote codes (actors/emotes).
using chat_emotes_atom = caf::atom_constant<caf::atom("chatemotes")>;
/// (chat_subscriber_atom, user, tier 0-3, months): a subscriber's change (actors/subscriptions);
/// tier 0 means no longer subscribed.
using chat_subscriber_atom = caf::atom_constant<caf::atom("chatsubscr")>;
/// (chat_org_atom, policy JSON {"org","moderators":[user],"banned":[user]}): the shared policy of
/// the org the channel belongs to (actors/orgstreams pushes it; "org": "" clears it).
using chat_org_atom = caf::atom_constant<caf::atom("chatorg")>;
// Fan-out / hub protocol.
using chat_deliver_atom = caf::atom_constant<caf::atom("chatdeliv")>;
using chat_join_atom = caf::atom_constant<caf::atom("chatjoin")>;
using chat_leave_atom = caf::atom_constant<caf::atom("chatleave")>;
// WebSocket front end -> viewer session.
using ws_text_atom = caf::atom_constant<caf::atom("wstext")>;
using ws_closed_atom = caf::atom_constant<caf::atom("wsclosed")>;
using ws_park_atom = caf::atom_constant<caf::atom("wspark")>;

/// Who is acting in a room: a user, a guest (rooms that allow guests), the node's admin (acts
/// as the broadcaster of every room) or an anonymous viewer (read only).
using chat_identity = runtime::principal;

/// A moderation command: delete (target = message id), timeout (target user, amount = seconds),
/// untimeout, ban, unban, mod, unmod, vip, unvip, editor, uneditor (target user). `reason` is
/// optional and kept in the room's moderation log.
struct chat_command {
  std::string action;
  std::string target;
  std::int64_t amount = 0;
  std::string reason = {};
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_command& x) {
  return f(caf::meta::type_name("chat_command"), x.action, x.target, x.amount, x.reason);
}

/// A change of room settings; negative numbers leave a field unchanged.
struct chat_settings_patch {
  std::int32_t slow_s = -1;
  std::int8_t followers_only = -1;
  std::int32_t followers_min_s = -1;
  std::int8_t subscribers_only = -1;
  std::int8_t emote_only = -1;
  std::int8_t guests = -1;
  std::int32_t rate_count = -1;
  std::int32_t rate_window_s = -1;
  bool set_blocked_terms = false;
  std::vector<std::string> blocked_terms;
  std::int8_t automod_level = -1;  // 0 (off) to 4
  std::int8_t links_allowed = -1;  // AutoMod lets links through
  bool set_allowed_terms = false;
  std::vector<std::string> allowed_terms;  // AutoMod never holds a message for these
  std::string reason = {};                 // for the moderation log
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_settings_patch& x) {
  return f(caf::meta::type_name("chat_settings_patch"), x.slow_s, x.followers_only,
           x.followers_min_s, x.subscribers_only, x.emote_only, x.guests, x.rate_count,
           x.rate_window_s, x.set_blocked_terms, x.blocked_terms, x.automod_level, x.links_allowed,
           x.set_allowed_terms, x.allowed_terms, x.reason);
}

/// A chat command the room accepted: a sentence for the sender, and the id of the message a send
/// created. Refusals are domain errors (runtime/errors.hpp) whose reason is a stable snake_case
/// word ("slow_mode", "rate_limited", "banned", …) the client acts on.
struct chat_ack {
  std::string message;
  std::uint64_t id = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_ack& x) {
  return f(caf::meta::type_name("chat_ack"), x.message, x.id);
}

/// Limits of every room on a node (rooms may tighten or relax the rate limit in their settings).
struct chat_options {
  std::size_t max_message_chars = 500;  // counted in Unicode code points
  std::uint32_t rate_count = 20;        // default per-user rate limit: messages ...
  std::uint32_t rate_window_s = 30;     // ... per this many seconds
  std::size_t history = 100;            // messages kept for joiners and in snapshots
  std::uint64_t snapshot_every = 100;   // events between snapshots
  std::chrono::milliseconds reaction_window{250};
  std::chrono::milliseconds presence_interval{500};
  std::size_t max_blocked_terms = 200;
  bool allow_guests = true;                  // node switch: guests may sign in to chat at all
  bool guests_default = false;               // a new room's `guests` setting (rooms turn it on)
  std::chrono::seconds session_recheck{60};  // signed-in sockets re-check their session
  // Rooms read it for message times, rate windows, slow mode, timeouts and idleness; it must
  // outlive them. Tests pass a runtime::manual_clock.
  const runtime::clock* clock = &runtime::system_clock();
};

using chat_frame = std::shared_ptr<const std::string>;

class chat_sink;
using chat_sink_ptr = std::shared_ptr<chat_sink>;

/// A group of sinks written by one thread at a time (the WebSocket front end's write lanes). The
/// fan-out hands a lane each frame once for all of its sinks, so a frame costs one hop per lane
/// instead of one per socket.
class chat_lane {
 public:
  virtual ~chat_lane() = default;
  /// Pushes `frame` to every sink of `sinks` (all of them sinks of this lane).
  virtual void deliver(chat_frame frame,
                       std::shared_ptr<const std::vector<chat_sink_ptr>> sinks) = 0;
};

/// Where a fan-out writes frames for one connection. Implemented by the WebSocket front end;
/// push never blocks (a full queue drops the connection, the room is never stalled).
class chat_sink {
 public:
  virtual ~chat_sink() = default;
  /// Queues one frame; returns false when the connection is gone or was dropped as too slow.
  virtual bool push(chat_frame frame) = 0;
  /// Closes the connection with a WebSocket close reason.
  virtual void close(std::string reason) = 0;
  /// The lane this sink belongs to, if any; sinks without one get every frame by push.
  virtual std::shared_ptr<chat_lane> lane() const { return nullptr; }
};

/// Built-in emote names (`:name:` in messages); the web UI renders them.
const std::vector<std::string>& builtin_emotes();
/// Reaction kinds a viewer may send.
const std::vector<std::string>& reaction_kinds();

}  // namespace aethex::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(aethex::actors::chat_sink_ptr)
