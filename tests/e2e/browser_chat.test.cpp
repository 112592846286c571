// Two headless Chromium pages chat on a channel page (guest and broadcaster): messages both
// ways, emotes, a reaction burst, and a moderator deleting a message from everyone's view.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;

TEST_CASE("two browsers chat on a channel page") {
  REQUIRE_MESSAGE(std::filesystem::exists("/usr/bin/chromium"),
                  "chromium is required (scripts/setup installs it)");
  REQUIRE_MESSAGE(std::filesystem::exists(std::string{AETHEX_SOURCE_DIR} +
                                          "/net/web/node_modules/playwright-core"),
                  "net/web dependencies are required (scripts/setup runs npm ci)");
  test_node node{"browser_chat"};
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");
  node.create_channel("chatty");
  allow_guests(node, "chatty");
  auto result = run({"node", browser_script("chat.mjs"), "--url", node.http_base() + "/c/chatty",
                     "--token", admin_token(node.data_dir.string()), "--out",
                     node.out_dir.string()},
                    90s);
  INFO(result.output);
  CHECK(result.status == 0);
  auto end = result.output.rfind('}');
  auto begin = result.output.rfind('{', end);
  REQUIRE(end != std::string::npos);
  auto measured = nlohmann::json::parse(result.output.substr(begin, end - begin + 1), nullptr,
                                        false);
  REQUIRE(measured.is_object());
  CHECK(measured.value("ok", false));
  MESSAGE("browser chat: " << measured.dump());
}
