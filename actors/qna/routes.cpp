// Webinar Q&A over REST (docs/webinars.md, section Q&A; docs/api.md). The entity asks the
// webinar who may ask and moderate, so routes check only the shape of a request.
#include <charconv>
#include <limits>

#include "actors/core/entity_ref.hpp"
#include "actors/qna/internal.hpp"
#include "actors/qna/qna.hpp"
#include "actors/webinars/webinars.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using qna_ref = entity_ref<qna_protocol>;

caf::error unknown_webinar(const std::string& id) {
  return make_error(errc::not_found, "webinar '" + id + "' not found");
}

caf::expected<std::int64_t> question_id(const route_request& req) {
  const auto& text = req.param("question");
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id < 1)
    return make_error(errc::not_found, "no such question");
  return id;
}

// Every route starts the same way: a webinar id of the node's shape, else 404 (answered here).
bool bad_webinar(const route_request& req, const route_reply& reply) {
  if (valid_webinar_id(req.param("id")))
    return false;
  reply(unknown_webinar(req.param("id")));
  return true;
}

void list_route(const node_env& env, route_request&& req, route_reply reply) {
  if (bad_webinar(req, reply))
    return;
  const auto& webinar = req.param("id");
  auto sort = req.query_param("sort").value_or("votes");
  if (sort != "votes" && sort != "time")
    return reply(make_error(errc::invalid_argument, "sort must be votes or time"));
  qna_ref{env.registry, webinar}
    .ask(qna_get_atom::value, req.who, sort)
    .then(*env.sys, pass_json_text(std::move(reply)));
}

void ask_route(const node_env& env, route_request&& req, route_reply reply) {
  if (bad_webinar(req, reply))
    return;
  const auto& webinar = req.param("id");
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"text"}))
    return reply(err);
  auto text = string_field(*body, "text", true);
  if (!text)
    return reply(text.error());
  qna_ref{env.registry, webinar}
    .ask(qna_ask_atom::value, req.who, std::move(**text))
    .then(*env.sys, pass_json_text(std::move(reply), 201));
}

route_handler vote_route(const node_env& env, bool up) {
  return [env, up](route_request&& req, route_reply reply) {
    if (bad_webinar(req, reply))
      return;
    const auto& webinar = req.param("id");
    auto id = question_id(req);
    if (!id)
      return reply(id.error());
    qna_ref{env.registry, webinar}
      .ask(qna_vote_atom::value, req.who, *id, up)
      .then(*env.sys, pass_json_text(std::move(reply)));
  };
}

route_handler moderate_route(const node_env& env, std::string action) {
  return [env, action](route_request&& req, route_reply reply) {
    if (bad_webinar(req, reply))
      return;
    const auto& webinar = req.param("id");
    auto id = question_id(req);
    if (!id)
      return reply(id.error());
    qna_ref{env.registry, webinar}
      .ask(qna_mod_atom::value, req.who, *id, action)
      .then(*env.sys, pass_json_text(std::move(reply)));
  };
}

void settings_route(const node_env& env, route_request&& req, route_reply reply) {
  if (bad_webinar(req, reply))
    return;
  const auto& webinar = req.param("id");
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"moderation"}))
    return reply(err);
  auto it = body->find("moderation");
  if (it == body->end() || !it->is_boolean())
    return reply(make_error(errc::invalid_argument, "'moderation' must be true or false"));
  qna_ref{env.registry, webinar}
    .ask(qna_settings_atom::value, req.who, it->get<bool>())
    .then(*env.sys, pass_json_text(std::move(reply)));
}

void export_route(const node_env& env, route_request&& req, route_reply reply) {
  if (bad_webinar(req, reply))
    return;
  const auto& webinar = req.param("id");
  auto format = req.query_param("format").value_or("json");
  if (format != "json" && format != "csv")
    return reply(make_error(errc::invalid_argument, "format must be json or csv"));
  qna_ref{env.registry, webinar}
    .ask(qna_export_atom::value, req.who)
    .then(*env.sys, [reply, format](caf::expected<std::string> text) {
      if (!text)
        return reply(text.error());
      if (format == "json")
        return reply(route_response{200, json{{"questions", json::parse(*text)}}.dump(), {}});
      reply(route_response::text(200, "text/csv; charset=utf-8", qna_csv(json::parse(*text))));
    });
}

std::string csv_cell(std::string value) {
  if (!value.empty() && std::string_view{"=+-@\t\r"}.find(value.front()) != std::string::npos)
    value.insert(value.begin(), '\'');
  if (value.find_first_of(",\"\r\n") == std::string::npos)
    return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"')
      out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string qna_csv(const json& questions) {
  std::string out = "id,asked_at_ms,author,text,status,votes,on_screen,answered_at_ms\r\n";
  for (const auto& q : questions) {
    auto answered = q.value("answered_at_ms", json(nullptr));
    out += std::to_string(q.value("id", std::int64_t{0})) + "," +
           std::to_string(q.value("asked_at_ms", std::int64_t{0})) + "," +
           csv_cell(q.value("author", "")) + "," + csv_cell(q.value("text", "")) + "," +
           q.value("status", "") + "," + std::to_string(q.value("votes", std::int64_t{0})) + "," +
           (q.value("on_screen", false) ? "true" : "false") + "," +
           (answered.is_number() ? std::to_string(answered.get<std::int64_t>()) : "") + "\r\n";
  }
  return out;
}

void add_qna_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  const std::string base = "webinars/{id}/qa";
  routes.add(get, base, access::anyone, with_caller(env, with_env(env, list_route)),
             "the webinar's questions sorted by votes or time (sort=votes|time): approved and "
             "answered ones, the caller's own pending ones, all for moderators; with 'voted'");
  routes
    .add(post, base + "/questions", access::user, with_env(env, ask_route),
         "asks a question (1-500 characters; 5 open per user, 2000 per webinar); pending until "
         "a moderator approves it while moderation is on")
    .scope = "chat:write";
  routes
    .add(post, base + "/questions/{question}/vote", access::user, vote_route(env, true),
         "upvotes an open question (one vote per user)")
    .scope = "chat:write";
  routes
    .add(del, base + "/questions/{question}/vote", access::user, vote_route(env, false),
         "takes the caller's vote back")
    .scope = "chat:write";
  for (const char* action : {"approve", "hide", "on_screen", "off_screen", "answered"})
    routes
      .add(post, base + "/questions/{question}/" + action, access::signed_in,
           moderate_route(env, action),
           std::string{"moderators: "} + action + " a question (one question is on screen)")
      .scope = "moderator:manage";
  routes
    .add(put, base + "/settings", access::signed_in, with_env(env, settings_route),
         "moderators: {\"moderation\": bool}; on (default) holds questions for review")
    .scope = "moderator:manage";
  routes
    .add(get, base + "/export", access::signed_in, with_env(env, export_route),
         "managers and moderators: every question as JSON or CSV (format=json|csv)")
    .scope = "moderator:manage";
}

}  // namespace aethex::actors
