// Esports in the browser (tests/e2e/browser/esports.mjs) against a real node: an organizer signs
// up and creates a 16-entrant double-elimination tournament in the UI, reports every match
// through the bracket to the champion (the reset included) while an anonymous viewer's page
// follows live; then the spectator page plays two live channels (real ffmpeg over RTMP) that
// the caller linked to a match over the API, one with sound, the focus moving on a click.
// Afterwards the API confirms what the browser did: the tournament finished with the champion
// the page showed, and the browser saw one card per match.
#include <doctest/doctest.h>

#include <csignal>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/browser_steps.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

TEST_CASE(
  "an organizer runs a double-elimination bracket in the UI; a spectator watches two matches") {
  require_browser_tools();
  test_node node{"browser_esports"};
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");

  // Two live match streams, publishing while the organizer's part runs.
  std::vector<std::unique_ptr<child_process>> publishers;
  for (const std::string channel : {"redside", "blueside"}) {
    auto key = node.create_channel(channel);
    publishers.push_back(std::make_unique<child_process>(
      ffmpeg_publish_args(node.rtmp_url(key), 90), node.out_dir / (channel + ".log")));
  }

  // The spectated tournament: four entrants, its first match streamed on both channels.
  auto caster = api_ok(node, "POST", "auth/signup", "",
                       {{"username", "caster"}, {"password", "caster-password-1"}})
                  .value("token", "");
  REQUIRE_FALSE(caster.empty());
  auto cup = api_ok(node, "POST", "tournaments", caster,
                    {{"name", "Show match"},
                     {"format", "single_elimination"},
                     {"entrants", {"ann", "bob", "cat", "dan"}},
                     {"start", true}});
  const auto spectate = cup["id"].is_string() ? cup["id"].get<std::string>() : cup["id"].dump();
  api_ok(node, "PUT", "tournaments/" + spectate + "/matches/W1-1/streams", caster,
         {{"channels", {"redside", "blueside"}}});
  // No wait for their first segments here: they have the organizer's part (about 15 s) to
  // start, and the spectator page waits for both videos to play.
  auto verdict = run_browser_script("esports.mjs",
                                    {"--url", node.http_base(), "--organizer", "orga", "--spectate",
                                     spectate, "--channels", "redside,blueside", "--out",
                                     node.out_dir.string(), "--timeout", "20"},
                                    90s);
  MESSAGE("browser esports: " << verdict.dump());
  CHECK(std::filesystem::exists(node.out_dir / "esports-bracket.png"));
  CHECK(std::filesystem::exists(node.out_dir / "esports-spectate.png"));

  // The API agrees with what the page showed.
  const auto id = verdict.value("tournament", "");
  REQUIRE_FALSE(id.empty());
  auto t = api_ok(node, "GET", "tournaments/" + id, "");
  CHECK(t["state"] == "finished");
  CHECK(t["organizer"] == "orga");
  CHECK(t["format"] == "double_elimination");
  CHECK(t["entrants"].size() == 16);
  CHECK(t["champion"] == verdict.value("champion", ""));
  CHECK(t["matches"].size() == verdict.value("cards", 0));
  for (auto& m : t["matches"])
    CHECK(m["status"] == "done");

  for (auto& p : publishers)
    p->signal(SIGINT);
  for (auto& p : publishers)
    p->wait(20s);
}
