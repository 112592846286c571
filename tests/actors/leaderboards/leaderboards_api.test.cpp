// The leaderboard routes over a node without front ends (tests/actors/api_node.hpp): creation
// (owner, limits, 409), game keys (shown once, owner only, X-Game-Key on submissions: 401 without
// or with a wrong key, 403 for a stranger), rankings with windows and neighbours, player stats,
// matches by key or by the owner, achievements across games, 404 for unknown boards, 400 bodies,
// and the console's get and tick.
#include <doctest/doctest.h>

#include <future>

#include "actors/leaderboards/leaderboards.hpp"
#include "tests/actors/api_node.hpp"
#include "tests/actors/route_match.hpp"

using namespace aethex;
using namespace aethex::actors;
using json = nlohmann::json;
using enum aethex::actors::http_method;

namespace {

const auto olga = runtime::principal::user("olga");  // owns the boards
const auto bob = runtime::principal::user("bob");
const auto nobody = runtime::principal::anonymous();
const auto admin = runtime::principal::admin();

struct lb_api {
  test::api_node node{{"leaderboards"}, {}};

  test::api_answer create(const runtime::principal& who, json body) {
    return node.call(post, "leaderboards", who, body);
  }

  // api_node::call copies no headers; the two keyed routes are `anyone` routes, called here the
  // way the HTTP binding calls them, with X-Game-Key (and the bearer token for the owner).
  test::api_answer keyed(const std::string& path, const std::string& key, const json& body,
                         const runtime::principal& who = nobody) {
    for (auto& r : node.routes.routes) {
      route_request req;
      if (r.method != post || !test::match_route(r.pattern, path, req))
        continue;
      REQUIRE(r.headers == std::vector<std::string>{"x-game-key"});
      req.body = body.dump();
      req.bearer = test::api_node::token_of(who);
      if (!key.empty())
        req.headers["x-game-key"] = key;
      std::promise<caf::expected<route_response>> answered;
      auto answer = answered.get_future();
      r.handler(std::move(req), [&answered](caf::expected<route_response> res) {
        answered.set_value(std::move(res));
      });
      REQUIRE(answer.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
      auto res = answer.get();
      if (!res)
        return {0, nullptr, code_of(res.error()), {}, {}};
      return {res->status, json::parse(res->body), errc{}, {}, {}};
    }
    FAIL("no route " << path);
    return {};
  }
};

}  // namespace

TEST_CASE("owners create leaderboards and manage game keys; integrations submit with them") {
  lb_api t;
  auto body = json{{"game", "tetris"}, {"name", "Tetris"}, {"mode", "score"}};
  CHECK(t.create(nobody, body).error == errc::unauthorized);
  CHECK(t.create(olga, json{{"game", "T!"}, {"name", "x"}, {"mode", "score"}}).error ==
        errc::invalid_argument);
  CHECK(t.create(olga, json{{"game", "tetris"}, {"name", "x"}, {"mode", "elo"}}).error ==
        errc::invalid_argument);
  CHECK(
    t.create(olga, json{{"game", "tetris"}, {"name", "x"}, {"mode", "score"}, {"x", 1}}).error ==
    errc::invalid_argument);
  auto made = t.create(olga, body);
  REQUIRE(made.status == 201);
  CHECK(made.body["owner"] == "olga");
  CHECK(made.body["mode"] == "score");
  CHECK(t.create(bob, body).error == errc::conflict);

  CHECK(t.node.call(get, "leaderboards/nosuch", nobody).error == errc::not_found);
  CHECK(t.node.call(post, "leaderboards/tetris/keys", nobody).error == errc::unauthorized);
  CHECK(t.node.call(post, "leaderboards/tetris/keys", bob).error == errc::forbidden);
  CHECK(t.node.call(post, "leaderboards/nosuch/keys", olga).error == errc::not_found);
  auto key = t.node.call(post, "leaderboards/tetris/keys", olga);
  REQUIRE(key.status == 201);
  auto k = key.body["key"].get<std::string>();
  CHECK(k.starts_with("lbk_"));
  CHECK(k.size() == 4 + 48);

  auto score = [&](const std::string& player, double value, const std::string& with) {
    return t.keyed("leaderboards/tetris/scores", with, json{{"player", player}, {"score", value}});
  };
  CHECK(score("ann", 10, "").error == errc::unauthorized);
  CHECK(score("ann", 10, "lbk_wrong").error == errc::unauthorized);
  CHECK(t.keyed("leaderboards/nosuch/scores", k, json{{"player", "a"}, {"score", 1}}).error ==
        errc::not_found);
  CHECK(t.keyed("leaderboards/tetris/scores", k, json{{"player", "ann"}}).error ==
        errc::invalid_argument);
  for (int i = 0; i < 20; ++i)
    REQUIRE(score("p" + std::to_string(i), 100 + i, k).status == 200);
  auto ann = score("ann", 109.5, k);
  REQUIRE(ann.status == 200);
  CHECK(ann.body["rank"] == 11);  // p19..p10 are above
  CHECK(ann.body["windows"]["weekly"]["rank"] == 11);

  auto page = t.node.call(get, "leaderboards/tetris?window=weekly&offset=5&limit=3", nobody);
  REQUIRE(page.status == 200);
  CHECK(page.body["window"] == "weekly");
  CHECK(page.body["entries"].size() == 3);
  CHECK(page.body["entries"][0]["rank"] == 6);
  CHECK(page.body["entries"][0]["player"] == "p14");
  CHECK(t.node.call(get, "leaderboards/tetris?window=daily", nobody).error ==
        errc::invalid_argument);
  CHECK(t.node.call(get, "leaderboards/tetris?limit=1000", nobody).error == errc::invalid_argument);

  auto me = t.node.call(get, "leaderboards/tetris/players/ann?around=2", nobody);
  REQUIRE(me.status == 200);
  CHECK(me.body["rank"] == 11);
  CHECK(me.body["neighbours"].size() == 4);
  CHECK(me.body["neighbours"][0]["player"] == "p11");
  CHECK(me.body["neighbours"][3]["player"] == "p8");
  CHECK(t.node.call(get, "leaderboards/tetris/players/zed", nobody).error == errc::not_found);
  // The viewer's own position: the account name is the player id.
  const auto ann_user = runtime::principal::user("ann");
  auto mine = t.node.call(get, "leaderboards/tetris/me?window=weekly&around=1", ann_user);
  REQUIRE(mine.status == 200);
  CHECK(mine.body["rank"] == 11);
  CHECK(mine.body["neighbours"].size() == 2);
  CHECK(t.node.call(get, "leaderboards/tetris/me", nobody).error == errc::unauthorized);
  CHECK(t.node.call(get, "leaderboards/tetris/me", bob).error == errc::not_found);

  // Revoking a key: a stranger may not, the owner may, and the key stops working.
  auto key_id = key.body["key_id"].get<std::string>();
  CHECK(t.node.call(del, "leaderboards/tetris/keys/" + key_id, bob).error == errc::forbidden);
  CHECK(t.node.call(del, "leaderboards/tetris/keys/" + key_id, olga).status == 200);
  CHECK(score("ann", 500, k).error == errc::unauthorized);
}

TEST_CASE("matches come from game keys or the owner; stats and achievements are public") {
  lb_api t;
  REQUIRE(t.create(olga, json{{"game", "chess"}, {"name", "Chess"}, {"mode", "rating"}}).status ==
          201);
  REQUIRE(t.create(admin, json{{"game", "go-9x9"}, {"name", "Go"}, {"mode", "rating"}}).status ==
          201);
  auto k = t.node.call(post, "leaderboards/chess/keys", olga).body["key"].get<std::string>();
  auto m = json{{"winner", "ann"}, {"loser", "bob"}, {"stats", {{"ann", {{"moves", 31}}}}}};
  CHECK(t.keyed("leaderboards/chess/matches", "", m).error == errc::unauthorized);
  CHECK(t.keyed("leaderboards/chess/matches", "", m, bob).error == errc::forbidden);
  CHECK(t.keyed("leaderboards/chess/matches", "lbk_nope", m).error == errc::unauthorized);
  CHECK(t.keyed("leaderboards/chess/matches", k, json{{"winner", "ann"}, {"loser", "ann"}}).error ==
        errc::invalid_argument);
  CHECK(t.keyed("leaderboards/chess/matches", k,
                json{{"winner", "ann"}, {"loser", "bob"}, {"stats", {{"cid", {{"x", 1}}}}}})
          .error == errc::invalid_argument);
  auto first = t.keyed("leaderboards/chess/matches", k, m);
  REQUIRE(first.status == 200);
  CHECK(first.body["winner"]["rank"] == 1);
  CHECK(t.keyed("leaderboards/chess/matches", "", json{{"winner", "ann"}, {"loser", "cid"}}, olga)
          .status == 200);
  REQUIRE(t.keyed("leaderboards/go-9x9/matches", "", json{{"winner", "ann"}, {"loser", "bob"}},
                  admin)
            .status == 200);

  auto stats = t.node.call(get, "players/ann/stats?game=chess", nobody);
  REQUIRE(stats.status == 200);
  CHECK(stats.body["matches"] == 2);
  CHECK(stats.body["wins"] == 2);
  CHECK(stats.body["win_rate"] == 1.0);
  CHECK(stats.body["rating_history"].size() == 2);
  CHECK(stats.body["stats"]["moves"]["sum"] == 31);
  CHECK(t.node.call(get, "players/ann/stats", nobody).error == errc::invalid_argument);
  CHECK(t.node.call(get, "players/zed/stats?game=chess", nobody).error == errc::not_found);
  CHECK(t.node.call(get, "players/ann/stats?game=nosuch", nobody).error == errc::not_found);

  // tournament_winner comes from the tournaments domain (lb_achievement_atom).
  REQUIRE(t.node.ask<std::string>("leaderboard", "chess", lb_achievement_atom::value,
                                  std::string{"ann"}, std::string{"tournament_winner"},
                                  std::string{R"({"tournament":"spring"})"}));
  auto badges = t.node.call(get, "users/ann/achievements", nobody);
  REQUIRE(badges.status == 200);
  std::vector<std::string> seen;
  for (auto& b : badges.body["achievements"])
    seen.push_back(b["game"].get<std::string>() + ":" + b["badge"].get<std::string>());
  std::sort(seen.begin(), seen.end());
  CHECK(seen ==
        std::vector<std::string>{"chess:first_win", "chess:tournament_winner", "go-9x9:first_win"});
  CHECK(t.node.call(get, "users/bob/achievements", nobody).body["achievements"].empty());

  // Only the player chooses which badges chat may show.
  const auto ann = runtime::principal::user("ann");
  const std::string badge_path = "users/ann/achievements/chess/tournament_winner";
  CHECK(t.node.call(put, badge_path, nobody, {{"show_in_chat", true}}).error == errc::unauthorized);
  CHECK(t.node.call(put, badge_path, bob, {{"show_in_chat", true}}).error == errc::forbidden);
  CHECK(t.node.call(put, badge_path, ann, {{"show_in_chat", "yes"}}).error ==
        errc::invalid_argument);
  CHECK(
    t.node.call(put, "users/ann/achievements/chess/wins_10", ann, {{"show_in_chat", true}}).error ==
    errc::not_found);
  CHECK(t.node.call(put, "users/ann/achievements/nosuch/first_win", ann, {{"show_in_chat", true}})
          .error == errc::not_found);
  auto shown_badge = t.node.call(put, badge_path, ann, {{"show_in_chat", true}});
  REQUIRE(shown_badge.status == 200);
  CHECK(shown_badge.body["show_in_chat"] == true);
  auto listed = t.node.call(get, "users/ann/achievements", nobody);
  int in_chat = 0;
  for (auto& b : listed.body["achievements"])
    in_chat += b["show_in_chat"] == true ? 1 : 0;
  CHECK(in_chat == 1);
  auto ann_stats = t.node.call(get, "players/ann/stats?game=chess", nobody);
  CHECK(ann_stats.body["achievements"][1]["show_in_chat"] == true);

  // The console sees the summary (never a key) and ticks the windows.
  auto shown = t.node.console("leaderboard", "chess", "get");
  REQUIRE(shown);
  CHECK((*shown)["keys"] == 1);
  CHECK(shown->dump().find(k) == std::string::npos);
  auto ticked = t.node.console("leaderboard", "chess", "tick");
  REQUIRE(ticked);
  CHECK((*ticked)["rolled"].empty());
}

TEST_CASE("an account owns at most 20 leaderboards; the admin is not limited") {
  lb_api t;
  for (int i = 0; i < 20; ++i)
    REQUIRE(t.create(olga,
                     json{{"game", "game" + std::to_string(i)}, {"name", "G"}, {"mode", "score"}})
              .status == 201);
  auto over = t.create(olga, json{{"game", "game20"}, {"name", "G"}, {"mode", "score"}});
  CHECK(over.error == errc::invalid_argument);
  CHECK(t.create(admin, json{{"game", "game20"}, {"name", "G"}, {"mode", "score"}}).status == 201);
}
