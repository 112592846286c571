// Channel points, custom rewards, predictions and the hype train over REST (docs/engagement.md).
// Every route first finds the channel (404 otherwise): viewers' routes through the channel
// entity (the redeem route also reads its live session, which per-stream caps count in),
// managers' routes through the chat room, which knows the caller's role there.
#include <algorithm>

#include "actors/channel/channel.hpp"
#include "actors/chat/roles.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/engagement/engagement.hpp"
#include "actors/engagement/internal.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {

using json = nlohmann::json;

namespace {

using engagement_ref = entity_ref<engagement_protocol>;

// Who manages rewards, and who the queue and predictions.
const std::vector<std::string> reward_managers{"broadcaster", "editor"};
const std::vector<std::string> managers{"broadcaster", "editor", "moderator"};

// An entity answer that is JSON text, passed through with `status`; with `none_is_null` a
// not_found (the channel exists: the route checked) is the answer `null` ("there is none").
auto pass(route_reply reply, unsigned status = 200, bool none_is_null = false) {
  return [reply, status, none_is_null](caf::expected<std::string> text) {
    if (!text && none_is_null && code_of(text.error()) == errc::not_found)
      return reply(route_response{200, "null", {}});
    pass_json_text(reply, status)(std::move(text));
  };
}

// A command built from a request (every command the routes send answers JSON text).
pending_ask<std::string> ask_text(const node_env& env, const std::string& channel,
                                  caf::message command) {
  return {env.registry, std::string{engagement_protocol::kind}, channel, std::move(command)};
}

// Runs `then(view)` when the route's channel exists; 404 otherwise.
void with_channel(const node_env& env, const std::string& channel, const route_reply& reply,
                  std::function<void(const channel_view&)> then) {
  if (!valid_channel_name(channel))
    return reply(make_error(errc::not_found, "channel not found"));
  entity_ref<channel_protocol>{env.registry, channel}
    .ask(get_atom::value)
    .then(*env.sys, [reply, then = std::move(then)](caf::expected<channel_view> view) {
      if (!view)
        return reply(view.error());
      then(*view);
    });
}

// A route for anyone (or a viewer) that is one command to engagement/<channel> once the channel
// is known to exist; `make` builds the command from the request.
template <class Make>
route_handler viewer_command(const node_env& env, Make make, unsigned status = 200,
                             bool none_is_null = false) {
  return [env, make, status, none_is_null](route_request&& req, route_reply reply) {
    const auto& channel = req.param("channel");
    auto command = make(req);
    if (!command)
      return reply(command.error());
    with_channel(
      env, channel, reply, [env, channel, command = *command, reply, status, none_is_null](auto&) {
        ask_text(env, channel, command).then(*env.sys, pass(reply, status, none_is_null));
      });
  };
}

// A route for the channel's managers (`roles`): the role check, then one command.
template <class Make>
route_handler manager_command(const node_env& env, std::vector<std::string> roles, Make make,
                              unsigned status = 200) {
  return [env, roles, make, status](route_request&& req, route_reply reply) {
    auto channel = req.param("channel");
    auto command = make(req);
    if (!command)
      return reply(command.error());
    check_channel_role(env, req.who, channel, roles,
                       [env, channel, command = *command, reply, status](caf::error err) {
                         if (err)
                           return reply(err);
                         ask_text(env, channel, command).then(*env.sys, pass(reply, status));
                       });
  };
}

caf::expected<caf::message> no_body(const route_request& req, caf::message command) {
  if (!req.body.empty()) {
    auto body = req.json_object();
    if (!body)
      return body.error();
    if (auto err = only_fields(*body, {}))
      return err;
  }
  return command;
}

caf::expected<json> body_with(const route_request& req,
                              std::initializer_list<std::string_view> fields) {
  auto body = req.json_object();
  if (!body)
    return body.error();
  if (auto err = only_fields(*body, fields))
    return err;
  return body;
}

caf::expected<std::int64_t> int_field(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_number_integer())
    return make_error(errc::invalid_argument, std::string{"'"} + key + "' must be a whole number");
  return it->get<std::int64_t>();
}

caf::expected<json> reward_body(const route_request& req) {
  return body_with(req, {"title", "cost", "prompt", "user_input", "cooldown_s", "max_per_stream",
                         "max_per_user_per_stream", "enabled"});
}

void redeem_route(const node_env& env, route_request&& req, route_reply reply) {
  auto channel = req.param("channel");
  auto id = req.param("id");
  std::string input;
  if (!req.body.empty()) {
    auto body = body_with(req, {"input"});
    if (!body)
      return reply(body.error());
    auto text = string_field(*body, "input", false);
    if (!text)
      return reply(text.error());
    input = text->value_or("");
  }
  with_channel(env, channel, reply,
               [env, channel, id, user = req.who.name, input, reply](const channel_view& view) {
                 engagement_ref{env.registry, channel}
                   .ask(reward_redeem_atom::value, user, id, input, view.session_id)
                   .then(*env.sys, pass(reply, 201));
               });
}

}  // namespace

void add_engagement_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  using cmd = caf::expected<caf::message>;
  routes.add(get, "channels/{channel}/points/me", access::user,
             viewer_command(env,
                            [](const route_request& r) -> cmd {
                              return caf::make_message(points_me_atom::value, r.who.name);
                            }),
             "your channel points here: {balance, claim_available, watch_s}");
  routes.add(post, "channels/{channel}/points/claim", access::user,
             viewer_command(env,
                            [](const route_request& r) {
                              return no_body(r, caf::make_message(points_claim_atom::value,
                                                                  r.who.name));
                            }),
             "claims the 50-point bonus (one per 15 minutes watched); 409 when none is ready");
  routes.add(get, "channels/{channel}/rewards", access::anyone,
             viewer_command(env,
                            [](const route_request&) -> cmd {
                              return caf::make_message(reward_list_atom::value);
                            }),
             "the channel's custom rewards");
  routes
    .add(post, "channels/{channel}/rewards", access::signed_in,
         manager_command(
           env, reward_managers,
           [](const route_request& r) -> cmd {
             auto body = reward_body(r);
             if (!body)
               return body.error();
             return caf::make_message(reward_put_atom::value, std::string{}, body->dump());
           },
           201),
         "creates a custom reward (broadcaster, editors); at most 50")
    .scope = "engagement:manage";
  routes
    .add(patch, "channels/{channel}/rewards/{id}", access::signed_in,
         manager_command(env, reward_managers,
                         [](const route_request& r) -> cmd {
                           auto body = reward_body(r);
                           if (!body)
                             return body.error();
                           return caf::make_message(reward_put_atom::value, r.param("id"),
                                                    body->dump());
                         }),
         "changes a custom reward (broadcaster, editors)")
    .scope = "engagement:manage";
  routes
    .add(del, "channels/{channel}/rewards/{id}", access::signed_in,
         manager_command(env, reward_managers,
                         [](const route_request& r) -> cmd {
                           return caf::make_message(reward_delete_atom::value, r.param("id"));
                         }),
         "removes a custom reward (broadcaster, editors); its open redemptions stay queued")
    .scope = "engagement:manage";
  routes.add(post, "channels/{channel}/rewards/{id}/redeem", access::user,
             with_env(env, redeem_route),
             "redeems a reward with channel points: {input?} → 201 redemption");
  routes
    .add(get, "channels/{channel}/redemptions", access::signed_in,
         manager_command(env, managers,
                         [](const route_request& r) -> cmd {
                           return caf::make_message(
                             redemption_list_atom::value,
                             r.query_param("status").value_or("unfulfilled"));
                         }),
         "the redemption queue, oldest first (?status=unfulfilled|fulfilled|canceled)")
    .scope = "engagement:manage";
  routes
    .add(post, "channels/{channel}/redemptions/{id}", access::signed_in,
         manager_command(env, managers,
                         [](const route_request& r) -> cmd {
                           auto body = body_with(r, {"status"});
                           if (!body)
                             return body.error();
                           auto status = string_field(*body, "status", true);
                           if (!status)
                             return status.error();
                           return caf::make_message(redemption_set_atom::value, r.param("id"),
                                                    **status);
                         }),
         "marks a redemption fulfilled, or canceled (its cost is refunded)")
    .scope = "engagement:manage";
  routes
    .add(post, "channels/{channel}/predictions", access::signed_in,
         manager_command(
           env, managers,
           [](const route_request& r) -> cmd {
             auto body = body_with(r, {"title", "outcomes", "window_s"});
             if (!body)
               return body.error();
             return caf::make_message(prediction_create_atom::value, body->dump());
           },
           201),
         "starts a prediction: {title, outcomes, window_s}")
    .scope = "engagement:manage";
  routes.add(get, "channels/{channel}/predictions/current", access::anyone,
             with_caller(env, viewer_command(
                                env,
                                [](const route_request& r) -> cmd {
                                  return caf::make_message(prediction_get_atom::value,
                                                           r.who.is_user() ? r.who.name
                                                                           : std::string{});
                                },
                                200, true)),
             "the running prediction, or the one that ended < 5 min ago (else null); my_stake "
             "with a token");
  routes.add(post, "channels/{channel}/predictions/current/stake", access::user,
             viewer_command(env,
                            [](const route_request& r) -> cmd {
                              auto body = body_with(r, {"outcome", "points"});
                              if (!body)
                                return body.error();
                              auto outcome = int_field(*body, "outcome");
                              if (!outcome)
                                return outcome.error();
                              auto points = int_field(*body, "points");
                              if (!points)
                                return points.error();
                              return caf::make_message(prediction_stake_atom::value, r.who.name,
                                                       *outcome, *points);
                            }),
             "stakes channel points on one outcome: {outcome, points}");
  routes
    .add(post, "channels/{channel}/predictions/current/lock", access::signed_in,
         manager_command(env, managers,
                         [](const route_request& r) {
                           return no_body(r, caf::make_message(prediction_lock_atom::value));
                         }),
         "locks the prediction: no more stakes")
    .scope = "engagement:manage";
  routes
    .add(post, "channels/{channel}/predictions/current/resolve", access::signed_in,
         manager_command(env, managers,
                         [](const route_request& r) -> cmd {
                           auto body = body_with(r, {"outcome"});
                           if (!body)
                             return body.error();
                           auto outcome = int_field(*body, "outcome");
                           if (!outcome)
                             return outcome.error();
                           return caf::make_message(prediction_resolve_atom::value, *outcome);
                         }),
         "resolves the prediction: {outcome}; the winners share the pool")
    .scope = "engagement:manage";
  routes
    .add(post, "channels/{channel}/predictions/current/cancel", access::signed_in,
         manager_command(env, managers,
                         [](const route_request& r) {
                           return no_body(r, caf::make_message(prediction_cancel_atom::value));
                         }),
         "cancels the prediction: every stake is refunded")
    .scope = "engagement:manage";
  routes.add(get, "channels/{channel}/hype-train", access::anyone,
             viewer_command(env,
                            [](const route_request&) -> cmd {
                              return caf::make_message(hype_train_atom::value);
                            }),
             "the channel's hype train: state, level, progress, goal, timers, top contributors");
}

}  // namespace aethex::actors
