#include "net/app/http_routes.hpp"

#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "actors/channel.hpp"
#include "net/app/actor_bridge.hpp"
#include "net/http/static_files.hpp"
#include "runtime/errors.hpp"
#include "runtime/secrets.hpp"

namespace aethex::app {
namespace {

namespace bhttp = boost::beast::http;
using json = nlohmann::json;
using net::http::error_response;
using net::http::json_response;
using net::http::respond_fn;

unsigned status_of(errc code) {
  switch (code) {
    case errc::invalid_argument: return 400;
    case errc::unauthorized: return 401;
    case errc::forbidden: return 403;
    case errc::not_found: return 404;
    case errc::conflict: return 409;
    case errc::unavailable: return 503;
    case errc::internal: return 500;
  }
  return 500;
}

net::http::response error_from(const caf::error& err) {
  auto code = code_of(err);
  return error_response(status_of(code), to_string(code), message_of(err));
}

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

std::string_view bearer_token(const net::http::request& req) {
  auto header = req[bhttp::field::authorization];
  constexpr std::string_view prefix = "Bearer ";
  if (header.substr(0, prefix.size()) != prefix)
    return {};
  return header.substr(prefix.size());
}

class router {
 public:
  explicit router(http_context ctx) : ctx_(std::move(ctx)) {}

  void operator()(net::http::request&& req, const std::string&, respond_fn respond) const {
    std::string_view target = req.target();
    auto path = target.substr(0, target.find('?'));
    if (path.substr(0, 8) == "/api/v1/")
      return api(req, path.substr(8), std::move(respond));
    if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head)
      return respond(error_response(405, "method_not_allowed", "only GET is allowed here"));
    if (path.substr(0, 5) == "/hls/")
      return hls(path.substr(5), std::move(respond));
    return web(path, std::move(respond));
  }

 private:
  void api(const net::http::request& req, std::string_view path, respond_fn respond) const {
    if (path == "health")
      return respond(json_response(200, R"({"status":"ok"})"));
    if (path == "channels" && req.method() == bhttp::verb::post)
      return create_channel(req, std::move(respond));
    constexpr std::string_view channels = "channels/";
    if (path.substr(0, channels.size()) == channels && req.method() == bhttp::verb::get) {
      auto name = std::string{path.substr(channels.size())};
      if (!actors::valid_channel_name(name))
        return respond(error_response(404, "not_found", "channel not found"));
      return ask_entity<actors::channel_view>(
        *ctx_.sys, ctx_.registry, "channel", name, caf::make_message(get_atom::value),
        [respond](caf::expected<actors::channel_view> view) {
          respond(view ? json_response(200, channel_json(*view).dump()) : error_from(view.error()));
        });
    }
    respond(error_response(404, "not_found", "no such API endpoint"));
  }

  void create_channel(const net::http::request& req, respond_fn respond) const {
    auto token = bearer_token(req);
    if (token.empty() ||
        !runtime::constant_time_equal(runtime::token_digest(token), ctx_.admin_token_digest))
      return respond(error_response(401, "unauthorized", "a valid admin token is required"));
    auto body = json::parse(req.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return respond(error_response(400, "invalid_json", "request body must be a JSON object"));
    if (!body.contains("name") || !body["name"].is_string())
      return respond(error_response(400, "invalid_argument", "field 'name' (string) is required"));
    auto name = body["name"].get<std::string>();
    if (!actors::valid_channel_name(name))
      return respond(error_response(400, "invalid_argument",
                                    "channel names are 3-25 characters of a-z, 0-9 and _"));
    std::string title = name;
    if (body.contains("title")) {
      if (!body["title"].is_string())
        return respond(error_response(400, "invalid_argument", "field 'title' must be a string"));
      title = body["title"].get<std::string>();
    }
    ask_entity<std::string>(
      *ctx_.sys, ctx_.registry, "channel", name,
      caf::make_message(create_atom::value, std::string{"admin"}, title),
      [respond, name](caf::expected<std::string> key) {
        if (!key)
          return respond(error_from(key.error()));
        respond(json_response(201, json{{"name", name}, {"stream_key", *key}}.dump()));
      });
  }

  void hls(std::string_view path, respond_fn respond) const {
    auto relative = net::http::safe_relative_path(path);
    if (!relative)
      return respond(error_response(400, "bad_path", "malformed path"));
    // Playlists change every segment; segments never change once written.
    auto cache = relative->extension() == ".m3u8" ? "no-cache" : "max-age=60";
    if (auto res = net::http::file_response(ctx_.hls_root, *relative, cache))
      return respond(std::move(*res));
    respond(error_response(404, "not_found", "no such stream file (is the channel live?)"));
  }

  void web(std::string_view path, respond_fn respond) const {
    auto relative = net::http::safe_relative_path(path);
    if (!relative)
      return respond(error_response(400, "bad_path", "malformed path"));
    if (auto res = net::http::file_response(ctx_.web_root, *relative, "max-age=300"))
      return respond(std::move(*res));
    // Client-side routes (/c/<name>, …) all load the single-page app.
    if (auto res = net::http::file_response(ctx_.web_root, "index.html", "no-cache"))
      return respond(std::move(*res));
    respond(error_response(404, "not_found", "web UI is not built (run scripts/setup)"));
  }

  http_context ctx_;
};

}  // namespace

net::http::request_handler make_http_handler(http_context context) {
  return router{std::move(context)};
}

}  // namespace aethex::app
