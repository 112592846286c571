// Organisations on one real node (HTTP, --test-clock). The permission matrix is a generated
// table: org A has a user in every role (owner, admin, instructor, member) and an outsider; org B
// has its own owner. Every role × every action of docs/organisations.md's table is attempted over
// HTTP on A and on B, and each status must match the table written once below from the contract
// (on B, A's members are outsiders: only the public read passes). The table is printed. Then: an
// invitation reaches the invitee's list and inbox and expires on the test clock, GET
// orgs?channel= finds a channel's orgs, the Host header picks the org (GET orgs/by-host) and a
// domain is held by one org at a time, and the logo is checked by its bytes and served back as
// sent.
#include <doctest/doctest.h>

#include <array>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/process.hpp"
#include "tests/e2e/support/raw_client.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

std::string orgs_sign_up(const test_node& node, const std::string& name) {
  return api_ok(node, "POST", "auth/signup", "",
                {{"username", name}, {"password", name + "-pass-123"}})["token"]
    .get<std::string>();
}

// One row of the contract's table: how it is attempted, who may (owner, admin, instructor,
// member, outsider), the success status, and how the site admin undoes a success.
struct matrix_action {
  std::string name;
  std::array<bool, 5> allowed;
  std::function<api_reply(const std::string& org, const std::string& user,
                          const std::string& token)>
    attempt;
  unsigned ok_status;
  std::function<void(const std::string& org, const std::string& user)> undo;
};

// A whole HTTP exchange over a plain socket (a Host header or a binary body of the test's own).
struct raw_answer {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};
raw_answer orgs_raw(const test_node& node, const std::string& request) {
  raw_client client{node.http_port};
  REQUIRE(client.send(request));
  auto text = client.read(4 << 20, 5s);
  raw_answer out;
  auto space = text.find(' ');
  REQUIRE(space != std::string::npos);
  out.status = static_cast<unsigned>(std::stoul(text.substr(space + 1, 3)));
  auto head_end = text.find("\r\n\r\n");
  REQUIRE(head_end != std::string::npos);
  auto head = text.substr(0, head_end);
  for (auto& c : head)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (auto at = head.find("content-type: "); at != std::string::npos)
    out.content_type = head.substr(at + 14, head.find("\r\n", at) - at - 14);
  out.body = text.substr(head_end + 4);
  return out;
}

std::string orgs_put_logo(const std::string& org, const std::string& token,
                          const std::string& bytes) {
  return "PUT /api/v1/orgs/" + org + "/logo HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
         token + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
         std::to_string(bytes.size()) + "\r\nConnection: close\r\n\r\n" + bytes;
}

std::string orgs_png() {
  const unsigned char bytes[] = {
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00,
    0x00, 0x3A, 0x7E, 0x9B, 0x55, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78,
    0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x48, 0xAF, 0xA4, 0x71, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};
  return std::string{reinterpret_cast<const char*>(bytes), sizeof bytes};
}

}  // namespace

TEST_CASE("orgs: the permission matrix, invitation expiry, Host-header lookup, logo bytes") {
  test_node node{"orgs", {"--test-clock", "--minimum-password-cost", "--signups-per-address", "0"}};
  auto admin = admin_token(node.data_dir.string());
  const std::array<std::string, 5> roles = {"owner", "admin", "instructor", "member", "outsider"};
  const std::array<std::string, 5> users = {"oona", "adele", "ines", "mona", "otto"};
  std::map<std::string, std::string> token;
  for (const auto& name : {"oona", "adele", "ines", "mona", "otto", "bert", "gwen", "tara", "lars"})
    token[name] = orgs_sign_up(node, name);
  for (const auto& user : users)
    api_ok(node, "POST", "channels", token[user], {{"name", user}});

  REQUIRE(
    api_step(node, "POST", "orgs", token["oona"], {{"slug", "org-a"}, {"name", "Acme"}}).status ==
    201);
  REQUIRE(
    api_step(node, "POST", "orgs", token["bert"], {{"slug", "org-b"}, {"name", "Beta"}}).status ==
    201);
  auto join = [&](const std::string& org, const std::string& owner, const std::string& user,
                  const std::string& role) {
    REQUIRE(api_step(node, "POST", "orgs/" + org + "/invitations", token[owner],
                     {{"user", user}, {"role", role}})
              .status == 201);
    REQUIRE(api_step(node, "POST", "orgs/" + org + "/invitations/accept", token[user]).status ==
            200);
  };
  join("org-a", "oona", "adele", "admin");
  join("org-a", "oona", "ines", "instructor");
  join("org-a", "oona", "mona", "member");
  join("org-a", "oona", "tara", "member");
  join("org-b", "bert", "tara", "member");

  auto as_admin = [&](const std::string& method, const std::string& path, json body = nullptr) {
    api_ok(node, method, path, admin, body);
  };
  // The contract's table, written once. Rows the other parts serve (multi-streamer settings,
  // analytics, courses) are theirs to test; org_role_allows is the one function for all rows.
  const std::vector<matrix_action> actions = {
    {"read the public page",
     {true, true, true, true, true},
     [&](auto& org, auto&, auto& t) { return api_step(node, "GET", "orgs/" + org, t); },
     200,
     nullptr},
    {"read the member list",
     {true, true, true, true, false},
     [&](auto& org, auto&, auto& t) {
       return api_step(node, "GET", "orgs/" + org + "/members", t);
     },
     200,
     nullptr},
    {"invite a member",
     {true, true, false, false, false},
     [&](auto& org, auto&, auto& t) {
       return api_step(node, "POST", "orgs/" + org + "/invitations", t,
                       {{"user", "gwen"}, {"role", "member"}});
     },
     201,
     [&](auto& org, auto&) { as_admin("DELETE", "orgs/" + org + "/invitations/gwen"); }},
    {"make someone admin",
     {true, false, false, false, false},
     [&](auto& org, auto&, auto& t) {
       return api_step(node, "PUT", "orgs/" + org + "/members/tara/role", t, {{"role", "admin"}});
     },
     200,
     [&](auto& org, auto&) {
       as_admin("PUT", "orgs/" + org + "/members/tara/role", {{"role", "member"}});
     }},
    {"attach own channel",
     {true, true, false, false, false},
     [&](auto& org, auto& user, auto& t) {
       return api_step(node, "POST", "orgs/" + org + "/channels", t, {{"channel", user}});
     },
     201,
     [&](auto& org, auto& user) { as_admin("DELETE", "orgs/" + org + "/channels/" + user); }},
    {"edit branding",
     {true, true, false, false, false},
     [&](auto& org, auto&, auto& t) {
       return api_step(node, "PUT", "orgs/" + org + "/branding", t,
                       {{"colours", {{"primary", "#112233"}}}});
     },
     200,
     nullptr},
  };

  std::ostringstream table;
  table << "\norg  action                 | owner admin instructor member outsider\n";
  int mismatches = 0;
  for (const std::string org : {"org-a", "org-b"}) {
    for (const auto& action : actions) {
      table << (org == "org-a" ? "A    " : "B    ") << action.name
            << std::string(23 - action.name.size(), ' ') << "|";
      for (std::size_t r = 0; r < roles.size(); ++r) {
        // On B every one of A's members is an outsider.
        bool allowed = action.allowed[org == "org-a" ? r : 4];
        auto expected = allowed ? action.ok_status : 403u;
        auto got = action.attempt(org, users[r], token[users[r]]);
        INFO(org << " " << action.name << " as " << roles[r] << ": " << got.raw);
        CHECK(got.status == expected);
        if (got.status != expected)
          ++mismatches;
        table << " " << got.status << (got.status == expected ? " " : "!")
              << std::string(roles[r].size() - 3, ' ');
        if (got.status == action.ok_status && action.undo)
          action.undo(org, users[r]);
      }
      table << "\n";
    }
  }
  std::cout << table.str() << "mismatches: " << mismatches << "\n";
  CHECK(mismatches == 0);

  // The member list never shows on B's public page to A's members; A's shows it to them.
  CHECK_FALSE(api_ok(node, "GET", "orgs/org-b", token["oona"]).contains("members"));
  CHECK(api_ok(node, "GET", "orgs/org-a", token["mona"]).contains("members"));
  CHECK(api_ok(node, "GET", "me/orgs", token["tara"])["orgs"].size() == 2);

  // A channel's orgs (its page shows them): only the orgs it is attached to.
  REQUIRE(
    api_step(node, "POST", "orgs/org-a/channels", token["oona"], {{"channel", "oona"}}).status ==
    201);
  CHECK(eventually(
    [&] {
      auto found = api_ok(node, "GET", "orgs?channel=oona", "")["orgs"];
      return found.size() == 1 && found[0]["slug"] == "org-a";
    },
    5s));
  CHECK(api_ok(node, "GET", "orgs?channel=otto", "")["orgs"].empty());
  CHECK(api_step(node, "GET", "orgs?channel=no%20such", "").status == 400);

  // An invitation: in the invitee's list, gone after 14 days on the test clock.
  REQUIRE(api_step(node, "POST", "orgs/org-a/invitations", token["adele"],
                   {{"user", "lars"}, {"role", "instructor"}})
            .status == 201);
  CHECK(eventually(
    [&] {
      auto list = api_ok(node, "GET", "me/org-invitations", token["lars"])["invitations"];
      return list.size() == 1 && list[0]["org"] == "org-a" && list[0]["role"] == "instructor";
    },
    5s));
  // The invitee's inbox has the invitation's notice, leading to the org's page. (The answer is
  // kept in a local: a range-for over api_ok(...)["notifications"] walks a destroyed temporary,
  // which is how this check once "failed" while the inbox had the notice.)
  json notice;
  CHECK(eventually(
    [&] {
      auto inbox = api_ok(node, "GET", "me/notifications", token["lars"]);
      for (const auto& row : inbox["notifications"])
        if (row.value("kind", "") == "org_invitation")
          notice = row;
      return notice.is_object();
    },
    5s));
  REQUIRE(notice.is_object());
  CHECK(notice.value("link", "") == "/orgs/org-a");
  CHECK(notice.value("title", "").find("Acme as instructor") != std::string::npos);
  CHECK(notice.value("read", true) == false);
  api_ok(node, "POST", "admin/test-clock", admin, {{"advance_s", 14 * 24 * 3600 + 1}});
  CHECK(api_ok(node, "GET", "me/org-invitations", token["lars"])["invitations"].empty());
  auto expired = api_step(node, "POST", "orgs/org-a/invitations/accept", token["lars"]);
  CHECK(expired.status == 404);
  CHECK(expired.body["error"].value("code", "") == "invitation_expired");

  // A custom domain: one org at a time; the Host header finds it (any port, any case).
  CHECK(api_step(node, "PUT", "orgs/org-a/domain", token["mona"], {{"domain", "live.acme.test"}})
          .status == 403);
  CHECK(api_ok(node, "PUT", "orgs/org-a/domain", token["adele"],
               {{"domain", "Live.Acme.Test"}})["domain"] == "live.acme.test");
  auto taken = api_step(node, "PUT", "orgs/org-b/domain", token["bert"],
                        {{"domain", "live.acme.test"}});
  CHECK(taken.status == 409);
  CHECK(taken.body["error"].value("code", "") == "domain_taken");
  auto by_host = [&](const std::string& host) {
    return orgs_raw(node, "GET /api/v1/orgs/by-host HTTP/1.1\r\nHost: " + host +
                            "\r\nConnection: close\r\n\r\n");
  };
  // {"org": …} or {"org": null}: the slug it names, "" for none.
  auto host_org = [&](const std::string& host) {
    auto answer = by_host(host);
    CHECK(answer.status == 200);
    auto org = json::parse(answer.body, nullptr, false).value("org", json());
    return org.is_object() ? org.value("slug", "?") : std::string{};
  };
  CHECK(host_org("LIVE.acme.test:8443") == "org-a");
  CHECK(host_org("other.test").empty());
  CHECK(host_org("127.0.0.1").empty());
  api_ok(node, "PUT", "orgs/org-a/domain", token["oona"], {{"domain", nullptr}});
  CHECK(host_org("live.acme.test").empty());
  api_ok(node, "PUT", "orgs/org-b/domain", token["bert"], {{"domain", "live.acme.test"}});
  CHECK(host_org("live.acme.test") == "org-b");

  // The logo: checked by its bytes, served back byte for byte with its type.
  auto png = orgs_png();
  CHECK(orgs_raw(node, orgs_put_logo("org-a", token["mona"], png)).status == 403);
  CHECK(orgs_raw(node, orgs_put_logo("org-a", token["adele"], "BM-not-a-logo")).status == 415);
  CHECK(orgs_raw(node, orgs_put_logo("org-a", token["adele"], png.substr(0, 30))).status == 400);
  CHECK(orgs_raw(node, orgs_put_logo("org-a", token["adele"], png)).status == 200);
  auto logo = orgs_raw(node,
                       "GET /api/v1/orgs/org-a/logo HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Connection: close\r\n\r\n");
  CHECK(logo.status == 200);
  CHECK(logo.content_type == "image/png");
  CHECK(logo.body == png);
  CHECK(api_ok(node, "GET", "orgs/org-a/branding", "")["logo"] == true);

  // The owner deletes A: gone, and its slug is never created again.
  CHECK(api_step(node, "DELETE", "orgs/org-a", token["adele"]).status == 403);
  api_ok(node, "DELETE", "orgs/org-a", token["oona"]);
  CHECK(api_step(node, "GET", "orgs/org-a", "").status == 404);
  CHECK(
    api_step(node, "POST", "orgs", token["otto"], {{"slug", "org-a"}, {"name", "Again"}}).status ==
    409);
}
