// Apps and OAuth over a node without front ends (tests/actors/api_node.hpp), on a manual clock:
// PKCE S256 (RFC 7636 appendix B), registration and its bounds, the authorization code flow
// (wrong verifier, reused and expired codes), refresh rotation, introspection, revocation,
// client credentials, secret rotation, deletion, the per-user grant bound, the bearer resolver
// (delegated user, app, expired access token) and recovery of the token store from the events.
#include <doctest/doctest.h>

#include <future>

#include "actors/apps/apps.hpp"
#include "runtime/secrets.hpp"
#include "tests/actors/api_node.hpp"

using namespace aethex;
using namespace aethex::actors;
using json = nlohmann::json;
using enum aethex::actors::http_method;

namespace {

const auto oauth_alice = runtime::principal::user("alice");
const auto oauth_bob = runtime::principal::user("bob");
const std::string oauth_verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const std::string oauth_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const std::string oauth_redirect = "http://127.0.0.1:9/callback";

struct raw_answer {
  unsigned status = 0;
  json body;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct oauth_node {
  test::api_node node{{"apps"}, {"apps"}};
  std::string client_id;
  std::string secret;

  oauth_node() {
    auto made = node.call(post, "apps", oauth_alice,
                          json{{"name", "Stream Deck"}, {"redirect_uris", {oauth_redirect}}});
    REQUIRE(made.status == 201);
    client_id = made.body["client_id"];
    secret = made.body["client_secret"];
  }

  // An `anyone` route with a raw form body and headers, as the binding hands it over.
  raw_answer form(const std::string& path, const std::string& body,
                  std::map<std::string, std::string, std::less<>> headers = {}) {
    for (auto& r : node.routes.routes) {
      route_request req;
      if (r.method != post || !test::match_route(r.pattern, path, req))
        continue;
      req.body = body;
      req.headers = std::move(headers);
      std::promise<caf::expected<route_response>> answered;
      auto answer = answered.get_future();
      r.handler(std::move(req), [&answered](caf::expected<route_response> res) {
        answered.set_value(std::move(res));
      });
      REQUIRE(answer.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
      auto res = answer.get();
      REQUIRE(res);
      return {res->status, json::parse(res->body), res->headers};
    }
    FAIL("no route " << path);
    return {};
  }
  std::string creds() const { return "client_id=" + client_id + "&client_secret=" + secret; }

  // Consent as alice; the code from the redirect.
  std::string code_for(const std::string& scope, const std::string& challenge = oauth_challenge) {
    auto r = node.call(post, "oauth/authorize", oauth_alice,
                       json{{"client_id", client_id},
                            {"redirect_uri", oauth_redirect},
                            {"scope", scope},
                            {"state", "xyz 1"},
                            {"code_challenge", challenge},
                            {"code_challenge_method", "S256"},
                            {"decision", "allow"}});
    REQUIRE(r.status == 200);
    std::string url = r.body["redirect"];
    REQUIRE(url.starts_with(oauth_redirect + "?code="));
    CHECK(url.ends_with("&state=xyz%201"));
    auto from = url.find("code=") + 5;
    return url.substr(from, url.find('&', from) - from);
  }
  raw_answer exchange(const std::string& code, const std::string& verifier = oauth_verifier) {
    return form("oauth/token", "grant_type=authorization_code&code=" + code +
                                 "&code_verifier=" + verifier +
                                 "&redirect_uri=" + url_encode(oauth_redirect) + "&" + creds());
  }
  caf::expected<runtime::principal> resolve(const std::string& token) {
    std::promise<caf::expected<runtime::principal>> p;
    auto f = p.get_future();
    node.env.resolve_bearer(token, [&p](caf::expected<runtime::principal> who) {
      p.set_value(std::move(who));
    });
    REQUIRE(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    return f.get();
  }
};

}  // namespace

TEST_CASE("PKCE S256 follows RFC 7636 appendix B; scopes, forms and redirect URIs are checked") {
  CHECK(base64url_sha256(oauth_verifier) == oauth_challenge);
  CHECK(pkce_s256_matches(oauth_verifier, oauth_challenge));
  CHECK_FALSE(pkce_s256_matches(oauth_verifier + "x", oauth_challenge));
  CHECK_FALSE(pkce_s256_matches("short", base64url_sha256("short")));  // under 43 characters
  CHECK(parse_scopes("chat:write user:read chat:write") ==
        std::vector<std::string>{"chat:write", "user:read"});
  CHECK_FALSE(parse_scopes("chat:write  user:read"));
  CHECK_FALSE(parse_scopes("root"));
  CHECK(parse_scopes("")->empty());
  auto pairs = parse_form("a=1+2&b=%2F%3d&&c", 4);
  REQUIRE(pairs);
  CHECK((*pairs)[0].second == "1 2");
  CHECK((*pairs)[1].second == "/=");
  CHECK((*pairs)[2].first == "c");
  CHECK_FALSE(parse_form("a=%zz", 4));
  CHECK_FALSE(parse_form("a=1&b=2&c=3", 2));
  CHECK(valid_redirect_uri("https://example.com/cb?x=1"));
  CHECK(valid_redirect_uri("http://127.0.0.1:8000/cb"));
  CHECK(valid_redirect_uri("http://localhost/cb"));
  CHECK_FALSE(valid_redirect_uri("http://example.com/cb"));
  CHECK_FALSE(valid_redirect_uri("https://example.com/cb#frag"));
  CHECK_FALSE(valid_redirect_uri("javascript:alert(1)"));
  CHECK_FALSE(client_of_token("aexa_short", false));
  auto token = new_app_token("0123456789abcdef01234567", false);
  CHECK(client_of_token(token, false) == "0123456789abcdef01234567");
  CHECK_FALSE(client_of_token(token, true));
}

TEST_CASE("apps are registered with a secret shown once, listed, bounded and owned") {
  oauth_node t;
  CHECK(t.secret.starts_with("aexs_"));
  auto mine = t.node.call(get, "me/apps", oauth_alice);
  REQUIRE(mine.status == 200);
  REQUIRE(mine.body["apps"].size() == 1);
  CHECK(mine.body["apps"][0]["client_id"] == t.client_id);
  CHECK(mine.body.dump().find("secret") == std::string::npos);
  auto shown = t.node.call(get, "apps/" + t.client_id, runtime::principal::anonymous());
  CHECK(shown.body["name"] == "Stream Deck");
  CHECK(shown.body.dump().find("secret") == std::string::npos);
  CHECK(t.node
          .call(post, "apps", oauth_alice,
                json{{"name", "x"}, {"redirect_uris", {"http://e.com/"}}})
          .error == errc::invalid_argument);
  CHECK(t.node
          .call(post, "apps", oauth_alice, json{{"name", ""}, {"redirect_uris", {oauth_redirect}}})
          .error == errc::invalid_argument);
  auto console = t.node.console("app", t.client_id, "get");
  REQUIRE(console);
  CHECK((*console)["owner"] == "alice");
  CHECK(console->dump().find("secret") == std::string::npos);
  auto listed = t.node.console("developer", "alice", "list");
  REQUIRE(listed);
  CHECK(listed->size() == 1);
  CHECK(t.node.call(post, "apps/" + t.client_id + "/secret", oauth_bob).error == errc::forbidden);
  CHECK(t.node.call(del, "apps/" + t.client_id, oauth_bob).error == errc::forbidden);
  for (std::size_t i = 1; i < apps_limits::per_user; ++i)
    REQUIRE(t.node
              .call(post, "apps", oauth_alice,
                    json{{"name", "app"}, {"redirect_uris", {oauth_redirect}}})
              .status == 201);
  CHECK(t.node
          .call(post, "apps", oauth_alice,
                json{{"name", "one more"}, {"redirect_uris", {oauth_redirect}}})
          .error == errc::conflict);
}

TEST_CASE("authorization code with PKCE: the right verifier once, within 60 s") {
  oauth_node t;
  auto code = t.code_for("chat:write user:read");
  auto wrong = t.exchange(t.code_for("chat:write"), std::string(43, 'a'));
  CHECK(wrong.status == 400);
  CHECK(wrong.body["error"] == "invalid_grant");

  auto ok = t.exchange(code);
  REQUIRE(ok.status == 200);
  CHECK(ok.body["token_type"] == "Bearer");
  CHECK(ok.body["expires_in"] == 4 * 3600);
  CHECK(ok.body["scope"] == "chat:write user:read");
  std::string access = ok.body["access_token"];
  std::string refresh = ok.body["refresh_token"];
  CHECK(access.starts_with("aexa_" + t.client_id + "_"));

  auto reused = t.exchange(code);
  CHECK(reused.status == 400);
  CHECK(reused.body["error"] == "invalid_grant");

  auto late = t.code_for("chat:write");
  t.node.clock.advance(std::chrono::seconds(61));
  CHECK(t.exchange(late).body["error"] == "invalid_grant");

  // Denial, unknown scopes, an unregistered redirect URI.
  auto denied = t.node.call(post, "oauth/authorize", oauth_alice,
                            json{{"client_id", t.client_id},
                                 {"redirect_uri", oauth_redirect},
                                 {"scope", "chat:write"},
                                 {"state", "s"},
                                 {"decision", "deny"}});
  CHECK(denied.body["redirect"] == oauth_redirect + "?error=access_denied&state=s");
  auto bad = json{{"client_id", t.client_id},        {"redirect_uri", oauth_redirect},
                  {"scope", "everything"},           {"code_challenge", oauth_challenge},
                  {"code_challenge_method", "S256"}, {"decision", "allow"}};
  CHECK(t.node.call(post, "oauth/authorize", oauth_alice, bad).error == errc::invalid_argument);
  bad["scope"] = "chat:write";
  bad["redirect_uri"] = "https://evil.example/cb";
  CHECK(t.node.call(post, "oauth/authorize", oauth_alice, bad).error == errc::invalid_argument);
  bad["redirect_uri"] = oauth_redirect;
  bad["code_challenge_method"] = "plain";
  CHECK(t.node.call(post, "oauth/authorize", oauth_alice, bad).error == errc::invalid_argument);
}

TEST_CASE("tokens resolve to the delegated user, refresh rotates, expiry and revocation end them") {
  oauth_node t;
  auto ok = t.exchange(t.code_for("chat:write"));
  REQUIRE(ok.status == 200);
  std::string access = ok.body["access_token"];
  std::string refresh = ok.body["refresh_token"];
  auto who = t.resolve(access);
  REQUIRE(who);
  CHECK(who->is_user("alice"));
  CHECK(who->via_app == t.client_id);
  CHECK(who->allows("chat:write"));
  CHECK_FALSE(who->allows("channel:manage"));
  CHECK_FALSE(t.resolve(refresh));                   // a refresh token is no bearer
  CHECK(t.resolve("user-carol")->is_user("carol"));  // other tokens fall through

  auto info = t.form("oauth/introspect", "token=" + access + "&" + t.creds());
  CHECK(info.body["active"] == true);
  CHECK(info.body["username"] == "alice");
  CHECK(info.body["scope"] == "chat:write");
  CHECK(t.form("oauth/introspect",
               "token=" + access + "&client_id=" + t.client_id + "&client_secret=wrong")
          .status == 401);

  // Refresh: new pair, the old refresh token is spent, a wider scope is refused.
  auto wider = t.form("oauth/token", "grant_type=refresh_token&refresh_token=" + refresh +
                                       "&scope=channel:manage&" + t.creds());
  CHECK(wider.body["error"] == "invalid_scope");
  auto next = t.form("oauth/token",
                     "grant_type=refresh_token&refresh_token=" + refresh + "&" + t.creds());
  REQUIRE(next.status == 200);
  CHECK(t.form("oauth/token", "grant_type=refresh_token&refresh_token=" + refresh + "&" + t.creds())
          .body["error"] == "invalid_grant");
  CHECK_FALSE(t.resolve(access));  // the grant's earlier access token ended with the refresh
  access = next.body["access_token"];
  CHECK(t.resolve(access));

  // Expiry on the manual clock.
  t.node.clock.advance(std::chrono::hours(4) + std::chrono::seconds(1));
  auto expired = t.resolve(access);
  REQUIRE_FALSE(expired);
  CHECK(code_of(expired.error()) == errc::unauthorized);
  CHECK(t.form("oauth/introspect", "token=" + access + "&" + t.creds()).body["active"] == false);

  // Revocation of the (still live) refresh token ends the grant.
  refresh = next.body["refresh_token"];
  CHECK(t.form("oauth/revoke", "token=" + refresh + "&" + t.creds()).status == 200);
  CHECK(t.form("oauth/token", "grant_type=refresh_token&refresh_token=" + refresh + "&" + t.creds())
          .body["error"] == "invalid_grant");
  CHECK(t.form("oauth/revoke", "token=unknown&" + t.creds()).status == 200);
}

TEST_CASE("client credentials, HTTP Basic, secret rotation, deletion and the grant bound") {
  oauth_node t;
  auto basic = [&](const std::string& secret) {
    std::string raw = t.client_id + ":" + secret;
    // base64 of id:secret (both alphanumeric, so no form-encoding is needed)
    static constexpr char table[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    int val = 0, bits = -6;
    for (unsigned char c : raw) {
      val = (val << 8) + c;
      bits += 8;
      while (bits >= 0) {
        out.push_back(table[(val >> bits) & 0x3F]);
        bits -= 6;
      }
    }
    if (bits > -6)
      out.push_back(table[((val << 8) >> (bits + 8)) & 0x3F]);
    while (out.size() % 4)
      out.push_back('=');
    return std::map<std::string, std::string, std::less<>>{{"authorization", "Basic " + out}};
  };
  auto app = t.form("oauth/token", "grant_type=client_credentials&scope=analytics:read",
                    basic(t.secret));
  REQUIRE(app.status == 200);
  CHECK_FALSE(app.body.contains("refresh_token"));
  auto who = t.resolve(app.body["access_token"]);
  REQUIRE(who);
  CHECK(who->is_app());
  CHECK(who->allows("analytics:read"));

  auto refused = t.form("oauth/token", "grant_type=client_credentials", basic("wrong"));
  CHECK(refused.status == 401);
  CHECK(refused.body["error"] == "invalid_client");
  CHECK(refused.headers.at(0).first == "WWW-Authenticate");
  CHECK(t.form("oauth/token", "grant_type=password&" + t.creds()).body["error"] ==
        "unsupported_grant_type");

  auto rotated = t.node.call(post, "apps/" + t.client_id + "/secret", oauth_alice);
  REQUIRE(rotated.status == 200);
  CHECK(t.form("oauth/token", "grant_type=client_credentials&" + t.creds()).status == 401);
  t.secret = rotated.body["client_secret"];
  CHECK(t.form("oauth/token", "grant_type=client_credentials&" + t.creds()).status == 200);

  // At most 10 live grants per user: the 11th ends the first.
  std::vector<std::string> tokens;
  for (std::size_t i = 0; i <= apps_limits::grants_per_user; ++i)
    tokens.push_back(t.exchange(t.code_for("user:read")).body["access_token"]);
  CHECK_FALSE(t.resolve(tokens.front()));
  CHECK(t.resolve(tokens.back()));

  // Recovery: a fresh activation over the same events knows the same tokens.
  runtime::entity_kinds kinds;
  add_app_kinds(kinds, *t.node.store, t.node.clock);
  auto second = runtime::spawn_entity_registry(t.node.sys, std::move(kinds));
  auto again = test::ask_entity<std::string>(t.node.self, second, "app", t.client_id,
                                             app_inspect_atom::value,
                                             runtime::token_digest(tokens.back()), std::string{});
  REQUIRE(again);
  CHECK(json::parse(*again)["active"] == true);
  t.node.self->send_exit(second, caf::exit_reason::user_shutdown);

  CHECK(t.node.call(del, "apps/" + t.client_id, oauth_alice).status == 200);
  CHECK_FALSE(t.resolve(tokens.back()));
  CHECK(t.node.call(get, "me/apps", oauth_alice).body["apps"].empty());
  CHECK(t.node.call(get, "apps/" + t.client_id, oauth_alice).error == errc::not_found);
}
