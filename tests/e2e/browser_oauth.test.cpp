// OAuth 2.0 with PKCE in headless Chromium (tests/e2e/browser/oauth.mjs) against a real node with
// a test clock: a user registers an app on /developers, consents on /oauth/authorize and lands
// on the redirect URI with code and state; the code and the right verifier give a token that
// works on a scoped route; a reused code, a wrong verifier, a route outside the token's scopes,
// Deny, chat sending without chat:write, the app's rate limit and the token's expiry give the
// documented errors. The API then
// confirms that the browser's app is the user's.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/browser_steps.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;

TEST_CASE("an app gets a user's token through PKCE consent in the browser; errors as documented") {
  require_browser_tools();
  test_node node{"browser_oauth", {"--test-clock"}};
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");
  const std::string password = "oauth-password-1";
  auto signup = api_ok(node, "POST", "auth/signup", "",
                       {{"username", "devon"}, {"password", password}});
  const auto session = signup.value("token", "");
  REQUIRE_FALSE(session.empty());
  node.create_channel("devon");  // the room the app's token joins over the chat WebSocket

  auto verdict = run_browser_script("oauth.mjs",
                                    {"--url", node.http_base(), "--user", "devon", "--password",
                                     password, "--admin", admin_token(node.data_dir.string()),
                                     "--out", node.out_dir.string(), "--timeout", "20"},
                                    120s);
  MESSAGE("browser oauth: " << verdict.dump());
  CHECK(std::filesystem::exists(node.out_dir / "oauth-landing.png"));

  auto apps = api_ok(node, "GET", "me/apps", session);
  REQUIRE(apps["apps"].size() == 1);
  CHECK(apps["apps"][0]["name"] == "Stream Deck Plus");
  // The node never logs a secret or a token.
  CHECK(node.log().find("aexs_") == std::string::npos);
  CHECK(node.log().find("aexa_") == std::string::npos);
}
