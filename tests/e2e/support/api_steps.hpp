// Doctest-checked REST steps for e2e suites that speak /api/v1 by path: `api_step` fails the
// test when the node cannot be reached, `api_ok` also when the status is not 2xx; both log the
// call and its answer.
#pragma once

#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/support/checks.hpp"

namespace aethex::test {

/// `method /api/v1/<target>` with a bearer `token` (none when empty) and `body` (none when null).
inline api_reply api_step(const test_node& node, const std::string& method,
                          const std::string& target, const std::string& token,
                          const nlohmann::json& body = nullptr) {
  auto res = api_call(node, method, "/api/v1/" + target, body, token);
  INFO(method << " " << target << " -> " << res.status << " " << res.raw);
  REQUIRE(res.status != 0);
  return res;
}

/// api_step that must succeed; its JSON body.
inline nlohmann::json api_ok(const test_node& node, const std::string& method,
                             const std::string& target, const std::string& token,
                             const nlohmann::json& body = nullptr) {
  auto res = api_step(node, method, target, token, body);
  INFO(method << " " << target << " -> " << res.status << " " << res.raw);
  REQUIRE(res.status >= 200);
  REQUIRE(res.status < 300);
  return res.body;
}

}  // namespace aethex::test
