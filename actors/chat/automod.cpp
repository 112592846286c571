#include "actors/chat/automod.hpp"

#include <algorithm>
#include <unordered_map>

#include "actors/chat/automod_terms.hpp"
#include "actors/chat/chat_room.hpp"

namespace aethex::actors::automod {
namespace {

// Leetspeak: digits and symbols that stand for letters.
char unleet(char c) {
  switch (c) {
    case '0': return 'o';
    case '1': return 'i';
    case '3': return 'e';
    case '4': return 'a';
    case '5': return 's';
    case '7': return 't';
    case '8': return 'b';
    case '@': return 'a';
    case '$': return 's';
    case '!': return 'i';
    case '|': return 'i';
    default: return c;
  }
}

// Runs of one letter shortened to one: "shiiiit" and "shit" compare equal this way.
std::string squeeze(std::string_view word) {
  std::string out;
  for (char c : word)
    if (out.empty() || out.back() != c || c == ' ')
      out.push_back(c);
  return out;
}

struct indexed_term {
  std::string word;  // normalised
  std::string category;
  std::uint32_t severity;
};

// Single words by their squeezed form; phrases (several words) apart.
struct term_index {
  std::unordered_map<std::string, std::vector<indexed_term>> words;
  std::vector<indexed_term> phrases;  // word is " squeezed words "

  void add(std::string_view text, std::string_view category, std::uint32_t severity) {
    auto parts = normalised_words(text);
    if (parts.empty())
      return;
    if (parts.size() == 1) {
      auto& list = words[squeeze(parts[0])];
      // Our own table wins over the package's flat list (added first).
      for (auto& t : list)
        if (t.word == parts[0])
          return;
      list.push_back({parts[0], std::string{category}, severity});
      return;
    }
    std::string phrase = " ";
    for (auto& p : parts)
      phrase += squeeze(p) + " ";
    phrases.push_back({phrase, std::string{category}, severity});
  }
};

const term_index& index() {
  static const term_index built = [] {
    term_index t;
    for (auto& own : automod_terms::own_terms())
      t.add(own.text, own.category, own.severity);
    for (auto word : automod_terms::ldnoobw_en())
      t.add(word, "profanity", 1);
    return t;
  }();
  return built;
}

constexpr std::string_view suffixes[] = {"ing", "ers", "er", "ed", "es", "s", "in", "y"};

// A word with letters masked by '*' ("f*ck", "sh**"): the term of the same length that it
// spells where it is not masked. The first letter must show and at most half may be masked, so
// "****" or "a**" hold nothing. Joined words ("youXbag") are not searched for terms inside:
// that is the Scunthorpe problem, and a word list cannot tell "cocktail" from abuse.
const indexed_term* find_masked(const term_index& idx, const std::string& word) {
  auto masks = static_cast<std::size_t>(std::count(word.begin(), word.end(), '*'));
  if (word.size() < 4 || word.front() == '*' || masks * 2 > word.size())
    return nullptr;
  const indexed_term* found = nullptr;
  for (auto& [_, list] : idx.words)
    for (auto& t : list) {
      if (t.word.size() != word.size() || (found && found->severity >= t.severity))
        continue;
      bool spells = true;
      for (std::size_t i = 0; i < word.size() && spells; ++i)
        spells = word[i] == '*' || word[i] == t.word[i];
      if (spells)
        found = &t;
    }
  return found;
}

// The term `word` stands for: the same letters, stretched ("shiiit") or with a common suffix.
const indexed_term* find_word(const term_index& idx, const std::string& word) {
  if (word.find('*') != std::string::npos)
    return find_masked(idx, word);
  auto look = [&](const std::string& w, bool suffixed) -> const indexed_term* {
    auto it = idx.words.find(squeeze(w));
    if (it == idx.words.end())
      return nullptr;
    for (auto& t : it->second) {
      // Exact, or longer than the term (stretched letters): "as" is not "ass", "asss" is.
      // Suffixes only on terms long enough not to swallow ordinary words ("cumin").
      if ((w == t.word || w.size() > t.word.size()) && (!suffixed || squeeze(t.word).size() >= 4))
        return &t;
    }
    return nullptr;
  };
  if (auto* t = look(word, false))
    return t;
  for (auto suffix : suffixes)
    if (word.size() > suffix.size() + 2 && word.ends_with(suffix))
      if (auto* t = look(word.substr(0, word.size() - suffix.size()), true))
        return t;
  return nullptr;
}

bool allowed(const message_input& in, const std::string& word) {
  if (!in.allowed_terms)
    return false;
  for (auto& a : *in.allowed_terms) {
    auto parts = normalised_words(a);
    std::string joined;
    for (auto& p : parts)
      joined += (joined.empty() ? "" : " ") + squeeze(p);
    if (joined == squeeze(word))
      return true;
  }
  return false;
}

bool has_link(std::string_view text) {
  static constexpr std::string_view tlds[] = {"com", "net", "org", "io",   "gg",   "tv",
                                              "co",  "ly",  "me",  "xyz",  "ru",   "info",
                                              "biz", "app", "dev", "link", "live", "site"};
  std::size_t i = 0;
  while (i < text.size()) {
    auto end = text.find_first_of(" \t\r\n", i);
    auto token = text.substr(i, end == std::string_view::npos ? text.size() - i : end - i);
    i += token.size() + 1;
    std::string t;
    for (char c : token)
      t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (t.find("://") != std::string::npos || t.starts_with("www."))
      return true;
    auto host = t.substr(0, t.find('/'));
    auto dot = host.rfind('.');
    if (dot == std::string::npos || dot == 0)
      continue;
    auto tld = host.substr(dot + 1);
    while (!tld.empty() && !std::isalnum(static_cast<unsigned char>(tld.back())))
      tld.pop_back();  // "example.com," at the end of a sentence
    if (std::find(std::begin(tlds), std::end(tlds), tld) != std::end(tlds))
      return true;
  }
  return false;
}

bool shouting(std::string_view text) {
  std::size_t letters = 0, upper = 0;
  for (unsigned char c : text)
    if (std::isalpha(c)) {
      ++letters;
      upper += std::isupper(c) ? 1 : 0;
    }
  return letters >= 15 && upper * 10 >= letters * 7;
}

// Many emotes, a wall of symbols or emoji, or one character over and over.
bool flooding(std::string_view text, const std::set<std::string, std::less<>>* custom) {
  std::size_t emotes = 0;
  for (std::size_t at = text.find(':'); at != std::string_view::npos;) {
    auto close = text.find(':', at + 1);
    if (close == std::string_view::npos)
      break;
    if (is_emote_name(text.substr(at + 1, close - at - 1), custom)) {
      ++emotes;
      at = text.find(':', close + 1);
    } else {
      at = close;
    }
  }
  if (emotes > 10)
    return true;
  std::size_t symbols = 0, visible = 0, run = 0;
  char last = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80)
      continue;  // a continuation byte: counted with its lead
    run = c == static_cast<unsigned char>(last) ? run + 1 : 1;
    last = static_cast<char>(c);
    if (run >= 20 && c != ' ')
      return true;
    if (std::isspace(c))
      continue;
    ++visible;
    // Punctuation, and code points of 3-4 bytes (symbols, emoji) count as symbols.
    if ((c < 0x80 && !std::isalnum(c)) || c >= 0xE2)
      ++symbols;
  }
  return symbols >= 20 && symbols * 2 > visible;
}

}  // namespace

std::vector<std::string> normalised_words(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  auto flush = [&] {
    while (!current.empty() && current.back() == '*')
      current.pop_back();  // "*wow*": stars around a word stress it, they mask nothing
    if (!current.empty())
      words.push_back(std::move(current));
    current.clear();
  };
  auto wordish = [&](std::size_t i) {
    return i < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[i])) || unleet(text[i]) != text[i]);
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto raw = text[i];
    // Symbols stand for letters inside words only: "sh!t" and "$hit", not "wow!".
    bool symbol = !std::isalnum(static_cast<unsigned char>(raw)) && unleet(raw) != raw;
    bool inside = (raw == '!' || raw == '|')
                    ? i + 1 < text.size() && std::isalnum(static_cast<unsigned char>(text[i + 1]))
                    : (i > 0 && wordish(i - 1)) || wordish(i + 1);
    auto c = static_cast<unsigned char>(symbol && !inside ? ' ' : unleet(raw));
    if (std::isalpha(c) || std::isdigit(c))
      current.push_back(static_cast<char>(std::tolower(c)));
    else if (raw == '*' && !current.empty())
      current.push_back('*');  // a masked letter ("f*ck"): find_masked reads it
    else
      flush();
  }
  flush();
  // Letters spelled out one by one ("f u c k", "f.u.c.k") are one word.
  std::vector<std::string> joined;
  for (std::size_t i = 0; i < words.size();) {
    std::size_t j = i;
    while (j < words.size() && words[j].size() == 1)
      ++j;
    if (j - i >= 3) {
      std::string w;
      for (auto k = i; k < j; ++k)
        w += words[k];
      joined.push_back(std::move(w));
      i = j;
    } else {
      joined.push_back(std::move(words[i]));
      ++i;
    }
  }
  return joined;
}

std::uint32_t hold_threshold(std::string_view category, std::uint32_t level) {
  // Lowest severity held, per level 0..4 (docs/moderation.md#levels).
  static constexpr std::uint32_t discrimination[] = {0, 3, 2, 1, 1};
  static constexpr std::uint32_t sexual_or_hostile[] = {0, 0, 3, 2, 1};
  static constexpr std::uint32_t profanity[] = {0, 0, 0, 2, 1};
  level = std::min(level, max_level);
  if (category == "discrimination")
    return discrimination[level];
  if (category == "sexual" || category == "hostility")
    return sexual_or_hostile[level];
  if (category == "profanity")
    return profanity[level];
  return 0;
}

std::optional<verdict> classify(const message_input& in) {
  if (in.level == 0)
    return std::nullopt;
  static constexpr std::string_view order[] = {"discrimination", "sexual", "hostility",
                                               "profanity"};
  auto rank = [](std::string_view category) {
    return std::find(std::begin(order), std::end(order), category) - std::begin(order);
  };
  std::optional<verdict> worst;
  auto consider = [&](const indexed_term& t, const std::string& word) {
    auto need = hold_threshold(t.category, in.level);
    if (need == 0 || t.severity < need || allowed(in, word))
      return;
    if (!worst || rank(t.category) < rank(worst->category) ||
        (t.category == worst->category && t.severity > worst->severity))
      worst = verdict{t.category, word, t.severity};
  };
  auto& idx = index();
  auto words = normalised_words(in.text);
  std::string sentence = " ";
  for (auto& w : words) {
    if (auto* t = find_word(idx, w))
      consider(*t, w);
    sentence += squeeze(w) + " ";
  }
  for (auto& phrase : idx.phrases)
    if (sentence.find(phrase.word) != std::string::npos)
      consider(phrase, phrase.word.substr(1, phrase.word.size() - 2));
  if (worst)
    return worst;
  if (in.spam_exempt)
    return std::nullopt;
  if (in.level >= 2 && !in.links_allowed && has_link(in.text))
    return verdict{"spam", "links", 2};
  if (in.level >= 3) {
    if (in.repeated)
      return verdict{"spam", "repeated", 2};
    if (shouting(in.text))
      return verdict{"spam", "caps", 1};
    if (flooding(in.text, in.custom_emotes))
      return verdict{"spam", "flood", 1};
  }
  return std::nullopt;
}

}  // namespace aethex::actors::automod
