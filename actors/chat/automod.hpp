// AutoMod: decides whether a chat message is held for a moderator's review before anyone sees
// it. Sans-I/O: text and the room's settings in, a verdict out; the room keeps what it needs
// (a sender's recent messages for the repeat rule) and asks.
//
// Categories and levels (docs/moderation.md#levels has the table): discrimination, sexual,
// hostility and profanity come from terms with a severity 1 (mild) to 3 (severe); a room's level
// 0 (off) to 4 holds more categories and lower severities as it rises. Spam rules (links,
// repeated messages, excessive caps, emote/symbol floods) hold from level 2 (links) or 3.
// Terms match whole words after normalising: case, leetspeak digits and symbols (`sh1t`,
// `$hit`), stretched letters (`shiiiit`), letters spaced out (`s h i t`, `s.h.i.t`), letters
// masked by stars (`f*ck`, `sh**`) and common suffixes (`shits`, `shitting`).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace aethex::actors::automod {

inline constexpr std::uint32_t max_level = 4;

struct message_input {
  std::string_view text;
  std::uint32_t level = 0;
  bool spam_exempt = false;    // VIPs: spam rules do not apply, term categories do
  bool links_allowed = false;  // the room lets links through
  bool repeated = false;       // the sender posted the same text moments ago (the room knows)
  const std::vector<std::string>* allowed_terms = nullptr;            // never held for these
  const std::set<std::string, std::less<>>* custom_emotes = nullptr;  // the channel's emotes
};

struct verdict {
  std::string category;  // discrimination, sexual, hostility, profanity, spam
  std::string rule;      // the term that matched, or the spam rule (links, repeated, caps, flood)
  std::uint32_t severity = 0;
};

/// nullopt: show the message; otherwise why it is held.
std::optional<verdict> classify(const message_input& input);

/// Lower severity a category needs to be held at `level`; 0 when the level never holds it.
std::uint32_t hold_threshold(std::string_view category, std::uint32_t level);

/// The words of `text` as AutoMod compares them: lower case, leetspeak undone, separators
/// between words, single letters spelled out joined ("b a d" -> "bad").
std::vector<std::string> normalised_words(std::string_view text);

}  // namespace aethex::actors::automod
