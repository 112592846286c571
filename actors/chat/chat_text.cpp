// Text rules of chat: room names, length in code points, emotes (built-in and the channel's
// own), reaction kinds, the achievement badges a room accepts.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "actors/channel/channel.hpp"
#include "actors/chat/chat_badges.hpp"
#include "actors/chat/chat_room.hpp"

namespace aethex::actors {

const std::vector<std::string>& builtin_emotes() {
  // Kept in sync with net/web/src/chat/emotes.ts (the web renders them as unicode).
  static const std::vector<std::string> names{
    "heart",    "fire",       "smile", "laugh",    "wink", "cool",   "sad",   "cry", "angry", "wow",
    "thumbsup", "thumbsdown", "clap",  "wave",     "pray", "party",  "gg",    "pog", "eyes",  "100",
    "rocket",   "skull",      "think", "sparkles", "star", "trophy", "music", "ok"};
  return names;
}

const std::vector<std::string>& reaction_kinds() {
  static const std::vector<std::string> kinds{"heart", "fire", "laugh", "clap", "wow", "pog"};
  return kinds;
}

bool is_emote_name(std::string_view name, const std::set<std::string, std::less<>>* custom) {
  auto& builtin = builtin_emotes();
  return std::find(builtin.begin(), builtin.end(), name) != builtin.end() ||
         (custom && custom->count(name));
}

bool is_emote_only(std::string_view text, const std::set<std::string, std::less<>>* custom) {
  bool any = false;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n') {
      ++i;
      continue;
    }
    auto end = text.find_first_of(" \t\n", i);
    auto token = text.substr(i, end == std::string_view::npos ? text.size() - i : end - i);
    if (token.size() < 3 || token.front() != ':' || token.back() != ':')
      return false;
    if (!is_emote_name(token.substr(1, token.size() - 2), custom))
      return false;
    any = true;
    i += token.size();
  }
  return any;
}

std::vector<std::string> accepted_chat_badges(std::string_view text) {
  auto list = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> badges;
  if (!list.is_array())
    return badges;
  for (const auto& b : list)
    if (b.is_string() &&
        (b.get<std::string>().starts_with("achievement/") || b.get<std::string>() == "bot") &&
        b.get<std::string>().size() <= 120 && badges.size() < chat_badges_per_user_max)
      badges.push_back(b.get<std::string>());
  return badges;
}

const hosted_room_kind* hosted_room_of(std::string_view room) {
  for (const auto& hosted : hosted_room_kinds) {
    if (!room.starts_with(hosted.prefix))
      continue;
    auto id = room.substr(hosted.prefix.size());
    if (id.empty() || id.size() > 40 || !std::all_of(id.begin(), id.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        }))
      return nullptr;
    return &hosted;
  }
  return nullptr;
}

bool valid_room_name(std::string_view room) {
  return valid_channel_name(room) || hosted_room_of(room) != nullptr;
}

}  // namespace aethex::actors
