// A course end to end on one real node (HTTP + WebSocket, --test-clock): a channel's owner
// creates a course in Europe/Berlin with a live lesson and a recording; outsiders may not;
// students enrol in each mode (open, approval, invitation); the 24-hour and 15-minute reminders
// reach the enrolled students' inboxes as the test clock passes them (the node's ticker), and
// also — once each — a real SMTP server (aiosmtpd) as e-mail to the student who turned e-mail
// notifications on (not to one who did not) and a real web push receiver
// (support/push_receiver.py, which verifies VAPID and decrypts) for the student's device; a
// student's real WebSocket viewer session on the channel during the lesson gives attendance;
// the attendance CSV parses; the course and personal iCalendar feeds pass strict line checks.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/process.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

std::string course_sign_up(const test_node& node, const std::string& name) {
  return api_ok(node, "POST", "auth/signup", "",
                {{"username", name},
                 {"password", name + "-pass-123"},
                 {"email", name + "@ex.org"}})["token"]
    .get<std::string>();
}

// The messages the SMTP server put in its maildir.
std::vector<std::string> course_mails(const std::filesystem::path& maildir) {
  std::vector<std::string> mails;
  std::error_code ec;
  for (auto& entry : std::filesystem::directory_iterator(maildir / "new", ec)) {
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    mails.push_back(text.str());
  }
  return mails;
}

std::vector<std::string> course_split(const std::string& text, const std::string& sep) {
  std::vector<std::string> out;
  std::size_t at = 0;
  for (auto next = text.find(sep); next != std::string::npos; next = text.find(sep, at)) {
    out.push_back(text.substr(at, next - at));
    at = next + sep.size();
  }
  if (at < text.size())
    out.push_back(text.substr(at));
  return out;
}

// RFC 5545 as calendar apps read it: CRLF lines of at most 75 octets, balanced BEGIN/END, each
// VEVENT with UID, DTSTAMP, DTSTART and DTEND in UTC. Answers the UIDs.
std::vector<std::string> course_check_ics(const std::string& text) {
  REQUIRE(text.ends_with("\r\n"));
  std::vector<std::string> stack, uids;
  for (const auto& line : course_split(text, "\r\n")) {
    CHECK(line.size() <= 75);
    CHECK(line.find('\n') == std::string::npos);
    if (line.starts_with("BEGIN:"))
      stack.push_back(line.substr(6));
    else if (line.starts_with("END:")) {
      REQUIRE(!stack.empty());
      CHECK(stack.back() == line.substr(4));
      stack.pop_back();
    } else if (line.starts_with("UID:"))
      uids.push_back(line.substr(4));
    else if (line.starts_with("DTSTART:") || line.starts_with("DTEND:") ||
             line.starts_with("DTSTAMP:"))
      CHECK(line.size() == line.find(':') + 17);  // YYYYMMDDTHHMMSSZ
    else if (!line.starts_with(" "))
      CHECK(line.find(':') != std::string::npos);
  }
  CHECK(stack.empty());
  CHECK(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
  return uids;
}

}  // namespace

TEST_CASE("courses: enrolment modes, reminders, attendance from a viewer session, CSV, iCal") {
  REQUIRE(on_path("python3"));
  auto smtp_port = free_tcp_port();
  auto maildir = fresh_temp_dir("aethex-course-mail") / "box";
  child_process smtp{{"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l",
                      "127.0.0.1:" + std::to_string(smtp_port), "-c", "aiosmtpd.handlers.Mailbox",
                      maildir.string()},
                     output_dir("courses") / "aiosmtpd.log"};
  auto pushes = fresh_temp_dir("aethex-course-push") / "pushes.jsonl";
  auto push_port = free_tcp_port();
  child_process receiver{{"python3",
                          std::string{AETHEX_SOURCE_DIR} + "/tests/e2e/support/push_receiver.py",
                          std::to_string(push_port), pushes.string()},
                         output_dir("courses") / "push_receiver.log"};
  REQUIRE(eventually([&] { return receiver.log().find("listening ") != std::string::npos; }, 10s));
  auto listening = receiver.log().substr(receiver.log().find("listening ") + 10);
  auto device_keys = json::parse(listening.substr(0, listening.find('\n')));

  test_node node{"courses",
                 {"--test-clock", "--smtp-url", "smtp://127.0.0.1:" + std::to_string(smtp_port),
                  "--push-allow-private"}};
  auto admin = admin_token(node.data_dir.string());
  std::map<std::string, std::string> token;
  for (auto name : {"teacher", "sam", "ann", "ivy", "eve"})
    token[name] = course_sign_up(node, name);
  // sam turned e-mail notifications on and subscribed a device; the others did neither.
  api_ok(node, "PATCH", "me", token["sam"], {{"settings", {{"email_notifications", true}}}});
  api_ok(node, "POST", "me/push-subscriptions", token["sam"],
         {{"endpoint", "http://127.0.0.1:" + std::to_string(push_port) + "/sub/sam-phone"},
          {"keys", {{"p256dh", device_keys["p256dh"]}, {"auth", device_keys["auth"]}}}});
  api_ok(node, "POST", "channels", token["teacher"], {{"name", "school"}});

  // Only the channel's managers create courses on it.
  json body{{"title", "Rust in a week"}, {"channel", "school"}, {"timezone", "Europe/Berlin"}};
  CHECK(api_step(node, "POST", "courses", token["eve"], body).status == 403);
  body["timezone"] = "Mars/Olympus";
  CHECK(api_step(node, "POST", "courses", token["teacher"], body).status == 400);
  body["timezone"] = "Europe/Berlin";
  auto created = api_step(node, "POST", "courses", token["teacher"], body);
  REQUIRE(created.status == 201);
  auto id = created.body["id"].get<std::string>();
  auto path = "courses/" + id;
  auto module = api_ok(node, "POST", path + "/modules", token["teacher"], {{"title", "Basics"}});
  auto module_id = module["modules"][0]["id"].get<std::string>();
  CHECK(api_step(node, "POST", path + "/modules", token["eve"], {{"title", "x"}}).status == 403);

  // The live lesson starts 25 h from now on the node's clock, on a whole minute.
  auto now = api_ok(node, "POST", "admin/test-clock", admin, {{"advance_s", 0}})["now_ms"]
               .get<std::int64_t>();
  auto at = now - now % 60'000 + 25 * 3'600'000;
  auto with_lesson = api_ok(
    node, "POST", path + "/modules/" + module_id + "/lessons", token["teacher"],
    {{"title", "Ownership"}, {"kind", "live"}, {"starts_at_ms", at}, {"duration_min", 60}});
  auto lesson = with_lesson["modules"][0]["lessons"][0];
  auto lesson_id = lesson["id"].get<std::string>();
  CHECK(lesson["starts_local"].get<std::string>().ends_with("+01:00"));  // December in Berlin
  api_ok(node, "POST", path + "/modules/" + module_id + "/lessons", token["teacher"],
         {{"title", "Replay"}, {"kind", "recording"}, {"vod", "somevod"}});

  // Open: sam joins at once. Approval: ann asks, the teacher approves. Invite: only ivy.
  CHECK(api_ok(node, "POST", path + "/enrolment", token["sam"])["status"] == "enrolled");
  api_ok(node, "PATCH", path, token["teacher"], {{"enrolment", "approval"}});
  CHECK(api_ok(node, "POST", path + "/enrolment", token["ann"])["status"] == "requested");
  CHECK(api_step(node, "POST", path + "/requests/ann/approve", token["eve"]).status == 403);
  CHECK(api_ok(node, "POST", path + "/requests/ann/approve", token["teacher"])["status"] ==
        "enrolled");
  api_ok(node, "PATCH", path, token["teacher"], {{"enrolment", "invite"}});
  CHECK(api_step(node, "POST", path + "/enrolment", token["eve"]).status == 403);
  CHECK(
    api_step(node, "POST", path + "/invitations", token["teacher"], {{"user", "nobody"}}).status ==
    404);
  CHECK(api_ok(node, "POST", path + "/invitations", token["teacher"],
               {{"user", "ivy"}})["status"] == "invited");
  CHECK(api_ok(node, "GET", path, token["ivy"])["me"]["status"] == "invited");
  CHECK(api_ok(node, "POST", path + "/enrolment", token["ivy"])["status"] == "enrolled");
  auto people = api_ok(node, "GET", path + "/people", token["teacher"]);
  CHECK(people["students"].size() == 3);
  CHECK(api_step(node, "GET", path + "/people", token["sam"]).status == 403);

  // Reminders: 24 h before, then 15 min before, each in the inbox once.
  auto reminders = [&](const std::string& who) {
    auto inbox = api_ok(node, "GET", "me/notifications", token[who]);
    int n = 0;
    for (auto& row : inbox["notifications"])
      n += row["kind"] == "course_reminder" ? 1 : 0;
    return n;
  };
  CHECK(reminders("sam") == 0);
  api_ok(node, "POST", "admin/test-clock", admin, {{"advance_s", 3600 + 60}});
  CHECK(eventually([&] { return reminders("sam") == 1; }, 10s));
  CHECK(eventually([&] { return reminders("ivy") == 1; }, 10s));
  CHECK(reminders("eve") == 0);
  // The same reminder by e-mail (only sam asked for e-mail) and by web push to sam's device.
  REQUIRE_MESSAGE(eventually([&] { return course_mails(maildir).size() == 1; }, 20s),
                  smtp.log() << node.log());
  auto mail = course_mails(maildir).at(0);
  CHECK(mail.find("To: <sam@ex.org>") != std::string::npos);
  CHECK(mail.find("Course: Rust in a week") != std::string::npos);
  CHECK(mail.find("Lesson: Ownership") != std::string::npos);
  auto local = lesson["starts_local"].get<std::string>();  // 2026-12-05T21:00:00+01:00
  CHECK(mail.find("Starts: " + local.substr(0, 10) + " " + local.substr(11, 5) +
                  " Europe/Berlin (UTC" + local.substr(19) + ")") != std::string::npos);
  CHECK(mail.find("/courses/" + id) != std::string::npos);
  REQUIRE_MESSAGE(eventually([&] { return json_lines_of(pushes).size() == 1; }, 20s),
                  receiver.log() << node.log());
  auto push = json_lines_of(pushes).at(0);
  CHECK(push["vapid_ok"] == true);
  CHECK(push["message"]["type"] == "course_reminder");
  CHECK(push["message"]["url"] == "/courses/" + id);
  CHECK(push["message"]["title"].get<std::string>().find("Ownership") != std::string::npos);
  api_ok(node, "POST", "admin/test-clock", admin, {{"advance_s", 23 * 3600 + 46 * 60}});
  CHECK(eventually([&] { return reminders("sam") == 2; }, 10s));
  CHECK(eventually([&] { return course_mails(maildir).size() == 2; }, 20s));
  CHECK(eventually([&] { return json_lines_of(pushes).size() == 2; }, 20s));

  // The lesson starts; sam's page joins the channel 5 minutes in, leaves 50 minutes later.
  api_ok(node, "POST", "admin/test-clock", admin, {{"advance_s", 14 * 60 + 5 * 60}});
  {
    chat_client page(node.http_port);
    page.send({{"type", "auth"}, {"token", token["sam"]}});
    REQUIRE(!page.next("auth_ok").is_null());
    page.send({{"type", "join"}, {"channel", "school"}});
    REQUIRE(!page.next("joined").is_null());
    // An anonymous page on the channel is no student: it adds no attendance.
    chat_client guest(node.http_port);
    guest.send({{"type", "join"}, {"channel", "school"}});
    REQUIRE(!guest.next("joined").is_null());
    api_ok(node, "POST", "admin/test-clock", admin, {{"advance_s", 50 * 60}});
    page.send({{"type", "leave"}});
  }
  json progress;
  REQUIRE(eventually(
    [&] {
      progress = api_ok(node, "GET", path + "/progress", token["sam"]);
      return progress["lessons"][0]["present_pct"].get<int>() > 0;
    },
    10s));
  CHECK(progress["lessons"][0]["present_pct"] == 83);  // 50 of 60 minutes
  CHECK(progress["lessons"][0]["attended"] == true);
  CHECK(progress["attendance_pct"] == 50);  // the recording is not watched
  CHECK(api_ok(node, "GET", path + "/progress", token["ann"])["lessons"][0]["present_pct"] == 0);

  // The report as CSV: a header and one row per student × lesson, 12 columns each.
  auto csv = api_step(node, "GET", path + "/attendance.csv", token["teacher"]);
  REQUIRE(csv.status == 200);
  CHECK(api_step(node, "GET", path + "/attendance.csv", token["sam"]).status == 403);
  auto lines = course_split(csv.raw, "\r\n");
  REQUIRE(lines.size() == 1 + 3 * 2);
  CHECK(lines[0].starts_with("user,module,lesson,title,kind,starts_at"));
  bool sam_row = false;
  for (const auto& line : lines) {
    auto cells = course_split(line + ",", ",");
    CHECK(cells.size() == 12);
    if (cells[0] == "sam" && cells[2] == lesson_id) {
      sam_row = true;
      CHECK(cells[7] == "83");
      CHECK(cells[8] == "yes");
      CHECK(cells[9].ends_with("Z"));
      CHECK(cells[11] == "1");
    }
  }
  CHECK(sam_row);

  // iCalendar: the course's feed, and sam's personal feed behind a rotatable token.
  auto ics = api_step(node, "GET", path + "/calendar.ics", "");
  REQUIRE(ics.status == 200);
  auto uids = course_check_ics(ics.raw);
  REQUIRE(uids.size() == 1);
  CHECK(uids[0] == lesson_id + "." + id + "@aethex-live");
  auto feed = api_ok(node, "POST", "me/calendar-token", token["sam"]);
  auto personal = api_step(node, "GET", feed["path"].get<std::string>().substr(8), "");
  REQUIRE(personal.status == 200);
  CHECK(course_check_ics(personal.raw) == uids);
  api_ok(node, "POST", "me/calendar-token", token["sam"]);
  CHECK(api_step(node, "GET", feed["path"].get<std::string>().substr(8), "").status == 404);
  CHECK(api_step(node, "GET", "me/calendar.ics?token=sam.0000", "").status == 404);

  auto catalogue = api_ok(node, "GET", "courses?channel=school", "");
  REQUIRE(catalogue["courses"].size() == 1);
  CHECK(catalogue["courses"][0]["course"] == id);

  // Two reminders, one mail and one push each, all for sam: nothing went twice or to others.
  auto mails = course_mails(maildir);
  CHECK(mails.size() == 2);
  for (const auto& m : mails)
    CHECK(m.find("To: <sam@ex.org>") != std::string::npos);
  CHECK(json_lines_of(pushes).size() == 2);
}
