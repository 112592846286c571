// spotify/<channel>: a channel's link to a Spotify account and the poller of what it plays.
//
// The refresh token is the one persisted secret (spotify.linked / spotify.token_rotated; the
// console masks "*token*" fields); the access token lives in memory and is refreshed when it
// has expired or Spotify refuses it. The authorize round trip's nonces are in memory too: single
// use, at most pending_states_max per channel, state_ttl_ms each.
//
// Polling: a real-time tick (1 s) while linked, each reading the injected clock, so tests move
// time with `serve --test-clock`. Every poll_every_ms it asks channel/<c> whether it is live and
// music/<c> whether it is in DJ mode; only then is Spotify asked (docs/music.md). A new track
// goes to music/<c> as (music_external_atom, "spotify", …); the same track again does not.
#include <algorithm>
#include <map>

#include <caf/all.hpp>

#include "actors/channel/channel.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/core/event_sourced.hpp"
#include "actors/music/music.hpp"
#include "actors/music/spotify.hpp"
#include "runtime/secrets.hpp"

namespace aethex::actors::spotify {

struct linked {
  static constexpr std::string_view type = "spotify.linked";
  static constexpr std::uint32_t schema = 1;
  std::string refresh_token;
  std::string scope;
  std::string by;
};
inline void to_json(nlohmann::json& j, const linked& e) {
  j = {{"refresh_token", e.refresh_token}, {"scope", e.scope}, {"by", e.by}};
}
inline void from_json(const nlohmann::json& j, linked& e) {
  e.refresh_token = j.value("refresh_token", "");
  e.scope = j.value("scope", "");
  e.by = j.value("by", "");
}

struct token_rotated {
  static constexpr std::string_view type = "spotify.token_rotated";
  static constexpr std::uint32_t schema = 1;
  std::string refresh_token;
};
inline void to_json(nlohmann::json& j, const token_rotated& e) {
  j = {{"refresh_token", e.refresh_token}};
}
inline void from_json(const nlohmann::json& j, token_rotated& e) {
  e.refresh_token = j.value("refresh_token", "");
}

struct unlinked {
  static constexpr std::string_view type = "spotify.unlinked";
  static constexpr std::uint32_t schema = 1;
  std::string by;
  std::string reason;  // "owner" or "revoked" (Spotify refused the refresh token)
};
inline void to_json(nlohmann::json& j, const unlinked& e) {
  j = {{"by", e.by}, {"reason", e.reason}};
}
inline void from_json(const nlohmann::json& j, unlinked& e) {
  e.by = j.value("by", "");
  e.reason = j.value("reason", "");
}

namespace {

using json = nlohmann::json;

constexpr auto tick_every = std::chrono::seconds(1);
constexpr long http_timeout_s = 10;
// An access token this close to its end is refreshed first rather than refused mid-poll.
constexpr std::int64_t token_margin_ms = 30'000;

struct pending_link {
  std::string nonce;
  std::string redirect_uri;
  std::string by;
  std::int64_t expires_ms = 0;
};

struct exchange {
  caf::typed_response_promise<std::string> promise;
  std::string by;
};

struct spotify_state {
  static constexpr std::string_view kind = "spotify";
  using events = event_list<linked, token_rotated, unlinked>;

  // Persisted.
  bool is_linked = false;
  std::string refresh_token;
  std::int64_t linked_at_ms = 0;
  // Not persisted.
  std::vector<pending_link> pending;
  std::map<std::uint64_t, exchange> exchanges;  // at most pending_states_max: one per nonce
  std::uint64_t next_exchange = 0;
  std::string access_token;
  std::int64_t access_expires_ms = 0;
  std::uint64_t epoch = 0;  // moves on link and unlink: answers for an older link are dropped
  bool busy = false;        // a poll is under way
  bool tick_armed = false;
  std::int64_t next_poll_ms = 0;
  std::string last_key;
  std::string problem;  // the last poll's trouble, shown to the owner
  const runtime::spotify_config* config = nullptr;
  const runtime::clock* now_clock = nullptr;
  http_sender send_http;

  void apply(const linked& e, const event_meta& meta) {
    is_linked = true;
    refresh_token = e.refresh_token;
    linked_at_ms = meta.timestamp_ms;
  }
  void apply(const token_rotated& e, const event_meta&) { refresh_token = e.refresh_token; }
  void apply(const unlinked&, const event_meta&) {
    is_linked = false;
    refresh_token.clear();
    linked_at_ms = 0;
  }

  // Linked channels poll; a link under way holds its nonce until the callback.
  bool keep_active() const {
    auto now = now_clock->now_ms();
    return is_linked || !exchanges.empty() ||
           std::any_of(pending.begin(), pending.end(),
                       [now](const pending_link& p) { return p.expires_ms > now; });
  }
};

using spotify_actor = caf::stateful_actor<event_sourced<spotify_state>>;

void send_to_spotify(spotify_actor* self, std::string what, std::uint64_t tag,
                     outbound_request request) {
  auto me = caf::actor_cast<caf::actor>(self);
  request.timeout_s = http_timeout_s;
  self->state.send_http(std::move(request),
                        [me, what = std::move(what), tag](caf::expected<outbound_response> answer) {
                          // On the transport's thread: the entity hears of it as a message.
                          if (answer)
                            caf::anon_send(me, spotify_http_atom::value, what, tag,
                                           static_cast<std::int64_t>(answer->status),
                                           std::move(answer->body), std::string{});
                          else
                            caf::anon_send(me, spotify_http_atom::value, what, tag, std::int64_t{0},
                                           std::string{}, reason_of(answer.error()));
                        });
}

outbound_request token_request(const spotify_state& st,
                               std::vector<std::pair<std::string, std::string>> form) {
  return outbound_request{
    "POST",
    st.config->accounts_url + "/api/token",
    {{"Authorization", basic_auth(st.config->client_id, st.config->client_secret)},
     {"Content-Type", "application/x-www-form-urlencoded"}},
    form_encode(form)};
}

void arm_tick(spotify_actor* self) {
  auto& st = self->state;
  if (st.tick_armed || !st.is_linked)
    return;
  st.tick_armed = true;
  self->delayed_send(self, tick_every, spotify_tick_atom::value);
}

void finish_poll(spotify_actor* self, std::int64_t wait_ms, std::string problem = {}) {
  auto& st = self->state;
  st.busy = false;
  st.next_poll_ms = st.clock().now_ms() + wait_ms;
  st.problem = std::move(problem);
}

void ask_playing(spotify_actor* self) {
  auto& st = self->state;
  send_to_spotify(self, "poll", st.epoch,
                  outbound_request{"GET",
                                   st.config->api_url + "/v1/me/player/currently-playing",
                                   {{"Authorization", "Bearer " + st.access_token}},
                                   {}});
}

void ask_access_token(spotify_actor* self) {
  auto& st = self->state;
  send_to_spotify(self, "refresh", st.epoch,
                  token_request(st, {{"grant_type", "refresh_token"},
                                     {"refresh_token", st.refresh_token}}));
}

void fetch(spotify_actor* self) {
  auto& st = self->state;
  if (st.access_token.empty() || st.clock().now_ms() >= st.access_expires_ms - token_margin_ms)
    return ask_access_token(self);
  ask_playing(self);
}

// Only a live channel in DJ mode asks Spotify (docs/music.md).
void start_poll(spotify_actor* self) {
  auto& st = self->state;
  // A node whose credentials were taken away keeps the link but asks Spotify nothing.
  if (!st.is_linked || st.busy || st.clock().now_ms() < st.next_poll_ms || !configured(*st.config))
    return;
  st.busy = true;
  auto epoch = st.epoch;
  auto stale = [self, epoch] { return self->state.epoch != epoch; };
  entity_ref<channel_protocol>{st.registry(), st.id()}
    .request(self, get_atom::value)
    .then(
      [self, stale](channel_view& view) {
        if (stale())
          return;
        if (!view.live)
          return finish_poll(self, poll_every_ms);
        entity_ref<music_protocol>{self->state.registry(), self->state.id()}
          .request(self, music_dj_atom::value)
          .then(
            [self, stale](bool& dj) {
              if (stale())
                return;
              if (!dj)
                return finish_poll(self, poll_every_ms);
              fetch(self);
            },
            [self, stale](caf::error&) {
              if (!stale())
                finish_poll(self, poll_every_ms);
            });
      },
      [self, stale](caf::error&) {
        if (!stale())
          finish_poll(self, poll_every_ms);
      });
}

void on_playing(spotify_actor* self, std::int64_t status, const std::string& body) {
  auto& st = self->state;
  if (status == 401) {  // expired or revoked early: the next poll refreshes first
    st.access_token.clear();
    return finish_poll(self, poll_every_ms, "Spotify refused the access token");
  }
  if (status != 200 && status != 204)
    return finish_poll(self, status == 429 || status >= 500 ? backoff_ms : poll_every_ms,
                       "Spotify answered " + std::to_string(status));
  auto track = parse_currently_playing(status, body);
  if (!track) {
    st.last_key.clear();  // nothing plays: the same track later is a new play
    return finish_poll(self, poll_every_ms);
  }
  if (track->key() != st.last_key) {
    st.last_key = track->key();
    entity_ref<music_protocol>{st.registry(), st.id()}.tell(music_external_atom::value,
                                                            std::string{"spotify"}, track->title,
                                                            track->artist, track->album,
                                                            track->spotify_id);
  }
  finish_poll(self, poll_every_ms);
}

void on_refreshed(spotify_actor* self, std::int64_t status, const std::string& body) {
  auto& st = self->state;
  auto answer = status == 200 ? parse_token_answer(body) : std::nullopt;
  if (!answer) {
    auto error = json::parse(body, nullptr, false);
    bool revoked = (status == 400 || status == 401) && error.is_object() &&
                   error.value("error", "") == "invalid_grant";
    if (revoked && !st.emit(unlinked{"spotify", "revoked"})) {
      ++st.epoch;
      st.access_token.clear();
      return finish_poll(self, poll_every_ms, "Spotify revoked the link; link it again");
    }
    return finish_poll(self, backoff_ms,
                       "Spotify did not renew the access token (" + std::to_string(status) + ")");
  }
  st.access_token = answer->access_token;
  st.access_expires_ms = st.clock().now_ms() + answer->expires_in_s * 1000;
  if (!answer->refresh_token.empty() && answer->refresh_token != st.refresh_token)
    (void)st.emit(token_rotated{answer->refresh_token});  // not stored: the old one may still do
  ask_playing(self);
}

void on_exchanged(spotify_actor* self, std::uint64_t id, std::int64_t status,
                  const std::string& body) {
  auto& st = self->state;
  auto it = st.exchanges.find(id);
  if (it == st.exchanges.end())
    return;
  auto waiting = std::move(it->second);
  st.exchanges.erase(it);
  auto answer = status == 200 ? parse_token_answer(body) : std::nullopt;
  if (!answer || answer->refresh_token.empty()) {
    auto error = json::parse(body, nullptr, false);
    if (status == 400 && error.is_object() && error.value("error", "") == "invalid_grant")
      waiting.promise.deliver(make_error(errc::invalid_argument,
                                         "Spotify refused the code; link again"));
    else
      waiting.promise.deliver(make_error(errc::unavailable, "Spotify did not exchange the code (" +
                                                              std::to_string(status) + ")"));
    return;
  }
  if (auto err = st.emit(linked{answer->refresh_token, answer->scope, waiting.by})) {
    waiting.promise.deliver(std::move(err));
    return;
  }
  ++st.epoch;
  st.busy = false;
  st.problem.clear();
  st.last_key.clear();
  st.access_token = answer->access_token;
  st.access_expires_ms = st.clock().now_ms() + answer->expires_in_s * 1000;
  st.next_poll_ms = st.clock().now_ms();
  arm_tick(self);
  waiting.promise.deliver(std::string{"linked"});
}

void on_http(spotify_actor* self, const std::string& what, std::uint64_t tag, std::int64_t status,
             std::string body, const std::string& error) {
  auto& st = self->state;
  if (what == "exchange")
    return on_exchanged(self, tag, status, body);
  if (tag != st.epoch)  // unlinked or linked afresh meanwhile
    return;
  if (!error.empty())
    return finish_poll(self, backoff_ms, "Spotify cannot be reached (" + error + ")");
  if (what == "refresh")
    return on_refreshed(self, status, body);
  on_playing(self, status, body);
}

void drop_expired(spotify_state& st, std::int64_t now) {
  std::erase_if(st.pending, [now](const pending_link& p) { return p.expires_ms <= now; });
}

caf::result<std::string> callback(spotify_actor* self, const std::string& nonce,
                                  const std::string& code, const std::string& error) {
  auto& st = self->state;
  st.touch();
  drop_expired(st, st.clock().now_ms());
  auto it = std::find_if(st.pending.begin(), st.pending.end(), [&](const pending_link& p) {
    return runtime::constant_time_equal(p.nonce, nonce);
  });
  if (it == st.pending.end())
    return make_error(errc::invalid_argument,
                      "the link's state is unknown, used or expired; start the link again");
  auto link = std::move(*it);
  st.pending.erase(it);  // single use, whatever comes next
  if (!error.empty())
    return std::string{"denied"};
  if (code.empty() || code.size() > code_max_bytes)
    return make_error(errc::invalid_argument, "'code' is missing or too long");
  auto id = ++st.next_exchange;
  st.exchanges.emplace(id, exchange{self->make_response_promise<std::string>(), link.by});
  send_to_spotify(self, "exchange", id,
                  token_request(st, {{"grant_type", "authorization_code"},
                                     {"code", code},
                                     {"redirect_uri", link.redirect_uri}}));
  return st.exchanges.at(id).promise;
}

caf::behavior spotify_behavior(spotify_actor* self, caf::actor registry,
                               storage::event_store* store, std::string channel,
                               const runtime::clock* clock, const runtime::spotify_config* config,
                               http_sender send_http) {
  auto& st = self->state;
  st.config = config;
  st.now_clock = clock;
  st.send_http = std::move(send_http);
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  if (auto err = st.activate(self, *store, channel, opts))
    return st.refuse(self, std::move(err));
  arm_tick(self);  // a linked channel polls from its activation on (a restart wakes it)
  return {
    [self](spotify_link_atom, const std::string& by, const std::string& redirect) -> std::string {
      auto& st = self->state;
      st.touch();
      auto now = st.clock().now_ms();
      drop_expired(st, now);
      if (st.pending.size() >= pending_states_max)
        st.pending.erase(st.pending.begin());  // the oldest link attempt gives way
      st.pending.push_back(pending_link{runtime::random_hex(nonce_hex / 2), redirect, by,
                                        now + state_ttl_ms});
      return st.pending.back().nonce;
    },
    [self](spotify_callback_atom, const std::string& nonce, const std::string& code,
           const std::string& error) { return callback(self, nonce, code, error); },
    [self](spotify_status_atom) -> std::string {
      auto& st = self->state;
      st.touch();
      json out{{"linked", st.is_linked},
               {"linked_at_ms", st.is_linked ? json(st.linked_at_ms) : json(nullptr)},
               {"problem", st.problem.empty() ? json(nullptr) : json(st.problem)}};
      return out.dump();
    },
    [self](spotify_unlink_atom, const std::string& by) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (st.is_linked) {
        if (auto err = st.emit(unlinked{by, "owner"}))
          return err;
        ++st.epoch;
        st.busy = false;
        st.access_token.clear();
        st.last_key.clear();
        st.problem.clear();
      }
      return std::string{"unlinked"};
    },
    [self](spotify_wake_atom) { arm_tick(self); },
    [self](spotify_tick_atom) {
      self->state.tick_armed = false;
      start_poll(self);
      arm_tick(self);
    },
    [self](spotify_http_atom, const std::string& what, std::uint64_t tag, std::int64_t status,
           std::string body,
           const std::string& error) { on_http(self, what, tag, status, std::move(body), error); },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace
}  // namespace aethex::actors::spotify

namespace aethex::actors {

void add_spotify_kind(runtime::entity_kinds& kinds, const node_env& env) {
  auto* store = env.store;
  const auto* clock = env.clock;
  const auto* config = &env.config->spotify;
  auto send = env.send_http;
  kinds.factories["spotify"] = [store, clock, config, send](caf::actor_system& sys,
                                                            const caf::actor& registry,
                                                            const std::string& channel) {
    return sys.spawn(spotify::spotify_behavior, registry, store, channel, clock, config, send);
  };
}

}  // namespace aethex::actors
