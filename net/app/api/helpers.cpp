#include "net/app/api/api.hpp"

#include <boost/beast/http/field.hpp>

#include "runtime/bounded_json.hpp"
#include "runtime/secrets.hpp"

namespace aethex::app::api {

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
  return net::http::error_response(status_of(code), to_string(code), message_of(err));
}

std::string_view bearer_token(const net::http::request& req) {
  auto header = req[boost::beast::http::field::authorization];
  constexpr std::string_view prefix = "Bearer ";
  if (header.substr(0, prefix.size()) != prefix)
    return {};
  return header.substr(prefix.size());
}

bool is_admin(const http_context& ctx, const net::http::request& req) {
  auto token = bearer_token(req);
  return !token.empty() &&
         runtime::constant_time_equal(runtime::token_digest(token), ctx.admin_token_digest);
}

std::optional<json> parse_object(const net::http::request& req,
                                 std::optional<net::http::response>& error) {
  return parse_object(std::string_view{req.body()}, error);
}

std::optional<json> parse_object(std::string_view text,
                                 std::optional<net::http::response>& error) {
  runtime::json_refusal why{};
  auto body = runtime::parse_client_json(text, &why);
  if (why == runtime::json_refusal::too_deep) {
    error = net::http::error_response(
      400, "invalid_json",
      "request body nests deeper than " + std::to_string(runtime::max_json_depth) + " levels");
    return std::nullopt;
  }
  if (body.is_discarded() || !body.is_object()) {
    error = net::http::error_response(400, "invalid_json", "request body must be a JSON object");
    return std::nullopt;
  }
  return body;
}

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == name)
      return std::string{eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1)};
  }
  return std::nullopt;
}

}  // namespace aethex::app::api
