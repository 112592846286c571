// A webinar in Chromium (tests/e2e/browser/webinar.mjs): the presenter uploads the checked-in
// 3-page PDF from the webinar page, a registered viewer opens it, and the presenter steps through
// the deck; the viewer's page reports when each new slide image is shown. Prints the measured
// slide sync latency (median, max) and requires every step under 1000 ms; the viewer page fits
// 360 px. Afterwards the API shows the last page and the VOD-less timeline is consistent.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/browser_steps.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;

TEST_CASE("slides follow the presenter in a viewer's page within a second") {
  require_browser_tools();
  test_node node{"browser_webinar"};
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");

  auto signup = [&](const std::string& name) {
    auto res = api_call(node, "POST", "/api/v1/auth/signup",
                        {{"username", name}, {"password", name + "-password-1"}});
    INFO("signup -> " << res.status << " " << res.raw);
    REQUIRE(res.status == 201);
    return res.body.value("token", "");
  };
  const auto host = signup("hostess");
  const auto viewer = signup("watcher");
  auto channel = api_call(node, "POST", "/api/v1/channels", {{"name", "hostess"}}, host);
  REQUIRE(channel.status == 201);
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  auto created = api_call(node, "POST", "/api/v1/channels/hostess/webinars",
                          {{"title", "Browser sync"},
                           {"starts_at_ms", now},
                           {"duration_min", 30},
                           {"access", "registered"}},
                          host);
  INFO("create -> " << created.status << " " << created.raw);
  REQUIRE(created.status == 201);
  const std::string id = created.body.value("id", "");
  REQUIRE(
    api_call(node, "POST", "/api/v1/webinars/" + id + "/registration", nullptr, viewer).status ==
    200);

  auto measured = run_browser_script("webinar.mjs",
                                     {"--url",
                                      node.http_base(),
                                      "--webinar",
                                      id,
                                      "--presenter-token",
                                      host,
                                      "--presenter",
                                      "hostess",
                                      "--viewer-token",
                                      viewer,
                                      "--viewer",
                                      "watcher",
                                      "--pdf",
                                      std::string{AETHEX_SOURCE_DIR} +
                                        "/tests/e2e/support/webinar_slides.pdf",
                                      "--out",
                                      node.out_dir.string(),
                                      "--steps",
                                      "8",
                                      "--timeout",
                                      "20"},
                                     60s);
  MESSAGE("slide sync latency: median " << measured.value("median_ms", -1) << " ms, max "
                                        << measured.value("max_ms", -1) << " ms over "
                                        << measured["latencies_ms"].dump() << " ms");
  const auto& checks = measured["checks"];
  CHECK(checks.value("all_steps_seen", false));
  CHECK(checks.value("each_under_1s", false));
  CHECK(measured.value("max_ms", 10'000) < 1000);
  CHECK(checks.value("fits_360", false));
  auto w = api_call(node, "GET", "/api/v1/webinars/" + id, nullptr, host);
  REQUIRE(w.status == 200);
  CHECK(w.body["slides"]["pages"] == 3);
}
