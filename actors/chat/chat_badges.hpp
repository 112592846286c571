// Achievement badges beside a viewer's chat messages (docs/esports.md, Leaderboards): a user may
// choose per badge to show it in chat. Rooms do not read the leaderboards; when a signed-in
// viewer joins a room, its session asks the node's badge service, which tells the room the
// user's chosen badges. They are cosmetic and kept in memory only: a room that forgets them (on
// passivation, or when it holds too many users) shows them again after the user's next join.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <caf/atom.hpp>

namespace aethex::actors {

/// To the service: (chat_badges_atom, user, room) — no reply; the service then tells chat/<room>
/// (chat_badges_atom, user, badges) with badges a JSON array text of "achievement/<game>/<badge>".
using chat_badges_atom = caf::atom_constant<caf::atom("chatbadges")>;
/// The node-local service (node_env::services) the leaderboards module starts.
inline constexpr std::string_view chat_badges_service = "chat.badges";
/// What a room keeps: badges per user, users per room (beyond it the room starts over).
inline constexpr std::size_t chat_badges_per_user_max = 5;
inline constexpr std::size_t chat_badge_users_max = 10'000;

/// The client id (principal::via_app) of the channel's scripted bot (actors/bots): it speaks as
/// the broadcaster, and its messages carry the `bot` badge. OAuth client ids are 24 hex digits,
/// so no app can take it.
inline constexpr std::string_view scripted_bot_client = "aethex:bot";

/// The badges a room takes from the service's JSON array text: strings "achievement/…" of at
/// most 120 bytes, and "bot" (an account flagged as a bot, actors/identity), at most
/// chat_badges_per_user_max; anything else is left out (a role cannot be claimed this way).
std::vector<std::string> accepted_chat_badges(std::string_view text);

}  // namespace aethex::actors
