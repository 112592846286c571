// orgstreams/<slug> over a real registry with the real org/<slug>: only the org's owner and
// admins (and the site admin) change the policy; a rule's member key works at go-live for that
// member and channel only, survives a restart (replay), and stops working once the member leaves
// the org (the key is revoked, the rule's member shows no key). Shared emotes: only managers add
// and delete them, the emotes domain's rules and storage hold for them, the codes survive a
// restart in the policy the rooms get.
#include <doctest/doctest.h>

#include <string>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/emotes/emotes.hpp"
#include "actors/orgs/org_entity.hpp"
#include "actors/orgs/orgs.hpp"
#include "actors/orgstreams/orgstreams.hpp"
#include "runtime/errors.hpp"
#include "tests/actors/emotes/emote_images.hpp"
#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using namespace aethex::actors;
using json = nlohmann::json;

namespace {

struct orgstreams_fixture {
  test::entity_fixture f{{.manual_clock = true}};

  caf::expected<json> org_cmd(const std::string& by, const std::string& op, json body) {
    auto text = f.ask<std::string>("org", "acme", org_cmd_atom::value, by, false, op, body.dump());
    if (!text)
      return text.error();
    return json::parse(*text);
  }
  caf::expected<json> change(const std::string& by, json cmd) {
    auto text = f.ask<std::string>("orgstreams", "acme", orgs_change_atom::value, by, cmd.dump());
    if (!text)
      return text.error();
    return json::parse(*text);
  }
  caf::expected<std::string> key_check(const std::string& channel, const std::string& key) {
    return f.ask<std::string>("orgstreams", "acme", orgs_key_atom::value, channel, key,
                              std::string{"s1"});
  }
  void make_org() {
    REQUIRE(f.ask<std::string>("org", "acme", org_create_atom::value, std::string{"olga"},
                               json{{"name", "Acme"}}.dump()));
    REQUIRE(org_cmd("olga", "invite", {{"user", "mia"}, {"role", "member"}}));
    REQUIRE(org_cmd("mia", "accept", json::object()));
    for (auto ch : {"acme_one", "acme_two"})
      REQUIRE(org_cmd("olga", "attach", {{"channel", ch}, {"channel_owner", "olga"}}));
  }
};

errc code_of_answer(const caf::expected<json>& answer) {
  REQUIRE_FALSE(answer);
  return code_of(answer.error());
}

}  // namespace

TEST_CASE("orgstreams entity: managers only, member keys, replay, a leaving member's key") {
  orgstreams_fixture t;
  t.make_org();
  CHECK(code_of_answer(t.change("mia", {{"op", "add_moderator"}, {"user", "modi"}})) ==
        errc::forbidden);
  CHECK(code_of_answer(t.change("stranger", {{"op", "ban"}, {"user", "troll"}})) ==
        errc::forbidden);
  REQUIRE(t.change("olga", {{"op", "add_moderator"}, {"user", "modi"}}));
  REQUIRE(t.change("", {{"op", "ban"}, {"user", "troll"}, {"reason", "spam"}}));  // site admin
  CHECK(code_of_answer(
          t.change("olga", {{"op", "set_rule"}, {"channel", "elsewhere"}, {"members", {"mia"}}})) ==
        errc::not_found);
  auto rule = t.change("olga", {{"op", "set_rule"}, {"channel", "acme_one"}, {"members", {"mia"}}});
  REQUIRE(rule);
  REQUIRE((*rule)["keys"].size() == 1);
  auto key = (*rule)["keys"][0]["key"].get<std::string>();
  CHECK(*t.key_check("acme_one", key) == "mia");
  CHECK_FALSE(t.key_check("acme_two", key));
  CHECK_FALSE(t.key_check("acme_one", key + "0"));

  t.f.restart();  // replayed from the store
  auto policy = t.f.ask<std::string>("orgstreams", "acme", orgs_get_atom::value, std::string{});
  REQUIRE(policy);
  auto j = json::parse(*policy);
  CHECK(j["moderators"][0]["user"] == "modi");
  CHECK(j["bans"][0]["by"] == "admin");
  CHECK(j["rules"][0]["members"][0]["has_key"] == true);
  CHECK(policy->find(key) == std::string::npos);
  CHECK(*t.key_check("acme_one", key) == "mia");

  REQUIRE(t.org_cmd("olga", "remove", {{"user", "mia"}}));
  CHECK_FALSE(t.key_check("acme_one", key));
  j = json::parse(*t.f.ask<std::string>("orgstreams", "acme", orgs_get_atom::value,
                                        std::string{"olga"}));
  CHECK(j["rules"][0]["members"][0]["has_key"] == false);
}

TEST_CASE("orgstreams entity: shared emotes live in emotes/org-<slug>, managers change them") {
  orgstreams_fixture t;
  t.make_org();
  auto emote = [&](const std::string& by, const std::string& op, const std::string& code,
                   std::string image = {}) -> caf::expected<json> {
    auto text = t.f.ask<std::string>("orgstreams", "acme", orgs_emote_atom::value, by, op, code,
                                     std::move(image));
    if (!text)
      return text.error();
    return json::parse(*text);
  };
  auto image = test::png(56, 56);
  CHECK(code_of_answer(emote("mia", "add", "acmeHype", image)) == errc::forbidden);
  CHECK(code_of_answer(emote("stranger", "add", "acmeHype", image)) == errc::forbidden);
  // The emotes domain's own checks: code shape, image format, size.
  CHECK(code_of_answer(emote("olga", "add", "x", image)) == errc::invalid_argument);
  CHECK(code_of_answer(emote("olga", "add", "acmeBad", "not an image")) ==
        errc::unsupported_media_type);
  CHECK(code_of_answer(emote("olga", "add", "acmeWide", test::png(80, 56))) ==
        errc::invalid_argument);
  auto added = emote("olga", "add", "acmeHype", image);
  REQUIRE(added);
  CHECK((*added)["code"] == "acmeHype");
  CHECK((*added)["url"] == "/api/v1/emotes/org-acme/" + emote_image_id(image));
  CHECK((*added)["added_by"] == "olga");
  REQUIRE(emote("", "add", "acmeWave", test::png(56, 56, 16, 'w')));  // the site admin
  CHECK(code_of_answer(emote("olga", "add", "acmeHype", test::png(56, 56, 20))) == errc::conflict);
  CHECK(code_of_answer(emote("olga", "rename", "acmeHype")) == errc::invalid_argument);

  auto list = emote("", "list", "");  // anyone
  REQUIRE(list);
  CHECK((*list)["org"] == "acme");
  REQUIRE((*list)["emotes"].size() == 2);
  // The image is the emotes domain's: emote_image/org-acme.<id>.
  auto stored = t.f.ask<std::string>("emote_image", "org-acme." + emote_image_id(image),
                                     emote_image_atom::value);
  REQUIRE(stored);
  CHECK(*stored == "png\n" + image);

  // The codes are the policy's (what rooms get) and survive a restart.
  t.f.restart();
  auto policy = json::parse(*t.f.ask<std::string>("orgstreams", "acme", orgs_get_atom::value,
                                                  std::string{"olga"}));
  CHECK(policy["emotes"] == json::array({"acmeHype", "acmeWave"}));

  CHECK(code_of_answer(emote("mia", "delete", "acmeHype")) == errc::forbidden);
  CHECK(code_of_answer(emote("olga", "delete", "acmeNone")) == errc::not_found);
  REQUIRE(emote("olga", "delete", "acmeHype"));
  policy = json::parse(*t.f.ask<std::string>("orgstreams", "acme", orgs_get_atom::value,
                                             std::string{"olga"}));
  CHECK(policy["emotes"] == json::array({"acmeWave"}));
  CHECK_FALSE(t.f.ask<std::string>("emote_image", "org-acme." + emote_image_id(image),
                                   emote_image_atom::value));
  CHECK(code_of_answer([&]() -> caf::expected<json> {
          auto text = t.f.ask<std::string>("orgstreams", "nowhere", orgs_emote_atom::value,
                                           std::string{}, std::string{"list"}, std::string{},
                                           std::string{});
          if (!text)
            return text.error();
          return json::parse(*text);
        }()) == errc::not_found);
}
