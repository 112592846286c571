#include "net/app/api_binding.hpp"

#include <chrono>
#include <list>
#include <mutex>
#include <unordered_map>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include "runtime/errors.hpp"
#include "runtime/limits.hpp"

namespace aethex::app {
namespace {

namespace bhttp = boost::beast::http;
using actors::access;
using actors::http_method;

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    auto slash = path.find('/');
    auto segment = path.substr(0, slash);
    if (!segment.empty())
      segments.push_back(segment);
    if (slash == std::string_view::npos)
      break;
    path = path.substr(slash + 1);
  }
  return segments;
}

std::optional<http_method> method_of(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get: return http_method::get;
    case bhttp::verb::post: return http_method::post;
    case bhttp::verb::put: return http_method::put;
    case bhttp::verb::patch: return http_method::patch;
    case bhttp::verb::delete_: return http_method::del;
    default: return std::nullopt;
  }
}

const char* name_of(http_method method) {
  switch (method) {
    case http_method::get: return "GET";
    case http_method::post: return "POST";
    case http_method::put: return "PUT";
    case http_method::patch: return "PATCH";
    case http_method::del: return "DELETE";
  }
  return "GET";
}

bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

/// Whether `path` fits `pattern` segment by segment; the parameters' values go to `found`.
bool fits(const std::vector<std::string>& pattern, const std::vector<std::string_view>& path,
          std::map<std::string, std::string, std::less<>>* found) {
  if (pattern.size() != path.size())
    return false;
  for (std::size_t i = 0; i < path.size(); ++i) {
    auto& want = pattern[i];
    if (!is_param(want) && want != path[i])
      return false;
    if (is_param(want) && found)
      found->emplace(want.substr(1, want.size() - 2), std::string{path[i]});
  }
  return true;
}

std::vector<std::string> segments_of(std::string_view pattern) {
  std::vector<std::string> segments;
  for (auto segment : split_path(pattern))
    segments.emplace_back(segment);
  return segments;
}

std::string_view bearer_of(const net::http::request& req) {
  auto header = req[bhttp::field::authorization];
  constexpr std::string_view prefix = "Bearer ";
  if (header.substr(0, prefix.size()) != prefix)
    return {};
  return header.substr(prefix.size());
}

// Rate limits count per address (an IPv6 client per /64), never per port.
std::string address_of(const std::string& peer) {
  auto colon = peer.rfind(':');
  return runtime::address_key(colon == std::string::npos ? peer : peer.substr(0, colon));
}

}  // namespace

// Fixed one-minute windows per OAuth client id, at most `max_apps` tracked (the app whose window
// started first is forgotten when more arrive), so a flood of apps cannot grow it.
class app_rate_limiter {
 public:
  struct verdict {
    bool allowed = true;
    unsigned limit = 0;
    unsigned remaining = 0;
    unsigned reset_s = 0;  // until the window ends
  };

  explicit app_rate_limiter(unsigned limit) : limit_(limit) {}

  verdict admit(const std::string& client) {
    using clock = std::chrono::steady_clock;
    auto now = clock::now();
    std::lock_guard lock(mutex_);
    while (!windows_.empty() && now - windows_.front().start >= window) {
      index_.erase(windows_.front().client);
      windows_.pop_front();
    }
    auto it = index_.find(client);
    if (it == index_.end()) {
      if (windows_.size() >= max_apps) {
        index_.erase(windows_.front().client);
        windows_.pop_front();
      }
      windows_.push_back({client, now, 0});
      it = index_.emplace(client, std::prev(windows_.end())).first;
    }
    auto& w = *it->second;
    auto left = std::chrono::ceil<std::chrono::seconds>(w.start + window - now).count();
    verdict v{w.count < limit_, limit_, 0, static_cast<unsigned>(std::max<long long>(1, left))};
    if (v.allowed)
      ++w.count;
    v.remaining = limit_ - w.count;
    return v;
  }

 private:
  struct entry {
    std::string client;
    std::chrono::steady_clock::time_point start;
    unsigned count = 0;
  };
  static constexpr auto window = std::chrono::seconds(60);
  static constexpr std::size_t max_apps = 10'000;
  const unsigned limit_;
  std::mutex mutex_;
  std::list<entry> windows_;  // oldest window first
  std::unordered_map<std::string, std::list<entry>::iterator> index_;
};

net::http::response error_response_of(const caf::error& err) {
  auto code = code_of(err);
  auto res = net::http::error_response(http_status_of(code), reason_of(err), message_of(err));
  if (auto wait = retry_after_of(err))
    res.set(bhttp::field::retry_after, std::to_string(wait));
  return res;
}

net::http::body_limit_fn body_limits_of(const actors::route_table& table) {
  struct large_route {
    std::optional<http_method> method;
    std::vector<std::string> segments;
    std::uint64_t limit;
  };
  std::vector<large_route> large;
  for (const auto& route : table.routes)
    if (route.max_body_bytes > 0)
      large.push_back({route.method, segments_of(route.pattern), route.max_body_bytes});
  return [large = std::move(large)](bhttp::verb verb, std::string_view target) -> std::uint64_t {
    constexpr std::string_view api = "/api/v1/";
    if (large.empty() || !target.starts_with(api))
      return 0;
    auto path = split_path(target.substr(api.size(), target.find('?') - api.size()));
    auto method = method_of(verb);
    for (const auto& route : large)
      if (route.method == method && fits(route.segments, path, nullptr))
        return route.limit;
    return 0;
  };
}

api_binding::api_binding(actors::route_table table, actors::bearer_resolver resolve_bearer,
                         std::shared_ptr<response_cache> cache)
    : table_(std::move(table)), resolve_bearer_(std::move(resolve_bearer)),
      cache_(std::move(cache)),
      app_limits_(std::make_shared<app_rate_limiter>(app_requests_per_minute)) {
  if (cache_)
    cache_->track(table_);
  for (auto& route : table_.routes) {
    compiled_.push_back(compiled_route{&route, segments_of(route.pattern)});
  }
}

void api_binding::operator()(const net::http::request& req, std::string_view path,
                             std::string_view query, const std::string& peer,
                             net::http::respond_fn respond) const {
  auto segments = split_path(path);
  auto method = method_of(req.method());
  const compiled_route* chosen = nullptr;
  std::string allowed;  // methods of routes whose path matches, for a 405
  std::map<std::string, std::string, std::less<>> params;
  for (auto& candidate : compiled_) {
    std::map<std::string, std::string, std::less<>> found;
    if (!fits(candidate.segments, segments, &found))
      continue;
    if (method && candidate.route->method == *method) {
      chosen = &candidate;
      params = std::move(found);
      break;
    }
    allowed += allowed.empty() ? "use " : " or ";
    allowed += name_of(candidate.route->method);
  }
  if (!chosen) {
    if (!allowed.empty())
      return respond(net::http::error_response(405, "method_not_allowed", allowed));
    return respond(net::http::error_response(404, "not_found", "no such API endpoint"));
  }
  actors::route_request request;
  request.params = std::move(params);
  request.query = std::string{query};
  request.body = req.body();
  request.bearer = std::string{bearer_of(req)};
  request.peer = address_of(peer);
  for (const auto& name : chosen->route->headers)
    if (auto field = req.find(name); field != req.end())
      request.headers.emplace(name, std::string{field->value()});
  if (observer_) {
    // Time until the answer, under the route's pattern (a bounded label) and its method.
    respond = [respond = std::move(respond), observer = observer_,
               method = std::string{name_of(chosen->route->method)},
               pattern = chosen->route->pattern,
               started = std::chrono::steady_clock::now()](net::http::response res) {
      std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
      observer(method, pattern, res.result_int(), took.count());
      respond(std::move(res));
    };
  }
  auto& route = *chosen->route;
  // An app's token is counted against its rate limit on every answer, so it skips the cache.
  if (!cache_ || route.method != http_method::get || route.need != access::anyone ||
      route.cached_until.empty() || actors::app_access_token_shape(request.bearer))
    return run(*chosen, std::move(request), std::move(respond));
  // A cached route: a 200 whose ETag the client already has becomes a bodiless 304.
  auto send = [respond = std::move(respond),
               known = std::string{req[bhttp::field::if_none_match]}](net::http::response res) {
    if (known.empty() || res.result_int() != 200 || res[bhttp::field::etag] != known)
      return respond(std::move(res));
    net::http::response unchanged{bhttp::status::not_modified, res.version()};
    unchanged.set(bhttp::field::etag, known);
    unchanged.set(bhttp::field::cache_control, res[bhttp::field::cache_control]);
    respond(std::move(unchanged));
  };
  auto key = std::string{path} + "?" + std::string{query};
  auto found = cache_->find(key, route.cached_until, send);
  using outcome = response_cache::lookup::outcome;
  switch (found.what) {
    case outcome::hit: return send(std::move(found.response));
    case outcome::queued: return;
    case outcome::bypass: return run(*chosen, std::move(request), std::move(send));
    case outcome::lead:
      return run(*chosen, std::move(request),
                 [cache = cache_, flight = std::move(found.pending), send = std::move(send)](
                   net::http::response res) { send(cache->finish(flight, std::move(res))); });
  }
}

void api_binding::run(const compiled_route& match, actors::route_request&& req,
                      net::http::respond_fn respond) const {
  // A write this node answered invalidates every cached answer before the client hears of it,
  // so the client's next read sees it.
  auto cache = match.route->method == http_method::get ? nullptr : cache_;
  auto extra = std::make_shared<extra_headers::element_type>();
  authorize(
    match, std::move(req),
    [respond = std::move(respond), cache, extra](caf::expected<actors::route_response> res) {
      auto add_extra = [&extra](net::http::response& out) {
        for (auto& [name, value] : *extra)
          out.set(name, value);
      };
      if (!res) {
        auto out = error_response_of(res.error());
        add_extra(out);
        return respond(std::move(out));
      }
      if (cache && res->status < 300)
        cache->invalidate_all();
      auto out = net::http::json_response(res->status, std::move(res->body));
      if (!res->content_type.empty())
        out.set(bhttp::field::content_type, res->content_type);
      if (!res->cache_control.empty())
        out.set(bhttp::field::cache_control, res->cache_control);
      for (auto& [name, value] : res->headers)
        out.set(name, value);
      add_extra(out);
      respond(std::move(out));
    },
    extra);
}

caf::error api_binding::admit_delegated(const actors::route& route, const runtime::principal& who,
                                        const extra_headers& extra) const {
  if (!who.is_delegated())
    return caf::none;
  auto verdict = app_limits_->admit(who.via_app);
  extra->emplace_back("RateLimit-Limit", std::to_string(verdict.limit));
  extra->emplace_back("RateLimit-Remaining", std::to_string(verdict.remaining));
  extra->emplace_back("RateLimit-Reset", std::to_string(verdict.reset_s));
  if (!verdict.allowed)
    return make_error(errc::rate_limited, "this app made too many requests; retry later", "",
                      verdict.reset_s);
  if (route.need == access::anyone)
    return caf::none;
  if (!who.allows(route.scope))
    return make_error(errc::forbidden,
                      route.scope.empty() ? "this endpoint is not open to app tokens"
                                          : "this token lacks the scope " + route.scope,
                      "insufficient_scope");
  // An app's own token acts for no account.
  if (who.is_app() && (route.need == access::user || route.need == access::owner))
    return make_error(errc::forbidden, "this endpoint acts for an account; an app token has none",
                      "insufficient_scope");
  return caf::none;
}

void api_binding::authorize(const compiled_route& match, actors::route_request&& req,
                            actors::route_reply reply, extra_headers extra) const {
  auto& route = *match.route;
  if (route.need == access::anyone && actors::app_access_token_shape(req.bearer) &&
      resolve_bearer_) {
    // An app's token counts against its rate limit on public routes too; the handler still
    // sees the anonymous principal, and a token that does not resolve counts as none.
    auto token = req.bearer;
    return resolve_bearer_(std::move(token),
                           [this, &route, req = std::move(req), reply = std::move(reply),
                            extra](caf::expected<runtime::principal> who) mutable {
                             if (who)
                               if (auto err = admit_delegated(route, *who, extra))
                                 return reply(std::move(err));
                             route.handler(std::move(req), std::move(reply));
                           });
  }
  if (route.need == access::anyone)
    return route.handler(std::move(req), std::move(reply));
  if (req.bearer.empty())
    return reply(route.need == access::admin
                   ? make_error(errc::unauthorized, "a valid admin token is required")
                   : make_error(errc::unauthorized,
                                "sign in first (Authorization: Bearer <token>)"));
  if (!resolve_bearer_)
    return reply(make_error(errc::unavailable, "sign-in is not available on this node"));
  auto token = req.bearer;
  resolve_bearer_(std::move(token), [this, &match, req = std::move(req), reply = std::move(reply),
                                     extra](caf::expected<runtime::principal> who) mutable {
    if (match.route->need == access::admin && (!who || !who->is_admin()))
      return reply(make_error(errc::unauthorized, "a valid admin token is required"));
    if (!who)
      return reply(who.error());
    if (auto err = admit_delegated(*match.route, *who, extra))
      return reply(std::move(err));
    if (match.route->need == access::user && who->is_admin())
      return reply(make_error(errc::forbidden, "the admin token does not belong to a user"));
    req.who = std::move(*who);
    admit(match, std::move(req), std::move(reply));
  });
}

void api_binding::admit(const compiled_route& match, actors::route_request&& req,
                        actors::route_reply reply) const {
  auto& route = *match.route;
  if (route.need != access::owner || req.who.is_admin())
    return route.handler(std::move(req), std::move(reply));
  // An owner route asks the domain that owns the parameter.
  for (auto& segment : match.segments) {
    if (!is_param(segment))
      continue;
    auto check = table_.owner_checks.find(std::string_view{segment}.substr(1, segment.size() - 2));
    if (check == table_.owner_checks.end())
      continue;
    auto id = req.param(check->first);
    auto who = req.who;
    return check->second(
      who, id, [&route, req = std::move(req), reply = std::move(reply)](caf::error err) mutable {
        if (err)
          return reply(std::move(err));
        route.handler(std::move(req), std::move(reply));
      });
  }
  reply(make_error(errc::internal, "no owner check for this route"));
}

}  // namespace aethex::app
