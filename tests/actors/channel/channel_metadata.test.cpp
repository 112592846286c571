#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using actors::channel_view;
using json = nlohmann::json;

TEST_CASE("channel metadata patch: owner only, validated whole, tags normalised") {
  test::entity_fixture f;
  REQUIRE(f.ask<std::string>("channel", "hank", create_atom::value, runtime::principal::user("hank"),
                             std::string{"First"}));
  auto patch = [&](const std::string& who, json change) {
    auto requester = who == "admin" ? runtime::principal::admin() : runtime::principal::user(who);
    return f.ask<channel_view>("channel", "hank", update_atom::value, requester, change.dump());
  };
  auto updated = patch("hank", {{"title", "Speedrun night"},
                                {"category", "Games"},
                                {"description", "Every Friday."},
                                {"tags", {"Speedrun", "retro", "speedrun", "co-op"}}});
  REQUIRE(updated);
  CHECK(updated->title == "Speedrun night");
  CHECK(updated->category == "Games");
  CHECK(updated->description == "Every Friday.");
  CHECK(updated->tags == std::vector<std::string>{"speedrun", "retro", "co-op"});
  auto version = f.events().version("channel/hank");

  auto stranger = patch("mallory", {{"title", "pwned"}});
  REQUIRE_FALSE(stranger);
  CHECK(code_of(stranger.error()) == errc::forbidden);
  for (auto bad : {json{{"title", std::string(141, 't')}},
                   json{{"title", 5}},
                   json{{"tags", "one"}},
                   json{{"tags", {"a b"}}},
                   json{{"tags", json::array({1})}},
                   json{{"tags", {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"}}},
                   json{{"owner", "mallory"}},
                   json{{"title", "ok"}, {"category", std::string(65, 'c')}}}) {
    CAPTURE(bad.dump());
    auto res = patch("hank", bad);
    REQUIRE_FALSE(res);
    CHECK(code_of(res.error()) == errc::invalid_argument);
  }
  CHECK(f.events().version("channel/hank") == version);
  // Clearing a field is possible with the patch form.
  auto cleared = patch("admin", {{"category", ""}, {"tags", json::array()}});
  REQUIRE(cleared);
  CHECK(cleared->category.empty());
  CHECK(cleared->tags.empty());

  f.restart();
  auto after = f.ask<channel_view>("channel", "hank", get_atom::value);
  REQUIRE(after);
  CHECK(after->title == "Speedrun night");
  CHECK(after->description == "Every Friday.");
  CHECK(after->tags.empty());
}
