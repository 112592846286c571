// Subscriptions over REST (docs/api.md, "Subscriptions"). Who may ask is checked here (the
// channel's owner from the channel entity, editors through the chat room's role check); the
// rules of subscribing are the entity's.
#include <mutex>

#include "actors/channel/channel.hpp"
#include "actors/chat/roles.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/identity/user.hpp"
#include "actors/subscriptions/internal.hpp"
#include "actors/subscriptions/subscriptions.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using subs_ref = entity_ref<subscriptions_protocol>;

caf::error no_channel() { return make_error(errc::not_found, "channel not found"); }

// The tier of a body: "basic" | "premium" | "vip" or 1-3.
caf::expected<int> body_tier(const json& body) {
  auto it = body.find("tier");
  int tier = 0;
  if (it != body.end() && it->is_string())
    tier = subscription_tier_of(it->get<std::string>());
  else if (it != body.end() && it->is_number_integer())
    tier = it->get<int>();
  if (tier < 1 || tier > 3)
    return make_error(errc::invalid_argument, "tier is basic, premium or vip");
  return tier;
}

// Asks the channel's owner, then runs `next(owner)`; a missing channel is a 404.
void with_owner(const node_env& env, const std::string& channel, route_reply reply,
                std::function<void(std::string owner)> next) {
  if (!valid_channel_name(channel))
    return reply(no_channel());
  entity_ref<channel_protocol>{env.registry, channel}
    .ask(get_atom::value)
    .then(*env.sys, [reply, next](caf::expected<channel_view> view) {
      if (!view)
        return reply(view.error());
      next(view->owner_is_admin ? std::string{} : view->owner);
    });
}

// Calls `done` once: none when every one of `users` has an account, else not_found naming one.
void check_users_exist(const node_env& env, const std::vector<std::string>& users,
                       std::function<void(caf::error)> done) {
  struct tally {
    std::mutex mutex;
    std::size_t left;
    std::function<void(caf::error)> done;
  };
  auto t = std::make_shared<tally>();
  t->left = users.size();
  t->done = std::move(done);
  for (const auto& user : users)
    entity_ref<user_protocol>{env.registry, user}
      .ask(get_atom::value)
      .then(*env.sys, [t, user](caf::expected<user_view> view) {
        std::function<void(caf::error)> finish;
        caf::error err;
        {
          std::lock_guard lock{t->mutex};
          if (!t->done)
            return;  // answered already
          if (!view || view->username.empty())
            err = make_error(errc::invalid_argument, "there is no user named " + user);
          if (err || --t->left == 0)
            finish = std::exchange(t->done, nullptr);
        }
        if (finish)
          finish(std::move(err));
      });
}

void list_tiers(const node_env& env, route_request&& req, route_reply reply) {
  const auto& channel = req.param("channel");
  if (!valid_channel_name(channel))
    return reply(no_channel());
  subs_ref{env.registry, channel}.ask(sub_tiers_atom::value).then(*env.sys, pass_json_text(reply));
}

void put_tiers(const node_env& env, route_request&& req, route_reply reply) {
  auto channel = req.param("channel");
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"tiers"}))
    return reply(err);
  check_channel_role(env, req.who, channel, {"broadcaster", "editor"},
                     [env, channel, patch = body->dump(), by = req.who.display(),
                      reply](caf::error err) {
                       if (err)
                         return reply(err);
                       subs_ref{env.registry, channel}
                         .ask(sub_tiers_set_atom::value, patch, by)
                         .then(*env.sys, pass_written_json_text(env, reply));
                     });
}

void subscribe(const node_env& env, route_request&& req, route_reply reply) {
  auto channel = req.param("channel");
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"tier"}))
    return reply(err);
  auto tier = body_tier(*body);
  if (!tier)
    return reply(tier.error());
  auto user = req.who.name;
  with_owner(env, channel, reply, [env, channel, user, tier = *tier, reply](std::string owner) {
    if (owner == user)
      return reply(make_error(errc::forbidden, "you cannot subscribe to your own channel"));
    json request{{"buyer", user}, {"owner", owner}, {"tier", tier}, {"kind", "subscribe"}};
    subs_ref{env.registry, channel}
      .ask(sub_checkout_atom::value, request.dump())
      .then(*env.sys, pass_written_json_text(env, reply, 201));
  });
}

void gift(const node_env& env, route_request&& req, route_reply reply) {
  auto channel = req.param("channel");
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"tier", "count", "recipients", "anonymous"}))
    return reply(err);
  auto tier = body_tier(*body);
  if (!tier)
    return reply(tier.error());
  json request{{"buyer", req.who.name}, {"tier", *tier}, {"kind", "gift"}};
  if (auto it = body->find("count"); it != body->end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 1 ||
        it->get<std::int64_t>() > static_cast<std::int64_t>(subscription_limits::max_gift))
      return reply(make_error(errc::invalid_argument, "count is 1 to 100"));
    request["count"] = *it;
  }
  if (auto it = body->find("anonymous"); it != body->end()) {
    if (!it->is_boolean())
      return reply(make_error(errc::invalid_argument, "anonymous is true or false"));
    request["anonymous"] = *it;
  }
  bool named = false;
  if (auto it = body->find("recipients"); it != body->end() && !it->is_null()) {
    if (!it->is_array() || it->empty() || it->size() > subscription_limits::max_gift)
      return reply(make_error(errc::invalid_argument, "recipients is a list of 1 to 100 users"));
    for (auto& u : *it)
      if (!u.is_string() || !valid_username(u.get<std::string>()))
        return reply(make_error(errc::invalid_argument, "recipients are user names"));
    if (request.contains("count") && request["count"] != it->size())
      return reply(make_error(errc::invalid_argument, "count differs from the recipients"));
    request["recipients"] = *it;
    named = true;
  }
  with_owner(env, channel, reply, [env, channel, request, named, reply](std::string owner) mutable {
    request["owner"] = owner;
    auto ask = [env, channel, reply](json request) {
      subs_ref{env.registry, channel}
        .ask(sub_checkout_atom::value, request.dump())
        .then(*env.sys, pass_written_json_text(env, reply, 201));
    };
    if (named) {
      auto users = request["recipients"].get<std::vector<std::string>>();
      return check_users_exist(env, users, [ask, request, reply](caf::error err) mutable {
        if (err)
          return reply(err);
        ask(std::move(request));
      });
    }
    // Random recipients: followers of the channel who are not subscribed (read model).
    env.query(std::string{subscription_queries::candidates}, json{{"channel", channel}},
              [ask, request, reply](caf::expected<std::vector<json>> rows) mutable {
                if (!rows)
                  return reply(rows.error());
                json pool = json::array();
                for (auto& row : *rows)
                  if (pool.size() < subscription_limits::max_candidates)
                    pool.push_back(row.value("user", ""));
                request["candidates"] = std::move(pool);
                ask(std::move(request));
              });
  });
}

void set_cancel(const node_env& env, route_request&& req, route_reply reply, bool cancel) {
  const auto& channel = req.param("channel");
  if (!valid_channel_name(channel))
    return reply(no_channel());
  subs_ref{env.registry, channel}
    .ask(sub_cancel_atom::value, req.who.name, cancel)
    .then(*env.sys, pass_written_json_text(env, reply));
}

void my_status(const node_env& env, route_request&& req, route_reply reply) {
  const auto& channel = req.param("channel");
  if (!valid_channel_name(channel))
    return reply(no_channel());
  subs_ref{env.registry, channel}
    .ask(sub_status_atom::value, req.who.name)
    .then(*env.sys, pass_json_text(reply));
}

void list_subscribers(const node_env& env, route_request&& req, route_reply reply) {
  auto channel = req.param("channel");
  check_channel_role(env, req.who, channel, {"broadcaster", "editor"},
                     [env, channel, reply](caf::error err) {
                       if (err)
                         return reply(err);
                       subs_ref{env.registry, channel}
                         .ask(sub_list_atom::value)
                         .then(*env.sys, pass_json_text(reply));
                     });
}

}  // namespace

void add_subscription_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  routes.add(get, "channels/{channel}/subscription-tiers", access::anyone,
             with_env(env, list_tiers), "a channel's subscription tiers and prices");
  routes.add(put, "channels/{channel}/subscription-tiers", access::signed_in,
             with_env(env, put_tiers), "rename, reprice or disable tiers (broadcaster, editors)");
  routes.add(post, "channels/{channel}/subscriptions", access::user, with_env(env, subscribe),
             "subscribe: a checkout of the tier's price, renewed every 30 days");
  routes.add(post, "channels/{channel}/subscriptions/gift", access::user, with_env(env, gift),
             "gift subscriptions to named users or to random followers");
  routes.add(post, "channels/{channel}/subscriptions/cancel", access::user,
             with_env(env,
                      [](const node_env& e, route_request&& r, route_reply reply) {
                        set_cancel(e, std::move(r), std::move(reply), true);
                      }),
             "cancel at the end of the period");
  routes.add(del, "channels/{channel}/subscriptions/cancel", access::user,
             with_env(env,
                      [](const node_env& e, route_request&& r, route_reply reply) {
                        set_cancel(e, std::move(r), std::move(reply), false);
                      }),
             "resume a canceled subscription before its period ends");
  routes.add(get, "channels/{channel}/subscriptions/me", access::user, with_env(env, my_status),
             "the caller's subscription to the channel");
  routes.add(get, "channels/{channel}/subscriptions", access::signed_in,
             with_env(env, list_subscribers), "a channel's subscribers (broadcaster, editors)");
}

}  // namespace aethex::actors
