// Web push (actors/push): the aes128gcm encryption reproduces RFC 8291 Appendix A exactly; VAPID
// JWTs (RFC 8292) verify with the public key and carry aud/exp/sub; the routes refuse bad
// endpoints and keys and keep at most 10 subscriptions per user; the sender sends one encrypted
// request per subscribed follower's device and forgets a subscription the push service calls
// gone (410). The transport is captured here; tests/e2e/push.test.cpp sends over real HTTP.
#include <doctest/doctest.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "actors/push/internal.hpp"
#include "actors/push/push.hpp"
#include "actors/push/webpush.hpp"
#include "actors/social/follows.hpp"
#include "tests/actors/api_node.hpp"

using namespace aethex;
using namespace aethex::actors;
using json = nlohmann::json;
using enum aethex::actors::http_method;

namespace {

std::string unb64(const char* text) { return webpush::base64url_decode(text).value(); }

// RFC 8291 Appendix A.
const char* const rfc_plaintext = "When I grow up, I want to be a watermelon";
const char* const rfc_as_public =
  "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
const char* const rfc_as_private = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
const char* const rfc_ua_public =
  "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
const char* const rfc_auth = "BTBZMqHH6r4Tts7J_aSIgg";
const char* const rfc_salt = "DGv6ra1nlYgDCS1FRnbzlw";
const char* const rfc_body =
  "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6T"
  "lzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy"
  "4a-fN";

json jwt_claims(const std::string& jwt) {
  auto first = jwt.find('.'), second = jwt.find('.', first + 1);
  return json::parse(webpush::base64url_decode(jwt.substr(first + 1, second - first - 1)).value());
}

json subscription(const std::string& endpoint) {
  return json{{"endpoint", endpoint},
              {"expirationTime", nullptr},
              {"keys", {{"p256dh", rfc_ua_public}, {"auth", rfc_auth}}}};
}

struct captured_push {
  outbound_request request;
};

template <class F>
bool push_eventually(F condition) {
  for (int i = 0; i < 500; ++i) {
    if (condition())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

}  // namespace

TEST_CASE("aes128gcm encryption reproduces RFC 8291 Appendix A") {
  webpush::key_pair as{unb64(rfc_as_public), unb64(rfc_as_private)};
  CHECK(webpush::public_of(as.private_key) == as.public_key);
  auto body = webpush::encrypt(rfc_plaintext, unb64(rfc_ua_public), unb64(rfc_auth), as,
                               unb64(rfc_salt));
  REQUIRE(body);
  CHECK(webpush::base64url_encode(*body) == rfc_body);
  // Wrong sizes, a point off the curve and an oversized message are refused.
  CHECK_FALSE(webpush::encrypt(rfc_plaintext, unb64(rfc_ua_public), "short", as, unb64(rfc_salt)));
  auto off_curve = unb64(rfc_ua_public);
  off_curve[40] ^= 1;
  CHECK_FALSE(webpush::encrypt(rfc_plaintext, off_curve, unb64(rfc_auth), as, unb64(rfc_salt)));
  CHECK_FALSE(webpush::encrypt(std::string(webpush::max_plaintext + 1, 'x'), unb64(rfc_ua_public),
                               unb64(rfc_auth)));
  // Fresh keys and salt each time: two encryptions of one message differ.
  CHECK(*webpush::encrypt("hi", unb64(rfc_ua_public), unb64(rfc_auth)) !=
        *webpush::encrypt("hi", unb64(rfc_ua_public), unb64(rfc_auth)));
  CHECK(webpush::base64url_decode("ab+/") == webpush::base64url_decode("ab-_"));
  CHECK_FALSE(webpush::base64url_decode("a!b"));
}

TEST_CASE("a VAPID JWT verifies with its public key and names the push service's origin") {
  auto keys = webpush::generate_keys().value();
  auto other = webpush::generate_keys().value();
  CHECK(keys.public_key.size() == 65);
  CHECK(keys.private_key.size() == 32);
  auto origin = webpush::origin_of("https://push.example.net:8443/wpush/v2/abc?x=1");
  CHECK(origin == "https://push.example.net:8443");
  auto jwt = webpush::vapid_jwt(keys, origin, 1'900'000'000, "mailto:ops@example.org").value();
  CHECK(webpush::verify_jwt(jwt, keys.public_key));
  CHECK_FALSE(webpush::verify_jwt(jwt, other.public_key));
  auto tampered = jwt;
  tampered[tampered.find('.') + 2] ^= 1;
  CHECK_FALSE(webpush::verify_jwt(tampered, keys.public_key));
  auto claims = jwt_claims(jwt);
  CHECK(claims == json{{"aud", origin}, {"exp", 1'900'000'000}, {"sub", "mailto:ops@example.org"}});
  CHECK(webpush::vapid_authorization(keys, jwt) ==
        "vapid t=" + jwt + ", k=" + webpush::base64url_encode(keys.public_key));
}

TEST_CASE("push endpoints are public https unless the node allows private ones") {
  CHECK_FALSE(push_endpoint_problem("https://fcm.googleapis.com/fcm/send/x", false));
  CHECK(push_endpoint_problem("http://fcm.googleapis.com/fcm/send/x", false));
  CHECK(push_endpoint_problem("https://127.0.0.1:9/x", false));
  CHECK(push_endpoint_problem("https://localhost/x", false));
  CHECK(push_endpoint_problem("https://192.168.1.4/x", false));
  CHECK(push_endpoint_problem("https://user:pw@push.example.net/x", false));
  CHECK(push_endpoint_problem("https://push.example.net/a b", false));
  CHECK(push_endpoint_problem("https://push.example.net/" + std::string(1100, 'a'), false));
  CHECK_FALSE(push_endpoint_problem("http://127.0.0.1:9000/x", true));
  CHECK(push_endpoint_problem("http://push.example.net/x", true));  // http: private hosts only
}

TEST_CASE("subscriptions: one key for the cluster, checked bodies, at most 10 per user") {
  test::api_node node{{"push"}, {}};
  auto alice = runtime::principal::user("alice");
  auto key = node.call(get, "push/vapid-key", runtime::principal::anonymous());
  REQUIRE(key.status == 200);
  auto public_key = key.body["public_key"].get<std::string>();
  CHECK(webpush::base64url_decode(public_key)->size() == 65);
  CHECK(key.body.size() == 1);  // the private half is never shown
  CHECK(node.call(get, "push/vapid-key", alice).body["public_key"] == public_key);

  CHECK(node
          .call(post, "me/push-subscriptions", runtime::principal::anonymous(),
                subscription("https://push.example.net/a"))
          .error == errc::unauthorized);
  CHECK(node.call(post, "me/push-subscriptions", alice, subscription("http://push.example.net/a"))
          .error == errc::invalid_argument);
  auto bad_key = subscription("https://push.example.net/a");
  bad_key["keys"]["p256dh"] = rfc_auth;
  CHECK(node.call(post, "me/push-subscriptions", alice, bad_key).error == errc::invalid_argument);
  auto bad_auth = subscription("https://push.example.net/a");
  bad_auth["keys"]["auth"] = rfc_ua_public;
  CHECK(node.call(post, "me/push-subscriptions", alice, bad_auth).error == errc::invalid_argument);
  auto extra = subscription("https://push.example.net/a");
  extra["x"] = 1;
  CHECK(node.call(post, "me/push-subscriptions", alice, extra).error == errc::invalid_argument);

  std::string first_id;
  for (int i = 0; i < 10; ++i) {
    auto made = node.call(post, "me/push-subscriptions", alice,
                          subscription("https://push.example.net/d" + std::to_string(i)));
    REQUIRE(made.status == 201);
    if (i == 0)
      first_id = made.body["id"].get<std::string>();
  }
  // The same browser again is the same subscription; an eleventh device is refused.
  auto again = node.call(post, "me/push-subscriptions", alice,
                         subscription("https://push.example.net/d0"));
  CHECK(again.status == 201);
  CHECK(again.body["id"] == first_id);
  CHECK(node
          .call(post, "me/push-subscriptions", alice, subscription("https://push.example.net/d10"))
          .error == errc::conflict);
  CHECK(node.call(get, "me/push-subscriptions", alice).body["subscriptions"].size() == 10);
  CHECK(node.call(del, "me/push-subscriptions/" + first_id, alice).status == 200);
  CHECK(node.call(del, "me/push-subscriptions/" + first_id, alice).error == errc::not_found);
  CHECK(node.call(get, "me/push-subscriptions", alice).body["subscriptions"].size() == 9);
  CHECK(node
          .call(post, "me/push-subscriptions", alice, subscription("https://push.example.net/d10"))
          .status == 201);
  CHECK(node.call(get, "me/push-subscriptions", runtime::principal::user("bob"))
          .body["subscriptions"]
          .empty());
}

TEST_CASE("a go-live sends one encrypted push per device of followers with notifications on") {
  auto sent = std::make_shared<std::vector<outbound_request>>();
  auto sent_mutex = std::make_shared<std::mutex>();
  test::api_node node{{"push"}, {"push"}, [=](runtime::node_config& config, node_env& env) {
                        config.push_subject = "mailto:ops@example.org";
                        env.send_http = [=](outbound_request request, auto done) {
                          bool gone = request.url.ends_with("/gone");
                          {
                            std::lock_guard lock(*sent_mutex);
                            sent->push_back(std::move(request));
                          }
                          done(outbound_response{gone ? 410 : 201, ""});
                        };
                      }};
  auto ada = runtime::principal::user("ada"), bea = runtime::principal::user("bea");
  REQUIRE(node.call(post, "me/push-subscriptions", ada, subscription("https://push.example.net/ok"))
            .status == 201);
  REQUIRE(node
            .call(post, "me/push-subscriptions", ada, subscription("https://push.example.net/gone"))
            .status == 201);
  REQUIRE(node.call(post, "me/push-subscriptions", bea, subscription("https://push.example.net/b"))
            .status == 201);
  REQUIRE(node.ask<follows_view>("follows", "ada", follow_atom::value, std::string{"nova"}));
  REQUIRE(node.ask<follows_view>("follows", "bea", follow_atom::value, std::string{"nova"}));
  REQUIRE(node.ask<follows_view>("follows", "bea", follow_prefs_atom::value, std::string{"nova"},
                                 follow_prefs{0, -1}));
  auto public_key = webpush::base64url_decode(
    node.call(get, "push/vapid-key", ada).body["public_key"].get<std::string>());

  // As the notify dispatcher hands it a fresh go-live notice.
  caf::anon_send(node.env.services->find(push_sender_service), publish_atom::value,
                 std::string{push_notice_topic},
                 json{{"id", "live:nova:1"},
                      {"kind", "live"},
                      {"channel", "nova"},
                      {"title", "Speedrun"},
                      {"at_ms", 1}}
                   .dump());
  REQUIRE(push_eventually([&] {
    std::lock_guard lock(*sent_mutex);
    return sent->size() >= 2;
  }));
  std::lock_guard lock(*sent_mutex);
  REQUIRE(sent->size() == 2);  // ada's two devices; bea turned nova's notifications off
  for (auto& request : *sent) {
    CHECK(request.method == "POST");
    CHECK(request.public_only);  // a user-given URL: public addresses only
    CHECK(request.url.starts_with("https://push.example.net/"));
    std::map<std::string, std::string> headers(request.headers.begin(), request.headers.end());
    CHECK(headers["Content-Encoding"] == "aes128gcm");
    CHECK(headers["TTL"] == "14400");
    auto& auth = headers["Authorization"];
    auto t = auth.substr(8, auth.find(',') - 8);
    CHECK(webpush::verify_jwt(t, *public_key));
    CHECK(jwt_claims(t)["aud"] == "https://push.example.net");
    CHECK(jwt_claims(t)["sub"] == "mailto:ops@example.org");
    // salt(16) rs(4) idlen(1) keyid(65), then the record: message + delimiter + tag.
    CHECK(request.body.size() > 86 + 17);
    CHECK(request.body.size() < 86 + 17 + 200);
  }
  CHECK(push_eventually([&] {
    return node.call(get, "me/push-subscriptions", ada).body["subscriptions"].size() == 1;
  }));
}
