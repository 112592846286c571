#include "actors/channel/channel_search.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <set>

#include "actors/channel/internal.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

constexpr std::string_view search_read_query = "channel.search";
constexpr std::size_t default_results = 20;
constexpr std::size_t max_results = 50;
constexpr std::size_t max_categories = 10;
// FTS5 candidates a member ranks (best bm25 first); channels in matching categories it counts.
constexpr std::size_t max_candidates = 60;  // per lookup: three lookups, a page of 20 to fill

bool word_byte(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

std::string lower(std::string_view text) {
  std::string out{text};
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Best weight of `token` among the words of `text`: `exact` for a whole word, `prefix` for
// the start of one.
int word_match(std::string_view text, std::string_view token, int exact, int prefix) {
  int best = 0;
  for (auto& word : search_tokens(text)) {
    if (word == token)
      return exact;
    if (word.starts_with(token))
      best = prefix;
  }
  return best;
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xe  ? 3
                    : (c >> 3) == 0x1e ? 4
                                       : 0;
    if (n == 0 || i + n > s.size())
      return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2)
        return false;
    i += n;
  }
  return true;
}

std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) >> 6) != 0x2;
  }));
}

bool better(const json& a, const json& b) {
  auto sa = a["score"].get<int>(), sb = b["score"].get<int>();
  if (sa != sb)
    return sa > sb;
  auto la = a["channel"]["live"].get<bool>(), lb = b["channel"]["live"].get<bool>();
  if (la != lb)
    return la;
  return a["channel"]["name"] < b["channel"]["name"];
}

caf::expected<std::size_t> results_limit(const route_request& req) {
  return req.number_param("limit", default_results, 1, max_results);
}

void search(const node_env& env, route_request&& req, route_reply reply) {
  auto raw = req.query_param("q");
  auto q = raw ? decode_query_value(*raw) : std::nullopt;
  if (!raw || !q || !valid_utf8(*q))
    return reply(make_error(errc::invalid_argument, "q (URL-encoded UTF-8 text) is required"));
  if (q->find_first_not_of(" \t") == std::string::npos || code_points(*q) > max_search_query)
    return reply(make_error(errc::invalid_argument, "q must be 1-100 characters"));
  auto limit = results_limit(req);
  if (!limit)
    return reply(limit.error());
  env.query(std::string{search_read_query}, json{{"q", *q}, {"limit", *limit}},
            [env, reply, limit = *limit](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return reply(rows.error());
              std::vector<json> channels;
              std::map<std::string, std::uint64_t> live_by_category;
              for (auto& row : *rows) {
                if (row.contains("channel"))
                  channels.push_back(std::move(row));
                else
                  live_by_category[row.value("category", "")] += row.value("live_channels", 0u);
              }
              std::sort(channels.begin(), channels.end(), better);
              json out_channels = json::array();
              for (std::size_t i = 0; i < channels.size() && i < limit; ++i)
                out_channels.push_back(std::move(channels[i]["channel"]));
              std::vector<std::pair<std::string, std::uint64_t>> categories(
                live_by_category.begin(), live_by_category.end());
              std::stable_sort(categories.begin(), categories.end(),
                               [](auto& a, auto& b) { return a.second > b.second; });
              json out_categories = json::array();
              for (std::size_t i = 0; i < categories.size() && i < max_categories; ++i)
                out_categories.push_back({{"name", categories[i].first},
                                          {"live_channels", categories[i].second}});
              reply_with_live_figures(env,
                                      json{{"channels", std::move(out_channels)},
                                           {"categories", std::move(out_categories)}},
                                      reply);
            });
}

}  // namespace

std::vector<std::string> search_tokens(std::string_view q) {
  std::vector<std::string> tokens;
  std::string word;
  for (std::size_t i = 0; i <= q.size(); ++i) {
    if (i < q.size() && word_byte(static_cast<unsigned char>(q[i]))) {
      word += q[i];
      continue;
    }
    if (!word.empty())
      tokens.push_back(lower(word));
    word.clear();
  }
  return tokens;
}

std::string fts_expression(const std::vector<std::string>& tokens, prefix_mode prefixes) {
  std::string expr;
  auto count = std::min(tokens.size(), max_search_tokens);
  // Tokens hold letters, digits and UTF-8 bytes only, so quoting cannot be broken out of.
  for (std::size_t i = 0; i < count; ++i) {
    bool prefix = prefixes == prefix_mode::all || (prefixes == prefix_mode::last && i + 1 == count);
    expr += (expr.empty() ? "\"" : " AND \"") + tokens[i] + (prefix ? "\"*" : "\"");
  }
  return expr;
}

int search_score(const channel_directory::match& m, std::string_view q,
                 const std::vector<std::string>& tokens) {
  auto whole = lower(q);
  whole.erase(0, whole.find_first_not_of(' '));
  whole.erase(whole.find_last_not_of(' ') + 1);
  auto name = lower(m.row.name), title = lower(m.row.title), category = lower(m.row.category);
  int score = 0;
  if (!whole.empty()) {
    score += name == whole ? 100 : name.starts_with(whole) ? 60 : 0;
    score += title == whole ? 50 : title.starts_with(whole) ? 30 : 0;
    score += category == whole ? 20 : 0;
  }
  for (std::size_t i = 0; i < tokens.size() && i < max_search_tokens; ++i) {
    auto& token = tokens[i];
    int best = std::max(word_match(name, token, 12, 8), word_match(title, token, 6, 4));
    for (auto& tag : m.tags)
      best = std::max(best, word_match(tag, token, 5, 3));
    best = std::max(best, word_match(category, token, 3, 2));
    if (best == 0)
      return 0;  // every token must match something
    score += best;
  }
  return score;
}

// A channel found through corrected words is scored as if the query had named the words it has.
std::vector<std::string> as_typed_for(const channel_directory::match& m,
                                      const std::vector<std::vector<std::string>>& choices) {
  auto name = lower(m.row.name), title = lower(m.row.title), category = lower(m.row.category);
  std::vector<std::string> typed;
  for (auto& words : choices) {
    auto it = std::find_if(words.begin(), words.end(), [&](const std::string& w) {
      if (word_match(name, w, 1, 1) || word_match(title, w, 1, 1) || word_match(category, w, 1, 1))
        return true;
      return std::any_of(m.tags.begin(), m.tags.end(),
                         [&](const std::string& tag) { return word_match(lower(tag), w, 1, 1); });
    });
    typed.push_back(it == words.end() ? words.front() : *it);
  }
  return typed;
}

// Candidates come from bounded FTS5 lookups rather than ranking every match (a common word
// matches a tenth of all channels): matches in the name (the strongest), live matches, then any;
// each stops at max_candidates in index order, so a common word costs what a rare one does.
// Whole words are looked up first: FTS5 streams one term's postings lazily, but a prefix longer
// than the prefix index (4 bytes) merges every term it covers before the first row. So the last
// word (the one being typed) becomes a prefix only when whole words found less than a page, and
// every word only when that found nothing either. search_score ranks the union.
json search_query(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto q = args.value("q", std::string{});
  auto limit = args.value("limit", default_results);
  auto tokens = search_tokens(q);
  json rows = json::array();
  if (tokens.empty())
    return rows;
  std::set<std::string> seen;
  struct candidate {
    int score;
    channel_directory::channel row;
  };
  std::vector<candidate> ranked;
  for (auto prefixes : {prefix_mode::none, prefix_mode::last, prefix_mode::all}) {
    if ((prefixes == prefix_mode::last && ranked.size() >= limit) ||
        (prefixes == prefix_mode::all && (!ranked.empty() || tokens.size() < 2)))
      break;
    auto expr = fts_expression(tokens, prefixes);
    for (auto& lookup : {"name : (" + expr + ")", "state : live AND (" + expr + ")", expr})
      for (auto& m : channel_directory::search(db, lookup, max_candidates)) {
        if (!seen.insert(m.row.name).second || !owns("channel", m.row.name))
          continue;
        if (auto score = search_score(m, q, tokens); score > 0)
          ranked.push_back({score, std::move(m.row)});
      }
  }
  // Nothing matched: a word may be one edit off an indexed word (a typo). Each word becomes
  // "itself or the words one edit away"; the same bounded lookups run on that.
  if (ranked.empty()) {
    std::vector<std::vector<std::string>> choices;
    bool corrected = false;
    std::string expr;
    for (std::size_t i = 0; i < tokens.size() && i < max_search_tokens; ++i) {
      std::vector<std::string> words{tokens[i]};
      for (auto& near : channel_directory::words_near(db, tokens[i]))
        words.push_back(near);
      corrected = corrected || words.size() > 1;
      std::string group;
      for (auto& w : words)
        group += (group.empty() ? "(\"" : " OR \"") + w + "\"";
      expr += (expr.empty() ? "" : " AND ") + group + ")";
      choices.push_back(std::move(words));
    }
    if (corrected)
      for (auto& lookup : {"name : (" + expr + ")", "state : live AND (" + expr + ")", expr})
        for (auto& m : channel_directory::search(db, lookup, max_candidates)) {
          if (!seen.insert(m.row.name).second || !owns("channel", m.row.name))
            continue;
          auto typed = as_typed_for(m, choices);
          std::string typed_q;
          for (auto& w : typed)
            typed_q += (typed_q.empty() ? "" : " ") + w;
          if (auto score = search_score(m, typed_q, typed); score > 0)
            ranked.push_back({score, std::move(m.row)});
        }
  }
  // Best score, then live, then name; only the page is turned into JSON.
  auto page = std::min(limit, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(page),
                    ranked.end(), [](const candidate& a, const candidate& b) {
                      return std::tuple{-a.score, !a.row.live, std::string_view{a.row.name}} <
                             std::tuple{-b.score, !b.row.live, std::string_view{b.row.name}};
                    });
  for (std::size_t i = 0; i < page; ++i)
    rows.push_back(json{{"channel", directory_row_json(ranked[i].row)},
                        {"score", ranked[i].score}});
  // Categories whose words the tokens start, with their live channels among the owned ones.
  std::map<std::string, std::uint64_t> live;
  std::map<std::string, bool, std::less<>> matches;  // per category name, decided once
  // Every token must start a word of the category: the longest one narrows the rows first.
  auto longest = *std::max_element(tokens.begin(), tokens.end(),
                                   [](auto& a, auto& b) { return a.size() < b.size(); });
  for (auto& count : channel_directory::category_counts(db, longest)) {
    auto [it, fresh] = matches.try_emplace(count.category, false);
    if (fresh) {
      auto words = lower(count.category);
      it->second = std::all_of(tokens.begin(), tokens.end(), [&](const std::string& t) {
        return word_match(words, t, 1, 1) > 0;
      });
    }
    if (it->second && owns("channel", count.sample))
      live[count.category] += count.live;
  }
  for (auto& [category, n] : live)
    rows.push_back(json{{"category", category}, {"live_channels", n}});
  return rows;
}

std::optional<std::string> decode_query_value(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%') {
      unsigned value = 0;
      if (i + 2 >= text.size())
        return std::nullopt;
      auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
      if (ec != std::errc{} || end != text.data() + i + 3)
        return std::nullopt;
      out += static_cast<char>(value);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

void add_search_route(route_table& routes, const node_env& env) {
  routes.add(http_method::get, "search", access::anyone, with_env(env, search),
             "channels ranked by name, title, tags and category match (live first on equal "
             "relevance), and matching categories: ?q=<1-100 characters>&limit=1-50",
             {"channel"});
}

}  // namespace aethex::actors
