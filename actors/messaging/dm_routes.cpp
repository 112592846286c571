// Direct messages over REST. A message needs an account on the other end and no block on
// either side (read from both users' relations); the thread numbers and stores it, the pages
// of both users hear it on the "messages" topic, and the read model answers history and the
// thread list, gathered from whichever members own the threads.
#include <algorithm>
#include <memory>
#include <mutex>

#include "actors/core/entity_ref.hpp"
#include "actors/identity/user.hpp"
#include "actors/messaging/dm_projection.hpp"
#include "actors/messaging/dm_thread.hpp"
#include "actors/messaging/internal.hpp"
#include "actors/messaging/relations.hpp"
#include "runtime/errors.hpp"
#include "runtime/limits.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using relations_ref = entity_ref<relations_protocol>;
using thread_ref = entity_ref<dm_thread_protocol>;

// Each conversation paces its sender (dm_rate_limit); this paces a sender over all of them, so
// one account cannot write to every other one at once. Node-local: a sender is counted by the
// node their requests reach.
constexpr unsigned dm_sender_limit = 3 * dm_rate_limit;

struct sender_pace {
  std::mutex mutex;
  runtime::window_limiter limiter{{dm_sender_limit, dm_rate_window, 10'000}};
  unsigned admit(const std::string& user) {
    std::lock_guard lock{mutex};
    return limiter.admit(user);
  }
};

json message_json(const dm_message& m) {
  return json{{"id", m.id}, {"from", m.from}, {"to", m.to}, {"text", m.text}, {"at_ms", m.at_ms}};
}

// Calls `then` when neither `me` nor `other` blocked the other.
void unless_blocked(const node_env& env, const std::string& me, const std::string& other,
                    route_reply reply, std::function<void()> then) {
  relations_ref{env.registry, me}
    .ask(get_atom::value)
    .then(*env.sys, [env, me, other, reply, then](caf::expected<relations_view> mine) {
      if (!mine)
        return reply(mine.error());
      if (mine->state_of(other) == relation::blocked)
        return reply(make_error(errc::forbidden,
                                "you blocked " + other + "; unblock them to write"));
      relations_ref{env.registry, other}
        .ask(get_atom::value)
        .then(*env.sys, [me, other, reply, then](caf::expected<relations_view> theirs) {
          if (!theirs)
            return reply(theirs.error());
          if (theirs->state_of(me) == relation::blocked)
            return reply(make_error(errc::forbidden, "you cannot message " + other));
          then();
        });
    });
}

void send_message(const node_env& env, sender_pace& pace, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"text"}))
    return reply(err);
  auto text = string_field(*body, "text", true);
  if (!text)
    return reply(text.error());
  auto me = req.who.name;
  auto other = req.param("user");
  if (auto wait = pace.admit(me); wait > 0)
    return reply(make_error(errc::rate_limited, "you are sending messages too fast", "slow_down",
                            wait));
  with_other_user(env, me, other, reply, [env, me, other, text = **text, reply] {
    unless_blocked(env, me, other, reply, [env, me, other, text, reply] {
      thread_ref{env.registry, dm_thread_id(me, other)}
        .ask(dm_send_atom::value, me, text)
        .then(*env.sys, [env, me, other, reply](caf::expected<dm_message> sent) {
          if (!sent)
            return reply(sent.error());
          env.read_models_changed();
          auto message = message_json(*sent);
          push_to_users(env, {me, other}, json{{"type", "dm"}, {"message", message}});
          reply(route_response::json(201, message));
        });
    });
  });
}

void list_threads(const node_env& env, route_request&& req, route_reply reply) {
  env.query("messaging.dm_threads", json{{"user", req.who.name}},
            [reply](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return reply(rows.error());
              std::sort(rows->begin(), rows->end(), [](const json& a, const json& b) {
                return a["last"].value("at_ms", std::int64_t{0}) >
                       b["last"].value("at_ms", std::int64_t{0});
              });
              if (rows->size() > max_listed_threads)
                rows->resize(max_listed_threads);
              std::int64_t unread = 0;
              for (auto& row : *rows)
                unread += row.value("unread", std::int64_t{0});
              reply(route_response::json(200, json{{"threads", *rows}, {"unread", unread}}));
            });
}

void history(const node_env& env, route_request&& req, route_reply reply) {
  auto me = req.who.name;
  auto other = req.param("user");
  auto before = req.number_param("before", 0, 0, std::size_t{1} << 52);
  auto limit = req.number_param("limit", 50, 1, max_history_page);
  if (!before)
    return reply(before.error());
  if (!limit)
    return reply(limit.error());
  with_other_user(env, me, other, reply, [env, me, other, before = *before, limit = *limit, reply] {
    env.query("messaging.dm_history",
              json{{"thread", dm_thread_id(me, other)}, {"before", before}, {"limit", limit}},
              [other, reply](caf::expected<std::vector<json>> rows) {
                if (!rows)
                  return reply(rows.error());
                reply(route_response::json(200, json{{"with", other}, {"messages", *rows}}));
              });
  });
}

// POST {"up_to"?}: the thread is read up to that message (default: all of it).
void mark_read(const node_env& env, route_request&& req, route_reply reply) {
  std::uint64_t up_to = 0;
  if (!req.body.empty()) {
    auto body = req.json_object();
    if (!body)
      return reply(body.error());
    if (auto err = only_fields(*body, {"up_to"}))
      return reply(err);
    if (body->contains("up_to")) {
      if (!(*body)["up_to"].is_number_unsigned())
        return reply(make_error(errc::invalid_argument, "'up_to' must be a message id"));
      up_to = (*body)["up_to"].get<std::uint64_t>();
    }
  }
  auto me = req.who.name;
  auto other = req.param("user");
  if (!valid_username(other) || other == me)
    return reply(make_error(errc::not_found, "no such conversation"));
  thread_ref{env.registry, dm_thread_id(me, other)}
    .ask(dm_read_atom::value, me, up_to)
    .then(*env.sys, [env, reply](caf::expected<std::uint64_t> mark) {
      if (!mark)
        return reply(mark.error());
      env.read_models_changed();
      reply(route_response::json(200, json{{"read_up_to", *mark}}));
    });
}

}  // namespace

void add_dm_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  routes.add(get, "me/dms", access::user, with_env(env, list_threads),
             "the signed-in account's conversations, newest first, with unread counts");
  routes.add(get, "me/dms/{user}", access::user, with_env(env, history),
             "one conversation's messages, oldest first (?before=id&limit=)");
  auto pace = std::make_shared<sender_pace>();
  routes.add(
    post, "me/dms/{user}", access::user,
    [env, pace](route_request&& req, route_reply reply) {
      send_message(env, *pace, std::move(req), std::move(reply));
    },
    "sends a direct message");
  routes.add(post, "me/dms/{user}/read", access::user, with_env(env, mark_read),
             "marks a conversation read up to a message (default: all)");
}

}  // namespace aethex::actors
