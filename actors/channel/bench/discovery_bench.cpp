// Discovery benchmark (not a test): search and browse over a directory read model of N channels
// (default 100,000), built the way a node builds it (channel events in the RocksDB store, the
// directory projection catching up), against the same SQLite data asked with a plain
// `LIKE '%q%'` scan, the peer every hand-rolled search starts as.
//
// Query mix per round: exact channel names, 2–4 letter prefixes, title words, categories, tags,
// two-word queries and one-typo names. Prints p50/p99/max per kind and overall, hits per query,
// and the p99 ratio to the LIKE peer; then browse: a directory page of live channels, all live
// rows of a category (the sorted views' input) and the categories page's aggregate.
//
// usage: discovery_bench [--channels N] [--queries Q] [--dir DIR]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/channel/channel_directory.hpp"
#include "actors/channel/channel_search.hpp"
#include "actors/channel/internal.hpp"
#include "storage/event_store.hpp"
#include "storage/read_model.hpp"

using namespace aethex;
using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;

namespace {

const std::vector<std::string> words = {
  "speedrun", "chill",   "retro",    "cozy",    "ranked",  "arena",   "pixel",  "quest",
  "night",    "studio",  "beats",    "lofi",    "chess",   "poker",   "racing", "dungeon",
  "craft",    "builder", "horror",   "tactics", "legends", "kitchen", "garden", "coding",
  "science",  "sunday",  "marathon", "karaoke", "drawing", "anime",   "soccer", "esports"};
const std::vector<std::string> categories = {
  "Just Chatting", "Retro Games", "Music",    "Art",        "Software Development",
  "Chess",         "Poker",       "Racing",   "Horror",     "Strategy",
  "Sports",        "Cooking",     "Science",  "Talk Shows", "Fitness",
  "Travel",        "Minecraft",   "Fortnite", "Valorant",   "League of Legends"};
const std::vector<std::string> tags = {"english", "deutsch",     "français", "speedrun",
                                       "casual",  "competitive", "chill",    "educational",
                                       "music",   "pvp"};

struct config {
  std::size_t channels = 100'000;
  std::size_t queries = 2000;
  std::filesystem::path dir = std::filesystem::temp_directory_path();
  std::filesystem::path keep;  // a folder kept between runs: seeded once, then reused
};

struct scratch {
  std::filesystem::path path;
  bool kept;
  explicit scratch(const config& cfg)
      : path(!cfg.keep.empty()
               ? cfg.keep
               : cfg.dir / ("aethex-bench-discovery-" + std::to_string(::getpid()))),
        kept(!cfg.keep.empty()) {
    if (!kept)
      std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~scratch() {
    std::error_code ec;
    if (!kept)
      std::filesystem::remove_all(path, ec);
  }
};

std::string channel_name(std::size_t i) {
  return words[i % words.size()] + "_" + words[(i / words.size()) % words.size()] +
         std::to_string(i);
}

// Channel events as a node stores them: created, then category/tags/title, 5 % live.
void seed(storage::event_store& store, std::size_t channels, std::mt19937& rng) {
  std::vector<storage::event> batch;
  for (std::size_t i = 0; i < channels; ++i) {
    auto name = channel_name(i);
    auto title = words[rng() % words.size()] + " " + words[rng() % words.size()] + " " +
                 words[rng() % words.size()] + " with friends";
    batch = {
      {"channel.created", 1, 1'700'000'000'000,
       json{
         {"name", name}, {"owner", "u" + std::to_string(i)}, {"title", title}, {"stream_key", "k"}}
         .dump()},
      {"channel.updated", 1, 1'700'000'000'001,
       json{{"category", categories[rng() % categories.size()]},
            {"tags", {tags[rng() % tags.size()], tags[rng() % tags.size()]}}}
         .dump()}};
    if (rng() % 20 == 0)
      batch.push_back({"channel.went_live", 1, 1'700'000'000'002,
                       json{{"session", "s"}, {"node", "n"}}.dump()});
    if (!store.append("channel/" + name, storage::no_stream, batch))
      throw std::runtime_error("seeding failed");
  }
}

struct figures {
  std::vector<double> ms;
  std::size_t hits = 0;
  void add(double m, std::size_t h) {
    ms.push_back(m);
    hits += h;
  }
  double pct(double p) {
    if (ms.empty())
      return 0;
    std::sort(ms.begin(), ms.end());
    return ms[std::min(ms.size() - 1,
                       static_cast<std::size_t>(p * static_cast<double>(ms.size())))];
  }
};

template <class F>
double timed_ms(F&& f) {
  auto start = clock_type::now();
  f();
  return std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
}

// The peer: the query words as substrings of name, title or category, no index.
std::size_t like_search(storage::sqlite::database& db, const std::string& q) {
  auto tokens = actors::search_tokens(q);
  std::string sql = "SELECT name FROM channels WHERE 1";
  for (std::size_t i = 0; i < tokens.size(); ++i)
    sql += " AND (name LIKE ?" + std::to_string(i + 1) + " OR title LIKE ?" +
           std::to_string(i + 1) + " OR category LIKE ?" + std::to_string(i + 1) + ")";
  sql += " ORDER BY live DESC, name LIMIT 20";
  auto st = db.prepare(sql);
  for (std::size_t i = 0; i < tokens.size(); ++i)
    st.bind(static_cast<int>(i + 1), "%" + tokens[i] + "%");
  std::size_t n = 0;
  while (st.step())
    ++n;
  return n;
}

std::string with_typo(std::string word, std::mt19937& rng) {
  auto at = rng() % word.size();
  word[at] = word[at] == 'x' ? 'y' : 'x';
  return word;
}

}  // namespace

int main(int argc, char** argv) {
  config cfg;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--channels"))
      cfg.channels = std::stoul(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--queries"))
      cfg.queries = std::stoul(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--dir"))
      cfg.dir = argv[i + 1];
    else if (!std::strcmp(argv[i], "--keep"))
      cfg.keep = argv[i + 1];
  }
  scratch dir{cfg};
  std::mt19937 rng{42};
  // Seeding is not what is measured: no fsync per channel.
  bool reused = dir.kept && std::filesystem::exists(dir.path / "read.db");
  auto store = storage::event_store::open(dir.path / "events", {.sync = false});
  auto seeded = reused ? 0.0 : timed_ms([&] { seed(*store, cfg.channels, rng); });
  storage::projection_runner runner(*store, dir.path / "read.db");
  runner.add(std::make_unique<actors::channel_directory>());
  auto projected = timed_ms([&] { runner.catch_up(); });
  std::printf("seeded %zu channels: events %.1f s, directory + search index %.1f s\n", cfg.channels,
              seeded / 1000, projected / 1000);
  auto& db = runner.db();
  auto owns_all = [](std::string_view, std::string_view) { return true; };

  using query_maker = std::function<std::string()>;
  std::vector<std::pair<std::string, query_maker>> kinds = {
    {"exact name", [&] { return channel_name(rng() % cfg.channels); }},
    {"prefix", [&] { return words[rng() % words.size()].substr(0, 2 + rng() % 3); }},
    {"title word", [&] { return words[rng() % words.size()]; }},
    {"category", [&] { return categories[rng() % categories.size()]; }},
    {"tag", [&] { return tags[rng() % tags.size()]; }},
    {"two words", [&] { return words[rng() % words.size()] + " " + words[rng() % words.size()]; }},
    {"one typo", [&] { return with_typo(words[rng() % words.size()], rng); }},
  };
  std::map<std::string, figures> ours, peer;
  figures all_ours, all_peer;
  for (std::size_t i = 0; i < cfg.queries; ++i) {
    auto& [kind, make] = kinds[i % kinds.size()];
    auto q = make();
    std::size_t hits = 0;
    auto ms = timed_ms([&] {
      auto rows = actors::search_query(db, json{{"q", q}, {"limit", 20}}, owns_all);
      hits = static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [](const json& r) {
        return r.contains("channel");
      }));
    });
    ours[kind].add(ms, hits);
    all_ours.add(ms, hits);
    auto like_ms = timed_ms([&] { hits = like_search(db, q); });
    peer[kind].add(like_ms, hits);
    all_peer.add(like_ms, hits);
  }
  std::printf("\nsearch over %zu channels, %zu queries (limit 20)\n", cfg.channels, cfg.queries);
  std::printf(
    "| query | aethex p50 ms | aethex p99 ms | hits/query | LIKE p50 ms | LIKE p99 ms | "
    "LIKE hits/query |\n|---|---|---|---|---|---|---|\n");
  for (auto& [kind, _] : kinds) {
    auto& o = ours[kind];
    auto& p = peer[kind];
    auto n = static_cast<double>(o.ms.size());
    std::printf("| %s | %.2f | %.2f | %.1f | %.2f | %.2f | %.1f |\n", kind.c_str(), o.pct(0.5),
                o.pct(0.99), static_cast<double>(o.hits) / n, p.pct(0.5), p.pct(0.99),
                static_cast<double>(p.hits) / n);
  }
  std::printf("| all | %.2f | %.2f | | %.2f | %.2f | |\n", all_ours.pct(0.5), all_ours.pct(0.99),
              all_peer.pct(0.5), all_peer.pct(0.99));
  std::printf("p99 ratio LIKE / aethex: %.1fx\n", all_peer.pct(0.99) / all_ours.pct(0.99));

  figures page, category_rows, category_page;
  for (std::size_t i = 0; i < 200; ++i) {
    page.add(timed_ms([&] {
               actors::directory_page(db, json{{"live_only", true}, {"limit", 50}, {"after", ""}},
                                      owns_all);
             }),
             0);
    category_rows.add(timed_ms([&] {
                        actors::live_rows_query(
                          db, json{{"category", categories[i % categories.size()]}}, owns_all);
                      }),
                      0);
    if (i % 10 == 0)
      category_page.add(timed_ms([&] { actors::categories_query(db, json::object(), owns_all); }),
                        0);
  }
  std::printf("\nbrowse (read model part)\n| view | p50 ms | p99 ms |\n|---|---|---|\n");
  std::printf("| directory page, live, 50 rows | %.2f | %.2f |\n", page.pct(0.5), page.pct(0.99));
  std::printf("| live rows of one category | %.2f | %.2f |\n", category_rows.pct(0.5),
              category_rows.pct(0.99));
  std::printf("| categories aggregate | %.2f | %.2f |\n", category_page.pct(0.5),
              category_page.pct(0.99));
  return 0;
}
