// POST /api/v1/admin/console {"argv": ["ask", "channel/alice", "status"]}
//   -> 200 {"ok": true, "result": …} | error status with {"error": {"code", "message"}}
#include <boost/beast/http/verb.hpp>

#include "net/app/api/api.hpp"
#include "net/app/console_ws.hpp"

namespace aethex::app::api {
namespace {

constexpr std::size_t max_words = 256;

void run_console_command(const http_context& ctx, const api_request& req,
                         net::http::respond_fn respond) {
  if (!is_admin(ctx, req.http))
    return respond(net::http::error_response(401, "unauthorized",
                                             "a valid admin token is required"));
  if (!ctx.console)
    return respond(net::http::error_response(503, "unavailable", "console is not running"));
  std::optional<net::http::response> error;
  auto body = parse_object(req.http, error);
  if (!body)
    return respond(std::move(*error));
  auto argv = body->find("argv");
  if (argv == body->end() || !argv->is_array() || argv->empty() || argv->size() > max_words)
    return respond(net::http::error_response(
      400, "invalid_argument", "field 'argv' must be a non-empty array of at most 256 strings"));
  std::vector<std::string> words;
  for (auto& word : *argv) {
    if (!word.is_string())
      return respond(net::http::error_response(400, "invalid_argument",
                                               "every element of 'argv' must be a string"));
    words.push_back(word.get<std::string>());
  }
  ask_console(*ctx.sys, ctx.console, std::move(words),
              [respond](caf::expected<std::string> result) {
                if (!result)
                  return respond(error_from(result.error()));
                respond(net::http::json_response(200, R"({"ok":true,"result":)" + *result + "}"));
              });
}

}  // namespace

void add_console_routes(route_table& routes, const http_context& ctx) {
  routes.push_back([ctx](const api_request& req, net::http::respond_fn& respond) {
    if (req.path != "admin/console")
      return false;
    if (req.http.method() != boost::beast::http::verb::post)
      respond(net::http::error_response(405, "method_not_allowed", "use POST"));
    else
      run_console_command(ctx, req, std::move(respond));
    return true;
  });
}

}  // namespace aethex::app::api
