// Certificates over REST (docs/education.md, section Certificates; docs/api.md). Anyone may
// verify a code; the student claims their own; the course's managers list, issue and revoke.
#include <chrono>
#include <memory>
#include <utility>
#include <vector>

#include <caf/all.hpp>

#include "actors/certificates/certificates.hpp"
#include "actors/certificates/internal.hpp"
#include "actors/certificates/projection.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/courses/courses.hpp"
#include "actors/identity/user.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using cert_route_ref = entity_ref<certificate_protocol>;

// A renderer's answer may take a while for a long queue; the HTTP client waits longer still.
constexpr auto pdf_render_timeout = std::chrono::seconds(30);

caf::error unknown_certificate() { return make_error(errc::not_found, "certificate not found"); }

std::string verify_url(const node_env& env, const std::string& code) {
  return "http://" + env.http_endpoint + "/verify/" + code;
}

// What anyone may read of a certificate: who revoked it stays with the course's managers.
json public_certificate(const node_env& env, json cert) {
  auto code = cert.value("code", "");
  cert.erase("revoked_by");
  cert["status"] = cert.value("revoked", false) ? "revoked" : "genuine";
  cert["url"] = verify_url(env, code);
  cert["pdf"] = "/api/v1/certificates/" + code + ".pdf";
  return cert;
}

void send_pdf(const node_env& env, const json& cert, route_reply reply) {
  auto renderer = env.services->find(service_names::certificate_renderer);
  if (!renderer)
    return reply(make_error(errc::unavailable, "no certificate renderer on this node"));
  auto code = cert.value("code", "");
  auto job = certificate_render_job(cert, verify_url(env, code));
  job["revoked"] = cert.value("revoked", false);
  env.sys->spawn([renderer, job = job.dump(), code, reply](caf::event_based_actor* self) {
    self->request(renderer, pdf_render_timeout, cert_render_atom::value, job)
      .then(
        [reply, code](std::string& pdf) {
          route_response r{200, std::move(pdf), "application/pdf"};
          r.headers.emplace_back("Content-Disposition",
                                 "inline; filename=\"certificate-" + code + ".pdf\"");
          reply(std::move(r));
        },
        [reply](caf::error& err) { reply(std::move(err)); });
  });
}

// GET certificates/{code} and GET certificates/{code}.pdf (one path segment: the binding
// matches whole segments).
void get_certificate(const node_env& env, route_request&& req, route_reply reply) {
  std::string typed = req.param("code");
  bool pdf = typed.size() > 4 && typed.ends_with(".pdf");
  if (pdf)
    typed.resize(typed.size() - 4);
  auto code = normalise_certificate_code(typed);
  if (!valid_certificate_code(code))
    return reply(unknown_certificate());
  cert_route_ref{env.registry, code}
    .ask(cert_get_atom::value)
    .then(*env.sys, [env, pdf, reply](caf::expected<std::string> text) {
      if (!text)
        return reply(text.error());
      auto cert = json::parse(*text);
      if (pdf)
        return send_pdf(env, cert, reply);
      reply(route_response::json(200, public_certificate(env, std::move(cert))));
    });
}

void revoke_certificate(const node_env& env, route_request&& req, route_reply reply) {
  auto code = normalise_certificate_code(req.param("code"));
  if (!valid_certificate_code(code))
    return reply(unknown_certificate());
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"reason"}))
    return reply(err);
  auto reason = string_field(*body, "reason", true);
  if (!reason)
    return reply(reason.error());
  cert_route_ref{env.registry, code}
    .ask(cert_get_atom::value)
    .then(*env.sys,
          [env, code, who = req.who, reason = **reason, reply](caf::expected<std::string> text) {
            if (!text)
              return reply(text.error());
            auto course = json::parse(*text).value("course", "");
            check_course_manager(env, who, course,
                                 [env, code, who, reason, reply](caf::expected<json> managed) {
                                   if (!managed)
                                     return reply(managed.error());
                                   cert_route_ref{env.registry, code}
                                     .ask(cert_revoke_atom::value,
                                          who.is_admin() ? std::string{"admin"} : who.name, reason)
                                     .then(*env.sys, [env, reply](caf::expected<std::string> cert) {
                                       if (!cert)
                                         return reply(cert.error());
                                       env.read_models_changed();
                                       reply(route_response::json(200, json::parse(*cert)));
                                     });
                                 });
          });
}

void list_query(const node_env& env, std::string query, json args, route_reply reply) {
  env.query(std::move(query), std::move(args), [reply](caf::expected<std::vector<json>> rows) {
    if (!rows)
      return reply(rows.error());
    std::sort(rows->begin(), rows->end(), [](const json& a, const json& b) {
      return a.value("issued_at_ms", std::int64_t{0}) > b.value("issued_at_ms", std::int64_t{0});
    });
    reply(route_response::json(200, json{{"certificates", *rows}}));
  });
}

const std::string* course_param(const route_request& req, const route_reply& reply) {
  const auto& id = req.param("id");
  if (!valid_course_id(id)) {
    reply(make_error(errc::not_found, "course not found"));
    return nullptr;
  }
  return &id;
}

void claim(const node_env& env, route_request&& req, route_reply reply) {
  const auto* course = course_param(req, reply);
  if (!course)
    return;
  issue_certificate(env, *course, req.who.name, [env, reply](caf::expected<issue_result> r) {
    if (!r)
      return reply(r.error());
    reply(route_response::json(r->fresh ? 201 : 200, public_certificate(env, r->certificate)));
  });
}

// Issues to every student in turn (one at a time: a course has at most 10 000).
struct issue_run {
  node_env env;
  std::string course;
  std::vector<std::string> students;
  std::size_t next = 0;
  json issued = json::array();
  std::size_t already = 0;
  std::size_t not_completed = 0;
  route_reply reply;
};

void issue_next(std::shared_ptr<issue_run> run) {
  if (run->next == run->students.size())
    return run->reply(route_response::json(200, json{{"issued", run->issued},
                                                     {"already", run->already},
                                                     {"not_completed", run->not_completed}}));
  const auto& user = run->students[run->next++];
  issue_certificate(run->env, run->course, user, [run](caf::expected<issue_result> r) {
    if (!r && reason_of(r.error()) != "not_completed")
      return run->reply(r.error());
    if (!r)
      ++run->not_completed;
    else if (r->fresh)
      run->issued.push_back(json{{"user", r->certificate.value("user", "")},
                                 {"code", r->certificate.value("code", "")}});
    else
      ++run->already;
    issue_next(run);
  });
}

// POST courses/{id}/certificates {"user"} (one student) or {"all": true} (all who qualify).
void issue(const node_env& env, route_request&& req, route_reply reply) {
  const auto* course = course_param(req, reply);
  if (!course)
    return;
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"user", "all"}))
    return reply(err);
  auto user = string_field(*body, "user", false);
  if (!user)
    return reply(user.error());
  bool all = body->value("all", json(false)) == json(true);
  if (!*user == !all)
    return reply(make_error(errc::invalid_argument, "send either 'user' or \"all\": true"));
  if (*user && !valid_username(**user))
    return reply(make_error(errc::invalid_argument, "'user' must be a user name"));
  check_course_manager(
    env, req.who, *course,
    [env, course = *course, who = req.who, user = *user, reply](caf::expected<json> managed) {
      if (!managed)
        return reply(managed.error());
      if (user)
        return issue_certificate(env, course, *user, [env, reply](caf::expected<issue_result> r) {
          if (!r)
            return reply(r.error());
          reply(route_response::json(r->fresh ? 201 : 200,
                                     public_certificate(env, r->certificate)));
        });
      entity_ref<course_protocol>{env.registry, course}
        .ask(course_people_atom::value, who.is_admin() ? std::string{"admin"} : who.name, true)
        .then(*env.sys, [env, course, reply](caf::expected<std::string> people) {
          if (!people)
            return reply(people.error());
          auto run = std::make_shared<issue_run>();
          run->env = env;
          run->course = course;
          run->reply = reply;
          for (const auto& s : json::parse(*people).value("students", json::array()))
            if (s.is_object() && s.contains("user") && s["user"].is_string())
              run->students.push_back(s["user"].get<std::string>());
          issue_next(run);
        });
    });
}

void course_list(const node_env& env, route_request&& req, route_reply reply) {
  const auto* course = course_param(req, reply);
  if (!course)
    return;
  check_course_manager(
    env, req.who, *course, [env, course = *course, reply](caf::expected<json> managed) {
      if (!managed)
        return reply(managed.error());
      list_query(env, std::string{certificates_of_course_query}, json{{"course", course}}, reply);
    });
}

}  // namespace

void add_certificate_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  auto bind = [env](void (*fn)(const node_env&, route_request&&, route_reply)) {
    return [env, fn](route_request&& req, route_reply reply) { fn(env, std::move(req), reply); };
  };
  routes.add(get, "certificates/{code}", access::anyone, bind(get_certificate),
             "a certificate by its code (public; add .pdf for the PDF): genuine or revoked");
  routes
    .add(post, "certificates/{code}/revoke", access::signed_in, bind(revoke_certificate),
         "revoke a certificate {\"reason\"} (the course's managers)")
    .scope = "channel:manage";
  routes
    .add(
      get, "me/certificates", access::user,
      [env](route_request&& req, route_reply reply) {
        list_query(env, std::string{certificates_of_user_query}, json{{"user", req.who.name}},
                   std::move(reply));
      },
      "the caller's certificates, newest first")
    .scope = "user:read";
  routes
    .add(get, "courses/{id}/certificates", access::signed_in, bind(course_list),
         "the certificates a course gave (its managers)")
    .scope = "channel:manage";
  routes
    .add(post, "courses/{id}/certificates", access::signed_in, bind(issue),
         "issue the certificate to {\"user\"} or {\"all\": true} who meet the completion rule "
         "(the course's managers)")
    .scope = "channel:manage";
  routes.add(post, "courses/{id}/certificates/claim", access::user, bind(claim),
             "claim the caller's certificate of a completed course");
}

}  // namespace aethex::actors
