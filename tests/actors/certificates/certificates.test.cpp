// Certificates (docs/education.md, section Certificates) over real entities: codes from the
// unambiguous alphabet, the completion rule, one certificate per (course, user) ever, revocation
// and its rules, replay after a restart, and the routes over a real course/<id> (claim, the
// managers' issue, list and revoke, the public answer, me/certificates, 401/403/404/409/400).
#include <doctest/doctest.h>

#include <set>

#include "actors/certificates/certificates.hpp"
#include "actors/courses/courses.hpp"
#include "actors/identity/user.hpp"
#include "tests/actors/api_node.hpp"

using namespace aethex;
using namespace aethex::actors;
using json = nlohmann::json;
using enum aethex::actors::http_method;

namespace {

const auto teacher = runtime::principal::user("teacher");
const auto stud = runtime::principal::user("stud");
const auto lazy = runtime::principal::user("lazy");
const auto nobody = runtime::principal::anonymous();
const auto admin = runtime::principal::admin();

constexpr const char* course_id = "course0001";

struct certificates_api {
  test::api_node node{{"certificates", "identity"}, {}, [](runtime::node_config& config, auto&) {
                        config.limits.minimum_password_cost = true;
                      }};
  std::string lesson;
  std::int64_t starts_ms = 0;

  certificates_api() {
    for (const char* name : {"teacher", "stud", "lazy", "other"})
      REQUIRE(node.ask<user_view>("user", name, create_atom::value,
                                  std::string{name} + "@example.com",
                                  std::string{"correct horse battery"}));
    // A one-lesson course, taught by `teacher` (an instructor) on the channel "teacher".
    json body{{"title", "Rust für Anfänger"},
              {"channel", "teacher"},
              {"timezone", "Europe/Berlin"},
              {"instructors", {"teacher"}},
              {"completion", {{"attendance_pct", 100}, {"all_modules", true}}}};
    REQUIRE(node.ask<std::string>("course", course_id, course_create_atom::value,
                                  std::string{"teacher"}, body.dump()));
    auto with_module = node.ask<std::string>("course", course_id, course_edit_atom::value,
                                             std::string{"teacher"}, true,
                                             std::string{"module.add"},
                                             json{{"title", "Basics"}}.dump());
    REQUIRE(with_module);
    auto module = json::parse(*with_module)["modules"][0]["id"].get<std::string>();
    starts_ms = node.clock.now_ms() + 3'600'000;
    auto with_lesson = node.ask<std::string>("course", course_id, course_edit_atom::value,
                                             std::string{"teacher"}, true,
                                             std::string{"lesson.add"},
                                             json{{"module", module},
                                                  {"title", "Ownership"},
                                                  {"kind", "live"},
                                                  {"starts_at_ms", starts_ms},
                                                  {"duration_min", 60}}
                                               .dump());
    REQUIRE(with_lesson);
    lesson = json::parse(*with_lesson)["modules"][0]["lessons"][0]["id"].get<std::string>();
    for (const char* user : {"stud", "lazy"})
      REQUIRE(node.ask<std::string>("course", course_id, course_enrol_atom::value,
                                    std::string{user}, false, std::string{"enrol"},
                                    std::string{user}));
  }

  // `user` was present for the whole lesson.
  void attend(const std::string& user) {
    REQUIRE(node.ask<std::string>("course", course_id, course_attend_atom::value, user, lesson,
                                  starts_ms, starts_ms + 3'600'000));
  }
  test::api_answer claim(const runtime::principal& who) {
    return node.call(post, std::string{"courses/"} + course_id + "/certificates/claim", who,
                     json::object());
  }
};

json details(const std::string& course, const std::string& user) {
  return json{{"course", course},     {"title", "T"},     {"user", user},
              {"display_name", user}, {"issuer", "chan"}, {"timezone", "UTC"}};
}

}  // namespace

TEST_CASE("codes are 12 characters of Crockford's alphabet, random, and typed codes normalise") {
  std::set<std::string> codes;
  std::set<char> seen;
  for (int i = 0; i < 2000; ++i) {
    auto code = new_certificate_code();
    CHECK(valid_certificate_code(code));
    codes.insert(code);
    seen.insert(code.begin(), code.end());
  }
  CHECK(codes.size() == 2000);
  CHECK(seen.size() == certificate_limits::code_alphabet.size());  // every letter turns up
  for (char c : std::string{"ILOU"})
    CHECK_FALSE(seen.contains(c));
  CHECK_FALSE(valid_certificate_code("ABCDEFGHJKM"));   // 11
  CHECK_FALSE(valid_certificate_code("ABCDEFGHJKMU"));  // U is not in it
  CHECK_FALSE(valid_certificate_code("abcdefghjkmn"));  // lower case only after normalising
  CHECK(normalise_certificate_code("abcd-efgh-jkmn") == "ABCDEFGHJKMN");
  CHECK(normalise_certificate_code("0o1il 2345 6789") == "0011123456789");
}

TEST_CASE("the completion rule: enrolment, attendance and all modules") {
  json progress{{"enrolled", true},
                {"lessons", {json::object()}},
                {"attendance_pct", 80},
                {"modules_completed", 1},
                {"modules_total", 2}};
  CHECK(completion_shortfall({{"attendance_pct", 75}, {"all_modules", false}}, progress).empty());
  CHECK(completion_shortfall({{"attendance_pct", 90}, {"all_modules", false}}, progress) ==
        "attendance is 80%, the course asks for 90%");
  CHECK(completion_shortfall({{"attendance_pct", 0}, {"all_modules", true}}, progress) ==
        "modules completed: 1 of 2");
  progress["modules_completed"] = 2;
  CHECK(completion_shortfall({{"attendance_pct", 80}, {"all_modules", true}}, progress).empty());
  CHECK(completion_shortfall(json::object(), progress) != "");  // default: 100 % and all
  progress["enrolled"] = false;
  CHECK(completion_shortfall({{"attendance_pct", 0}}, progress) ==
        "you are not enrolled in this course");
  progress["enrolled"] = true;
  progress["lessons"] = json::array();
  CHECK(completion_shortfall({{"attendance_pct", 0}}, progress) == "the course has no lessons yet");
}

TEST_CASE("one code per (course, user) ever; a certificate is issued once and revoked once") {
  test::entity_fixture f;
  auto first = f.ask<std::string>("certificates", "c1", cert_assign_atom::value, std::string{"a"});
  REQUIRE(first);
  auto code = json::parse(*first)["code"].get<std::string>();
  CHECK(json::parse(*first)["new"] == true);
  auto again = f.ask<std::string>("certificates", "c1", cert_assign_atom::value, std::string{"a"});
  CHECK(json::parse(*again)["code"] == code);
  CHECK(json::parse(*again)["new"] == false);
  auto other = f.ask<std::string>("certificates", "c1", cert_assign_atom::value, std::string{"b"});
  CHECK(json::parse(*other)["code"] != code);

  auto issued = f.ask<std::string>("certificate", code, cert_issue_atom::value,
                                   details("c1", "a").dump());
  REQUIRE(issued);
  CHECK(json::parse(*issued)["code"] == code);
  CHECK(json::parse(*issued)["revoked"] == false);
  auto twice = f.ask<std::string>("certificate", code, cert_issue_atom::value,
                                  details("c1", "a").dump());
  CHECK(json::parse(*twice) == json::parse(*issued));  // idempotent
  auto taken = f.ask<std::string>("certificate", code, cert_issue_atom::value,
                                  details("c1", "b").dump());
  REQUIRE_FALSE(taken);
  CHECK(reason_of(taken.error()) == "code_taken");
  // The index gives b a fresh code when its drawn one was taken.
  auto b_code = json::parse(*other)["code"].get<std::string>();
  auto fresh = f.ask<std::string>("certificates", "c1", cert_reassign_atom::value, std::string{"b"},
                                  b_code);
  CHECK(json::parse(*fresh)["code"] != b_code);
  CHECK(json::parse(*fresh)["new"] == true);

  CHECK(code_of(f.ask<std::string>("certificate", code, cert_revoke_atom::value, std::string{"t"},
                                   std::string{""})
                  .error()) == errc::invalid_argument);
  auto revoked = f.ask<std::string>("certificate", code, cert_revoke_atom::value, std::string{"t"},
                                    std::string{"plagiarism"});
  REQUIRE(revoked);
  CHECK(json::parse(*revoked)["revoked"] == true);
  CHECK(json::parse(*revoked)["reason"] == "plagiarism");
  auto again_revoked = f.ask<std::string>("certificate", code, cert_revoke_atom::value,
                                          std::string{"t"}, std::string{"x"});
  REQUIRE_FALSE(again_revoked);
  CHECK(reason_of(again_revoked.error()) == "already_revoked");
  CHECK(code_of(f.ask<std::string>("certificate", new_certificate_code(), cert_get_atom::value)
                  .error()) == errc::not_found);

  f.restart();  // everything comes back from the events
  auto replayed = f.ask<std::string>("certificate", code, cert_get_atom::value);
  REQUIRE(replayed);
  CHECK(json::parse(*replayed) == json::parse(*revoked));
  auto kept = f.ask<std::string>("certificates", "c1", cert_assign_atom::value, std::string{"a"});
  CHECK(json::parse(*kept)["code"] == code);
  auto codes = f.ask<std::string>("certificates", "c1", cert_codes_atom::value);
  CHECK(json::parse(*codes)["certificates"].size() == 2);
}

TEST_CASE("a student claims the certificate of a completed course once; managers list, revoke") {
  certificates_api t;
  auto base = std::string{"courses/"} + course_id + "/certificates";
  CHECK(t.claim(nobody).error == errc::unauthorized);
  auto early = t.claim(stud);
  CHECK(early.error == errc::conflict);  // attended nothing yet
  t.attend("stud");
  auto made = t.claim(stud);
  REQUIRE(made.status == 201);
  auto code = made.body["code"].get<std::string>();
  CHECK(valid_certificate_code(code));
  CHECK(made.body["title"] == "Rust für Anfänger");
  CHECK(made.body["user"] == "stud");
  CHECK(made.body["status"] == "genuine");
  CHECK(made.body["timezone"] == "Europe/Berlin");
  CHECK(made.body["issuer"] == "teacher");
  auto again = t.claim(stud);
  CHECK(again.status == 200);
  CHECK(again.body["code"] == code);

  auto shown = t.node.call(get, "certificates/" + code, nobody);
  REQUIRE(shown.status == 200);
  CHECK(shown.body["status"] == "genuine");
  CHECK_FALSE(shown.body.contains("revoked_by"));
  // Typed in lower case with dashes, it is the same certificate.
  auto typed = code.substr(0, 4) + "-" + code.substr(4);
  for (auto& c : typed)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  CHECK(t.node.call(get, "certificates/" + typed, nobody).body["code"] == code);
  CHECK(t.node.call(get, "certificates/ZZZZZZZZZZZZ", nobody).error == errc::not_found);
  CHECK(t.node.call(get, "certificates/nonsense", nobody).error == errc::not_found);
  // No renderer in this node: the PDF is the e2e test's.
  CHECK(t.node.call(get, "certificates/" + code + ".pdf", nobody).error == errc::unavailable);

  auto mine = t.node.call(get, "me/certificates", stud);
  REQUIRE(mine.status == 200);
  REQUIRE(mine.body["certificates"].size() == 1);
  CHECK(mine.body["certificates"][0]["code"] == code);
  CHECK(t.node.call(get, "me/certificates", lazy).body["certificates"].empty());

  // Managers: the list, issuing to one who qualifies (or not), to all who qualify.
  CHECK(t.node.call(get, base, stud).error == errc::forbidden);
  auto listed = t.node.call(get, base, teacher);
  REQUIRE(listed.status == 200);
  CHECK(listed.body["certificates"].size() == 1);
  CHECK(t.node.call(post, base, teacher, json{{"user", "lazy"}}).error == errc::conflict);
  CHECK(t.node.call(post, base, teacher, json::object()).error == errc::invalid_argument);
  CHECK(t.node.call(post, base, stud, json{{"all", true}}).error == errc::forbidden);
  t.attend("lazy");
  auto all = t.node.call(post, base, admin, json{{"all", true}});
  REQUIRE(all.status == 200);
  CHECK(all.body["issued"].size() == 1);
  CHECK(all.body["issued"][0]["user"] == "lazy");
  CHECK(all.body["already"] == 1);

  // Revocation: managers only, with a reason; the certificate still answers, as revoked.
  auto revoke = "certificates/" + code + "/revoke";
  CHECK(t.node.call(post, revoke, stud, json{{"reason", "x"}}).error == errc::forbidden);
  CHECK(t.node.call(post, revoke, teacher, json::object()).error == errc::invalid_argument);
  CHECK(t.node.call(post, revoke, teacher, json{{"reason", "copied the exam"}}).status == 200);
  CHECK(t.node.call(post, revoke, teacher, json{{"reason", "again"}}).error == errc::conflict);
  auto after = t.node.call(get, "certificates/" + code, nobody);
  CHECK(after.body["status"] == "revoked");
  CHECK(after.body["reason"] == "copied the exam");
  CHECK(t.node.call(get, "me/certificates", stud).body["certificates"][0]["revoked"] == true);
  // A revoked certificate is not issued again: the code is the student's for ever.
  auto reclaimed = t.claim(stud);
  CHECK(reclaimed.status == 200);
  CHECK(reclaimed.body["status"] == "revoked");

  auto console = t.node.console("certificate", code, "get");
  REQUIRE(console);
  CHECK((*console)["revoked_by"] == "teacher");
  auto codes = t.node.console("certificates", course_id, "codes");
  REQUIRE(codes);
  CHECK((*codes)["certificates"].size() == 2);
}
