// Organisations, a course and a certificate through the web UI in Chromium
// (tests/e2e/browser/orgs.mjs): the owner creates an org, invites a member, brands it (colours,
// logo) and attaches two channels; the member finds the invitation in the inbox and accepts; the
// streams panel gives the member a key and schedules a stream (iCal); ffmpeg publishes with the
// member key and the first channel's page shows the org and "Also live from <org>" with the
// member; a student enrols on a course (times in the course's zone and their own, iCal) and
// claims a certificate that /verify shows genuine, then revoked. Every page fits 360 px.
// Afterwards the API agrees with what the pages did.
#include <doctest/doctest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/browser_steps.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

std::string browser_orgs_sign_up(const test_node& node, const std::string& name) {
  return api_ok(node, "POST", "auth/signup", "",
                {{"username", name}, {"password", name + "-pass-123"}})["token"]
    .get<std::string>();
}

// A 1×1 PNG (one opaque pixel), the org's logo.
void browser_orgs_write_logo(const std::filesystem::path& file) {
  const unsigned char bytes[] = {
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00,
    0x00, 0x90, 0x77, 0x53, 0xDE, 0x00, 0x00, 0x00, 0x0C, 0x49, 0x44, 0x41, 0x54, 0x08,
    0xD7, 0x63, 0x08, 0x68, 0x60, 0x00, 0x00, 0x00, 0xE4, 0x00, 0x81, 0x0F, 0x4E, 0x5C,
    0x2E, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};
  std::ofstream(file, std::ios::binary)
    .write(reinterpret_cast<const char*>(bytes), static_cast<std::streamsize>(sizeof bytes));
}

}  // namespace

TEST_CASE("org, streams, course and certificate pages in the browser") {
  require_browser_tools();
  test_node node{"browser_orgs", {"--minimum-password-cost", "--signups-per-address", "0"}};
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");
  auto olga = browser_orgs_sign_up(node, "olga");
  auto mia = browser_orgs_sign_up(node, "mia");
  auto stu = browser_orgs_sign_up(node, "stu");
  for (const auto* channel : {"olga", "olgatv"})
    api_ok(node, "POST", "channels", olga,
           {{"name", channel}, {"title", std::string{"Olga "} + channel}});

  // A course on the first channel in Tokyo's zone; attendance 0 % completes it, so the student
  // may claim the certificate as soon as enrolled.
  auto course = api_ok(node, "POST", "courses", olga,
                       {{"title", "Night sky basics"},
                        {"channel", "olga"},
                        {"timezone", "Asia/Tokyo"},
                        {"completion", {{"attendance_pct", 0}, {"all_modules", false}}}});
  auto id = course["id"].get<std::string>();
  auto module = api_ok(node, "POST", "courses/" + id + "/modules", olga, {{"title", "Stars"}});
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  api_ok(node, "POST",
         "courses/" + id + "/modules/" + module["modules"][0]["id"].get<std::string>() + "/lessons",
         olga,
         {{"title", "Finding Orion"},
          {"kind", "live"},
          {"starts_at_ms", (now / 3'600'000 + 72) * 3'600'000 + 30 * 60'000},
          {"duration_min", 45}});
  auto logo = node.out_dir / "logo.png";
  browser_orgs_write_logo(logo);

  auto result = run_browser_script("orgs.mjs",
                                   {"--url", node.http_base(), "--rtmp", node.rtmp_url(""),
                                    "--owner-token", olga, "--member-token", mia, "--student-token",
                                    stu, "--course", id, "--logo", logo.string(), "--out",
                                    node.out_dir.string(), "--timeout", "20"},
                                   90s);
  MESSAGE("browser orgs: " << result.dump());
  const auto& checks = result["checks"];
  for (const auto* name : {"org_created",
                           "invited",
                           "channels_attached",
                           "branding_saved",
                           "inbox_notice",
                           "accepted",
                           "branding_visible",
                           "org_channels_listed",
                           "member_key_shown",
                           "schedule_ics",
                           "channel_shows_org",
                           "channel_names_live_member",
                           "enrolled",
                           "lesson_in_course_zone",
                           "lesson_in_student_zone",
                           "course_ics",
                           "verify_genuine",
                           "verify_revoked",
                           "org_fits_360",
                           "channel_fits_360",
                           "course_fits_360",
                           "verify_fits_360",
                           "no_page_errors"}) {
    INFO(name);
    CHECK(checks.value(name, false));
  }

  // What the pages did, as the API sees it.
  auto org = api_ok(node, "GET", "orgs/acmelive", olga);
  CHECK(org["branding"]["colours"]["primary"] == "#0a7d5a");
  CHECK(org["branding"]["logo"] == true);
  CHECK(org["channels"].size() == 2);
  bool mia_member = false;
  for (const auto& m : org["members"])
    mia_member = mia_member || (m["user"] == "mia" && m["role"] == "member");
  CHECK(mia_member);
  auto code = result.value("code", "");
  REQUIRE(!code.empty());
  auto cert = api_ok(node, "GET", "certificates/" + code, "");
  CHECK(cert["status"] == "revoked");
}
