// Community moderation over REST (docs/api.md#moderation): AutoMod's queue, the moderation log,
// user cards, roles, unban requests and shared ban lists. The room (chat/<channel>) decides who
// may do what, so most routes only need a signed-in caller; the broadcaster-only role changes
// are owner routes.
#include <atomic>
#include <charconv>
#include <memory>
#include <mutex>

#include "actors/channel/channel.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/chat/moderation_routes.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/identity/user.hpp"
#include "actors/social/follows.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using room_ref = entity_ref<chat_protocol>;

constexpr std::size_t max_import = 1000;
constexpr std::size_t card_messages = 20;

void add_ages(const node_env& env, const std::string& user, const std::string& channel, json card,
              route_reply reply);

json parsed(const std::string& text) { return json::parse(text, nullptr, false); }

json ack_json(const chat_ack& ack) {
  json j{{"ok", true}, {"message", ack.message}};
  if (ack.id)
    j["id"] = ack.id;
  return j;
}

// A route on chat/{channel}: the channel name is checked before any entity is asked.
route_handler on_room(const node_env& env,
                      std::function<void(const node_env&, route_request&&, route_reply)> fn) {
  return [env, fn](route_request&& req, route_reply reply) {
    if (!valid_channel_name(req.param("channel")))
      return reply(make_error(errc::not_found, "channel not found"));
    fn(env, std::move(req), std::move(reply));
  };
}

caf::expected<std::uint64_t> id_param(const route_request& req, const char* name) {
  const auto& text = req.param(name);
  std::uint64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id == 0)
    return make_error(errc::not_found, std::string{name} + " '" + text + "' not found");
  return id;
}

// {"action": one of `actions`, "reason"?: string}
caf::expected<std::pair<std::string, std::string>> action_body(
  const route_request& req, std::initializer_list<std::string_view> actions) {
  auto body = req.json_object();
  if (!body)
    return body.error();
  if (auto err = only_fields(*body, {"action", "reason"}))
    return err;
  auto action = string_field(*body, "action", true);
  if (!action)
    return action.error();
  auto reason = string_field(*body, "reason", false);
  if (!reason)
    return reason.error();
  if (std::find(actions.begin(), actions.end(), **action) == actions.end()) {
    std::string names;
    for (auto a : actions)
      names += (names.empty() ? "" : " or ") + std::string{a};
    return make_error(errc::invalid_argument, "action must be " + names);
  }
  return std::make_pair(**action, reason->value_or(""));
}

void get_queue(const node_env& env, route_request&& req, route_reply reply) {
  room_ref{env.registry, req.param("channel")}
    .ask(chat_queue_atom::value, req.who)
    .then(*env.sys, answer<std::string>(std::move(reply), parsed));
}

void review_held(const node_env& env, route_request&& req, route_reply reply) {
  auto id = id_param(req, "id");
  if (!id)
    return reply(id.error());
  auto body = action_body(req, {"approve", "deny"});
  if (!body)
    return reply(body.error());
  room_ref{env.registry, req.param("channel")}
    .ask(chat_review_atom::value, req.who, *id, body->first, body->second)
    .then(*env.sys, answer<chat_ack>(std::move(reply), ack_json));
}

void get_log(const node_env& env, route_request&& req, route_reply reply) {
  auto limit = req.number_param("limit", 50, 1, 100);
  if (!limit)
    return reply(limit.error());
  auto before = req.number_param("before", 0, 0, std::numeric_limits<std::uint32_t>::max());
  if (!before)
    return reply(before.error());
  room_ref{env.registry, req.param("channel")}
    .ask(chat_log_atom::value, req.who, static_cast<std::uint32_t>(*limit),
         static_cast<std::uint64_t>(*before))
    .then(*env.sys, answer<std::string>(std::move(reply), parsed));
}

// The user's last messages from the read model (the room keeps only its last 100 of everyone);
// the room's own list stays when the read model cannot answer.
void with_messages(const node_env& env, const std::string& channel, const std::string& user,
                   json card, std::function<void(json)> done) {
  if (!env.query)
    return done(std::move(card));
  env.query("chat.user_messages", json{{"channel", channel}, {"user", user}},
            [card, done](caf::expected<std::vector<json>> rows) mutable {
              if (!rows)
                return done(std::move(card));
              std::sort(rows->begin(), rows->end(), [](const json& a, const json& b) {
                return a.value("id", std::int64_t{0}) > b.value("id", std::int64_t{0});
              });
              if (rows->size() > card_messages)
                rows->resize(card_messages);
              if (!rows->empty() || card["messages"].empty())
                card["messages"] = *rows;
              done(std::move(card));
            });
}

// The room's part (moderation, state), the user's messages, then the account's and follow's age.
void get_card(const node_env& env, route_request&& req, route_reply reply) {
  auto user = req.param("user");
  auto channel = req.param("channel");
  room_ref{env.registry, channel}
    .ask(chat_card_atom::value, req.who, user)
    .then(*env.sys, [env, user, channel, reply](caf::expected<std::string> room) {
      if (!room)
        return reply(room.error());
      auto card = parsed(*room);
      card["account_created_ms"] = nullptr;
      card["following_since_ms"] = nullptr;
      with_messages(env, channel, user, std::move(card), [env, user, channel, reply](json card) {
        add_ages(env, user, channel, std::move(card), reply);
      });
    });
}

void add_ages(const node_env& env, const std::string& user, const std::string& channel, json card,
              route_reply reply) {
  if (user.starts_with("guest:"))  // guests have no account and follow nothing
    return reply(route_response::json(200, card));
  entity_ref<user_protocol>{env.registry, user}
    .ask(get_atom::value)
    .then(*env.sys, [env, user, channel, card, reply](caf::expected<user_view> account) mutable {
      if (account)
        card["account_created_ms"] = account->created_at_ms;
      entity_ref<follows_protocol>{env.registry, user}
        .ask(get_atom::value)
        .then(*env.sys, [channel, card, reply](caf::expected<follows_view> follows) mutable {
          if (follows)
            for (auto& f : follows->channels)
              if (f.channel == channel)
                card["following_since_ms"] = f.since_ms;
          reply(route_response::json(200, card));
        });
    });
}

void get_roles(const node_env& env, route_request&& req, route_reply reply) {
  room_ref{env.registry, req.param("channel")}
    .ask(chat_roles_atom::value, req.who)
    .then(*env.sys, answer<std::string>(std::move(reply), parsed));
}

// PUT/DELETE roles/{user} {"role":"moderator"|"vip"|"editor","reason"?}: the chat commands
// mod/vip/editor and their un- forms. DELETE may name the role in ?role= instead of a body.
route_handler set_role(const node_env& env, bool grant) {
  return on_room(env, [grant](const node_env& env, route_request&& req, route_reply reply) {
    std::string role, reason;
    if (auto query_role = req.query_param("role"); query_role && req.body.empty()) {
      role = *query_role;
    } else {
      auto body = req.json_object();
      if (!body)
        return reply(body.error());
      if (auto err = only_fields(*body, {"role", "reason"}))
        return reply(err);
      auto r = string_field(*body, "role", true);
      if (!r)
        return reply(r.error());
      auto why = string_field(*body, "reason", false);
      if (!why)
        return reply(why.error());
      role = **r;
      reason = why->value_or("");
    }
    if (role != "moderator" && role != "vip" && role != "editor")
      return reply(make_error(errc::invalid_argument, "role must be moderator, vip or editor"));
    auto action = role == "moderator" ? std::string{"mod"} : role;
    room_ref{env.registry, req.param("channel")}
      .ask(chat_mod_atom::value, req.who,
           chat_command{grant ? action : "un" + action, req.param("user"), 0, reason})
      .then(*env.sys, answer<chat_ack>(std::move(reply), ack_json));
  });
}

void ask_unban(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"text"}))
    return reply(err);
  auto text = string_field(*body, "text", true);
  if (!text)
    return reply(text.error());
  room_ref{env.registry, req.param("channel")}
    .ask(unban_ask_atom::value, req.who, **text)
    .then(*env.sys, answer<chat_ack>(std::move(reply), ack_json, 201));
}

void list_unban_requests(const node_env& env, route_request&& req, route_reply reply) {
  auto status = req.query_param("status").value_or("pending");
  room_ref{env.registry, req.param("channel")}
    .ask(unban_list_atom::value, req.who, status)
    .then(*env.sys, answer<std::string>(std::move(reply), parsed));
}

void decide_unban(const node_env& env, route_request&& req, route_reply reply) {
  auto id = id_param(req, "id");
  if (!id)
    return reply(id.error());
  auto body = action_body(req, {"accept", "deny"});
  if (!body)
    return reply(body.error());
  room_ref{env.registry, req.param("channel")}
    .ask(unban_decide_atom::value, req.who, *id, body->first, body->second)
    .then(*env.sys, answer<chat_ack>(std::move(reply), ack_json));
}

void export_bans(const node_env& env, route_request&& req, route_reply reply) {
  room_ref{env.registry, req.param("channel")}
    .ask(chat_bans_atom::value, req.who)
    .then(*env.sys, answer<std::string>(std::move(reply), [](const std::string& text) {
      return parsed(text).value("bans", json::array());
    }));
}

// POST bans {"user","reason"?} / DELETE bans/{user}: the chat's ban and unban with a reason.
route_handler ban(const node_env& env, bool on) {
  return on_room(env, [on](const node_env& env, route_request&& req, route_reply reply) {
    std::string user = on ? "" : req.param("user");
    std::string reason;
    if (on || !req.body.empty()) {
      auto body = req.json_object();
      if (!body)
        return reply(body.error());
      if (auto err = only_fields(*body,
                                 on ? std::initializer_list<std::string_view>{"user", "reason"}
                                    : std::initializer_list<std::string_view>{"reason"}))
        return reply(err);
      if (on) {
        auto u = string_field(*body, "user", true);
        if (!u)
          return reply(u.error());
        user = **u;
      }
      auto why = string_field(*body, "reason", false);
      if (!why)
        return reply(why.error());
      reason = why->value_or("");
    }
    room_ref{env.registry, req.param("channel")}
      .ask(chat_mod_atom::value, req.who, chat_command{on ? "ban" : "unban", user, 0, reason})
      .then(*env.sys, answer<chat_ack>(std::move(reply), ack_json));
  });
}

// Unknown accounts are skipped and counted: each name is looked up (in parallel) first.
void import_bans(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"bans"}))
    return reply(err);
  auto list = body->find("bans");
  if (list == body->end() || !list->is_array())
    return reply(make_error(errc::invalid_argument, "'bans' must be a list of {user, reason?}"));
  if (list->size() > max_import)
    return reply(make_error(errc::invalid_argument, "at most 1000 bans per import"));
  struct pending {
    std::mutex mutex;
    std::vector<std::string> users, reasons;
    std::vector<bool> known;
    std::size_t left = 0;
  };
  auto state = std::make_shared<pending>();
  for (auto& b : *list) {
    if (!b.is_object() || !b.contains("user") || !b["user"].is_string() ||
        (b.contains("reason") && !b["reason"].is_string()) ||
        only_fields(b, {"user", "reason", "at_ms", "by"}))  // an export imports as it is
      return reply(make_error(errc::invalid_argument,
                              "each ban is {\"user\": name, \"reason\"?: text}"));
    state->users.push_back(b["user"].get<std::string>());
    state->reasons.push_back(b.value("reason", ""));
  }
  state->known.assign(state->users.size(), false);
  state->left = state->users.size();
  auto finish = [env, channel = req.param("channel"), who = req.who, state, reply] {
    std::vector<std::string> users, reasons;
    std::size_t unknown = 0;
    for (std::size_t i = 0; i < state->users.size(); ++i) {
      if (!state->known[i]) {
        ++unknown;
        continue;
      }
      users.push_back(state->users[i]);
      reasons.push_back(state->reasons[i]);
    }
    room_ref{env.registry, channel}
      .ask(chat_ban_import_atom::value, who, users, reasons)
      .then(*env.sys, [unknown, reply](caf::expected<std::string> result) {
        if (!result)
          return reply(result.error());
        auto j = parsed(*result);
        j["unknown_users"] = unknown;
        reply(route_response::json(200, j));
      });
  };
  if (state->users.empty())
    return finish();
  for (std::size_t i = 0; i < state->users.size(); ++i) {
    const auto& user = state->users[i];
    if (user.empty() || user.size() > 64 || user.starts_with("guest:")) {
      std::lock_guard lock{state->mutex};
      if (--state->left == 0)
        finish();
      continue;
    }
    entity_ref<user_protocol>{env.registry, user}
      .ask(get_atom::value)
      .then(*env.sys, [state, i, finish](caf::expected<user_view> account) {
        bool last = false;
        {
          std::lock_guard lock{state->mutex};
          state->known[i] = static_cast<bool>(account);
          last = --state->left == 0;
        }
        if (last)
          finish();
      });
  }
}

}  // namespace

void add_moderation_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  auto room = [&env](auto fn) { return on_room(env, fn); };
  routes
    .add(get, "channels/{channel}/mod/queue", access::signed_in, room(get_queue),
         "messages AutoMod holds for review (moderators)")
    .scope = "moderator:manage";
  routes
    .add(post, "channels/{channel}/mod/queue/{id}", access::signed_in, room(review_held),
         "approve (shown to everyone, late) or deny a held message {action, reason?}")
    .scope = "moderator:manage";
  routes
    .add(get, "channels/{channel}/mod/log", access::signed_in, room(get_log),
         "the moderation log, newest first: ?limit=1-100&before=<id> (moderators)")
    .scope = "moderator:manage";
  routes
    .add(get, "channels/{channel}/mod/users/{user}", access::signed_in, room(get_card),
         "a user card: recent messages, moderation here, account and follow age")
    .scope = "moderator:manage";
  routes
    .add(get, "channels/{channel}/roles", access::signed_in, room(get_roles),
         "the room's moderators, VIPs and editors (moderators)")
    .scope = "moderator:manage";
  routes
    .add(put, "channels/{channel}/roles/{user}", access::owner, set_role(env, true),
         "make a user moderator, VIP or editor {role, reason?}")
    .scope = "moderator:manage";
  routes
    .add(del, "channels/{channel}/roles/{user}", access::owner, set_role(env, false),
         "take a role away {role, reason?} or ?role=")
    .scope = "moderator:manage";
  routes.add(post, "channels/{channel}/unban-requests", access::user, room(ask_unban),
             "a banned user asks to be unbanned, once per ban {text}");
  routes
    .add(get, "channels/{channel}/unban-requests", access::signed_in, room(list_unban_requests),
         "unban requests, newest first: ?status=pending|accepted|denied|all (moderators)")
    .scope = "moderator:manage";
  routes
    .add(post, "channels/{channel}/unban-requests/{id}", access::signed_in, room(decide_unban),
         "accept (unbans) or deny an unban request {action, reason?}")
    .scope = "moderator:manage";
  routes
    .add(get, "channels/{channel}/bans", access::signed_in, room(export_bans),
         "the ban list as JSON [{user, reason, at_ms, by}] (moderators)")
    .scope = "moderator:manage";
  routes
    .add(post, "channels/{channel}/bans", access::signed_in, ban(env, true),
         "ban a user from the chat {user, reason?} (moderators)")
    .scope = "moderator:manage";
  routes
    .add(del, "channels/{channel}/bans/{user}", access::signed_in, ban(env, false),
         "lift a ban {reason?} (moderators)")
    .scope = "moderator:manage";
  routes
    .add(post, "channels/{channel}/bans/import", access::signed_in, room(import_bans),
         "import a shared ban list {bans: [{user, reason?}]} (at most 1000; moderators)")
    .scope = "moderator:manage";
}

}  // namespace aethex::actors
