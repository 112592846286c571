// AutoMod's terms: the embedded naughty-words list (LDNOOBW, CC-BY-4.0) and our own category and
// severity tables (automod_terms.cpp). Internal to actors/chat/automod.cpp.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace aethex::actors::automod_terms {

struct term {
  std::string_view text;
  std::string_view category;  // discrimination, sexual, hostility, profanity
  std::uint32_t severity;     // 1 mild .. 3 severe
};

/// The English list of the npm package naughty-words, generated at build time.
const std::vector<std::string_view>& ldnoobw_en();
/// Our own tables: categories and severities for the package's terms, and hostility.
const std::vector<term>& own_terms();

}  // namespace aethex::actors::automod_terms
