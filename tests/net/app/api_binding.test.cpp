// The route table bound to HTTP without a node: pattern matching and parameters, 404 and 405,
// each access level against each kind of caller, owner checks and the JSON error mapping.
#include "net/app/api_binding.hpp"
#include "net/app/openapi.hpp"

#include <doctest/doctest.h>

#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "runtime/errors.hpp"

using namespace aethex;
using actors::access;
using actors::http_method;
namespace bhttp = boost::beast::http;
using json = nlohmann::json;

namespace {

// Tokens the fake resolver knows: "admin" and "user-<name>"; anything else is refused.
void fake_resolver(std::string token, std::function<void(caf::expected<runtime::principal>)> done) {
  if (token == "admin")
    return done(runtime::principal::admin());
  if (token.rfind("user-", 0) == 0)
    return done(runtime::principal::user(token.substr(5)));
  done(make_error(errc::unauthorized, "invalid or expired session"));
}

// Answers with who called and the parameters it saw.
actors::route_handler echo() {
  return [](actors::route_request&& req, actors::route_reply reply) {
    json params = json::object();
    for (auto& [name, value] : req.params)
      params[name] = value;
    reply(actors::route_response::json(
      200, json{{"who", req.who.display()}, {"params", params}, {"query", req.query}}));
  };
}

struct result {
  unsigned status;
  json body;
  std::string retry_after;
};

class binding_fixture {
 public:
  binding_fixture() {
    actors::route_table table;
    table.add(http_method::get, "things", access::anyone, echo());
    table.add(http_method::get, "things/{thing}", access::anyone, echo());
    table.add(http_method::patch, "things/{thing}", access::owner, echo());
    table.add(http_method::get, "me", access::user, echo());
    table.add(http_method::post, "things", access::signed_in, echo());
    table.add(http_method::post, "admin/run", access::admin, echo());
    table.add(http_method::post, "slow", access::anyone,
              [](actors::route_request&&, actors::route_reply reply) {
                reply(make_error(errc::rate_limited, "slow down", {}, 7));
              });
    // "bob" owns every thing; a thing named "ghost" does not exist.
    table.owner_checks["thing"] = [](const runtime::principal& who, const std::string& id,
                                     std::function<void(caf::error)> done) {
      if (id == "ghost")
        return done(make_error(errc::not_found, "no such thing"));
      done(who.is_user("bob") ? caf::none : make_error(errc::forbidden, "not yours"));
    };
    binding_ = std::make_unique<app::api_binding>(std::move(table), fake_resolver);
  }

  result call(bhttp::verb method, std::string target, std::string token = {}) {
    net::http::request req{method, "/api/v1/" + target, 11};
    if (!token.empty())
      req.set(bhttp::field::authorization, "Bearer " + token);
    auto question = target.find('?');
    auto path = target.substr(0, question);
    auto query = question == std::string::npos ? std::string{} : target.substr(question + 1);
    std::optional<net::http::response> answer;
    (*binding_)(req, path, query, "127.0.0.1:5000",
                [&answer](net::http::response res) { answer = std::move(res); });
    REQUIRE(answer);  // every handler here answers at once
    return {answer->result_int(), json::parse(answer->body().str(), nullptr, false),
            std::string{(*answer)[bhttp::field::retry_after]}};
  }

 private:
  std::unique_ptr<app::api_binding> binding_;
};

}  // namespace

TEST_CASE("patterns match literally and bind named parameters") {
  binding_fixture f;
  auto r = f.call(bhttp::verb::get, "things/lamp?x=1");
  CHECK(r.status == 200);
  CHECK(r.body["params"]["thing"] == "lamp");
  CHECK(r.body["query"] == "x=1");
  CHECK(r.body["who"] == "");  // the anonymous principal has no name
  CHECK(f.call(bhttp::verb::get, "things").status == 200);
  CHECK(f.call(bhttp::verb::get, "things/lamp/extra").status == 404);
  CHECK(f.call(bhttp::verb::get, "nothing").body["error"]["code"] == "not_found");
  auto wrong_method = f.call(bhttp::verb::delete_, "things/lamp");
  CHECK(wrong_method.status == 405);
  CHECK(wrong_method.body["error"]["message"] == "use GET or PATCH");
}

TEST_CASE("each access level admits the callers it names") {
  binding_fixture f;
  CHECK(f.call(bhttp::verb::get, "me").status == 401);
  CHECK(f.call(bhttp::verb::get, "me", "garbage").status == 401);
  CHECK(f.call(bhttp::verb::get, "me", "admin").status == 403);
  CHECK(f.call(bhttp::verb::get, "me", "user-alice").body["who"] == "alice");

  CHECK(f.call(bhttp::verb::post, "things").status == 401);
  CHECK(f.call(bhttp::verb::post, "things", "admin").status == 200);
  CHECK(f.call(bhttp::verb::post, "things", "user-alice").status == 200);

  auto no_admin = f.call(bhttp::verb::post, "admin/run", "user-alice");
  CHECK(no_admin.status == 401);
  CHECK(no_admin.body["error"]["message"] == "a valid admin token is required");
  CHECK(f.call(bhttp::verb::post, "admin/run", "garbage").status == 401);
  CHECK(f.call(bhttp::verb::post, "admin/run", "admin").status == 200);
}

TEST_CASE("owner routes ask the owner check of their parameter; the admin owns everything") {
  binding_fixture f;
  CHECK(f.call(bhttp::verb::patch, "things/lamp", "user-bob").status == 200);
  auto other = f.call(bhttp::verb::patch, "things/lamp", "user-alice");
  CHECK(other.status == 403);
  CHECK(other.body["error"]["code"] == "forbidden");
  CHECK(f.call(bhttp::verb::patch, "things/ghost", "user-bob").status == 404);
  CHECK(f.call(bhttp::verb::patch, "things/lamp", "admin").status == 200);
  CHECK(f.call(bhttp::verb::patch, "things/lamp").status == 401);
}

TEST_CASE("domain errors map to status, code and Retry-After through the one table") {
  binding_fixture f;
  auto slow = f.call(bhttp::verb::post, "slow");
  CHECK(slow.status == 429);
  CHECK(slow.body["error"]["code"] == "rate_limited");
  CHECK(slow.body["error"]["message"] == "slow down");
  CHECK(slow.retry_after == "7");
  CHECK(http_status_of(errc::invalid_json) == 400);
  CHECK(reason_of(make_error(errc::forbidden, "x", "slow_mode")) == "slow_mode");
  CHECK(reason_of(make_error(errc::forbidden, "x")) == "forbidden");
}

TEST_CASE("the OpenAPI description lists every route with its parameters and access") {
  actors::route_table table;
  table.add(http_method::get, "things/{thing}", access::anyone, echo(), "one thing");
  table.add(http_method::patch, "things/{thing}", access::owner, echo(), "change a thing");
  table.add(http_method::post, "admin/run", access::admin, echo(), "run");
  auto doc = app::openapi_document(table);
  CHECK(doc["openapi"] == "3.1.0");
  auto& thing = doc["paths"]["/things/{thing}"];
  CHECK(thing["get"]["summary"] == "one thing");
  CHECK(thing["get"]["parameters"][0]["name"] == "thing");
  CHECK(thing["get"]["parameters"][0]["in"] == "path");
  CHECK_FALSE(thing["get"].contains("security"));
  CHECK(thing["patch"]["x-aethex-access"] == "owner");
  CHECK(thing["patch"].contains("security"));
  CHECK(doc["paths"]["/admin/run"]["post"]["x-aethex-access"] == "admin");
  CHECK(doc["paths"].size() == 2);
}

TEST_CASE("a route sees the request headers it names, and no others") {
  actors::route_table table;
  table
    .add(http_method::post, "hook", access::anyone,
         [](actors::route_request&& req, actors::route_reply reply) {
           json headers = json::object();
           for (auto& [name, value] : req.headers)
             headers[name] = value;
           reply(actors::route_response::json(200, headers));
         })
    .headers = {"stripe-signature", "x-absent"};
  app::api_binding binding{std::move(table), fake_resolver};
  net::http::request req{bhttp::verb::post, "/api/v1/hook", 11};
  req.set("Stripe-Signature", "t=1,v1=ab");  // any case on the wire
  req.set("X-Other", "not asked for");
  std::optional<net::http::response> answer;
  binding(req, "hook", "", "127.0.0.1:5000",
          [&answer](net::http::response res) { answer = std::move(res); });
  REQUIRE(answer);
  CHECK(json::parse(answer->body().str()) == json{{"stripe-signature", "t=1,v1=ab"}});

  actors::route_table described;
  described.add(http_method::post, "hook", access::anyone, echo()).headers = {"stripe-signature"};
  auto doc = app::openapi_document(described);
  auto& parameter = doc["paths"]["/hook"]["post"]["parameters"][0];
  CHECK(parameter["name"] == "stripe-signature");
  CHECK(parameter["in"] == "header");
}

TEST_CASE("OAuth tokens: scopes, app tokens on account routes, rate limit headers and 429") {
  // "aexa_u" is alice's token granted to app c1 with user:read; "aexa_a" is app c2's own token
  // with channel:manage (the shapes of actors/apps, resolved by this fake).
  auto resolver = [](std::string token,
                     std::function<void(caf::expected<runtime::principal>)> done) {
    if (token == "aexa_u")
      return done(runtime::principal::delegated_user("alice", "c1", {"user:read"}));
    if (token == "aexa_a")
      return done(runtime::principal::app("c2", {"channel:manage"}));
    fake_resolver(std::move(token), std::move(done));
  };
  actors::route_table table;
  table.add(http_method::get, "me", access::user, echo()).scope = "user:read";
  table.add(http_method::patch, "me", access::user, echo());
  table.add(http_method::patch, "channels/{c}", access::signed_in, echo()).scope = "channel:manage";
  table.add(http_method::get, "account", access::user, echo()).scope = "channel:manage";
  table.add(http_method::get, "public", access::anyone, echo());
  app::api_binding binding{std::move(table), resolver};
  auto send = [&](bhttp::verb verb, const std::string& path, const std::string& token) {
    net::http::request req{verb, "/api/v1/" + path, 11};
    req.set(bhttp::field::authorization, "Bearer " + token);
    std::optional<net::http::response> answer;
    binding(req, path, "", "127.0.0.1:5000",
            [&answer](net::http::response res) { answer = std::move(res); });
    REQUIRE(answer);
    return std::move(*answer);
  };
  auto code_of_answer = [](const net::http::response& res) {
    return json::parse(res.body().str())["error"]["code"].get<std::string>();
  };

  auto me = send(bhttp::verb::get, "me", "aexa_u");
  CHECK(me.result_int() == 200);
  CHECK(me["RateLimit-Limit"] == std::to_string(app::api_binding::app_requests_per_minute));
  CHECK(me["RateLimit-Remaining"] == std::to_string(app::api_binding::app_requests_per_minute - 1));
  CHECK(std::stoi(std::string{me["RateLimit-Reset"]}) > 0);
  auto unscoped = send(bhttp::verb::patch, "me", "aexa_u");  // a route with no scope
  CHECK(unscoped.result_int() == 403);
  CHECK(code_of_answer(unscoped) == "insufficient_scope");
  CHECK_FALSE(unscoped["RateLimit-Remaining"].empty());  // errors carry the headers too
  CHECK(send(bhttp::verb::patch, "channels/x", "aexa_u").result_int() == 403);  // other scope
  CHECK(send(bhttp::verb::patch, "channels/x", "aexa_a").result_int() == 200);
  auto account = send(bhttp::verb::get, "account", "aexa_a");  // app tokens have no account
  CHECK(account.result_int() == 403);
  CHECK(code_of_answer(account) == "insufficient_scope");
  CHECK(send(bhttp::verb::get, "me", "user-alice")["RateLimit-Limit"].empty());  // first party
  // Public routes count app tokens too; the 601st request of a minute is refused.
  for (unsigned i = 3; i < app::api_binding::app_requests_per_minute; ++i)
    REQUIRE(send(bhttp::verb::get, "public", "aexa_u").result_int() == 200);
  auto over = send(bhttp::verb::get, "public", "aexa_u");
  CHECK(over.result_int() == 429);
  CHECK(over["RateLimit-Remaining"] == "0");
  CHECK(std::stoi(std::string{over[bhttp::field::retry_after]}) > 0);
  CHECK(send(bhttp::verb::get, "public", "aexa_a").result_int() == 200);  // per app
}
