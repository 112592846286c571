// Text rules of chat messages: length in code points, built-in emotes, reaction kinds.
#include <algorithm>

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

bool is_emote_only(std::string_view text) {
  auto& emotes = builtin_emotes();
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
    auto name = token.substr(1, token.size() - 2);
    if (std::find(emotes.begin(), emotes.end(), name) == emotes.end())
      return false;
    any = true;
    i += token.size();
  }
  return any;
}

}  // namespace aethex::actors
