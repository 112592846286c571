// Follows through the REST API of a real node: who may follow, idempotence, the follower count
// from the read model (summed over members in a cluster) and the account's following list.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "net/app/http_client.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using json = nlohmann::json;

namespace {

struct reply {
  unsigned status = 0;
  json body;
};

reply call(const test_node& node, const std::string& method, const std::string& target,
           const std::string& token = {}, const std::string& body = {}) {
  auto res = aethex::app::http_call("127.0.0.1:" + std::to_string(node.http_port), method, target,
                                    body, token);
  INFO(method << " " << target << " -> " << res.status << " " << res.body << res.error);
  REQUIRE(res.status != 0);
  return {res.status, json::parse(res.body, nullptr, false)};
}

std::string sign_up(const test_node& node, const std::string& name) {
  auto r = call(node, "POST", "/api/v1/auth/signup", {},
                json{{"username", name}, {"password", name + "-password"}}.dump());
  REQUIRE(r.status == 201);
  return r.body["token"].get<std::string>();
}

// The count comes from a read model that lags a write by moments: poll until it shows.
std::uint64_t followers_when(const test_node& node, const std::string& channel,
                             std::uint64_t expected) {
  std::uint64_t seen = 0;
  for (int i = 0; i < 100; ++i) {
    auto r = call(node, "GET", "/api/v1/channels/" + channel + "/followers");
    REQUIRE(r.status == 200);
    seen = r.body["followers"].get<std::uint64_t>();
    if (seen == expected)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return seen;
}

}  // namespace

TEST_CASE("follow and unfollow a channel over the API") {
  test_node node{"social_follows_api"};
  node.create_channel("bobcast");
  auto alice = sign_up(node, "alice");
  auto carol = sign_up(node, "carol");
  auto admin = admin_token(node.data_dir.string());

  CHECK(call(node, "POST", "/api/v1/channels/bobcast/follow").status == 401);
  CHECK(call(node, "POST", "/api/v1/channels/bobcast/follow", admin).status == 403);
  CHECK(call(node, "POST", "/api/v1/channels/nosuchchan/follow", alice).status == 404);
  CHECK(call(node, "POST", "/api/v1/channels/NOT-A-NAME/follow", alice).status == 404);
  CHECK(call(node, "PUT", "/api/v1/channels/bobcast/follow", alice).status == 405);

  auto followed = call(node, "POST", "/api/v1/channels/bobcast/follow", alice);
  REQUIRE(followed.status == 200);
  CHECK(followed.body["following"] == true);
  auto since = followed.body["since_ms"].get<std::int64_t>();
  auto again = call(node, "POST", "/api/v1/channels/bobcast/follow", alice);
  CHECK(again.body["since_ms"] == since);
  REQUIRE(call(node, "POST", "/api/v1/channels/bobcast/follow", carol).status == 200);
  CHECK(followers_when(node, "bobcast", 2) == 2);
  // The channel itself shows the same count (the channel domain asks the follows read model).
  CHECK(call(node, "GET", "/api/v1/channels/bobcast").body["followers"] == 2);

  auto list = call(node, "GET", "/api/v1/me/following", alice);
  REQUIRE(list.status == 200);
  REQUIRE(list.body["following"].size() == 1);
  CHECK(list.body["following"][0]["channel"] == "bobcast");
  CHECK(call(node, "GET", "/api/v1/me/following").status == 401);
  // The node's API description lists the module's routes with the access they need.
  auto api = call(node, "GET", "/api/v1/openapi.json");
  REQUIRE(api.status == 200);
  CHECK(api.body["paths"]["/channels/{channel}/follow"]["post"]["x-aethex-access"] == "user");
  CHECK(api.body["paths"]["/channels/{channel}/follow"].contains("delete"));

  auto unfollowed = call(node, "DELETE", "/api/v1/channels/bobcast/follow", alice);
  REQUIRE(unfollowed.status == 200);
  CHECK(unfollowed.body["following"] == false);
  CHECK(call(node, "DELETE", "/api/v1/channels/bobcast/follow", alice).status == 200);
  CHECK(followers_when(node, "bobcast", 1) == 1);
  CHECK(call(node, "GET", "/api/v1/me/following", alice).body["following"].empty());
}

TEST_CASE("recommendations: channels followed by people who follow what you follow") {
  test_node node{"recommendations"};
  for (auto* name : {"arcade", "beats", "chess", "diner"})
    node.create_channel(name);
  auto una = sign_up(node, "una");
  auto vic = sign_up(node, "vic");
  auto wes = sign_up(node, "wes");
  auto follow = [&](const std::string& token, const std::string& channel) {
    REQUIRE(call(node, "POST", "/api/v1/channels/" + channel + "/follow", token).status == 200);
  };
  follow(una, "arcade");
  for (auto* channel : {"arcade", "beats", "chess"})
    follow(vic, channel);
  for (auto* channel : {"arcade", "beats"})
    follow(wes, channel);

  // The read model lags the follows by moments.
  json recommended;
  for (int i = 0; i < 100; ++i) {
    auto r = call(node, "GET", "/api/v1/me/recommendations", una);
    REQUIRE(r.status == 200);
    recommended = r.body["channels"];
    if (recommended.size() == 2 &&
        recommended[0].value("reason", "") == "Followed by 2 people who follow arcade")
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(recommended.size() == 2);
  CHECK(recommended[0]["name"] == "beats");
  CHECK(recommended[0]["reason"] == "Followed by 2 people who follow arcade");
  CHECK(recommended[1]["name"] == "chess");
  CHECK(recommended[1]["reason"] == "Followed by 1 person who follows arcade");
  CHECK(recommended[1]["live"] == false);  // offline channels are findable too
  // Nothing you follow already; with no follows and nothing live, nothing at all.
  auto for_wes = call(node, "GET", "/api/v1/me/recommendations", wes).body["channels"];
  REQUIRE(for_wes.size() == 1);
  CHECK(for_wes[0]["name"] == "chess");
  auto newcomer = sign_up(node, "xia");
  CHECK(call(node, "GET", "/api/v1/me/recommendations", newcomer).body["channels"].empty());
  CHECK(call(node, "GET", "/api/v1/me/recommendations").status == 401);
}
