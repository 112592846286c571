// /api/v1/channels: the directory (from the SQLite read model), one channel (from its entity),
// creation by a signed-in user (or the admin token), owner-only metadata changes and stream keys.
#include <charconv>

#include <boost/beast/http/verb.hpp>

#include "actors/channel.hpp"
#include "actors/user.hpp"
#include "net/app/actor_bridge.hpp"
#include "net/app/api/api.hpp"
#include "net/app/api/auth_support.hpp"
#include "net/app/node_services.hpp"
#include "net/app/read_models.hpp"

namespace aethex::app::api {
namespace {

namespace bhttp = boost::beast::http;
using net::http::error_response;
using net::http::json_response;
using net::http::respond_fn;

constexpr std::size_t default_page = 50;
constexpr std::size_t max_page = 100;

json channel_json(const actors::channel_view& view) {
  return json{{"name", view.name},
              {"title", view.title},
              {"category", view.category},
              {"description", view.description},
              {"tags", view.tags},
              {"owner", view.owner},
              {"live", view.live},
              {"hls", "/hls/" + view.name + "/index.m3u8"},
              {"started_at_ms", view.live ? json(view.started_at_ms) : json(nullptr)},
              {"viewers", 0}};
}

void get_channel(const http_context& ctx, std::string name, respond_fn respond) {
  if (!actors::valid_channel_name(name))
    return respond(error_response(404, "not_found", "channel not found"));
  ask_entity<actors::channel_view>(
    *ctx.sys, ctx.registry, "channel", name, caf::make_message(get_atom::value),
    [respond](caf::expected<actors::channel_view> view) {
      respond(view ? json_response(200, channel_json(*view).dump()) : error_from(view.error()));
    });
}

void list_channels(const http_context& ctx, const api_request& req, respond_fn respond) {
  if (!ctx.read_model)
    return respond(error_response(503, "unavailable", "the channel directory is not available"));
  bool live_only = false;
  if (auto live = query_param(req.query, "live")) {
    if (*live != "true" && *live != "false")
      return respond(error_response(400, "invalid_argument", "live must be true or false"));
    live_only = *live == "true";
  }
  std::size_t limit = default_page;
  if (auto text = query_param(req.query, "limit")) {
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
    if (ec != std::errc{} || end != text->data() + text->size() || limit == 0 || limit > max_page)
      return respond(error_response(400, "invalid_argument", "limit must be 1-100"));
  }
  auto after = query_param(req.query, "after").value_or("");
  if (!after.empty() && !actors::valid_channel_name(after))
    return respond(error_response(400, "invalid_argument", "after must be a channel name"));
  auto page = [respond, limit](json rows) {
    json next = rows.size() == limit ? rows.back()["name"] : json(nullptr);
    respond(json_response(200, json{{"channels", std::move(rows)}, {"next", next}}.dump()));
  };
  directory_query query{live_only, limit, after};
  if (ctx.membership)
    return list_cluster_channels(*ctx.sys, ctx.membership, std::move(query),
                                 [page, respond](caf::expected<json> rows) {
                                   if (!rows)
                                     return respond(error_from(rows.error()));
                                   page(std::move(*rows));
                                 });
  json rows = json::array();
  try {
    for (auto& row : ctx.read_model->list_channels(live_only, limit, after))
      rows.push_back(directory_row_json(row));
  } catch (const std::exception&) {
    return respond(error_response(503, "unavailable", "the channel directory is not available"));
  }
  page(std::move(rows));
}

// Reads a creation request's body (only once the caller is known).
std::optional<net::http::response> read_creation(std::string_view text, std::string& name,
                                                 std::string& title) {
  std::optional<net::http::response> error;
  auto body = parse_object(text, error);
  if (body && !error)
    error = unknown_field(*body, {"name", "title"});
  if (error)
    return error;
  auto given_name = string_field(*body, "name", true, error);
  auto given_title = string_field(*body, "title", false, error);
  if (error)
    return error;
  if (!actors::valid_channel_name(*given_name))
    return error_response(400, "invalid_argument",
                          "channel names are 3-25 characters of a-z, 0-9 and _");
  name = *given_name;
  title = given_title.value_or(name);
  return std::nullopt;
}

// Creates the channel for `who` and answers 201 with its stream key.
void create_named(const http_context& ctx, const runtime::principal& who, const std::string& name,
                  const std::string& title, respond_fn respond) {
  ask_entity<std::string>(
    *ctx.sys, ctx.registry, "channel", name, caf::make_message(create_atom::value, who, title),
    [ctx, respond, name](caf::expected<std::string> key) {
      if (!key)
        return respond(error_from(key.error()));
      if (ctx.read_model)
        ctx.read_model->notify();
      respond(json_response(201, json{{"name", name}, {"stream_key", *key}}.dump()));
    });
}

// The channel quota: an account first claims the name on its user entity (at most
// limits.channels_per_user names), and gives it back when the channel cannot be created.
// The admin token has no quota.
void create_within_quota(const http_context& ctx, const runtime::principal& who,
                         const std::string& name, const std::string& title, respond_fn respond) {
  if (who.is_admin())
    return create_named(ctx, who, name, title, std::move(respond));
  ask_entity<std::uint32_t>(
    *ctx.sys, ctx.registry, "user", who.name,
    caf::make_message(actors::claim_channel_atom::value, name,
                      std::uint32_t{ctx.limits.channels_per_user}),
    [ctx, who, name, title, respond](caf::expected<std::uint32_t> claimed) {
      if (!claimed)
        return respond(error_from(claimed.error()));
      create_named(ctx, who, name, title, [ctx, who, name, respond](net::http::response res) {
        if (res.result_int() != 201)
          ask_entity<bool>(*ctx.sys, ctx.registry, "user", who.name,
                           caf::make_message(actors::release_channel_atom::value, name),
                           [](caf::expected<bool>) {});
        respond(std::move(res));
      });
    });
}

void create_channel(const http_context& ctx, const api_request& req, respond_fn respond) {
  authenticate(ctx, req.http, true,
               [ctx, respond, text = std::string{req.http.body()}](
                 caf::expected<runtime::principal> who) {
                 if (!who)
                   return respond(error_from(who.error()));
                 std::string name, title;
                 if (auto error = read_creation(text, name, title))
                   return respond(*error);
                 create_within_quota(ctx, *who, name, title, respond);
               });
}

void patch_channel(const http_context& ctx, const api_request& req, std::string name,
                   respond_fn respond) {
  authenticate(ctx, req.http, true,
               [ctx, respond, name = std::move(name),
                text = std::string{req.http.body()}](caf::expected<runtime::principal> who) {
                 if (!who)
                   return respond(error_from(who.error()));
                 if (!actors::valid_channel_name(name))
                   return respond(error_response(404, "not_found", "channel not found"));
                 std::optional<net::http::response> error;
                 auto body = parse_object(text, error);
                 if (error)
                   return respond(*error);
                 auto patch = body->dump();
                 // The entity checks existence, ownership and every field before writing.
                 ask_entity<actors::channel_view>(
                   *ctx.sys, ctx.registry, "channel", name,
                   caf::make_message(update_atom::value, *who, patch),
                   [ctx, respond](caf::expected<actors::channel_view> view) {
                     if (!view)
                       return respond(error_from(view.error()));
                     if (ctx.read_model)
                       ctx.read_model->notify();
                     respond(json_response(200, channel_json(*view).dump()));
                   });
               });
}

// Rotate (POST) or reveal (GET) the stream key; owner (or admin) only.
void stream_key(const http_context& ctx, const api_request& req, std::string name, bool rotate,
                respond_fn respond) {
  authenticate(ctx, req.http, true,
               [ctx, respond, name = std::move(name), rotate](
                 caf::expected<runtime::principal> who) {
                 if (!who)
                   return respond(error_from(who.error()));
                 if (!actors::valid_channel_name(name))
                   return respond(error_response(404, "not_found", "channel not found"));
                 auto command = rotate ? caf::make_message(actors::rotate_key_atom::value, *who)
                                       : caf::make_message(actors::reveal_key_atom::value, *who);
                 ask_entity<std::string>(
                   *ctx.sys, ctx.registry, "channel", name, std::move(command),
                   [respond, name](caf::expected<std::string> key) {
                     if (!key)
                       return respond(error_from(key.error()));
                     respond(
                       json_response(200, json{{"name", name}, {"stream_key", *key}}.dump()));
                   });
               });
}

}  // namespace

void add_channel_routes(route_table& routes, const http_context& ctx) {
  routes.push_back([ctx](const api_request& req, respond_fn& respond) {
    auto& seg = req.segments;
    if (seg.empty() || seg[0] != "channels")
      return false;
    auto method = req.http.method();
    if (seg.size() == 1 && method == bhttp::verb::post)
      create_channel(ctx, req, std::move(respond));
    else if (seg.size() == 1 && method == bhttp::verb::get)
      list_channels(ctx, req, std::move(respond));
    else if (seg.size() == 2 && method == bhttp::verb::get)
      get_channel(ctx, std::string{seg[1]}, std::move(respond));
    else if (seg.size() == 2 && method == bhttp::verb::patch)
      patch_channel(ctx, req, std::string{seg[1]}, std::move(respond));
    else if (seg.size() == 3 && seg[2] == "stream-key" &&
             (method == bhttp::verb::get || method == bhttp::verb::post))
      stream_key(ctx, req, std::string{seg[1]}, method == bhttp::verb::post, std::move(respond));
    else
      return false;
    return true;
  });
}

}  // namespace aethex::app::api
