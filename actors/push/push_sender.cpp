// The push sender (internal.hpp). One request per device: RFC 8030 §5 (TTL, Urgency), the body
// encrypted per RFC 8291, the VAPID header per RFC 8292, sent through node_env::send_http.
#include <chrono>
#include <optional>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/entity_ref.hpp"
#include "actors/push/internal.hpp"
#include "actors/push/push.hpp"
#include "actors/push/push_projection.hpp"
#include "actors/push/webpush.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using push_followers_atom = caf::atom_constant<caf::atom("pushflw")>;
using push_targets_atom = caf::atom_constant<caf::atom("pushtgt")>;
using push_keys_atom = caf::atom_constant<caf::atom("pushkeys")>;

// A go-live (or a lesson reminder) is worth waking a phone for a few hours at most; the JWT is
// valid for 12 h (RFC 8292 §2 allows up to 24 h).
constexpr int push_ttl_s = 4 * 3600;
constexpr std::int64_t jwt_lifetime_s = 12 * 3600;

bool is_private_host(std::string_view host) {
  if (host == "localhost" || host.ends_with(".localhost") || host == "[::1]" ||
      host.starts_with("[fc") || host.starts_with("[fd") || host.starts_with("[fe80"))
    return true;
  unsigned a = 0, b = 0, c = 0, d = 0;
  char tail = 0;
  std::string h{host};
  if (std::sscanf(h.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4)
    return false;  // a name: push services are public names (a name is not resolved here)
  return a == 127 || a == 10 || a == 0 || (a == 172 && b >= 16 && b <= 31) ||
         (a == 192 && b == 168) || (a == 169 && b == 254) || (a == 100 && b >= 64 && b <= 127);
}

struct sender_state {
  static inline const char* name = "push_sender";
  std::optional<webpush::key_pair> keys;
  std::vector<std::pair<std::string, std::string>> waiting;  // (notice, target rows) before keys
};

using sender_actor = caf::stateful_actor<sender_state>;

// Bounded: a burst of go-lives while the key is fetched waits here, not without end.
constexpr std::size_t max_waiting_batches = 256;

void send_one(const node_env& env, const webpush::key_pair& keys, const json& notice,
              const json& target) {
  auto endpoint = target.value("endpoint", std::string{});
  if (push_endpoint_problem(endpoint, env.config && env.config->push_allow_private))
    return;  // accepted under other settings; not sent under these
  auto p256dh = webpush::base64url_decode(target.value("p256dh", std::string{}));
  auto auth = webpush::base64url_decode(target.value("auth", std::string{}));
  if (!p256dh || !auth)
    return;
  auto channel = notice.value("channel", std::string{});
  json message{{"type", "live"},
               {"id", notice.value("id", std::string{})},
               {"channel", channel},
               {"title", notice.value("title", std::string{}).substr(0, 200)},
               {"url", "/c/" + channel}};
  if (notice.contains("users")) {
    // A personal notice (a course's lesson reminder): its kind, and its link on this site.
    auto link = notice.value("link", std::string{});
    message = json{{"type", notice.value("kind", std::string{"personal"})},
                   {"id", notice.value("id", std::string{})},
                   {"title", notice.value("title", std::string{}).substr(0, 200)},
                   {"url", link.starts_with("/") && !link.starts_with("//") ? link : "/"}};
  }
  auto body = webpush::encrypt(message.dump(), *p256dh, *auth);
  // The JWT's expiry is checked by the push service against the real time, so it is read from
  // the system clock, not the node's injectable one.
  auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  auto subject = env.config ? env.config->push_subject : std::string{"mailto:admin@localhost"};
  auto jwt = webpush::vapid_jwt(keys, webpush::origin_of(endpoint), now_s + jwt_lifetime_s,
                                subject);
  if (!body || !jwt)
    return;
  outbound_request request{"POST",
                           endpoint,
                           {{"TTL", std::to_string(push_ttl_s)},
                            {"Urgency", "high"},
                            {"Content-Type", "application/octet-stream"},
                            {"Content-Encoding", "aes128gcm"},
                            {"Authorization", webpush::vapid_authorization(keys, *jwt)}},
                           std::move(*body)};
  // The endpoint is a URL a user gave: its host must resolve to public addresses only (checked
  // and pinned by the transport), unless the node allows private push services.
  request.public_only = !(env.config && env.config->push_allow_private);
  request.timeout_s = 15;
  auto user = target.value("user", std::string{});
  auto id = target.value("id", std::string{});
  env.send_http(std::move(request),
                [registry = env.registry, user, id](caf::expected<outbound_response> answer) {
                  // RFC 8030 §7.3: 404 and 410 mean the subscription is gone for good.
                  if (answer && (answer->status == 404 || answer->status == 410))
                    entity_ref<push_subs_protocol>{registry, user}.tell(push_unsub_atom::value, id,
                                                                        std::string{"gone"});
                });
}

void deliver(sender_actor* self, const node_env& env, const std::string& notice_text,
             const std::string& rows_text) {
  auto& st = self->state;
  if (!st.keys) {
    if (st.waiting.size() < max_waiting_batches)
      st.waiting.emplace_back(notice_text, rows_text);
    if (st.waiting.size() == 1)
      entity_ref<vapid_protocol>{env.registry, std::string{vapid_entity_id}}
        .ask(vapid_atom::value)
        .then(self, [self](caf::expected<std::string> text) {
          if (text)
            self->send(self, push_keys_atom::value, *text);
          else
            self->state.waiting.clear();  // tried again at the next go-live
        });
    return;
  }
  auto notice = json::parse(notice_text, nullptr, false);
  auto rows = json::parse(rows_text, nullptr, false);
  if (!notice.is_object() || !rows.is_array())
    return;
  for (auto& target : rows)
    if (target.is_object())
      send_one(env, *st.keys, notice, target);
}

caf::behavior sender_behavior(sender_actor* self, node_env env) {
  return {
    [self, env](publish_atom, const std::string& topic, const std::string& text) {
      auto notice = json::parse(text, nullptr, false);
      if (topic != push_notice_topic || !notice.is_object())
        return;
      if (auto users = notice.find("users"); users != notice.end() && users->is_array()) {
        // A personal notice names its users (at most 64, docs of actors/notify): their devices.
        json some = json::array();
        for (auto& user : *users)
          if (user.is_string() && some.size() < push_users_per_query)
            some.push_back(user);
        env.query(std::string{push_subscriptions_query_name}, json{{"users", some}},
                  [me = caf::actor{self}, text](caf::expected<std::vector<json>> targets) {
                    if (targets && !targets->empty())
                      caf::anon_send(me, push_targets_atom::value, text, json(*targets).dump());
                  });
        return;
      }
      if (notice.value("kind", std::string{}) != "live")
        return;
      env.query(std::string{push_followers_query_name},
                json{{"channel", notice.value("channel", std::string{})}},
                [me = caf::actor{self}, text](caf::expected<std::vector<json>> rows) {
                  if (rows && !rows->empty())
                    caf::anon_send(me, push_followers_atom::value, text, json(*rows).dump());
                });
    },
    // Queries answer on other threads: their rows come back here as messages.
    [self, env](push_followers_atom, const std::string& text, const std::string& rows_text) {
      auto rows = json::parse(rows_text);
      for (std::size_t from = 0; from < rows.size(); from += push_users_per_query) {
        json users = json::array();
        for (std::size_t i = from; i < rows.size() && i < from + push_users_per_query; ++i)
          users.push_back(rows[i].value("user", std::string{}));
        env.query(std::string{push_subscriptions_query_name}, json{{"users", users}},
                  [me = caf::actor{self}, text](caf::expected<std::vector<json>> targets) {
                    if (targets && !targets->empty())
                      caf::anon_send(me, push_targets_atom::value, text, json(*targets).dump());
                  });
      }
    },
    [self, env](push_targets_atom, const std::string& text, const std::string& rows) {
      deliver(self, env, text, rows);
    },
    [self, env](push_keys_atom, const std::string& text) {
      auto keys = json::parse(text, nullptr, false);
      auto pub = webpush::base64url_decode(keys.value("public_key", std::string{}));
      auto priv = webpush::base64url_decode(keys.value("private_key", std::string{}));
      auto waiting = std::move(self->state.waiting);
      self->state.waiting.clear();
      if (!pub || !priv)
        return;
      self->state.keys = webpush::key_pair{*pub, *priv};
      for (auto& [notice, rows] : waiting)
        deliver(self, env, notice, rows);
    },
  };
}

}  // namespace

std::optional<std::string> push_endpoint_problem(std::string_view url, bool allow_private) {
  if (url.size() > max_push_endpoint)
    return "'endpoint' is too long";
  bool https = url.starts_with("https://"), http = url.starts_with("http://");
  if (!https && !(http && allow_private))
    return "'endpoint' must be an https URL";
  auto origin = webpush::origin_of(url);
  auto host = std::string_view{origin}.substr(origin.find("://") + 3);
  if (auto at = host.rfind('@'); at != std::string_view::npos)
    return "'endpoint' must not carry credentials";
  if (host.empty())
    return "'endpoint' has no host";
  auto port = host.starts_with('[') ? host.find("]:") : host.rfind(':');
  auto bare = port == std::string_view::npos
                ? host
                : host.substr(0, host.starts_with('[') ? port + 1 : port);
  if (!allow_private && is_private_host(bare))
    return "'endpoint' must be a public push service";
  if (http && !is_private_host(bare))
    return "'endpoint' over http is allowed for loopback and private hosts only";
  for (char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return "'endpoint' must not contain spaces or control characters";
  return std::nullopt;
}

caf::actor spawn_push_sender(caf::actor_system& sys, const node_env& env) {
  return sys.spawn(sender_behavior, env);
}

}  // namespace aethex::actors
