#include "net/app/openapi.hpp"

#include <string>
#include <string_view>

namespace aethex::app {
namespace {

using json = nlohmann::json;
using actors::access;
using actors::http_method;

const char* method_key(http_method method) {
  switch (method) {
    case http_method::get: return "get";
    case http_method::post: return "post";
    case http_method::put: return "put";
    case http_method::patch: return "patch";
    case http_method::del: return "delete";
  }
  return "get";
}

const char* access_name(access need) {
  switch (need) {
    case access::anyone: return "anyone";
    case access::user: return "user";
    case access::signed_in: return "signed_in";
    case access::owner: return "owner";
    case access::admin: return "admin";
  }
  return "anyone";
}

// The first literal segment ("channels", "oauth", "me"): the group a docs page lists it under.
std::string tag_of(std::string_view pattern) {
  auto segment = pattern.substr(0, pattern.find('/'));
  return segment.empty() ? std::string{"api"} : std::string{segment};
}

json operation_of(const actors::route& route) {
  json op{{"summary", route.summary},
          {"tags", json::array({tag_of(route.pattern)})},
          {"x-aethex-access", access_name(route.need)},
          {"responses",
           {{"200", {{"description", "JSON"}}},
            {"default",
             {{"description", "an error"},
              {"content",
               {{"application/json", {{"schema", {{"$ref", "#/components/schemas/error"}}}}}}}}}}}};
  json parameters = json::array();
  std::string_view rest = route.pattern;
  while (!rest.empty()) {
    auto slash = rest.find('/');
    auto segment = rest.substr(0, slash);
    if (segment.size() > 2 && segment.front() == '{' && segment.back() == '}')
      parameters.push_back({{"name", segment.substr(1, segment.size() - 2)},
                            {"in", "path"},
                            {"required", true},
                            {"schema", {{"type", "string"}}}});
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  }
  for (const auto& header : route.headers)
    // OpenAPI describes Authorization through the security schemes, never as a parameter.
    if (header != "authorization")
      parameters.push_back(
        {{"name", header}, {"in", "header"}, {"required", true}, {"schema", {{"type", "string"}}}});
  if (!parameters.empty())
    op["parameters"] = std::move(parameters);
  if (!route.scope.empty())
    op["x-aethex-scope"] = route.scope;
  // Either a first-party bearer (session or admin token) or an OAuth token with the scope.
  json security = json::array();
  if (route.need != access::anyone)
    security.push_back({{"bearer", json::array()}});
  if (route.need != access::anyone && route.need != access::admin && !route.scope.empty())
    security.push_back({{"oauth2", json::array({route.scope})}});
  if (!security.empty())
    op["security"] = std::move(security);
  return op;
}

}  // namespace

json openapi_document(const actors::route_table& routes) {
  json paths = json::object();
  for (auto& route : routes.routes)
    paths["/" + route.pattern][method_key(route.method)] = operation_of(route);
  json error_body{
    {"type", "object"},
    {"properties",
     {{"error",
       {{"type", "object"},
        {"properties", {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}}};
  json scopes = json::object();
  for (const auto& scope : actors::oauth_scopes())
    scopes[std::string{scope.name}] = scope.grants;
  json oauth2{{"type", "oauth2"},
              {"description",
               "Third-party apps (docs/api.md, Apps and OAuth): authorization code with "
               "PKCE S256 for user tokens, client credentials for app tokens"},
              {"flows",
               {{"authorizationCode",
                 {{"authorizationUrl", "/oauth/authorize"},
                  {"tokenUrl", "/api/v1/oauth/token"},
                  {"refreshUrl", "/api/v1/oauth/token"},
                  {"scopes", scopes}}},
                {"clientCredentials", {{"tokenUrl", "/api/v1/oauth/token"}, {"scopes", scopes}}}}}};
  return json{{"openapi", "3.1.0"},
              {"info", {{"title", "AeThex LIVE"}, {"version", "1"}}},
              {"servers", json::array({{{"url", "/api/v1"}}})},
              {"paths", std::move(paths)},
              {"components",
               {{"securitySchemes",
                 {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}, {"oauth2", oauth2}}},
                {"schemas", {{"error", std::move(error_body)}}}}}};
}

}  // namespace aethex::app
