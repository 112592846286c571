// /api/v1/me (the signed-in user's own account) and /api/v1/users/{name} (public profiles).
#include <boost/beast/http/verb.hpp>

#include "actors/user.hpp"
#include "net/app/actor_bridge.hpp"
#include "net/app/api/api.hpp"
#include "net/app/api/auth_support.hpp"

namespace aethex::app::api {
namespace {

namespace bhttp = boost::beast::http;
using net::http::error_response;
using net::http::json_response;
using net::http::respond_fn;

void reply_user(respond_fn respond, caf::expected<actors::user_view> user, bool owner_view) {
  if (!user)
    return respond(error_from(user.error()));
  respond(json_response(200, user_json(*user, owner_view).dump()));
}

void get_me(const http_context& ctx, const api_request& req, respond_fn respond) {
  authenticate(ctx, req.http, false, [ctx, respond](caf::expected<runtime::principal> who) {
    if (!who)
      return respond(error_from(who.error()));
    ask_entity<actors::user_view>(
      *ctx.sys, ctx.registry, "user", who->name, caf::make_message(get_atom::value),
      [respond](caf::expected<actors::user_view> user) { reply_user(respond, std::move(user), true); });
  });
}

void patch_me(const http_context& ctx, const api_request& req, respond_fn respond) {
  // Keep the body's text (the request does not outlive this call) and read it only for a
  // signed-in caller: an anonymous client's body is never parsed.
  authenticate(ctx, req.http, false,
               [ctx, respond, text = std::string{req.http.body()}](
                 caf::expected<runtime::principal> who) mutable {
                 if (!who)
                   return respond(error_from(who.error()));
                 std::optional<net::http::response> error;
                 auto body = parse_object(text, error);
                 if (body && !error)
                   error = unknown_field(*body, {"display_name", "bio", "avatar_url", "email",
                                                 "settings"});
                 if (error)
                   return respond(std::move(*error));
                 auto patch = body->dump();
                 // The user entity validates the whole change and applies all of it or nothing.
                 ask_entity<actors::user_view>(
                   *ctx.sys, ctx.registry, "user", who->name,
                   caf::make_message(update_atom::value, std::move(patch)),
                   [respond](caf::expected<actors::user_view> user) {
                     reply_user(respond, std::move(user), true);
                   });
               });
}

void get_user(const http_context& ctx, std::string name, respond_fn respond) {
  if (!actors::valid_username(name))
    return respond(error_response(404, "not_found", "user not found"));
  ask_entity<actors::user_view>(
    *ctx.sys, ctx.registry, "user", name, caf::make_message(get_atom::value),
    [respond](caf::expected<actors::user_view> user) { reply_user(respond, std::move(user), false); });
}

}  // namespace

void add_user_routes(route_table& routes, const http_context& ctx) {
  routes.push_back([ctx](const api_request& req, respond_fn& respond) {
    auto& seg = req.segments;
    auto method = req.http.method();
    if (seg.size() == 1 && seg[0] == "me") {
      if (method == bhttp::verb::get)
        get_me(ctx, req, std::move(respond));
      else if (method == bhttp::verb::patch)
        patch_me(ctx, req, std::move(respond));
      else
        respond(error_response(405, "method_not_allowed", "use GET or PATCH"));
      return true;
    }
    if (seg.size() == 2 && seg[0] == "users" && method == bhttp::verb::get) {
      get_user(ctx, std::string{seg[1]}, std::move(respond));
      return true;
    }
    return false;
  });
}

}  // namespace aethex::app::api
