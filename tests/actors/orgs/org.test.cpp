// org/<slug> over a real registry and store with a manual clock: the role table as one function,
// the rules the table leaves to the entity (never above one's own role, only the owner makes
// admins, the owner never removed), invitations (roles, duplicates, 14-day expiry on the clock,
// the notice in the invitee's inbox events), channels (the channel's owner, limits), branding and
// logo checks by bytes, the domain claim's compare-and-set, deletion (slug never reused), the
// same state after a restart (replay, and snapshot + tail on RocksDB), and the read model.
#include "actors/orgs/org_book.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/orgs/org_entity.hpp"
#include "actors/orgs/orgs.hpp"
#include "actors/orgs/orgs_projection.hpp"
#include "runtime/errors.hpp"
#include "storage/read_model.hpp"
#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using namespace aethex::actors;
using json = nlohmann::json;

namespace {

struct org_fixture {
  test::entity_fixture f;

  explicit org_fixture(test::entity_fixture_options opts = {.manual_clock = true}) : f(opts) {}

  static caf::expected<json> parsed(caf::expected<std::string> text) {
    if (!text)
      return text.error();
    return json::parse(*text);
  }
  caf::expected<json> create(const std::string& slug = "acme", const std::string& by = "alice") {
    return parsed(f.ask<std::string>("org", slug, org_create_atom::value, by,
                                     json{{"name", "Acme School"}}.dump()));
  }
  caf::expected<json> cmd(const std::string& by, const std::string& op, json body = json::object(),
                          const std::string& slug = "acme") {
    return parsed(f.ask<std::string>("org", slug, org_cmd_atom::value, by, by.empty(), op,
                                     body.dump()));
  }
  std::string role(const std::string& user) {
    auto r = f.ask<std::string>("org", "acme", org_role_atom::value, user);
    REQUIRE(r);
    return *r;
  }
  void join(const std::string& user, const std::string& as) {
    REQUIRE(cmd("alice", "invite", json{{"user", user}, {"role", as}}));
    REQUIRE(cmd(user, "accept"));
  }
};

errc code(const caf::expected<json>& answer) {
  REQUIRE_FALSE(answer);
  return code_of(answer.error());
}

std::string reason(const caf::expected<json>& answer) {
  REQUIRE_FALSE(answer);
  return reason_of(answer.error());
}

// The smallest whole PNG: signature, IHDR (1×1 grey), IDAT, IEND with their CRCs.
std::string tiny_png() {
  const unsigned char bytes[] = {
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00,
    0x00, 0x3A, 0x7E, 0x9B, 0x55, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78,
    0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x48, 0xAF, 0xA4, 0x71, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};
  return std::string{reinterpret_cast<const char*>(bytes), sizeof bytes};
}

// A JPEG container: SOI, a baseline frame header, a scan header, one byte of data, EOI.
std::string tiny_jpeg() {
  const unsigned char bytes[] = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x01, 0x00,
                                 0x01, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xDA, 0x00, 0x08, 0x01,
                                 0x01, 0x00, 0x00, 0x3F, 0x00, 0x00, 0xFF, 0xD9};
  return std::string{reinterpret_cast<const char*>(bytes), sizeof bytes};
}

}  // namespace

TEST_CASE("the role table as one function, and slugs") {
  using enum org_action;
  // Rows of docs/organisations.md's table: owner, admin, instructor, member, outsider.
  const std::vector<std::pair<org_action, std::array<bool, 5>>> table = {
    {read_public, {true, true, true, true, true}},
    {read_members, {true, true, true, true, false}},
    {manage_members, {true, true, false, false, false}},
    {govern, {true, false, false, false, false}},
    {manage_channels, {true, true, false, false, false}},
    {edit_branding, {true, true, false, false, false}},
    {multistream, {true, true, false, false, false}},
    {analytics, {true, true, false, false, false}},
    {create_education, {true, true, true, false, false}},
  };
  CHECK(table.size() == all_org_actions.size());
  const std::array<std::string_view, 5> roles = {"owner", "admin", "instructor", "member", ""};
  for (const auto& [action, row] : table)
    for (std::size_t r = 0; r < roles.size(); ++r)
      CHECK(org_role_allows(roles[r], action) == row[r]);
  CHECK_FALSE(org_role_allows("captain", read_members));
  CHECK(valid_org_slug("a1"));
  CHECK(valid_org_slug("acme-school"));
  CHECK_FALSE(valid_org_slug("a"));
  CHECK_FALSE(valid_org_slug("-acme"));
  CHECK_FALSE(valid_org_slug("Acme"));
  CHECK_FALSE(valid_org_slug(std::string(33, 'a')));
  CHECK(valid_org_slug(std::string(32, 'a')));
}

TEST_CASE("creation, the owner, updates, deletion and a slug never reused") {
  org_fixture t;
  CHECK(code(t.parsed(t.f.ask<std::string>("org", "acme", org_create_atom::value,
                                           std::string{"alice"}, std::string{"{}"}))) ==
        errc::invalid_argument);
  CHECK(code(t.parsed(t.f.ask<std::string>("org", "acme", org_get_atom::value))) ==
        errc::not_found);
  auto created = t.create();
  REQUIRE(created);
  CHECK((*created)["owner"] == "alice");
  CHECK(t.role("alice") == "owner");
  CHECK(t.role("bob").empty());
  CHECK(reason(t.create("acme", "bob")) == "org_exists");
  CHECK(code(t.cmd("bob", "update", json{{"name", "Mine"}})) == errc::forbidden);
  CHECK(code(t.cmd("alice", "update", json{{"description", std::string(2001, 'x')}})) ==
        errc::invalid_argument);
  auto updated = t.cmd("alice", "update", json{{"name", "Acme"}});
  REQUIRE(updated);
  CHECK((*updated)["name"] == "Acme");
  t.join("bob", "admin");
  CHECK(code(t.cmd("bob", "delete")) == errc::forbidden);
  CHECK(t.cmd("", "delete"));  // the site admin may do everything
  CHECK(code(t.parsed(t.f.ask<std::string>("org", "acme", org_get_atom::value))) ==
        errc::not_found);
  CHECK(reason(t.create("acme", "carol")) == "org_exists");
}

TEST_CASE("invitations: roles below one's own, duplicates, accept, decline, 14-day expiry") {
  org_fixture t;
  REQUIRE(t.create());
  t.join("adam", "admin");
  t.join("ivy", "instructor");
  CHECK(code(t.cmd("ivy", "invite", json{{"user", "xavier"}, {"role", "member"}})) ==
        errc::forbidden);
  CHECK(code(t.cmd("adam", "invite", json{{"user", "xavier"}, {"role", "admin"}})) ==
        errc::forbidden);
  CHECK(code(t.cmd("alice", "invite", json{{"user", "xavier"}, {"role", "owner"}})) ==
        errc::invalid_argument);
  REQUIRE(t.cmd("adam", "invite", json{{"user", "xavier"}, {"role", "instructor"}}));
  CHECK(reason(t.cmd("adam", "invite", json{{"user", "xavier"}, {"role", "member"}})) ==
        "already_invited");
  CHECK(reason(t.cmd("adam", "invite", json{{"user", "ivy"}, {"role", "member"}})) ==
        "already_member");
  CHECK(code(t.cmd("ivy", "decline", json{{"user", "xavier"}})) == errc::forbidden);
  CHECK(code(t.cmd("xenia", "accept")) == errc::not_found);
  REQUIRE(t.cmd("xavier", "accept"));
  CHECK(t.role("xavier") == "instructor");

  REQUIRE(t.cmd("alice", "invite", json{{"user", "xerxes"}, {"role", "member"}}));
  REQUIRE(t.cmd("xerxes", "decline", json{{"user", "xerxes"}}));
  CHECK(code(t.cmd("xerxes", "accept")) == errc::not_found);

  REQUIRE(t.cmd("alice", "invite", json{{"user", "xiomara"}, {"role", "member"}}));
  t.f.clock.advance(std::chrono::hours(14 * 24) - std::chrono::milliseconds(1));
  REQUIRE(t.cmd("alice", "invite", json{{"user", "xylia"}, {"role", "member"}}));
  t.f.clock.advance(std::chrono::milliseconds(1));
  CHECK(reason(t.cmd("xiomara", "accept")) == "invitation_expired");
  // An expired invitation may be sent again; x5's is still good.
  REQUIRE(t.cmd("alice", "invite", json{{"user", "xiomara"}, {"role", "member"}}));
  REQUIRE(t.cmd("xiomara", "accept"));
  REQUIRE(t.cmd("xylia", "accept"));

  // Each invitation wrote a notice for the invitee's inbox.
  int notices = 0;
  for (const auto& e : t.f.events().read_stream("org/acme", 1, 1000))
    if (e.data.type == "notify.personal") {
      ++notices;
      auto body = json::parse(e.data.payload);
      CHECK(body["kind"] == "org_invitation");
      CHECK(body["users"].size() == 1);
      CHECK(body["link"] == "/orgs/acme");
    }
  CHECK(notices == 7);
}

TEST_CASE("roles: below one's own, only the owner makes admins, transfer, removal and leaving") {
  org_fixture t;
  REQUIRE(t.create());
  t.join("adam", "admin");
  t.join("ivy", "instructor");
  t.join("mia", "member");
  CHECK(code(t.cmd("adam", "set_role", json{{"user", "mia"}, {"role", "admin"}})) ==
        errc::forbidden);
  REQUIRE(t.cmd("adam", "set_role", json{{"user", "mia"}, {"role", "instructor"}}));
  CHECK(t.role("mia") == "instructor");
  CHECK(code(t.cmd("ivy", "set_role", json{{"user", "mia"}, {"role", "member"}})) ==
        errc::forbidden);
  CHECK(code(t.cmd("adam", "set_role", json{{"user", "alice"}, {"role", "member"}})) ==
        errc::forbidden);
  CHECK(code(t.cmd("alice", "set_role", json{{"user", "adam"}, {"role", "owner"}})) ==
        errc::invalid_argument);
  REQUIRE(t.cmd("alice", "set_role", json{{"user", "mia"}, {"role", "admin"}}));
  CHECK(code(t.cmd("adam", "remove", json{{"user", "mia"}})) == errc::forbidden);
  REQUIRE(t.cmd("adam", "remove", json{{"user", "ivy"}}));
  CHECK(t.role("ivy").empty());
  REQUIRE(t.cmd("mia", "remove", json{{"user", "mia"}}));  // leaving
  CHECK(reason(t.cmd("alice", "remove", json{{"user", "alice"}})) == "owner_must_transfer");
  CHECK(code(t.cmd("adam", "transfer", json{{"user", "adam"}})) == errc::forbidden);
  CHECK(code(t.cmd("alice", "transfer", json{{"user", "nobody"}})) == errc::not_found);
  REQUIRE(t.cmd("alice", "transfer", json{{"user", "adam"}}));
  CHECK(t.role("adam") == "owner");
  CHECK(t.role("alice") == "admin");
  REQUIRE(t.cmd("alice", "remove", json{{"user", "alice"}}));
}

TEST_CASE("channels: the channel's owner who is owner or admin; detaching") {
  org_fixture t;
  REQUIRE(t.create());
  t.join("adam", "admin");
  t.join("ivy", "instructor");
  CHECK(code(t.cmd("ivy", "attach", json{{"channel", "ivy"}, {"channel_owner", "ivy"}})) ==
        errc::forbidden);
  CHECK(code(t.cmd("adam", "attach", json{{"channel", "bob"}, {"channel_owner", "bob"}})) ==
        errc::forbidden);
  CHECK(code(t.cmd("adam", "attach", json{{"channel", "gone"}, {"channel_owner", ""}})) ==
        errc::not_found);
  auto attached = t.cmd("adam", "attach", json{{"channel", "adam"}, {"channel_owner", "adam"}});
  REQUIRE(attached);
  CHECK((*attached)["channels"] == json::array({"adam"}));
  CHECK(reason(t.cmd("adam", "attach", json{{"channel", "adam"}, {"channel_owner", "adam"}})) ==
        "already_attached");
  CHECK(code(t.cmd("ivy", "detach", json{{"channel", "adam"}, {"channel_owner", "adam"}})) ==
        errc::forbidden);
  REQUIRE(t.cmd("alice", "detach", json{{"channel", "adam"}, {"channel_owner", "adam"}}));
  REQUIRE(t.cmd("", "attach", json{{"channel", "c0"}, {"channel_owner", "someone"}}));
  for (int i = 1; i < 200; ++i)
    REQUIRE(t.cmd("", "attach",
                  json{{"channel", "c" + std::to_string(i)}, {"channel_owner", "someone"}}));
  CHECK(reason(t.cmd("", "attach", json{{"channel", "c200"}, {"channel_owner", "someone"}})) ==
        "channels_full");
}

TEST_CASE("a member who leaves or is removed takes the channels they attached along") {
  org_fixture t;
  REQUIRE(t.create());
  t.join("adam", "admin");
  t.join("mia", "admin");
  for (const char* owner : {"alice", "adam", "mia"})
    REQUIRE(t.cmd(owner, "attach", json{{"channel", owner}, {"channel_owner", owner}}));
  REQUIRE(t.cmd("adam", "attach", json{{"channel", "adam2"}, {"channel_owner", "adam"}}));
  REQUIRE(t.cmd("alice", "remove", json{{"user", "adam"}}));
  auto after = t.cmd("alice", "read");
  REQUIRE(after);
  CHECK((*after)["channels"] == json::array({"alice", "mia"}));
  t.f.restart();  // who attached what is replayed with the channels
  REQUIRE(t.cmd("mia", "remove", json{{"user", "mia"}}));  // leaving
  after = t.cmd("alice", "read");
  REQUIRE(after);
  CHECK((*after)["channels"] == json::array({"alice"}));
}

TEST_CASE("branding, the logo checked by its bytes, and hosts") {
  org_fixture t;
  REQUIRE(t.create());
  CHECK(code(t.cmd("alice", "branding", json{{"colours", {{"primary", "red"}}}})) ==
        errc::invalid_argument);
  CHECK(code(t.cmd("alice", "branding", json{{"colours", {{"primary", "#12345g"}}}})) ==
        errc::invalid_argument);
  auto branded = t.cmd("alice", "branding",
                       json{{"display_name", "ACME"}, {"colours", {{"primary", "#AABBCC"}}}});
  REQUIRE(branded);
  CHECK((*branded)["branding"]["colours"]["primary"] == "#aabbcc");
  CHECK((*branded)["branding"]["display_name"] == "ACME");

  CHECK(t.cmd("alice", "logo", json{{"data", org_to_base64(tiny_png())}}));
  CHECK((*t.cmd("alice", "read"))["branding"]["logo"] == true);
  CHECK(t.cmd("alice", "logo", json{{"data", org_to_base64(tiny_jpeg())}}));
  auto logo = t.f.ask<std::string>("org", "acme", org_logo_atom::value);
  REQUIRE(logo);
  CHECK(json::parse(*logo)["content_type"] == "image/jpeg");
  CHECK(code(t.cmd("alice", "logo", json{{"data", org_to_base64("BM not an image")}})) ==
        errc::unsupported_media_type);
  CHECK(code(t.cmd("alice", "logo", json{{"data", org_to_base64(tiny_png().substr(0, 40))}})) ==
        errc::invalid_argument);
  CHECK(code(t.cmd("alice", "logo", json{{"data", org_to_base64(tiny_jpeg().substr(0, 20))}})) ==
        errc::invalid_argument);
  CHECK(code_of(org_logo_type(std::string(org_limits::logo_bytes_max + 1, 'x')).error()) ==
        errc::payload_too_large);

  REQUIRE(org_domain_host("Live.Example.ORG"));
  CHECK(*org_domain_host("Live.Example.ORG") == "live.example.org");
  CHECK_FALSE(org_domain_host("localhost"));
  CHECK_FALSE(org_domain_host("a..b"));
  CHECK_FALSE(org_domain_host("-a.b"));
  CHECK_FALSE(org_domain_host("a.b:80"));
}

TEST_CASE("a host is held by one org; a stale holder is taken over by compare-and-set") {
  org_fixture t;
  auto ask = [&t](auto... xs) {
    auto r = t.f.ask<std::string>("orgdomain", "live.example.org", xs...);
    REQUIRE(r);
    return *r;
  };
  CHECK(ask(org_get_atom::value).empty());
  CHECK(ask(org_claim_atom::value, std::string{"acme"}, std::string{}) == "acme");
  CHECK(ask(org_claim_atom::value, std::string{"beta"}, std::string{}) == "acme");
  CHECK(ask(org_claim_atom::value, std::string{"beta"}, std::string{"other"}) == "acme");
  CHECK(ask(org_release_atom::value, std::string{"beta"}) == "acme");
  CHECK(ask(org_claim_atom::value, std::string{"beta"}, std::string{"acme"}) == "beta");
  t.f.restart();
  CHECK(ask(org_get_atom::value) == "beta");
  CHECK(ask(org_release_atom::value, std::string{"beta"}).empty());
}

TEST_CASE("an org comes back the same after a restart") {
  auto check_restart = [](test::entity_fixture_options opts, int rounds) {
    org_fixture t{opts};
    REQUIRE(t.create());
    t.join("adam", "admin");
    REQUIRE(t.cmd("alice", "logo", json{{"data", org_to_base64(tiny_png())}}));
    REQUIRE(t.cmd("alice", "domain", json{{"domain", "live.acme.org"}}));
    // Enough invite/decline rounds to pass the snapshot interval when asked to.
    for (int i = 0; i < rounds; ++i) {
      REQUIRE(t.cmd("alice", "invite", json{{"user", "xander"}, {"role", "member"}}));
      REQUIRE(t.cmd("xander", "decline", json{{"user", "xander"}}));
    }
    REQUIRE(t.cmd("alice", "invite", json{{"user", "carol"}, {"role", "instructor"}}));
    auto before = t.cmd("alice", "read");
    REQUIRE(before);
    t.f.restart();
    auto after = t.cmd("alice", "read");
    REQUIRE(after);
    CHECK(*after == *before);
    CHECK((*after)["branding"]["domain"] == "live.acme.org");
    REQUIRE(t.cmd("carol", "accept"));
    return t.role("carol") == "instructor";
  };
  SUBCASE("replay from the in-memory store") { CHECK(check_restart({.manual_clock = true}, 0)); }
  SUBCASE("snapshot + tail on RocksDB") {
    CHECK(check_restart({.rocksdb = true, .manual_clock = true}, 70));
  }
}

TEST_CASE("the read model: members, channels, invitations, the listing") {
  org_fixture t;
  REQUIRE(t.create());
  t.join("adam", "admin");
  REQUIRE(t.cmd("alice", "invite", json{{"user", "carol"}, {"role", "member"}}));
  REQUIRE(t.cmd("adam", "attach", json{{"channel", "adam"}, {"channel_owner", "adam"}}));
  REQUIRE(t.create("beta", "bob"));
  REQUIRE(t.cmd("bob", "branding", json{{"display_name", "Beta Club"}}, "beta"));

  auto folder = std::filesystem::temp_directory_path() /
                ("aethex-orgs-rm-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(folder);
  {
    storage::projection_runner runner{t.f.events(), folder};
    runner.add(std::make_unique<orgs_projection>());
    runner.catch_up();
    auto all = [](std::string_view, std::string_view) { return true; };
    auto adam = orgs_of_user(runner.db(), json{{"user", "adam"}}, all);
    REQUIRE(adam.size() == 1);
    CHECK(adam[0]["org"] == "acme");
    CHECK(adam[0]["role"] == "admin");
    CHECK(orgs_of_channel(runner.db(), json{{"channel", "adam"}}, all) ==
          json::array({{{"org", "acme"}}}));
    auto now = t.f.clock.now_ms();
    CHECK(orgs_invitations_of(runner.db(), json{{"user", "carol"}, {"now_ms", now}}, all).size() ==
          1);
    CHECK(orgs_invitations_of(
            runner.db(), json{{"user", "carol"}, {"now_ms", now + org_limits::invitation_ttl_ms}},
            all)
            .empty());
    CHECK(orgs_list(runner.db(), json{{"q", ""}}, all).size() == 2);
    auto found = orgs_list(runner.db(), json{{"q", "club"}}, all);
    REQUIRE(found.size() == 1);
    CHECK(found[0]["slug"] == "beta");
    CHECK(orgs_list(runner.db(), json{{"q", "%"}}, all).empty());

    REQUIRE(t.cmd("alice", "transfer", json{{"user", "adam"}}));
    REQUIRE(t.cmd("bob", "delete", json::object(), "beta"));
    runner.catch_up();
    CHECK(orgs_of_user(runner.db(), json{{"user", "adam"}}, all)[0]["role"] == "owner");
    CHECK(orgs_of_user(runner.db(), json{{"user", "bob"}}, all).empty());
    CHECK(runner.rebuild("orgs") > 0);
    CHECK(orgs_list(runner.db(), json{{"q", ""}}, all).size() == 1);
  }
  std::filesystem::remove(folder);
}
