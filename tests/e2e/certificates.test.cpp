// Certificates end to end on one real node (--test-clock): a teacher runs a one-lesson course on
// her channel; a student is in the channel's room (a signed-in WebSocket page) for the whole live
// lesson, so the course counts him present; he claims his certificate (once: a second claim
// answers the same code). The PDF is fetched, rendered with pdftoppm to
// build/tests/out/certificate.png (the screenshot: a non-blank A4 landscape page) and pdftotext
// finds the name, the course and the code. The public answer says genuine; the teacher revokes
// it and it says revoked, with the reason; a made-up code is 404.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/process.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

std::string certificate_sign_up(const test_node& node, const std::string& name) {
  return api_ok(node, "POST", "auth/signup", "",
                {{"username", name}, {"password", name + "-pass-123"}})["token"]
    .get<std::string>();
}

struct ppm_image {
  int width = 0;
  int height = 0;
  std::string pixels;  // RGB
};

// pdftoppm's default output: "P6\n<w> <h>\n255\n" then RGB bytes.
ppm_image read_ppm(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  ppm_image img;
  std::string magic;
  int max = 0;
  in >> magic >> img.width >> img.height >> max;
  in.get();
  REQUIRE(magic == "P6");
  img.pixels.assign(std::istreambuf_iterator<char>(in), {});
  REQUIRE(img.pixels.size() == static_cast<std::size_t>(img.width) * img.height * 3);
  return img;
}

// PNG's IHDR: width and height, big-endian, at bytes 16 and 20.
std::pair<std::uint32_t, std::uint32_t> png_size(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string head(24, '\0');
  in.read(head.data(), 24);
  auto be = [&](int at) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v = (v << 8) | static_cast<unsigned char>(head[at + i]);
    return v;
  };
  REQUIRE(head.compare(1, 3, "PNG") == 0);
  return {be(16), be(20)};
}

}  // namespace

TEST_CASE("certificates: complete a course, claim, the PDF, verify, revoke, unknown codes") {
  REQUIRE(on_path("pdftoppm"));
  REQUIRE(on_path("pdftotext"));
  test_node node{"certificates", {"--test-clock"}};
  auto admin = admin_token(node.data_dir.string());
  auto ada = certificate_sign_up(node, "ada");
  auto marie = certificate_sign_up(node, "marie");
  api_ok(node, "PATCH", "me", marie, {{"display_name", "Marie Skłodowska"}});
  api_ok(node, "POST", "channels", ada, {{"name", "ada"}, {"title", "Physics hour"}});

  auto now = api_ok(node, "POST", "admin/test-clock", admin, {{"advance_s", 0}})["now_ms"]
               .get<std::int64_t>();
  auto course = api_ok(node, "POST", "courses", ada,
                       {{"title", "Radioactivity for Beginners"},
                        {"channel", "ada"},
                        {"timezone", "Europe/Paris"},
                        {"completion", {{"attendance_pct", 100}, {"all_modules", true}}}});
  auto id = course["id"].get<std::string>();
  auto with_module = api_ok(node, "POST", "courses/" + id + "/modules", ada, {{"title", "Rays"}});
  auto module = with_module["modules"][0]["id"].get<std::string>();
  api_ok(node, "POST", "courses/" + id + "/modules/" + module + "/lessons", ada,
         {{"title", "Alpha, beta, gamma"},
          {"kind", "live"},
          {"starts_at_ms", now + 60'000},
          {"duration_min", 1}});
  api_ok(node, "POST", "courses/" + id + "/enrolment", marie, json::object());
  auto claim = [&] {
    return api_step(node, "POST", "courses/" + id + "/certificates/claim", marie, json::object());
  };
  CHECK(claim().status == 409);  // not attended yet

  {
    // Marie's page is in the channel's room from before the lesson until after it ends.
    chat_client page{node.http_port};
    page.send({{"type", "auth"}, {"token", marie}});
    REQUIRE(!page.next("auth_ok").is_null());
    page.send({{"type", "join"}, {"channel", "ada"}});
    REQUIRE(page.next("joined").is_object());
    api_ok(node, "POST", "admin/test-clock", admin, {{"advance_s", 3 * 60}});
  }
  api_reply claimed;
  REQUIRE(eventually(
    [&] {
      claimed = claim();
      return claimed.status == 201;
    },
    10s));
  auto code = claimed.body["code"].get<std::string>();
  CHECK(code.size() == 12);
  CHECK(claimed.body["display_name"] == "Marie Skłodowska");
  auto again = claim();
  CHECK(again.status == 200);
  CHECK(again.body["code"] == code);

  auto shown = api_step(node, "GET", "certificates/" + code, "");
  REQUIRE(shown.status == 200);
  CHECK(shown.body["status"] == "genuine");
  CHECK(shown.body["title"] == "Radioactivity for Beginners");
  CHECK(shown.body["url"] == node.http_base() + "/verify/" + code);

  // The PDF, drawn on the node; its screenshot and its text.
  auto pdf = api_step(node, "GET", "certificates/" + code + ".pdf", "");
  REQUIRE(pdf.status == 200);
  REQUIRE(pdf.raw.starts_with("%PDF-"));
  auto out = std::filesystem::path{AETHEX_TEST_OUTPUT_DIR};
  std::filesystem::create_directories(out);
  auto pdf_file = node.out_dir / "certificate.pdf";
  std::ofstream(pdf_file, std::ios::binary) << pdf.raw;
  auto png = run({"pdftoppm", "-png", "-r", "72", "-singlefile", pdf_file.string(),
                  (out / "certificate").string()},
                 20s);
  REQUIRE(png.status == 0);
  auto [w, h] = png_size(out / "certificate.png");
  CHECK(w > h);
  CHECK(static_cast<double>(w) / h == doctest::Approx(297.0 / 210.0).epsilon(0.01));
  REQUIRE(run({"pdftoppm", "-r", "36", "-singlefile", pdf_file.string(),
               (node.out_dir / "certificate").string()},
              20s)
            .status == 0);
  auto img = read_ppm(node.out_dir / "certificate.ppm");
  std::size_t inked = 0;
  for (std::size_t i = 0; i + 2 < img.pixels.size(); i += 3)
    inked += static_cast<unsigned char>(img.pixels[i]) < 200 ||
             static_cast<unsigned char>(img.pixels[i + 2]) < 200;
  auto share = static_cast<double>(inked) / (img.pixels.size() / 3);
  CHECK(share > 0.02);  // a frame and text, not a blank page
  CHECK(share < 0.5);   // and not a filled one
  auto text = run({"pdftotext", "-layout", pdf_file.string(), "-"}, 20s);
  REQUIRE(text.status == 0);
  CHECK(text.output.find("Marie Skłodowska") != std::string::npos);
  CHECK(text.output.find("Radioactivity for Beginners") != std::string::npos);
  CHECK(text.output.find(code) != std::string::npos);
  CHECK(text.output.find("/verify/" + code) != std::string::npos);

  auto mine = [&] { return api_ok(node, "GET", "me/certificates", marie)["certificates"]; };
  CHECK(eventually([&] { return mine().size() == 1; }, 5s));

  // Revocation: the course's manager only, with a reason; it still answers, as revoked.
  auto revoke = "certificates/" + code + "/revoke";
  CHECK(api_step(node, "POST", revoke, marie, {{"reason", "mine"}}).status == 403);
  CHECK(api_step(node, "POST", revoke, ada, {{"reason", "exam taken by someone else"}}).status ==
        200);
  auto revoked = api_step(node, "GET", "certificates/" + code, "");
  CHECK(revoked.body["status"] == "revoked");
  CHECK(revoked.body["reason"] == "exam taken by someone else");
  CHECK(eventually([&] { return mine()[0]["revoked"] == true; }, 5s));
  auto listed = api_ok(node, "GET", "courses/" + id + "/certificates", ada);
  CHECK(listed["certificates"].size() == 1);

  CHECK(api_step(node, "GET", "certificates/ZZZZZZZZZZZZ", "").status == 404);
  CHECK(api_step(node, "GET", "certificates/ZZZZZZZZZZZZ.pdf", "").status == 404);
  CHECK(api_step(node, "GET", "certificates/not-a-code", "").status == 404);
  auto console = console_command(node, "ask certificate/" + code + " get");
  CHECK(console.find("exam taken by someone else") != std::string::npos);
}
