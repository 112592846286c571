#include "net/app/http_routes.hpp"

#include <iostream>

#include <boost/beast/http.hpp>

#include "net/app/api_binding.hpp"
#include "net/http/static_files.hpp"
#include "net/live/edge_redirect.hpp"
#include "net/live/media_routes.hpp"
#include "net/live/vod_http.hpp"
#include "net/live/clip_http.hpp"

namespace aethex::app {
namespace {

namespace bhttp = boost::beast::http;
using net::http::error_response;
using net::http::respond_fn;

class router {
 public:
  explicit router(http_context ctx)
      : ctx_(std::move(ctx)), api_(std::move(ctx_.routes), ctx_.resolve_bearer, ctx_.api_cache) {
    if (auto metrics = ctx_.metrics.metrics)
      api_.observe([metrics](std::string_view method, std::string_view route, unsigned status,
                             double seconds) {
        metrics->observe_request(method, route, status, seconds);
      });
  }

  void operator()(net::http::request&& req, const std::string& peer, respond_fn respond) const {
    std::string_view target = req.target();
    auto question = target.find('?');
    auto path = target.substr(0, question);
    auto query = question == std::string_view::npos ? std::string_view{}
                                                    : target.substr(question + 1);
    if (path.substr(0, 8) == "/api/v1/" || path == "/api/v1")
      return api_(req, path.size() > 8 ? path.substr(8) : std::string_view{}, query, peer,
                  std::move(respond));
    // WHIP takes POST, DELETE and OPTIONS (docs/ingest.md).
    if (ctx_.whip && ctx_.whip->handle(req, path, query, peer, respond))
      return;
    if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head)
      return respond(error_response(405, "method_not_allowed", "only GET is allowed here"));
    if (live::handle_media_request(ctx_.live, req, path, query, peer, respond))
      return;
    if (live::handle_vod_request(ctx_.live, req, path, query, respond))
      return;
    if (live::handle_clip_request(ctx_.live, req, path, respond))
      return;
    if (path == "/metrics" && ctx_.metrics.metrics)
      return serve_metrics(ctx_.metrics, std::move(respond));
    return web(path, std::move(respond));
  }

 private:
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
  api_binding api_;
};

}  // namespace

net::http::request_handler make_http_handler(http_context context) {
  auto shared = std::make_shared<const router>(std::move(context));
  return [shared](net::http::request&& req, std::string peer, respond_fn respond) {
    (*shared)(std::move(req), peer, std::move(respond));
  };
}

net::http::upgrade_handler make_upgrade_handler(std::vector<live::ws_module> modules) {
  return [modules = std::move(modules)](boost::beast::tcp_stream&& stream, net::http::request&& req,
                                        std::string peer) {
    std::string_view target = req.target();
    auto path = target.substr(0, target.find('?'));
    for (auto& module : modules)
      if (module(path, stream, req, peer))
        return;
    // Unknown endpoint: refuse the upgrade with a plain 404 and close.
    auto res = error_response(404, "not_found", "no WebSocket endpoint at this path");
    res.prepare_payload();
    boost::beast::error_code ec;
    bhttp::write(stream, res, ec);
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  };
}

}  // namespace aethex::app
