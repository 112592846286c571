// Webinars end to end (docs/webinars.md) on a real node over HTTP: who may create one, a real
// 3-page PDF (tests/e2e/support/webinar_slides.pdf) rendered by poppler to 1280 px PNG pages,
// a non-PDF and a truncated PDF refused with 4xx (and the node still serving), registration
// deciding who sees the slides, the presenter's page reaching a real WebSocket chat client as
// the room's slide frame, a real ffmpeg RTMP publish recorded to a VOD while pages changed, the
// VOD's slide timeline at the right offsets, the attendee-only webinar's VOD private from the
// moment it exists (before the recording is opened), the recording (and its VOD) refused to
// others, and a 1.5 MiB deck taken and rendered while a body over 50 MiB is refused (413); and
// in a two-node cluster a deck rendered on one member served by the other.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "net/app/http_client.hpp"
#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/cluster_nodes.hpp"
#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/process.hpp"
#include "tests/e2e/support/raw_client.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

aethex::app::http_result raw_put(const test_node& node, const std::string& target,
                                 const std::string& body, const std::string& token) {
  return aethex::app::http_call("127.0.0.1:" + std::to_string(node.http_port), "PUT",
                                "/api/v1/" + target, body, token);
}

std::string slides_pdf() {
  std::ifstream in{std::string{AETHEX_SOURCE_DIR} + "/tests/e2e/support/webinar_slides.pdf",
                   std::ios::binary};
  return std::string{std::istreambuf_iterator<char>{in}, {}};
}

// Width of a PNG from its IHDR (bytes 16-19, big-endian); 0 when it is not a PNG.
std::uint32_t png_width(const std::string& png) {
  if (png.size() < 24 || png.compare(0, 8, std::string{"\x89PNG\r\n\x1a\n", 8}) != 0)
    return 0;
  std::uint32_t w = 0;
  for (int i = 16; i < 20; ++i)
    w = (w << 8) | static_cast<unsigned char>(png[static_cast<std::size_t>(i)]);
  return w;
}

// A real two-page PDF of `size` bytes or more: page 1 is a blue panel whose content stream is
// padded with comment lines (legal in a content stream), page 2 a red box; the cross-reference
// table gives every object's true offset, so poppler reads it without repairing anything.
std::string large_pdf(std::size_t size) {
  std::string pad;
  const std::string line = "% " + std::string(76, 'x') + "\n";
  while (pad.size() < size)
    pad += line;
  std::vector<std::string> objects{
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 640 360] /Contents 4 0 R >>",
    "",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 640 360] /Contents 6 0 R >>",
    ""};
  auto stream = [](const std::string& content) {
    return "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content +
           "\nendstream";
  };
  objects[3] = stream("0.2 0.4 0.8 rg 40 40 560 280 re f\n" + pad);
  objects[5] = stream("0.8 0.2 0.2 rg 100 100 200 100 re f\n");
  std::string pdf = "%PDF-1.4\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  auto xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (auto offset : offsets) {
    char entry[32];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", offset);
    pdf += entry;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

}  // namespace

TEST_CASE("a webinar's slides, sync, VOD timeline and attendee-only recording over HTTP") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required (scripts/setup installs it)");
  test_node node{"webinars"};
  auto key = node.create_channel("alice");
  auto admin = admin_token(node.data_dir.string());
  auto signup = [&](const std::string& name) {
    return api_ok(node, "POST", "auth/signup", "",
                  {{"username", name}, {"password", name + "-pass-1"}})["token"]
      .get<std::string>();
  };
  auto viewer = signup("attendee");
  auto editor = signup("presenter");
  auto outsider = signup("outsider");
  api_ok(node, "PUT", "channels/alice/roles/presenter", admin, {{"role", "editor"}});

  json body{{"title", "Slides in sync"},
            {"starts_at_ms", now_ms() - 60'000},
            {"duration_min", 60},
            {"access", "registered"}};
  CHECK(api_step(node, "POST", "channels/alice/webinars", "", body).status == 401);
  CHECK(api_step(node, "POST", "channels/alice/webinars", outsider, body).status == 403);
  CHECK(api_step(node, "POST", "channels/alice/webinars", admin, {{"title", ""}}).status == 400);
  auto created = api_step(node, "POST", "channels/alice/webinars", admin, body);
  REQUIRE(created.status == 201);
  std::string id = created.body["id"];
  const std::string base = "webinars/" + id;
  auto anon_view = api_ok(node, "GET", base, "");
  CHECK(anon_view["live"] == true);
  CHECK(anon_view["can"]["watch"] == false);
  CHECK(api_ok(node, "GET", base, editor)["can"]["present"] == true);
  CHECK(eventually(
    [&] { return api_ok(node, "GET", "channels/alice/webinars", "")["webinars"].size() == 1; },
    5s));

  // Slides: bad bodies refused at once, a real PDF rendered in the background.
  auto pdf = slides_pdf();
  REQUIRE(pdf.size() > 500);
  CHECK(raw_put(node, base + "/slides", "hello, not a PDF", admin).status == 415);
  auto truncated = raw_put(node, base + "/slides", pdf.substr(0, 40), admin);
  CHECK(truncated.status >= 400);
  CHECK(truncated.status < 500);
  // Cut in the middle of its objects: refused, or rendered as far as poppler can — never a crash.
  auto half = raw_put(node, base + "/slides", pdf.substr(0, pdf.size() / 2), admin);
  CHECK(half.status < 500);
  CHECK(api_call(node, "GET", "/api/v1/" + base).status == 200);
  CHECK(raw_put(node, base + "/slides", pdf, outsider).status == 403);
  auto upload = raw_put(node, base + "/slides", pdf, editor);
  REQUIRE_MESSAGE(upload.status == 202, upload.body);
  CHECK(json::parse(upload.body)["pages"] == 3);
  REQUIRE(eventually(
    [&] {
      auto s = api_ok(node, "GET", base, "")["slides"];
      return s.is_object() && s["pages"] == 3 && s["rendering"] == false;
    },
    10s));
  auto page1 = aethex::app::http_call("127.0.0.1:" + std::to_string(node.http_port), "GET",
                                      "/api/v1/" + base + "/slides/1.png", "", admin);
  REQUIRE(page1.status == 200);
  CHECK(png_width(page1.body) == 1280);
  CHECK(api_step(node, "GET", base + "/slides/2.png", outsider).status == 403);
  CHECK(api_step(node, "GET", base + "/slides/4.png", admin).status == 404);
  CHECK(api_step(node, "GET", base + "/slides/x.png", admin).status == 404);
  api_ok(node, "POST", base + "/registration", viewer);
  auto page2 = aethex::app::http_call("127.0.0.1:" + std::to_string(node.http_port), "GET",
                                      "/api/v1/" + base + "/slides/2.png", "", viewer);
  CHECK(page2.status == 200);
  CHECK(png_width(page2.body) == 1280);
  CHECK(page2.body != page1.body);

  // The presenter's page reaches a chat reader as the room's slide frame.
  chat_client reader{node.http_port};
  reader.guest_join("guest_webinar", "alice");
  CHECK(api_step(node, "POST", base + "/slides/current", outsider, {{"page", 2}}).status == 403);
  CHECK(api_step(node, "POST", base + "/slides/current", editor, {{"page", 9}}).status == 400);
  api_ok(node, "POST", base + "/slides/current", editor, {{"page", 2}});
  auto frame = reader.next("slide");
  REQUIRE_MESSAGE(frame.is_object(), "no slide frame in chat");
  CHECK(frame["webinar"] == id);
  CHECK(frame["page"] == 2);
  CHECK(frame["pages"] == 3);
  CHECK(frame["url"].get<std::string>().find("/slides/2.png") != std::string::npos);
  CHECK(api_ok(node, "GET", base, "")["slides"]["current"] == 2);

  // A recording while the pages change: its timeline is the changes, from its start.
  child_process ffmpeg{ffmpeg_publish_args(node.rtmp_url(key), 8), node.out_dir / "ffmpeg.log"};
  std::string vod_id;
  REQUIRE(eventually(
    [&] {
      auto vods = api_call(node, "GET", "/api/v1/channels/alice/vods", nullptr, admin).body;
      if (vods.is_object() && !vods["vods"].empty() && vods["vods"][0]["state"] == "recording")
        vod_id = vods["vods"][0]["id"];
      return !vod_id.empty();
    },
    15s));
  // Born private: before anyone opened the recording (which used to be what hid it), the VOD
  // and its playlist refuse a non-attendee from the moment the VOD exists.
  CHECK(api_step(node, "GET", "vods/" + vod_id, outsider).status == 404);
  CHECK(api_step(node, "GET", "vods/" + vod_id, "").status == 404);
  CHECK(api_step(node, "GET", "vods/" + vod_id, viewer).status == 404);  // only signed links
  CHECK(node.get("/vod/" + vod_id + "/index.m3u8").status >= 400);
  CHECK(api_ok(node, "GET", "vods/" + vod_id, admin)["privacy"] == "private");
  std::this_thread::sleep_for(1s);  // a page shown a while into the recording
  auto before3 = now_ms();
  api_ok(node, "POST", base + "/slides/current", admin, {{"page", 3}});
  auto after3 = now_ms();
  std::this_thread::sleep_for(1500ms);
  auto before1 = now_ms();
  api_ok(node, "POST", base + "/slides/current", admin, {{"page", 1}});
  auto after1 = now_ms();
  REQUIRE(ffmpeg.wait(30s) == 0);
  // Private from its start, so read as the channel's owner (the admin), not anonymously.
  json vod;
  REQUIRE_MESSAGE(eventually(
                    [&] {
                      auto v = api_call(node, "GET", "/api/v1/vods/" + vod_id, nullptr, admin);
                      if (v.status == 200 && v.body.value("state", "") == "ready")
                        vod = v.body;
                      return vod.is_object();
                    },
                    20s),
                  node.log());
  REQUIRE(vod["id"] == vod_id);
  auto start = vod["started_at_ms"].get<std::int64_t>();
  json timeline;
  REQUIRE(eventually(
    [&] {
      timeline = api_ok(node, "GET", "vods/" + vod_id + "/slides", admin)["slides"];
      return timeline.size() == 3;
    },
    10s));
  CHECK(timeline[0]["page"] == 2);  // shown when the recording began: at 0
  CHECK(timeline[0]["at_ms"] == 0);
  CHECK(timeline[1]["page"] == 3);
  CHECK(timeline[1]["at_ms"].get<std::int64_t>() >= before3 - start);
  CHECK(timeline[1]["at_ms"].get<std::int64_t>() <= after3 - start);
  CHECK(timeline[2]["page"] == 1);
  CHECK(timeline[2]["at_ms"].get<std::int64_t>() >= before1 - start);
  CHECK(timeline[2]["at_ms"].get<std::int64_t>() <= after1 - start);
  CHECK(timeline[2]["webinar"] == id);
  CHECK(api_step(node, "GET", "vods/nope/slides", "").status == 404);

  // The recording: attendees and managers only; its VOD is then refused to everyone else.
  CHECK(api_step(node, "GET", base + "/recording", outsider).status == 403);
  CHECK(api_step(node, "GET", base + "/recording", "").status == 403);
  auto rec = api_ok(node, "GET", base + "/recording", viewer);
  REQUIRE(rec["vods"].size() == 1);
  CHECK(rec["vods"][0]["id"] == vod_id);
  CHECK(rec["vods"][0]["privacy"] == "private");
  REQUIRE(rec["chapters"].size() >= 3);
  CHECK(rec["chapters"][0]["kind"] == "slide");
  CHECK(rec["qa"].is_array());
  CHECK(eventually([&] { return api_step(node, "GET", "vods/" + vod_id, outsider).status == 404; },
                   5s));
  auto hls = rec["vods"][0]["hls"].get<std::string>();
  CHECK(hls.find("sig=") != std::string::npos);
  CHECK(node.get(hls).status == 200);
  CHECK(node.get("/vod/" + vod_id + "/index.m3u8").status >= 400);

  // A deck over the server's default 1 MiB body limit is taken (the route's own 50 MiB) and
  // rendered; a body over 50 MiB is refused.
  auto big = large_pdf(3u << 19);
  REQUIRE(big.size() > (1u << 20));
  auto big_upload = raw_put(node, base + "/slides", big, editor);
  REQUIRE_MESSAGE(big_upload.status == 202, big_upload.body);
  CHECK(json::parse(big_upload.body)["pages"] == 2);
  REQUIRE(eventually(
    [&] {
      auto s = api_ok(node, "GET", base, "")["slides"];
      return s.is_object() && s["pages"] == 2 && s["rendering"] == false &&
             s["upload"] == json::parse(big_upload.body)["upload"];
    },
    20s));
  auto big_page = aethex::app::http_call("127.0.0.1:" + std::to_string(node.http_port), "GET",
                                         "/api/v1/" + base + "/slides/1.png", "", viewer);
  CHECK(big_page.status == 200);
  CHECK(png_width(big_page.body) == 1280);
  // Over 50 MiB: refused from the head's Content-Length, before any byte of the body is read
  // (as curl sees it, which waits for 100 Continue), so the test sends the head alone.
  raw_client huge{static_cast<unsigned short>(node.http_port)};
  REQUIRE(huge.send("PUT /api/v1/" + base + "/slides HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                    "Authorization: Bearer " + editor + "\r\nContent-Type: application/pdf\r\n" +
                    "Content-Length: " + std::to_string((50u << 20) + 1) +
                    "\r\nExpect: 100-continue\r\n\r\n"));
  auto refused = huge.read_until("\r\n\r\n", 5s);
  CHECK_MESSAGE(refused.starts_with("HTTP/1.1 413"), refused);
  CHECK(api_call(node, "GET", "/api/v1/" + base).status == 200);
}

// The page files stay on the member that rendered the deck; another member fetches them from it
// through its node services (docs/webinars.md, "Slides in a cluster").
TEST_CASE("in a cluster, a member that did not render a deck serves its pages") {
  auto port_a = free_tcp_port(), port_b = free_tcp_port();
  test_node a{"webinars_a", cluster_args("a", port_a)};
  test_node b{"webinars_b", cluster_args("b", port_b, "127.0.0.1:" + std::to_string(port_a))};
  REQUIRE(eventually([&] { return member_count(a) == 2 && member_count(b) == 2; }, 30s));
  a.create_channel("duo");
  auto admin = admin_token(a.data_dir.string());
  auto created = api_step(a, "POST", "channels/duo/webinars", admin,
                          {{"title", "Two members"}, {"starts_at_ms", now_ms()}});
  REQUIRE_MESSAGE(created.status == 201, created.body.dump());
  const std::string base = "webinars/" + created.body["id"].get<std::string>();
  auto upload = raw_put(a, base + "/slides", slides_pdf(), admin);
  REQUIRE_MESSAGE(upload.status == 202, upload.body);
  REQUIRE(eventually(
    [&] {
      auto s = api_ok(b, "GET", base, "")["slides"];
      return s.is_object() && s["pages"] == 3 && s["rendering"] == false;
    },
    15s));
  CHECK(api_ok(b, "GET", base, "")["slides"]["node"] == "a");
  auto on_a = a.get("/api/v1/" + base + "/slides/3.png");
  auto on_b = b.get("/api/v1/" + base + "/slides/3.png");
  REQUIRE(on_a.status == 200);
  REQUIRE_MESSAGE(on_b.status == 200, on_b.body);
  CHECK(png_width(on_b.body) == 1280);
  CHECK(on_b.body == on_a.body);
  CHECK(b.get("/api/v1/" + base + "/slides/4.png").status == 404);
}
