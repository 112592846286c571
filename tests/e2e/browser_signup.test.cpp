// A creator's first visit in a real browser against a real node: sign up, create a channel,
// reveal the stream key, edit the title, log out and in (tests/e2e/browser/signup_flow.mjs).
// Afterwards the API confirms what the browser did.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;

TEST_CASE("a new creator signs up, creates a channel and reveals the stream key in the browser") {
  REQUIRE_MESSAGE(std::filesystem::exists("/usr/bin/chromium"),
                  "chromium is required (scripts/setup installs it)");
  REQUIRE_MESSAGE(std::filesystem::exists(std::string{AETHEX_SOURCE_DIR} +
                                          "/net/web/node_modules/playwright-core"),
                  "net/web dependencies are required (scripts/setup runs npm ci)");
  test_node node{"browser_signup"};
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");

  auto flow = run({"node", browser_script("signup_flow.mjs"), "--url", node.http_base(), "--out",
                   node.out_dir.string(), "--user", "zoe", "--channel", "zoe_live", "--timeout",
                   "30"},
                  120s);
  INFO(flow.output);
  CHECK(flow.status == 0);
  auto result = last_json_line(flow.output);
  REQUIRE(result.is_object());
  CHECK(result.value("ok", false));
  CHECK(flow.output.find("live_zoe_live_") == std::string::npos);  // the key is never printed

  auto channel = node.get("/api/v1/channels/zoe_live");
  REQUIRE(channel.status == 200);
  auto body = nlohmann::json::parse(channel.body);
  CHECK(body["owner"] == "zoe");
  CHECK(body["title"] == "First stream ✨");
  CHECK(body["category"] == "Just Chatting");
  CHECK(node.get("/api/v1/users/zoe").status == 200);
  CHECK(node.log().find("live_zoe_live_") == std::string::npos);
}
