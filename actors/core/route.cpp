#include "actors/core/route.hpp"

#include <charconv>

#include "runtime/bounded_json.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {

const std::vector<oauth_scope>& oauth_scopes() {
  static const std::vector<oauth_scope> scopes{
    {"user:read", "GET /me and /me/* reads"},
    {"channel:manage", "channel settings, stream info, schedule, stream key, raids"},
    {"chat:write", "sending chat (WebSocket and REST)"},
    {"moderator:manage", "bans, timeouts, deletes, AutoMod queue, moderator lists"},
    {"engagement:manage", "polls, predictions, channel-point rewards"},
    {"analytics:read", "channel analytics and exports"},
    {"clips:write", "creating clips"},
    {"webhooks:manage", "webhook subscriptions and their delivery logs"},
    {"bots:manage", "a channel's scripted bot"},
  };
  return scopes;
}

const std::string& route_request::param(std::string_view name) const {
  static const std::string none;
  auto it = params.find(name);
  return it == params.end() ? none : it->second;
}

std::optional<std::string> route_request::query_param(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == name)
      return std::string{eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1)};
  }
  return std::nullopt;
}

caf::expected<std::size_t> route_request::number_param(std::string_view name, std::size_t fallback,
                                                       std::size_t lowest,
                                                       std::size_t highest) const {
  auto text = query_param(name);
  if (!text)
    return fallback;
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc{} || end != text->data() + text->size() || n < lowest || n > highest)
    return make_error(errc::invalid_argument, std::string{name} + " must be " +
                                                std::to_string(lowest) + "-" +
                                                std::to_string(highest));
  return n;
}

caf::expected<nlohmann::json> route_request::json_object() const {
  runtime::json_refusal why{};
  auto parsed = runtime::parse_client_json(body, &why);
  if (why == runtime::json_refusal::too_deep)
    return make_error(errc::invalid_json, "request body nests deeper than " +
                                            std::to_string(runtime::max_json_depth) + " levels");
  if (parsed.is_discarded() || !parsed.is_object())
    return make_error(errc::invalid_json, "request body must be a JSON object");
  return parsed;
}

caf::error only_fields(const nlohmann::json& body, std::initializer_list<std::string_view> known) {
  for (auto& [key, _] : body.items()) {
    bool ok = false;
    for (auto name : known)
      ok = ok || key == name;
    if (!ok)
      return make_error(errc::invalid_argument, "unknown field '" + key + "'");
  }
  return caf::none;
}

caf::expected<std::optional<std::string>> string_field(const nlohmann::json& body, const char* key,
                                                       bool required) {
  auto it = body.find(key);
  if (it == body.end()) {
    if (required)
      return make_error(errc::invalid_argument,
                        std::string{"field '"} + key + "' (string) is required");
    return std::optional<std::string>{};
  }
  if (!it->is_string())
    return make_error(errc::invalid_argument, std::string{"field '"} + key + "' must be a string");
  return std::optional<std::string>{it->get<std::string>()};
}

}  // namespace aethex::actors
