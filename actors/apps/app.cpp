// app/<client id>: registration, secret digest, pending codes, grants (apps.hpp). Every OAuth
// rule that depends on stored state is checked here, in one actor, so a code is spent once even
// when two exchanges race.
#include <algorithm>
#include <map>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/apps/apps.hpp"
#include "actors/apps/internal.hpp"
#include "actors/core/event_sourced.hpp"
#include "actors/core/route.hpp"
#include "actors/core/text.hpp"
#include "runtime/errors.hpp"
#include "runtime/secrets.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

struct app_registered {
  static constexpr std::string_view type = "app.registered";
  static constexpr std::uint32_t schema = 1;
  std::string owner;
  std::string name;
  std::vector<std::string> redirect_uris;
  std::string secret_digest;
};
void to_json(json& j, const app_registered& e) {
  j = json{{"owner", e.owner},
           {"name", e.name},
           {"redirect_uris", e.redirect_uris},
           {"secret_digest", e.secret_digest}};
}
void from_json(const json& j, app_registered& e) {
  e.owner = j.value("owner", "");
  e.name = j.value("name", "");
  e.redirect_uris = j.value("redirect_uris", std::vector<std::string>{});
  e.secret_digest = j.value("secret_digest", "");
}

struct app_secret_rotated {
  static constexpr std::string_view type = "app.secret_rotated";
  static constexpr std::uint32_t schema = 1;
  std::string secret_digest;
};
void to_json(json& j, const app_secret_rotated& e) { j = json{{"secret_digest", e.secret_digest}}; }
void from_json(const json& j, app_secret_rotated& e) {
  e.secret_digest = j.value("secret_digest", "");
}

struct app_deleted {
  static constexpr std::string_view type = "app.deleted";
  static constexpr std::uint32_t schema = 1;
};
void to_json(json& j, const app_deleted&) { j = json::object(); }
void from_json(const json&, app_deleted&) {}

struct app_grant {
  std::string user;  // empty: the app's own (client credentials)
  std::vector<std::string> scopes;
  std::string access_digest;
  std::int64_t access_expires_at_ms = 0;
  std::string refresh_digest;  // empty for client credentials
  std::int64_t refresh_expires_at_ms = 0;
  std::int64_t issued_at_ms = 0;
  std::uint64_t issued_seq = 0;  // the event's position: orders grants issued in one millisecond
};

struct grant_issued {
  static constexpr std::string_view type = "app.grant_issued";
  static constexpr std::uint32_t schema = 1;
  std::string grant;
  app_grant value;
};
void to_json(json& j, const grant_issued& e) {
  j = json{{"grant", e.grant},
           {"user", e.value.user},
           {"scopes", e.value.scopes},
           {"access_digest", e.value.access_digest},
           {"access_expires_at_ms", e.value.access_expires_at_ms},
           {"refresh_digest", e.value.refresh_digest},
           {"refresh_expires_at_ms", e.value.refresh_expires_at_ms}};
}
void from_json(const json& j, grant_issued& e) {
  e.grant = j.value("grant", "");
  e.value.user = j.value("user", "");
  e.value.scopes = j.value("scopes", std::vector<std::string>{});
  e.value.access_digest = j.value("access_digest", "");
  e.value.access_expires_at_ms = j.value("access_expires_at_ms", std::int64_t{0});
  e.value.refresh_digest = j.value("refresh_digest", "");
  e.value.refresh_expires_at_ms = j.value("refresh_expires_at_ms", std::int64_t{0});
}

struct grant_revoked {
  static constexpr std::string_view type = "app.grant_revoked";
  static constexpr std::uint32_t schema = 1;
  std::string grant;
};
void to_json(json& j, const grant_revoked& e) { j = json{{"grant", e.grant}}; }
void from_json(const json& j, grant_revoked& e) { e.grant = j.value("grant", ""); }

// Held in memory only: a code lives 60 s, so one lost with a restart costs the user one click.
struct pending_code {
  std::string user;
  std::vector<std::string> scopes;
  std::string redirect_uri;
  std::string challenge;
  std::int64_t expires_at_ms = 0;
};

struct app_state {
  static constexpr std::string_view kind = "app";
  using events =
    event_list<app_registered, app_secret_rotated, app_deleted, grant_issued, grant_revoked>;

  bool alive = false;
  std::string owner;
  std::string app_name;
  std::vector<std::string> redirect_uris;
  std::string secret_digest;
  std::int64_t created_at_ms = 0;
  std::map<std::string, app_grant> grants;       // by grant id
  std::map<std::string, std::string> by_digest;  // access or refresh digest → grant id
  std::map<std::string, pending_code> codes;     // by code digest

  void apply(const app_registered& e, const event_meta& meta) {
    alive = true;
    owner = e.owner;
    app_name = e.name;
    redirect_uris = e.redirect_uris;
    secret_digest = e.secret_digest;
    created_at_ms = meta.timestamp_ms;
  }
  void apply(const app_secret_rotated& e, const event_meta&) { secret_digest = e.secret_digest; }
  void apply(const app_deleted&, const event_meta&) {
    alive = false;
    secret_digest.clear();
    grants.clear();
    by_digest.clear();
    codes.clear();
  }
  void apply(const grant_issued& e, const event_meta& meta) {
    drop_grant(e.grant);
    auto value = e.value;
    value.issued_at_ms = meta.timestamp_ms;
    value.issued_seq = meta.seq;
    by_digest[value.access_digest] = e.grant;
    if (!value.refresh_digest.empty())
      by_digest[value.refresh_digest] = e.grant;
    grants[e.grant] = std::move(value);
    // Expired grants go as new ones come, so the map holds only live ones.
    std::vector<std::string> expired;
    for (auto& [id, g] : grants)
      if (std::max(g.access_expires_at_ms, g.refresh_expires_at_ms) <= meta.timestamp_ms)
        expired.push_back(id);
    for (auto& id : expired)
      drop_grant(id);
  }
  void apply(const grant_revoked& e, const event_meta&) { drop_grant(e.grant); }

  void drop_grant(const std::string& id) {
    auto it = grants.find(id);
    if (it == grants.end())
      return;
    by_digest.erase(it->second.access_digest);
    by_digest.erase(it->second.refresh_digest);
    grants.erase(it);
  }

  json view(const std::string& client_id) const {
    return json{{"client_id", client_id},
                {"name", app_name},
                {"owner", owner},
                {"redirect_uris", redirect_uris},
                {"created_at_ms", created_at_ms}};
  }

  std::string snapshot() const {
    json g = json::object();
    for (auto& [id, v] : grants) {
      json one;
      to_json(one, grant_issued{id, v});
      one["issued_at_ms"] = v.issued_at_ms;
      one["issued_seq"] = v.issued_seq;
      g[id] = one;
    }
    return json{{"alive", alive},
                {"owner", owner},
                {"name", app_name},
                {"redirect_uris", redirect_uris},
                {"secret_digest", secret_digest},
                {"created_at_ms", created_at_ms},
                {"grants", g}}
      .dump();
  }
  void restore(const std::string& text) {
    auto j = json::parse(text);
    alive = j.value("alive", false);
    owner = j.value("owner", "");
    app_name = j.value("name", "");
    redirect_uris = j.value("redirect_uris", std::vector<std::string>{});
    secret_digest = j.value("secret_digest", "");
    created_at_ms = j.value("created_at_ms", std::int64_t{0});
    grants.clear();
    by_digest.clear();
    for (auto& [id, one] : j.value("grants", json::object()).items()) {
      grant_issued e;
      from_json(one, e);
      e.value.issued_at_ms = one.value("issued_at_ms", std::int64_t{0});
      e.value.issued_seq = one.value("issued_seq", std::uint64_t{0});
      by_digest[e.value.access_digest] = id;
      if (!e.value.refresh_digest.empty())
        by_digest[e.value.refresh_digest] = id;
      grants[id] = std::move(e.value);
    }
  }
};

using app_actor = caf::stateful_actor<event_sourced<app_state>>;

json oauth_error(std::string code, std::string description, unsigned status = 400) {
  return json{
    {"error", std::move(code)}, {"error_description", std::move(description)}, {"status", status}};
}

std::string app_trimmed(std::string_view text) {
  constexpr std::string_view blank = " \t\r\n";
  auto first = text.find_first_not_of(blank);
  if (first == std::string_view::npos)
    return {};
  return std::string{text.substr(first, text.find_last_not_of(blank) - first + 1)};
}

caf::error app_missing() { return make_error(errc::not_found, "app not found"); }

bool may_manage(const app_state& st, const runtime::principal& who) {
  return who.is_admin() || who.is_user(st.owner);
}

// Issues (or, on a refresh, re-issues) grant `id`; the oldest of the holder's grants gives way
// when it already has as many as allowed.
caf::error issue_grant(app_actor* self, const std::string& id, app_grant grant) {
  auto& st = self->state;
  auto bound = grant.user.empty() ? apps_limits::app_grants : apps_limits::grants_per_user;
  std::size_t held = 0;
  const std::string* oldest = nullptr;
  std::uint64_t oldest_seq = 0;
  auto now = st.clock().now_ms();
  for (auto& [gid, g] : st.grants) {
    if (gid == id || g.user != grant.user ||
        std::max(g.access_expires_at_ms, g.refresh_expires_at_ms) <= now)
      continue;
    ++held;
    if (!oldest || g.issued_seq < oldest_seq) {
      oldest = &gid;
      oldest_seq = g.issued_seq;
    }
  }
  if (held >= bound && oldest)
    return st.emit(grant_revoked{*oldest}, grant_issued{id, std::move(grant)});
  return st.emit(grant_issued{id, std::move(grant)});
}

json grant_answer(const app_grant& g, std::int64_t now_ms) {
  return json{{"scope", join_scopes(g.scopes)},
              {"user", g.user},
              {"expires_in", (g.access_expires_at_ms - now_ms) / 1000},
              {"refresh", !g.refresh_digest.empty()}};
}

json run_exchange(app_actor* self, const json& req) {
  auto& st = self->state;
  auto now = st.clock().now_ms();
  auto type = req.value("grant_type", "");
  app_grant issued;
  issued.access_digest = req.value("access_digest", "");
  issued.access_expires_at_ms = now + apps_limits::access_ttl_ms;
  std::string id = req.value("grant", "");
  if (type == "authorization_code") {
    auto it = st.codes.find(req.value("code_digest", ""));
    if (it == st.codes.end())
      return oauth_error("invalid_grant", "the code is unknown, used or expired");
    auto code = std::move(it->second);
    st.codes.erase(it);  // spent by any attempt: a wrong verifier cannot be retried
    if (code.expires_at_ms <= now)
      return oauth_error("invalid_grant", "the code is unknown, used or expired");
    if (code.redirect_uri != req.value("redirect_uri", ""))
      return oauth_error("invalid_grant", "redirect_uri differs from the authorization request");
    if (!pkce_s256_matches(req.value("code_verifier", ""), code.challenge))
      return oauth_error("invalid_grant", "code_verifier does not match the code_challenge");
    issued.user = code.user;
    issued.scopes = code.scopes;
  } else if (type == "refresh_token") {
    auto digest = req.value("refresh_digest", "");
    auto by = st.by_digest.find(digest);
    auto g = by == st.by_digest.end() ? st.grants.end() : st.grants.find(by->second);
    if (g == st.grants.end() || g->second.refresh_digest != digest ||
        g->second.refresh_expires_at_ms <= now)
      return oauth_error("invalid_grant", "the refresh token is unknown, used or expired");
    issued.user = g->second.user;
    issued.scopes = g->second.scopes;
    if (auto wanted = req.find("scopes"); wanted != req.end() && wanted->is_array()) {
      auto narrower = wanted->get<std::vector<std::string>>();
      for (auto& s : narrower)
        if (std::find(issued.scopes.begin(), issued.scopes.end(), s) == issued.scopes.end())
          return oauth_error("invalid_scope", "a refresh cannot widen the granted scopes");
      if (!narrower.empty())
        issued.scopes = std::move(narrower);
    }
    id = by->second;  // the same grant, with new tokens; the old ones end here
  } else if (type == "client_credentials") {
    issued.scopes = req.value("scopes", std::vector<std::string>{});
  } else {
    return oauth_error("unsupported_grant_type", "grant_type '" + type + "' is not supported");
  }
  if (!issued.user.empty()) {
    issued.refresh_digest = req.value("new_refresh_digest", "");
    issued.refresh_expires_at_ms = now + apps_limits::refresh_ttl_ms;
  }
  if (id.empty() || issued.access_digest.empty() ||
      (!issued.user.empty() && issued.refresh_digest.empty()))
    return oauth_error("invalid_request", "incomplete token request");
  auto answer = grant_answer(issued, now);
  if (auto err = issue_grant(self, id, std::move(issued)))
    return oauth_error("temporarily_unavailable", message_of(err), 503);
  return answer;
}

json inspect(const app_state& st, const std::string& client_id, const std::string& digest,
             std::int64_t now) {
  auto inactive = json{{"active", false}};
  auto by = st.by_digest.find(digest);
  if (!st.alive || by == st.by_digest.end())
    return inactive;
  const auto& g = st.grants.at(by->second);
  bool refresh = g.refresh_digest == digest;
  auto exp = refresh ? g.refresh_expires_at_ms : g.access_expires_at_ms;
  if (exp <= now)
    return inactive;
  json out{{"active", true},
           {"kind", refresh ? "refresh" : "access"},
           {"token_type", refresh ? "refresh_token" : "access_token"},
           {"client_id", client_id},
           {"scope", join_scopes(g.scopes)},
           {"exp", exp / 1000},
           {"iat", g.issued_at_ms / 1000}};
  if (!g.user.empty())
    out["username"] = g.user;
  return out;
}

caf::behavior app_behavior(app_actor* self, caf::actor registry, storage::event_store* store,
                           std::string client_id, const runtime::clock* clock) {
  if (auto err = self->state.activate(self, *store, client_id, {registry, clock, 60s, 10min, 50}))
    return self->state.refuse(self, std::move(err));
  auto must_live = [self]() -> caf::error {
    auto& st = self->state;
    st.touch();
    if (auto err = st.require_exists(self, app_missing()))
      return err;
    return st.alive ? caf::none : app_missing();
  };
  return {
    [self, client_id](app_register_atom, const std::string& owner, const std::string& body,
                      const std::string& secret_digest) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (st.exists())
        return make_error(errc::conflict, "client id taken");
      auto parsed = json::parse(body, nullptr, false);
      if (parsed.is_discarded() || !parsed.is_object())
        return make_error(errc::invalid_json, "the body is not a JSON object");
      auto reg = parse_app_registration(parsed);
      if (!reg)
        return reg.error();
      if (owner.empty() || secret_digest.empty())
        return make_error(errc::invalid_argument, "an app needs an owner and a secret");
      if (auto err = st.emit(app_registered{owner, reg->name, reg->redirect_uris, secret_digest}))
        return err;
      return st.view(client_id).dump();
    },
    [self, client_id, must_live](app_get_atom) -> caf::result<std::string> {
      if (auto err = must_live())
        return err;
      return self->state.view(client_id).dump();
    },
    [self, client_id, must_live](app_rotate_atom, const runtime::principal& who,
                                 const std::string& secret_digest) -> caf::result<std::string> {
      if (auto err = must_live())
        return err;
      auto& st = self->state;
      if (!may_manage(st, who))
        return make_error(errc::forbidden, "only the app's owner may do this");
      if (auto err = st.emit(app_secret_rotated{secret_digest}))
        return err;
      return st.view(client_id).dump();
    },
    [self, must_live](app_delete_atom, const runtime::principal& who) -> caf::result<bool> {
      if (auto err = must_live())
        return err;
      auto& st = self->state;
      if (!may_manage(st, who))
        return make_error(errc::forbidden, "only the app's owner may do this");
      if (auto err = st.emit(app_deleted{}))
        return err;
      return true;
    },
    [self, must_live](app_code_atom, const std::string& user, const std::string& request,
                      const std::string& code_digest) -> caf::result<bool> {
      if (auto err = must_live())
        return err;
      auto& st = self->state;
      auto req = json::parse(request, nullptr, false);
      if (req.is_discarded() || !req.is_object())
        return make_error(errc::invalid_json, "bad code request");
      auto uri = req.value("redirect_uri", "");
      if (std::find(st.redirect_uris.begin(), st.redirect_uris.end(), uri) ==
          st.redirect_uris.end())
        return make_error(errc::invalid_argument, "redirect_uri is not registered for this app",
                          "invalid_redirect_uri");
      auto now = st.clock().now_ms();
      std::erase_if(st.codes, [now](const auto& c) { return c.second.expires_at_ms <= now; });
      if (st.codes.size() >= apps_limits::pending_codes) {
        auto oldest = std::min_element(st.codes.begin(), st.codes.end(), [](auto& a, auto& b) {
          return a.second.expires_at_ms < b.second.expires_at_ms;
        });
        st.codes.erase(oldest);
      }
      st.codes[code_digest] = pending_code{user, req.value("scopes", std::vector<std::string>{}),
                                           uri, req.value("code_challenge", ""),
                                           now + apps_limits::code_ttl_ms};
      return true;
    },
    [self](app_grant_atom, const std::string& request) -> std::string {
      auto& st = self->state;
      st.touch();
      auto req = json::parse(request, nullptr, false);
      if (!st.exists() || !st.alive || req.is_discarded() || !req.is_object() ||
          !runtime::constant_time_equal(st.secret_digest, req.value("secret_digest", ""))) {
        if (!st.exists())
          st.passivate(self);
        return oauth_error("invalid_client", "client authentication failed", 401).dump();
      }
      return run_exchange(self, req).dump();
    },
    [self, client_id](app_inspect_atom, const std::string& digest,
                      const std::string& secret_digest) -> std::string {
      auto& st = self->state;
      if (!secret_digest.empty() &&
          (!st.alive || !runtime::constant_time_equal(st.secret_digest, secret_digest))) {
        auto refused = json{{"error", "invalid_client"}}.dump();
        return st.answer_read(self, refused);
      }
      auto out = inspect(st, client_id, digest, st.clock().now_ms()).dump();
      return st.answer_read(self, out);
    },
    [self](app_revoke_atom, const std::string& digest,
           const std::string& secret_digest) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (!st.exists() || !st.alive ||
          !runtime::constant_time_equal(st.secret_digest, secret_digest)) {
        if (!st.exists())
          st.passivate(self);
        return std::string{"invalid_client"};
      }
      // Revoking either token of a grant ends the grant (RFC 7009 §2.1 allows it for both).
      if (auto by = st.by_digest.find(digest); by != st.by_digest.end())
        if (auto err = st.emit(grant_revoked{by->second}))
          return err;
      return std::string{};
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

caf::expected<app_registration> parse_app_registration(const json& body) {
  if (auto err = only_fields(body, {"name", "redirect_uris"}))
    return err;
  auto name = string_field(body, "name", true);
  if (!name)
    return name.error();
  app_registration reg;
  reg.name = app_trimmed(**name);
  auto n = utf8_length(reg.name);
  if (n < 1 || n > apps_limits::name_max ||
      std::any_of(reg.name.begin(), reg.name.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    return make_error(errc::invalid_argument,
                      "'name' must be 1-50 characters without control characters");
  auto uris = body.find("redirect_uris");
  if (uris == body.end() || !uris->is_array() || uris->empty() ||
      uris->size() > apps_limits::redirect_uris_max)
    return make_error(errc::invalid_argument, "'redirect_uris' must list 1-10 URIs");
  for (auto& uri : *uris) {
    if (!uri.is_string() || !valid_redirect_uri(uri.get<std::string>()))
      return make_error(errc::invalid_argument,
                        "each redirect URI must be https (or http on 127.0.0.1, [::1] or "
                        "localhost), without a fragment, at most 512 characters");
    auto text = uri.get<std::string>();
    if (std::find(reg.redirect_uris.begin(), reg.redirect_uris.end(), text) ==
        reg.redirect_uris.end())
      reg.redirect_uris.push_back(std::move(text));
  }
  return reg;
}

void add_app_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                  const runtime::clock& clock) {
  kinds.factories["app"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                            const std::string& id) {
    return sys.spawn(app_behavior, registry, &store, id, &clock);
  };
}

}  // namespace aethex::actors
