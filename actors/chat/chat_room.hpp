// chat/<channel>: the chat room of a channel — history, moderation state and room settings, all
// decided here so every node enforces the same rules.
//
// Events: chat.message, chat.message_deleted, chat.user_timed_out, chat.user_untimed_out,
// chat.user_banned, chat.user_unbanned, chat.moderator_added, chat.moderator_removed,
// chat.settings_changed. A snapshot (last `history` messages + moderation state + settings) is
// saved every `snapshot_every` events, so activation replays a short tail.
//
// Fan-out: the room sends each frame once per subscribed fan-out (one per node), never per viewer.
// Reactions are summed over a short window and sent as counts; presence (viewer count) is the sum
// of what the fan-outs report, sent at most every `presence_interval`.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor.hpp>

#include "actors/chat/chat_badges.hpp"
#include "actors/chat/chat_types.hpp"
#include "actors/core/text.hpp"
#include "runtime/atoms.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

/// Rooms that are not a channel's: a room named "<prefix><id>" takes its broadcaster from entity
/// <kind>/<id>, which answers (room_host_atom) with a channel_view (owner, owner_is_admin) as
/// channel/<name> answers get_atom (docs/chat-protocol.md, hosted rooms).
struct hosted_room_kind {
  std::string_view prefix;
  std::string_view kind;
};
inline constexpr hosted_room_kind hosted_room_kinds[] = {{"tournament:", "tournament"}};
using room_host_atom = caf::atom_constant<caf::atom("roomhost")>;
/// The hosted kind of `room` ("tournament:<id>" with an id of 1-40 of a-z 0-9), or nullptr.
const hosted_room_kind* hosted_room_of(std::string_view room);
/// A room a viewer may join: a channel's name or a hosted room's.
bool valid_room_name(std::string_view room);

/// Protocol of chat/<channel>:
///  (chat_info_atom, chat_identity)               -> std::string JSON {role, settings, viewers}
///                                                   | not_found (no such channel)
///  (chat_sub_atom, caf::actor fanout)            -> std::string history frame; the fan-out then
///                                                   receives (chat_deliver_atom, std::string)
///  (chat_hist_atom)                              -> std::string history frame
///  (presence_atom, caf::actor fanout, uint32 n)  -> (no reply) n viewers on that fan-out
///  (chat_send_atom, chat_identity, text)         -> chat_ack (id of the new message)
///  (chat_mod_atom, chat_identity, chat_command)  -> chat_ack
///  (chat_set_atom, chat_identity, patch)         -> chat_ack
///  (chat_react_atom, chat_identity, kind)        -> (no reply) counted into the next window
///  (chat_relay_atom, frame)                      -> (no reply) sent to every viewer as is
///  (chat_emotes_atom, codes JSON array)          -> (no reply) the channel's custom emotes
///                                                   (a code or {"code","tier"}: sub emotes)
///  (chat_subscriber_atom, user, tier, months)    -> (no reply) a subscriber's tier (0: none)
///  (chat_org_atom, policy JSON)                 -> (no reply) the org's shared moderators and
///                                                   bans (actors/orgstreams), kept and applied
///                                                   here besides the room's own
///  (chat_badges_atom, user, badges JSON array)   -> (no reply) achievement badges shown beside
///                                                   the user's messages (chat_badges.hpp)
/// Community moderation (docs/moderation.md); JSON answers, refusals as domain errors:
///  (chat_watch_atom, who, caf::actor session)    -> bool: a moderator's session is sent
///                                                   (chat_modq_atom, channel, frame) for held
///                                                   messages while it moderates the room
///  (chat_queue_atom, who)                        -> {"items":[held…]} (moderators)
///  (chat_review_atom, who, id, action, reason)   -> chat_ack: approve / deny a held message
///  (chat_log_atom, who, limit, before)           -> {"entries":[…]} newest first (moderators)
///  (chat_card_atom, who, user)                   -> the room's part of a user card (moderators)
///  (chat_roles_atom, who)                        -> {"moderators","vips","editors"} (moderators)
///  (unban_ask_atom, who, text)                   -> chat_ack: a banned user asks, once per ban
///  (unban_list_atom, who, status)                -> {"requests":[…]} (moderators)
///  (unban_decide_atom, who, id, action, reason)  -> chat_ack: accept (unbans) / deny
///  (chat_bans_atom, who)                         -> {"bans":[{user, reason, at_ms, by}]}
///  (chat_ban_import_atom, who, users, reasons)   -> {"imported","already_banned"}
/// Roles: the channel owner is the broadcaster; "admin" acts as the broadcaster of every room.
caf::actor spawn_chat_room(caf::actor_system& sys, const caf::actor& registry,
                           storage::event_store& store, const std::string& channel,
                           const chat_options& options);

/// The typed protocol of chat/<channel> (actors/core/entity_ref.hpp).
struct chat_protocol {
  static constexpr std::string_view kind = "chat";
  static std::string reply_to(chat_info_atom, chat_identity who);
  static std::string reply_to(chat_sub_atom, caf::actor fanout);
  static std::string reply_to(chat_hist_atom);
  static void reply_to(presence_atom, caf::actor fanout, std::uint32_t viewers);
  static chat_ack reply_to(chat_send_atom, chat_identity who, std::string text);
  static chat_ack reply_to(chat_mod_atom, chat_identity who, chat_command command);
  static chat_ack reply_to(chat_set_atom, chat_identity who, chat_settings_patch patch);
  static void reply_to(chat_react_atom, chat_identity who, std::string kind);
  static void reply_to(chat_relay_atom, std::string frame);
  static void reply_to(chat_badges_atom, std::string user, std::string badges);
  static void reply_to(chat_emotes_atom, std::string codes);
  static void reply_to(chat_org_atom, std::string policy);
  static void reply_to(chat_subscriber_atom, std::string user, std::int32_t tier,
                       std::uint32_t months);
  static bool reply_to(chat_watch_atom, chat_identity who, caf::actor session);
  static std::string reply_to(chat_queue_atom, chat_identity who);
  static chat_ack reply_to(chat_review_atom, chat_identity who, std::uint64_t id,
                           std::string action, std::string reason);
  static std::string reply_to(chat_log_atom, chat_identity who, std::uint32_t limit,
                              std::uint64_t before);
  static std::string reply_to(chat_card_atom, chat_identity who, std::string user);
  static std::string reply_to(chat_roles_atom, chat_identity who);
  static chat_ack reply_to(unban_ask_atom, chat_identity who, std::string text);
  static std::string reply_to(unban_list_atom, chat_identity who, std::string status);
  static chat_ack reply_to(unban_decide_atom, chat_identity who, std::uint64_t id,
                           std::string action, std::string reason);
  static std::string reply_to(chat_bans_atom, chat_identity who);
  static std::string reply_to(chat_ban_import_atom, chat_identity who,
                              std::vector<std::string> users, std::vector<std::string> reasons);
};

/// Registers the "chat" kind.
void add_chat_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                   chat_options options = {});

/// True when `name` (between the colons of `:name:`) is a built-in emote or one of `custom`.
bool is_emote_name(std::string_view name, const std::set<std::string, std::less<>>* custom);
/// True when `text` is only `:emote:` tokens (built-in or `custom`) separated by white space.
bool is_emote_only(std::string_view text,
                   const std::set<std::string, std::less<>>* custom = nullptr);

}  // namespace aethex::actors
