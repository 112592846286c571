#include "actors/chat/viewer_session.hpp"

#include <algorithm>
#include <chrono>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/apps/apps.hpp"
#include "actors/channel/channel.hpp"
#include "actors/chat/chat_badges.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/chat/settings_frame.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/courses/presence.hpp"
#include "actors/identity/resolver.hpp"
#include "actors/identity/session.hpp"
#include "runtime/atoms.hpp"
#include "runtime/bounded_json.hpp"
#include "runtime/errors.hpp"
#include "runtime/limits.hpp"
#include "runtime/secrets.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr auto ask_timeout = 10s;
// A line the room refused as "moved" (nothing stored: its partition changed leader first) goes
// again after a moment to wherever the room lives now; bounded, so the client always hears.
using resend_atom = caf::atom_constant<caf::atom("chatresend")>;
constexpr auto resend_delay = 250ms;
constexpr int max_resends = 20;

struct session_state {
  static inline const char* name = "viewer_session";
  viewer_context ctx;
  chat_sink_ptr sink;
  std::string peer;
  chat_identity who;            // anonymous (read only) until an auth frame
  std::string session_digest;   // of the token a user signed in with (log-out signs them out)
  bool authenticating = false;  // an auth is in flight: a second one is refused
  std::string channel;          // joined room, empty when none
  std::string joining;          // room a join is in progress for
  session_budgets budgets;
  std::chrono::steady_clock::time_point throttled_notice{};
  std::uint64_t frames_seen = 0;    // client frames received (the parking handshake compares)
  int pending = 0;                  // requests in flight that change what the session is
  std::vector<std::string> topics;  // subscribed (signed-in users only), at most max_topics
};

constexpr std::size_t max_topics = 8;

using session_actor = caf::stateful_actor<session_state>;

void send_json(session_actor* self, const json& j) {
  self->state.sink->push(
    std::make_shared<const std::string>(j.dump(-1, ' ', false, json::error_handler_t::replace)));
}

void send_error(session_actor* self, std::string_view code, std::string_view message,
                const json& ref = nullptr) {
  json j{{"type", "error"}, {"code", code}, {"message", message}};
  if (!ref.is_null())
    j["ref"] = ref;
  send_json(self, j);
}

void send_notice(session_actor* self, std::string_view code, std::string_view message,
                 const json& ref = nullptr) {
  json j{{"type", "notice"}, {"code", code}, {"message", message}};
  if (!ref.is_null())
    j["ref"] = ref;
  send_json(self, j);
}

// Asks the room of the joined channel; `done` gets its reply (the type chat_protocol declares).
template <class F, class... Ts>
void ask_room(session_actor* self, F done, Ts&&... command) {
  using reply = reply_of<chat_protocol, std::decay_t<Ts>...>;
  entity_ref<chat_protocol>{self->state.ctx.registry, self->state.channel}
    .request_within(self, ask_timeout, std::forward<Ts>(command)...)
    .then([done](reply& r) mutable { done(caf::expected<reply>{std::move(r)}); },
          [done](caf::error& err) mutable { done(caf::expected<reply>{std::move(err)}); });
}

// An accepted command is acknowledged (when the client asked); a refusal becomes a notice with
// the room's reason ("slow_mode", "banned", …), and a failure to reach the room says so.
void reply_result(session_actor* self, const caf::expected<chat_ack>& result, const json& ref,
                  bool ack) {
  if (!result) {
    auto& err = result.error();
    if (err.category() != error_category)
      return send_notice(self, "unavailable", "chat is unavailable: " + message_of(err), ref);
    return send_notice(self, reason_of(err), message_of(err), ref);
  }
  auto& r = *result;
  if (!ack)
    return;
  json j{{"type", "ok"}, {"message", r.message}};
  if (!ref.is_null())
    j["ref"] = ref;
  if (r.id)
    j["id"] = r.id;
  send_json(self, j);
}

void maybe_park(session_actor* self);

void send_line(session_actor* self, const std::string& text, const json& ref, bool ack,
               int resends) {
  auto on_result = [self, text, ref, ack, resends,
                    channel = self->state.channel](caf::expected<chat_ack> r) {
    if (!r && r.error().category() == error_category && reason_of(r.error()) == "moved" &&
        resends < max_resends) {
      self->delayed_send(self, resend_delay, resend_atom::value, channel, text, ref.dump(), ack,
                         resends + 1);
      return;
    }
    reply_result(self, r, ref, ack);
  };
  ask_room(self, on_result, chat_send_atom::value, self->state.who, text);
}

// A moderator's page hears of messages AutoMod holds (frames the room sends to its moderators'
// sessions only); `info` is the room's answer to chat_info_atom.
void watch_if_moderator(session_actor* self, const json& info) {
  auto role = info.value("role", "");
  if (role != "moderator" && role != "broadcaster")
    return;
  entity_ref<chat_protocol>{self->state.ctx.registry, self->state.channel}.tell(
    chat_watch_atom::value, self->state.who, caf::actor{self});
}

// A signed-in viewer's presence on a channel, for course attendance (actors/courses/
// presence.hpp); nothing happens on a node without the courses service.
void tell_course_presence(session_actor* self, bool joined) {
  auto& st = self->state;
  if (!st.who.is_user() || st.channel.empty() || !st.ctx.services)
    return;
  if (auto service = st.ctx.services->find(course_presence_service))
    self->send(service, course_seen_atom::value, st.who.name, st.channel, joined);
}

void leave(session_actor* self) {
  auto& st = self->state;
  tell_course_presence(self, false);
  if (!st.channel.empty())
    self->send(st.ctx.hub, chat_leave_atom::value, st.channel, st.sink);
  st.channel.clear();
}

// A signed-in viewer's achievement badges reach the room it is in through the node's badge
// service (chat_badges.hpp); nothing happens on a node without one.
void ask_chat_badges(session_actor* self) {
  auto& st = self->state;
  if (!st.who.is_user() || st.channel.empty() || !st.ctx.services)
    return;
  if (auto service = st.ctx.services->find(chat_badges_service))
    self->send(service, chat_badges_atom::value, st.who.name, st.channel);
}

void join(session_actor* self, const std::string& channel, const json& ref) {
  auto& st = self->state;
  if (!valid_room_name(channel))
    return send_error(self, "not_found", "no such channel", ref);
  if (channel == st.channel || channel == st.joining)
    return;
  leave(self);
  st.joining = channel;
  ++st.pending;
  entity_ref<chat_protocol>{st.ctx.registry, channel}
    .request_within(self, ask_timeout, chat_info_atom::value, st.who)
    .then(
      [self, channel, ref](const std::string& info) {
        auto& st = self->state;
        --st.pending;
        if (st.joining != channel)
          return maybe_park(self);  // another join or a leave came first
        st.joining.clear();
        st.channel = channel;
        auto j = json::parse(info, nullptr, false);
        if (j.is_discarded())
          j = json::object();
        j["type"] = "joined";
        j["user"] = st.who.is_anonymous() ? json(nullptr) : json(st.who.display());
        if (!ref.is_null())
          j["ref"] = ref;
        send_json(self, j);
        watch_if_moderator(self, j);
        ask_chat_badges(self);
        tell_course_presence(self, true);
        // History, then live frames, come from this node's fan-out of the room.
        self->send(st.ctx.hub, chat_join_atom::value, channel, st.sink);
        maybe_park(self);
      },
      [self, channel, ref](const caf::error& err) {
        --self->state.pending;
        if (self->state.joining == channel)
          self->state.joining.clear();
        send_error(self, code_of(err) == errc::not_found ? "not_found" : "unavailable",
                   message_of(err), ref);
        maybe_park(self);
      });
}

void signed_in(session_actor* self, chat_identity who, const json& ref) {
  auto& st = self->state;
  tell_course_presence(self, false);  // a second sign-in: the previous user's presence ends
  st.who = std::move(who);
  tell_course_presence(self, true);
  json j{{"type", "auth_ok"}, {"user", st.who.display()}};
  if (!ref.is_null())
    j["ref"] = ref;
  send_json(self, j);
  if (st.channel.empty())
    return;
  ask_chat_badges(self);
  // Tell the client its role in the room it is in (badges and mod tools depend on it).
  auto on_info = [self](caf::expected<std::string> info) {
    if (!info)
      return;
    auto j = json::parse(*info, nullptr, false);
    if (j.is_discarded())
      return;
    j["type"] = "role";
    send_json(self, j);
    watch_if_moderator(self, j);
  };
  ask_room(self, on_info, chat_info_atom::value, st.who);
}

bool valid_guest_name(const std::string& name) {
  return name.size() >= 2 && name.size() <= 20 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_';
         });
}

// A log-out (or expiry) of the session must reach this open connection: the session entity
// tells its watchers when it is revoked, and a periodic check covers what a message cannot (the
// session's partition moved to another node, or the session expired).
void watch_session(session_actor* self) {
  auto& st = self->state;
  entity_ref<session_protocol>{st.ctx.registry, st.session_digest}
    .request_within(self, ask_timeout, watch_atom::value, caf::actor{self})
    .then(
      [self](bool valid) {
        if (!valid)
          return self->send(self, revoke_atom::value);
        self->delayed_send(self, self->state.ctx.options.session_recheck, watch_atom::value);
      },
      [self](const caf::error& err) {
        if (code_of(err) == errc::unauthorized)
          return self->send(self, revoke_atom::value);
        self->delayed_send(self, self->state.ctx.options.session_recheck, watch_atom::value);
      });
}

// The key a guest's bans and rate limits follow: its address as every per-address limit counts
// it (runtime::address_key: an IPv6 client by its /64, which it could otherwise rotate through).
std::string guest_origin(const std::string& peer) {
  auto colon = peer.rfind(':');  // "address:port"; IPv6 addresses keep their colons
  return runtime::address_key(colon == std::string::npos ? peer : peer.substr(0, colon));
}

void authenticate(session_actor* self, const json& msg, const json& ref) {
  auto& st = self->state;
  // One identity per connection: a guest who could re-auth under a new nickname would shed
  // its bans and rate limits with each one.
  if (!st.who.is_anonymous() || !st.session_digest.empty() || st.authenticating)
    return send_error(self, "already_signed_in",
                      "this connection is already signed in; open a new one to switch", ref);
  if (auto guest = msg.find("guest"); guest != msg.end()) {
    if (!st.ctx.options.allow_guests)
      return send_error(self, "unauthorized", "guests may not chat on this node; sign in", ref);
    if (!guest->is_string() || !valid_guest_name(guest->get<std::string>()))
      return send_error(self, "invalid_argument",
                        "guest names are 2-20 characters of letters, digits and _", ref);
    return signed_in(self, chat_identity::guest(guest->get<std::string>(), guest_origin(st.peer)),
                     ref);
  }
  auto token = msg.find("token");
  if (token == msg.end() || !token->is_string() || token->get<std::string>().empty())
    return send_error(self, "invalid_argument", "auth needs a 'token' or a 'guest' name", ref);
  ++st.pending;
  st.authenticating = true;
  if (app_access_token_shape(token->get<std::string>()))
    // A third-party app's token (actors/apps): its scopes decide what the connection may write.
    return resolve_app_token(self, st.ctx.registry, token->get<std::string>(),
                             [self, ref](caf::expected<runtime::principal> who) {
                               auto& st = self->state;
                               --st.pending;
                               st.authenticating = false;
                               if (!who) {
                                 send_error(self, "unauthorized", "invalid or expired token", ref);
                                 return maybe_park(self);
                               }
                               signed_in(self, *who, ref);
                             });
  resolve_bearer(self, st.ctx.registry, st.ctx.admin_token_digest, token->get<std::string>(),
                 [self, ref](caf::expected<resolved_bearer> resolved) {
                   auto& st = self->state;
                   --st.pending;
                   st.authenticating = false;
                   if (!resolved) {
                     send_error(self, "unauthorized", "invalid or expired token", ref);
                     return maybe_park(self);
                   }
                   st.session_digest = resolved->session_digest;
                   signed_in(self, resolved->who, ref);
                   if (!st.session_digest.empty())
                     watch_session(self);
                 });
}

// A string field of a frame, or nullopt (after an error frame) when missing or not a string.
std::optional<std::string> frame_string_field(session_actor* self, const json& msg, const char* key,
                                              const json& ref) {
  auto it = msg.find(key);
  if (it == msg.end() || !it->is_string()) {
    send_error(self, "invalid_argument", std::string{"field '"} + key + "' (string) is required",
               ref);
    return std::nullopt;
  }
  return it->get<std::string>();
}

std::optional<std::int64_t> frame_int_field(session_actor* self, const json& msg, const char* key,
                                            const json& ref) {
  auto it = msg.find(key);
  if (it == msg.end() || !it->is_number_integer()) {
    send_error(self, "invalid_argument", std::string{"field '"} + key + "' (integer) is required",
               ref);
    return std::nullopt;
  }
  return it->get<std::int64_t>();
}

caf::actor topic_service(session_actor* self, std::string_view topic) {
  auto& services = self->state.ctx.services;
  return services ? services->find("topic:" + std::string{topic}) : caf::actor{};
}

void leave_topics(session_actor* self) {
  for (auto& topic : self->state.topics)
    if (auto service = topic_service(self, topic))
      self->send(service, topic_unsub_atom::value, caf::actor{self});
  self->state.topics.clear();
}

// {"type":"subscribe"|"unsubscribe","topics":[...]}: the page's one connection carries the
// signed-in user's topics beside chat; each topic's service pushes frames to it.
void change_topics(session_actor* self, const json& msg, const json& ref, bool subscribe) {
  auto& st = self->state;
  if (!st.who.is_user())
    return send_notice(self, "sign_in_required", "sign in to subscribe to topics", ref);
  if (!msg.contains("topics") || !msg["topics"].is_array() || msg["topics"].size() > max_topics)
    return send_error(
      self, "invalid_argument",
      "'topics' must be a list of at most " + std::to_string(max_topics) + " topic names", ref);
  for (auto& item : msg["topics"]) {
    auto topic = item.is_string() ? item.get<std::string>() : std::string{};
    auto service = topic_service(self, topic);
    if (!service)
      return send_error(self, "invalid_argument", "unknown topic '" + topic + "'", ref);
    auto it = std::find(st.topics.begin(), st.topics.end(), topic);
    if (subscribe && it == st.topics.end()) {
      st.topics.push_back(topic);
      self->send(service, topic_sub_atom::value, st.who.name, caf::actor{self});
    } else if (!subscribe && it != st.topics.end()) {
      st.topics.erase(it);
      self->send(service, topic_unsub_atom::value, caf::actor{self});
    }
  }
  json j{{"type", "subscribed"}, {"topics", st.topics}};
  if (!ref.is_null())
    j["ref"] = ref;
  send_json(self, j);
}

void handle_frame(session_actor* self, const std::string& text) {
  auto& st = self->state;
  if (!st.budgets.frames.take()) {
    auto now = std::chrono::steady_clock::now();
    if (now - st.throttled_notice > 1s) {
      st.throttled_notice = now;
      send_error(self, "too_many_requests", "too many frames; some were dropped");
    }
    return;
  }
  runtime::json_refusal why{};
  auto msg = runtime::parse_client_json(text, &why);
  if (why == runtime::json_refusal::too_deep)
    return send_error(self, "bad_json",
                      "frame nests deeper than " + std::to_string(runtime::max_json_depth) +
                        " levels");
  if (msg.is_discarded())
    return send_error(self, "bad_json", "frame is not valid JSON");
  if (!msg.is_object() || !msg.contains("type") || !msg["type"].is_string())
    return send_error(self, "bad_request", "frame must be a JSON object with a string 'type'");
  auto type = msg["type"].get<std::string>();
  json ref = msg.contains("ref") ? msg["ref"] : json(nullptr);
  if (type == "ping")
    return send_json(self,
                     ref.is_null() ? json{{"type", "pong"}} : json{{"type", "pong"}, {"ref", ref}});
  if (type == "auth")
    return authenticate(self, msg, ref);
  if (type == "subscribe" || type == "unsubscribe")
    return change_topics(self, msg, ref, type == "subscribe");
  if (type == "join") {
    if (!st.budgets.joins.take())
      return send_error(self, "too_many_requests", "joining too fast; wait a moment", ref);
    if (auto channel = frame_string_field(self, msg, "channel", ref))
      join(self, *channel, ref);
    return;
  }
  if (type == "leave") {
    st.joining.clear();
    return leave(self);
  }
  if (st.channel.empty())
    return send_error(self, "not_joined", "join a channel first", ref);
  const auto& who = st.who;
  if (type == "react") {
    if (who.is_anonymous() || !st.budgets.reactions.take())
      return;  // reactions are best effort; extra clicks are dropped quietly
    if (auto kind = frame_string_field(self, msg, "kind", ref))
      entity_ref<chat_protocol>{st.ctx.registry, st.channel}.tell(chat_react_atom::value, who,
                                                                  *kind);
    return;
  }
  if (who.is_anonymous())
    return send_notice(self, "sign_in_required", "sign in to chat", ref);
  // An app's token reads the room; it writes only with the scope it was granted.
  if (auto scope = type == "send" ? "chat:write" : "moderator:manage"; !who.allows(scope))
    return send_error(self, "insufficient_scope",
                      std::string{"this token lacks the scope "} + scope, ref);
  auto on_result = [self, ref, ack = type != "send" || !ref.is_null()](caf::expected<chat_ack> r) {
    reply_result(self, r, ref, ack);
  };
  if (type == "send") {
    if (auto body = frame_string_field(self, msg, "text", ref))
      send_line(self, *body, ref, !ref.is_null(), 0);
    return;
  }
  // Moderation commands may say why (the room's moderation log keeps it).
  std::string reason;
  if (auto it = msg.find("reason"); it != msg.end()) {
    if (!it->is_string())
      return send_error(self, "invalid_argument", "'reason' must be a string", ref);
    reason = it->get<std::string>();
  }
  if (type == "delete") {
    if (auto id = frame_int_field(self, msg, "id", ref))
      ask_room(self, on_result, chat_mod_atom::value, who,
               chat_command{"delete", std::to_string(*id), 0, reason});
    return;
  }
  if (type == "announce" || type == "unannounce") {
    std::string text;
    if (type == "announce") {
      auto given = frame_string_field(self, msg, "text", ref);
      if (!given)
        return;
      text = std::move(*given);
    }
    ask_room(self, on_result, chat_mod_atom::value, who, chat_command{type, text, 0});
    return;
  }
  static const std::vector<std::string> user_actions{
    "timeout", "untimeout", "ban", "unban", "mod", "unmod", "vip", "unvip", "editor", "uneditor"};
  if (std::find(user_actions.begin(), user_actions.end(), type) != user_actions.end()) {
    auto target = frame_string_field(self, msg, "user", ref);
    if (!target)
      return;
    std::int64_t seconds = 0;
    if (type == "timeout") {
      auto s = msg.contains("seconds") ? frame_int_field(self, msg, "seconds", ref)
                                       : std::optional<std::int64_t>{600};
      if (!s)
        return;
      seconds = *s;
    }
    ask_room(self, on_result, chat_mod_atom::value, who,
             chat_command{type, *target, seconds, reason});
    return;
  }
  if (type == "slow" || type == "settings") {
    chat_settings_patch patch;
    if (type == "slow") {
      auto s = frame_int_field(self, msg, "seconds", ref);
      if (!s)
        return;
      patch.slow_s = static_cast<std::int32_t>(std::clamp<std::int64_t>(*s, 0, 1000000));
    } else if (auto problem = read_settings_patch(msg, patch); !problem.empty()) {
      return send_error(self, "invalid_argument", problem, ref);
    }
    patch.reason = reason;
    ask_room(self, on_result, chat_set_atom::value, who, patch);
    return;
  }
  send_error(self, "unknown_type", "unknown frame type '" + type + "'", ref);
}

// Anonymous and idle: offer the transport to park (see viewer_parking). Checked whenever the
// session may have become idle, i.e. after each frame and each answer.
void maybe_park(session_actor* self) {
  auto& st = self->state;
  if (!st.who.is_anonymous() || !st.session_digest.empty() || st.pending > 0 || !st.joining.empty())
    return;
  if (auto* parking = dynamic_cast<viewer_parking*>(st.sink.get()))
    parking->offer_park(caf::actor{self}, st.frames_seen, viewer_parked{st.channel, st.budgets});
}

caf::behavior session_behavior(session_actor* self, viewer_context ctx, chat_sink_ptr sink,
                               std::string peer, viewer_parked resume) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.sink = std::move(sink);
  st.peer = std::move(peer);
  st.channel = std::move(resume.channel);
  st.budgets = resume.budgets;
  self->set_default_handler(caf::drop);
  // Dies with the hub on node shutdown; then the socket closes too.
  self->link_to(st.ctx.hub);
  self->attach_functor([sink = st.sink](const caf::error& reason) {
    if (reason)
      sink->close("server shutting down");
  });
  return {
    [self](ws_text_atom, const std::string& text) {
      ++self->state.frames_seen;
      handle_frame(self, text);
      maybe_park(self);
    },
    // The session was revoked (log-out) or expired: back to an anonymous reader.
    [self](revoke_atom) {
      auto& st = self->state;
      if (st.session_digest.empty())
        return;
      st.session_digest.clear();
      leave_topics(self);
      tell_course_presence(self, false);
      st.who = chat_identity::anonymous();
      send_json(self, json{{"type", "signed_out"}, {"reason", "session ended"}});
      maybe_park(self);
    },
    [self](watch_atom) {
      if (!self->state.session_digest.empty() && self->state.who.is_user())
        watch_session(self);
    },
    // A frame of a subscribed topic, already encoded by its service.
    // A frame for the room's moderators (AutoMod's held messages), while still in that room.
    [self](chat_modq_atom, const std::string& channel, std::string& frame) {
      if (self->state.sink && channel == self->state.channel)
        self->state.sink->push(std::make_shared<const std::string>(std::move(frame)));
    },
    [self](topic_push_atom, std::string& frame) {
      if (self->state.sink && !self->state.topics.empty())
        self->state.sink->push(std::make_shared<const std::string>(std::move(frame)));
    },
    [self](resend_atom, const std::string& channel, const std::string& text, const std::string& ref,
           bool ack, int resends) {
      if (channel == self->state.channel)  // a client that left the room hears nothing more
        send_line(self, text, json::parse(ref), ack, resends);
    },
    [self](ws_closed_atom) {
      leave_topics(self);
      leave(self);
      self->quit();
    },
    [self](ws_park_atom) {
      // The transport holds our state now and the sink stays in the room: quit without leaving.
      self->state.sink.reset();
      self->quit();
    },
  };
}

}  // namespace

caf::actor spawn_viewer_session(caf::actor_system& sys, const viewer_context& ctx,
                                chat_sink_ptr sink, std::string peer, viewer_parked resume) {
  return sys.spawn(session_behavior, ctx, std::move(sink), std::move(peer), std::move(resume));
}

}  // namespace aethex::actors
