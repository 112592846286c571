// Doctest-checked steps shared by the suites that drive Chromium (tests/e2e/browser/*.mjs): what
// they need installed, checked before a node starts (a missing tool fails with how to get it),
// and running a script to its verdict line.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/process.hpp"

namespace aethex::test {

/// ffmpeg (the publisher), Chromium and net/web's playwright-core, or the test fails.
inline void require_browser_tools() {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required (scripts/setup installs it)");
  REQUIRE_MESSAGE(std::filesystem::exists("/usr/bin/chromium"),
                  "chromium is required (scripts/setup installs it)");
  REQUIRE_MESSAGE(std::filesystem::exists(std::string{AETHEX_SOURCE_DIR} +
                                          "/net/web/node_modules/playwright-core"),
                  "net/web dependencies are required (scripts/setup runs npm ci)");
}

/// Runs `node tests/e2e/browser/<script> args...` for at most `timeout` and checks that it exits
/// 0 with a verdict line {"ok": true, ...} (its output shown when not); returns that line.
inline nlohmann::json run_browser_script(const std::string& script, std::vector<std::string> args,
                                         std::chrono::milliseconds timeout) {
  args.insert(args.begin(), {"node", browser_script(script)});
  auto result = run(std::move(args), timeout);
  INFO(result.output);
  CHECK(result.status == 0);
  auto verdict = last_json_line(result.output);
  REQUIRE(verdict.is_object());
  CHECK(verdict.value("ok", false));
  return verdict;
}

}  // namespace aethex::test
