// The API description of a started node: GET /api/v1/openapi.json is a valid OpenAPI 3.1
// document by a maintained validator (@seriousme/openapi-schema-validator, run by node from
// scripts/openapi), with the oauth2 scheme's flows and each route's scope; and the web UI's
// types (net/web/src/api/schema.d.ts) are what openapi-typescript makes of it today — when a
// route changes, regenerate them (docs/api.md, Apps and OAuth).
#include <doctest/doctest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;

TEST_CASE("openapi.json is valid OpenAPI 3.1 and the web UI's API types match it") {
  const std::string tools = std::string{AETHEX_SOURCE_DIR} + "/scripts/openapi";
  REQUIRE_MESSAGE(std::filesystem::exists(tools +
                                          "/node_modules/@seriousme/openapi-schema-validator"),
                  "run: cd scripts/openapi && npm ci (scripts/setup does)");
  test_node node{"openapi"};
  auto doc = api_ok(node, "GET", "openapi.json", "");
  CHECK(doc["openapi"] == "3.1.0");
  auto& oauth2 = doc["components"]["securitySchemes"]["oauth2"];
  CHECK(oauth2["type"] == "oauth2");
  CHECK(oauth2["flows"]["authorizationCode"]["scopes"].contains("chat:write"));
  CHECK(oauth2["flows"]["clientCredentials"]["tokenUrl"] == "/api/v1/oauth/token");
  auto& me = doc["paths"]["/me"]["get"];
  CHECK(me["x-aethex-access"] == "user");
  CHECK(me["x-aethex-scope"] == "user:read");
  CHECK(me["security"].dump().find("\"oauth2\":[\"user:read\"]") != std::string::npos);
  CHECK(doc["paths"]["/oauth/token"]["post"]["x-aethex-access"] == "anyone");

  auto checked = run({"node", tools + "/check.mjs", node.http_base() + "/api/v1/openapi.json",
                      "--types", std::string{AETHEX_SOURCE_DIR} + "/net/web/src/api/schema.d.ts"},
                     60s);
  INFO(checked.output);
  CHECK(checked.status == 0);
}
