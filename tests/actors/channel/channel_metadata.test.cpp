#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using actors::channel_view;
using json = nlohmann::json;

TEST_CASE("channel metadata patch: owner only, validated whole, tags normalised") {
  test::entity_fixture f;
  REQUIRE(f.ask<std::string>("channel", "hank", create_atom::value,
                             runtime::principal::user("hank"), std::string{"First"}));
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
  for (auto bad :
       {json{{"title", std::string(141, 't')}}, json{{"title", 5}}, json{{"tags", "one"}},
        json{{"tags", {"a b"}}}, json{{"tags", json::array({1})}},
        json{{"tags", {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"}}},
        json{{"owner", "mallory"}}, json{{"title", "ok"}, {"category", std::string(65, 'c')}}}) {
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

TEST_CASE(
  "channel events keep their stored JSON, and events from before owner_kind read as before") {
  test::entity_fixture f;
  auto key = f.ask<std::string>("channel", "shape", create_atom::value,
                                runtime::principal::user("ann"), std::string{"T"});
  REQUIRE(key);
  REQUIRE(f.ask<channel_view>("channel", "shape", update_atom::value,
                              runtime::principal::user("ann"),
                              std::string{R"({"tags":["A"],"title":"New"})"}));
  REQUIRE(f.ask<channel_view>("channel", "shape", actors::publish_begin_atom::value, *key,
                              std::string{"s1"}, std::string{"n1"}));
  REQUIRE(f.ask<bool>("channel", "shape", actors::publish_end_atom::value, std::string{"s1"}));
  auto events = f.events().read_stream("channel/shape", 1);
  REQUIRE(events.size() == 4);
  CHECK(events[0].data.type == "channel.created");
  CHECK(events[0].data.payload == R"({"name":"shape","owner":"ann","owner_kind":"user",)"
                                  R"("stream_key":")" +
                                    *key + R"(","title":"T"})");
  CHECK(events[1].data.payload == R"({"tags":["a"],"title":"New"})");  // only what changed
  CHECK(events[2].data.payload == R"({"node":"n1","session":"s1"})");
  // No "reason" unless one is given; the session's peak viewer count (none watched here).
  CHECK(events[3].data.payload == R"({"peak_viewers":0,"session":"s1"})");
  for (auto& e : events)
    CHECK(e.data.schema == 1);

  // Before owner_kind was recorded, the owner "admin" meant the admin principal.
  auto old_created = [](std::string name, std::string owner) {
    return std::vector{storage::event{
      "channel.created", 1, 1000,
      json{{"name", name}, {"owner", owner}, {"title", "Old"}, {"stream_key", "live_x_y"}}.dump()}};
  };
  REQUIRE(f.events().append("channel/oldadmin", storage::no_stream,
                            old_created("oldadmin", "admin")));
  REQUIRE(f.events().append("channel/olduser", storage::no_stream, old_created("olduser", "bob")));
  auto by_admin = f.ask<channel_view>("channel", "oldadmin", get_atom::value);
  REQUIRE(by_admin);
  CHECK(by_admin->owner_is_admin);
  CHECK(by_admin->title == "Old");
  auto by_user = f.ask<channel_view>("channel", "olduser", get_atom::value);
  REQUIRE(by_user);
  CHECK_FALSE(by_user->owner_is_admin);
  CHECK(by_user->owner == "bob");

  // A session that ended before peak viewers were recorded reads as 0; a recorded peak is kept.
  for (auto [name, offline] : {std::pair{"oldpeak", R"({"session":"s0"})"},
                               std::pair{"newpeak", R"({"peak_viewers":12,"session":"s0"})"}}) {
    auto stored = old_created(name, "bob");
    stored.push_back({"channel.went_live", 1, 2000, R"({"node":"n1","session":"s0"})"});
    stored.push_back({"channel.went_offline", 1, 3000, offline});
    REQUIRE(f.events().append(std::string{"channel/"} + name, storage::no_stream, stored));
  }
  auto old_peak = f.ask<channel_view>("channel", "oldpeak", get_atom::value);
  auto new_peak = f.ask<channel_view>("channel", "newpeak", get_atom::value);
  REQUIRE(old_peak);
  REQUIRE(new_peak);
  CHECK(old_peak->peak_viewers == 0);
  CHECK(new_peak->peak_viewers == 12);
  CHECK(new_peak->viewers == 0);
  CHECK_FALSE(new_peak->live);
}
