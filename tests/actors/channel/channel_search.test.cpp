// Search over the channel directory read model: tokens, the FTS5 expression, the ranking and
// the per-member query (owned channels only, categories with live counts).
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <filesystem>
#include <string>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "actors/channel/channel_directory.hpp"
#include "actors/channel/channel_search.hpp"
#include "storage/memory_event_store.hpp"
#include "storage/read_model.hpp"

using namespace aethex;
using actors::channel_directory;
using json = nlohmann::json;

namespace {

storage::event ev(std::string type, json payload = json::object()) {
  return storage::event{std::move(type), 1, 1000, payload.dump()};
}

// A directory read model fed by real channel events, in a file of its own.
struct directory_fixture {
  std::filesystem::path file = std::filesystem::temp_directory_path() /
                               ("aethex-search-" + std::to_string(::getpid()) + "-" +
                                std::to_string(counter++) + ".db");
  storage::memory_event_store store;
  std::unique_ptr<storage::projection_runner> runner;

  directory_fixture() {
    runner = std::make_unique<storage::projection_runner>(store, file);
    runner->add(std::make_unique<channel_directory>());
  }
  ~directory_fixture() {
    runner.reset();
    std::filesystem::remove(file);
  }
  void channel(const std::string& name, const std::string& title, json update = nullptr,
               bool live = false) {
    std::vector<storage::event> events{ev("channel.created", {{"name", name}, {"title", title}})};
    if (!update.is_null())
      events.push_back(ev("channel.updated", update));
    if (live)
      events.push_back(ev("channel.went_live"));
    REQUIRE(store.append("channel/" + name, storage::no_stream, events));
  }
  json search(const std::string& q, const actors::owns_fn& owns = everything) {
    runner->catch_up();
    return actors::search_query(runner->db(), json{{"q", q}, {"limit", 20}}, owns);
  }
  static bool everything(std::string_view, std::string_view) { return true; }
  static inline std::atomic<int> counter{0};
};

std::vector<std::string> names_of(const json& rows) {
  std::vector<std::string> names;
  for (auto& row : rows)
    if (row.contains("channel"))
      names.push_back(row["channel"]["name"]);
  return names;
}

}  // namespace

TEST_CASE("search tokens: lower-case words of letters, digits and UTF-8") {
  CHECK(actors::search_tokens("  Speed-Run my_channel 42!") ==
        std::vector<std::string>{"speed", "run", "my", "channel", "42"});
  CHECK(actors::search_tokens("Café") == std::vector<std::string>{"caf\xc3\xa9"});
  CHECK(actors::search_tokens("!!! ").empty());
  CHECK(actors::fts_expression({"speed", "run"}) == R"("speed"* AND "run"*)");
  CHECK(actors::fts_expression({}).empty());
  // At most max_search_tokens are used: a long query cannot make a huge expression.
  std::vector<std::string> many(20, "a");
  CHECK(actors::fts_expression(many).size() == 8 * 5 - 1 + 7 * 4);
}

TEST_CASE("query values decode %XX and '+', and refuse broken escapes") {
  CHECK(actors::decode_query_value("retro+games%21") == "retro games!");
  CHECK(actors::decode_query_value("caf%C3%A9") == "caf\xc3\xa9");
  CHECK_FALSE(actors::decode_query_value("50%"));
  CHECK_FALSE(actors::decode_query_value("%g1"));
  CHECK_FALSE(actors::decode_query_value("%4"));
}

TEST_CASE("score: the whole name beats a name prefix beats a title word beats a tag") {
  auto m = [](std::string name, std::string title, std::string category = {},
              std::vector<std::string> tags = {}) {
    return channel_directory::match{{name, title, category, false, "owner", 0}, tags};
  };
  auto score = [](const channel_directory::match& x, const std::string& q) {
    return actors::search_score(x, q, actors::search_tokens(q));
  };
  auto exact = score(m("speedy", "Other"), "speedy");
  auto prefix = score(m("speedyrun", "Other"), "speedy");
  auto in_title = score(m("zed", "Speedy runs"), "speedy");
  auto tagged = score(m("zed", "Other", "", {"speedy"}), "speedy");
  auto category = score(m("zed", "Other", "Speedy"), "speedy");
  CHECK(exact > prefix);
  CHECK(prefix > in_title);
  CHECK(in_title > tagged);
  CHECK(tagged > 0);
  CHECK(category > 0);
  CHECK(score(m("zed", "Other"), "speedy") == 0);
  // Every token must match somewhere.
  CHECK(score(m("speedy", "Mario"), "speedy mario") > 0);
  CHECK(score(m("speedy", "Zelda"), "speedy mario") == 0);
}

TEST_CASE("search ranks matching channels, live first among equals, with categories") {
  directory_fixture f;
  f.channel("retro_rick", "Rick plays", {{"category", "Retro Games"}});
  f.channel("retro_rita", "Rita plays", {{"category", "Retro Games"}}, true);
  f.channel("retro", "The retro channel");
  f.channel("mario_max", "Speedruns", {{"tags", {"retro", "nes"}}});
  f.channel("cooking", "Pasta night", {{"category", "Food"}});

  auto rows = f.search("retro");
  // Exact name first; the two "retro_" names tie, the live one first; the tag match last.
  CHECK(names_of(rows) ==
        std::vector<std::string>{"retro", "retro_rita", "retro_rick", "mario_max"});
  // Rows have the directory's shape.
  CHECK(rows[0]["channel"].contains("hls"));
  CHECK(rows[0]["channel"]["title"] == "The retro channel");
  json category;
  for (auto& row : rows)
    if (row.contains("category"))
      category = row;
  CHECK(category == json{{"category", "Retro Games"}, {"live_channels", 1}});

  // Prefixes and several tokens; case does not matter.
  CHECK(names_of(f.search("RET GAM")) == std::vector<std::string>{"retro_rita", "retro_rick"});
  CHECK(names_of(f.search("pasta")) == std::vector<std::string>{"cooking"});
  CHECK(names_of(f.search("nothing")).empty());
  CHECK(f.search("?!").empty());
}

TEST_CASE("search follows updates (tags kept when only the title changes) and ownership") {
  directory_fixture f;
  f.channel("alpha", "Alpha", {{"tags", {"chess"}}});
  CHECK(names_of(f.search("chess")) == std::vector<std::string>{"alpha"});
  REQUIRE(f.store.append("channel/alpha", 2,
                         std::vector{ev("channel.updated", {{"title", "Blitz night"}})}));
  CHECK(names_of(f.search("blitz")) == std::vector<std::string>{"alpha"});
  CHECK(names_of(f.search("chess")) == std::vector<std::string>{"alpha"});
  REQUIRE(f.store.append("channel/alpha", 3,
                         std::vector{ev("channel.updated", {{"tags", json::array()}})}));
  CHECK(names_of(f.search("chess")).empty());
  CHECK(names_of(f.search("alpha")) == std::vector<std::string>{"alpha"});
  // A member answers for the channels it owns only.
  auto none = [](std::string_view, std::string_view) { return false; };
  CHECK(names_of(f.search("alpha", none)).empty());
}

TEST_CASE("category counters follow category changes and live state; partial words still match") {
  directory_fixture f;
  f.channel("alpha", "Alpha", {{"category", "Retro Games"}}, true);
  f.channel("bravo", "Bravo", {{"category", "Retro Games"}});
  f.channel("carol", "Carol", {{"category", "Music"}}, true);
  f.runner->catch_up();
  auto totals = [&] {
    std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> out;
    for (auto& c : channel_directory::category_counts(f.runner->db())) {
      out[c.category].first += c.channels;
      out[c.category].second += c.live;
    }
    return out;
  };
  using counts = std::map<std::string, std::pair<std::uint64_t, std::uint64_t>>;
  CHECK(totals() == counts{{"Music", {1, 1}}, {"Retro Games", {2, 1}}});
  REQUIRE(f.store.append("channel/alpha", 3,
                         std::vector{ev("channel.updated", {{"category", "Music"}}),
                                     ev("channel.went_offline")}));
  REQUIRE(f.store.append("channel/bravo", 2, std::vector{ev("channel.went_live")}));
  f.runner->catch_up();
  CHECK(totals() == counts{{"Music", {2, 1}}, {"Retro Games", {1, 1}}});
  // A category found by search carries the live count from the counters.
  auto rows = f.search("retro");
  CHECK(rows.back() == json{{"category", "Retro Games"}, {"live_channels", 1}});
  // Whole words first, then the word being typed as a prefix, then every word as a prefix.
  CHECK(names_of(f.search("brav")) == std::vector<std::string>{"bravo"});
  CHECK(names_of(f.search("retr gam")) == std::vector<std::string>{"bravo"});
}

TEST_CASE("one edit apart: a byte more, less, replaced, or two neighbours swapped") {
  CHECK(actors::one_edit_apart("speedrun", "speedrum"));
  CHECK(actors::one_edit_apart("speedrun", "speedrn"));
  CHECK(actors::one_edit_apart("speedrun", "speedruns"));
  CHECK(actors::one_edit_apart("speedrun", "psedrun") == false);  // two edits
  CHECK(actors::one_edit_apart("speedrun", "sepedrun"));
  CHECK_FALSE(actors::one_edit_apart("speedrun", "speedrun"));
  CHECK_FALSE(actors::one_edit_apart("chess", "chase"));
}

TEST_CASE("relevance table: exact, prefix, one typo, category and tag queries") {
  directory_fixture f;
  f.channel("speedrunner", "Any% attempts", {{"category", "Retro Games"}, {"tags", {"mario"}}});
  f.channel("chessmaster", "Blitz and bullet", {{"category", "Chess"}, {"tags", {"english"}}},
            true);
  f.channel("cozy_kitchen", "Sunday baking", {{"category", "Cooking"}, {"tags", {"chill"}}});
  f.channel("retro_rick", "Speedrun practice", {{"category", "Retro Games"}});
  struct row {
    const char* q;
    std::vector<std::string> expected;  // in rank order
  };
  for (const auto& wanted : std::vector<row>{
         {"chessmaster", {"chessmaster"}},                // exact name
         {"speedrunner", {"speedrunner"}},                // exact name beats a title word
         {"speed", {"speedrunner", "retro_rick"}},        // prefix: name before title
         {"chesmaster", {"chessmaster"}},                 // one byte missing
         {"speedrunnre", {"speedrunner"}},                // two bytes swapped
         {"kitchan", {"cozy_kitchen"}},                   // one byte replaced
         {"retro games", {"retro_rick", "speedrunner"}},  // category (name word first)
         {"mario", {"speedrunner"}},                      // tag
         {"cooking sunday", {"cozy_kitchen"}},            // category and title together
         {"zzzzzz", {}},                                  // nothing near
       })
    CHECK_MESSAGE(names_of(f.search(wanted.q)) == wanted.expected, wanted.q);
}
