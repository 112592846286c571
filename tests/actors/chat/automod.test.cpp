// AutoMod's classifier on a labelled list: for each message, the lowest level that holds it
// (0: no level does), checked at every level 0-4 (docs/moderation.md#levels).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "actors/chat/automod.hpp"

using namespace aethex::actors;

namespace {

struct labelled {
  std::string text;
  std::uint32_t held_from;  // lowest level that holds it; 0 = never held
  std::string category;     // when held
};

const std::vector<labelled>& labelled_messages() {
  static const std::vector<labelled> list{
    // Friendly chat, including words that contain a listed term ("Scunthorpe" cases).
    {"hello everyone, great stream!", 0, ""},
    {"that assassin play was clean", 0, ""},
    {"the class is passing the test", 0, ""},
    {"cumin goes in the chili", 0, ""},
    {"what a skill shot :fire: :fire:", 0, ""},
    {"GG WP", 0, ""},
    {"I am 100% sure the analysis holds", 0, ""},
    {"as I said before", 0, ""},
    // Discrimination: severe slurs from level 1, however they are spelled.
    {"you are a faggot", 1, "discrimination"},
    {"F4GG0T", 1, "discrimination"},
    {"f a g g o t", 1, "discrimination"},
    {"fa.gg.ot lol", 0, ""},  // split into pieces that are words: not caught
    {"niiiigger", 1, "discrimination"},
    {"what a retard", 2, "discrimination"},
    {"spastic move there", 3, "discrimination"},
    // Sexual.
    {"send nudes", 2, "sexual"},
    {"watching porn", 3, "sexual"},
    {"rapist", 2, "sexual"},
    {"so sexy", 4, "sexual"},
    // Hostility.
    {"kill yourself", 2, "hostility"},
    {"kys", 2, "hostility"},
    {"you are a moron", 3, "hostility"},
    {"shut up already", 4, "hostility"},
    // Profanity: the package's list at level 4, the worst from level 3.
    {"what the fuck", 3, "profanity"},
    {"this is bullshit", 4, "profanity"},
    {"sh!t happens", 3, "profanity"},
    {"$hit", 3, "profanity"},
    {"shiiiiit", 3, "profanity"},
    {"shitting me", 3, "profanity"},
    {"cunt", 3, "profanity"},
    {"bollocks", 4, "profanity"},
    // Letters masked by stars; stars around a word only stress it.
    {"what the f*ck", 3, "profanity"},
    {"F**K this", 3, "profanity"},
    {"*shit*", 3, "profanity"},
    {"*wow* nice", 0, ""},
    {"5 * 3 = 15", 0, ""},
    {"**** you", 0, ""},  // nothing shows: no term to tell
    // Spam: links from level 2, caps and floods from level 3.
    {"follow me at www.example.com", 2, "spam"},
    {"https://example.org", 2, "spam"},
    {"visit example.gg, now", 2, "spam"},
    {"WHY IS NOBODY TALKING IN THIS CHAT", 3, "spam"},
    {"OK", 0, ""},
    {":fire: :fire: :fire: :fire: :fire: :fire: :fire: :fire: :fire: :fire: :fire:", 3, "spam"},
    {"!!!!!!!!!!!!!!!!!!!!!!!!!", 3, "spam"},
    {"wow!!!", 0, ""},
  };
  return list;
}

}  // namespace

TEST_CASE("AutoMod holds each labelled message from its level on, in its category") {
  for (auto& m : labelled_messages())
    for (std::uint32_t level = 0; level <= automod::max_level; ++level) {
      CAPTURE(m.text);
      CAPTURE(level);
      auto verdict = automod::classify({m.text, level});
      bool should_hold = m.held_from != 0 && level >= m.held_from;
      CHECK(verdict.has_value() == should_hold);
      if (verdict && should_hold)
        CHECK(verdict->category == m.category);
    }
}

TEST_CASE("AutoMod: allowed terms, VIPs, permitted links and repeats") {
  std::vector<std::string> allowed{"shit"};
  automod::message_input in{"well sh1t", 4};
  CHECK(automod::classify(in));
  in.allowed_terms = &allowed;
  CHECK_FALSE(automod::classify(in));

  automod::message_input link{"see www.example.com", 4};
  CHECK(automod::classify(link)->rule == "links");
  link.links_allowed = true;
  CHECK_FALSE(automod::classify(link));
  link.links_allowed = false;
  link.spam_exempt = true;  // a VIP
  CHECK_FALSE(automod::classify(link));

  automod::message_input vip_swears{"fuck", 4, true};
  CHECK(automod::classify(vip_swears)->category == "profanity");

  automod::message_input again{"first", 3};
  CHECK_FALSE(automod::classify(again));
  again.repeated = true;
  CHECK(automod::classify(again)->rule == "repeated");
  again.level = 2;
  CHECK_FALSE(automod::classify(again));
}

TEST_CASE("AutoMod normalises case, leetspeak, stretched, spaced-out and masked letters") {
  CHECK(automod::normalised_words("H3LL0 W0rld") == std::vector<std::string>{"hello", "world"});
  CHECK(automod::normalised_words("b a d news") == std::vector<std::string>{"bad", "news"});
  CHECK(automod::normalised_words("sh!t, wow!") == std::vector<std::string>{"shit", "wow"});
  CHECK(automod::normalised_words("$ale at a$$") == std::vector<std::string>{"sale", "at", "ass"});
  CHECK(automod::normalised_words("f*ck *wow*") == std::vector<std::string>{"f*ck", "wow"});
  CHECK(automod::hold_threshold("discrimination", 1) == 3);
  CHECK(automod::hold_threshold("profanity", 2) == 0);
  CHECK(automod::hold_threshold("profanity", 4) == 1);
}
