// /api/v1/channels: create (admin token for now), read one channel.
#include <boost/beast/http/verb.hpp>

#include "actors/channel.hpp"
#include "net/app/actor_bridge.hpp"
#include "net/app/api/api.hpp"

namespace aethex::app::api {
namespace {

namespace bhttp = boost::beast::http;
using net::http::error_response;
using net::http::json_response;

json channel_json(const actors::channel_view& view) {
  return json{{"name", view.name},
              {"title", view.title},
              {"category", view.category},
              {"owner", view.owner},
              {"live", view.live},
              {"hls", "/hls/" + view.name + "/index.m3u8"},
              {"started_at_ms", view.live ? json(view.started_at_ms) : json(nullptr)},
              {"viewers", 0}};
}

void get_channel(const http_context& ctx, std::string name, net::http::respond_fn respond) {
  if (!actors::valid_channel_name(name))
    return respond(error_response(404, "not_found", "channel not found"));
  ask_entity<actors::channel_view>(
    *ctx.sys, ctx.registry, "channel", name, caf::make_message(get_atom::value),
    [respond](caf::expected<actors::channel_view> view) {
      respond(view ? json_response(200, channel_json(*view).dump()) : error_from(view.error()));
    });
}

void create_channel(const http_context& ctx, const api_request& req,
                    net::http::respond_fn respond) {
  if (!is_admin(ctx, req.http))
    return respond(error_response(401, "unauthorized", "a valid admin token is required"));
  std::optional<net::http::response> error;
  auto body = parse_object(req.http, error);
  if (!body)
    return respond(std::move(*error));
  if (!body->contains("name") || !(*body)["name"].is_string())
    return respond(error_response(400, "invalid_argument", "field 'name' (string) is required"));
  auto name = (*body)["name"].get<std::string>();
  if (!actors::valid_channel_name(name))
    return respond(error_response(400, "invalid_argument",
                                  "channel names are 3-25 characters of a-z, 0-9 and _"));
  std::string title = name;
  if (body->contains("title")) {
    if (!(*body)["title"].is_string())
      return respond(error_response(400, "invalid_argument", "field 'title' must be a string"));
    title = (*body)["title"].get<std::string>();
  }
  ask_entity<std::string>(*ctx.sys, ctx.registry, "channel", name,
                          caf::make_message(create_atom::value, std::string{"admin"}, title),
                          [respond, name](caf::expected<std::string> key) {
                            if (!key)
                              return respond(error_from(key.error()));
                            respond(json_response(
                              201, json{{"name", name}, {"stream_key", *key}}.dump()));
                          });
}

}  // namespace

void add_channel_routes(route_table& routes, const http_context& ctx) {
  routes.push_back([ctx](const api_request& req, net::http::respond_fn& respond) {
    auto& seg = req.segments;
    if (seg.empty() || seg[0] != "channels")
      return false;
    auto method = req.http.method();
    if (seg.size() == 1 && method == bhttp::verb::post)
      create_channel(ctx, req, std::move(respond));
    else if (seg.size() == 2 && method == bhttp::verb::get)
      get_channel(ctx, std::string{seg[1]}, std::move(respond));
    else
      return false;
    return true;
  });
}

}  // namespace aethex::app::api
