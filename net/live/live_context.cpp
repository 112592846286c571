#include "net/live/live_context.hpp"

#include <boost/beast/http/field.hpp>

#include "runtime/secrets.hpp"

namespace aethex::live {

std::string_view bearer_token(const net::http::request& req) {
  auto header = req[boost::beast::http::field::authorization];
  constexpr std::string_view prefix = "Bearer ";
  if (header.substr(0, prefix.size()) != prefix)
    return {};
  return header.substr(prefix.size());
}

bool is_admin(const live_context& ctx, const net::http::request& req) {
  auto token = bearer_token(req);
  return !token.empty() &&
         runtime::constant_time_equal(runtime::token_digest(token), ctx.admin_token_digest);
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

}  // namespace aethex::live
