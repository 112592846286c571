// Courses over REST (docs/education.md, section Courses → Routes): content and enrolment. The
// routes know who calls and whether they manage the channel (access.hpp); every rule of the
// course is the course/<id> entity's.
#include <utility>

#include "actors/chat/roles.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/courses/access.hpp"
#include "actors/courses/course_projection.hpp"
#include "actors/courses/courses.hpp"
#include "actors/courses/internal.hpp"
#include "actors/identity/user.hpp"
#include "actors/orgs/orgs.hpp"
#include "runtime/errors.hpp"
#include "runtime/secrets.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using course_ref = entity_ref<course_protocol>;

// org/<slug>'s role ask, as docs/organisations.md's public header names it.
struct course_org_protocol {
  static constexpr std::string_view kind = "org";
  static std::string reply_to(org_role_atom, std::string user);
};

constexpr const char* manage_scope = "channel:manage";

caf::error unknown_course() { return make_error(errc::not_found, "course not found"); }

void create_course(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  auto parsed = parse_course_create(*body);
  if (!parsed)
    return reply(parsed.error());
  auto channel = body->value("channel", std::string{});
  if (!body->contains("channel") || !(*body)["channel"].is_string())
    return reply(make_error(errc::invalid_argument, "'channel' is required"));
  course_channel_manager(
    env, req.who, channel,
    [env, by = course_by(req.who), body = *body,
     reply](caf::expected<std::pair<bool, std::string>> managed) mutable {
      if (!managed)
        return reply(managed.error());
      if (!managed->first)
        return reply(make_error(errc::forbidden,
                                "only the channel's owner and editors (or its org's owner, "
                                "admins and instructors) create courses on it"));
      body["org"] = managed->second;
      course_ref{env.registry, runtime::random_hex(5)}
        .ask(course_create_atom::value, by, body.dump())
        .then(*env.sys, pass_written_json_text(env, reply, 201));
    });
}

void list_courses(const node_env& env, route_request&& req, route_reply reply) {
  auto limit = req.number_param("limit", 50, 1, 200);
  if (!limit)
    return reply(limit.error());
  json args{{"channel", req.query_param("channel").value_or("")},
            {"org", req.query_param("org").value_or("")},
            {"limit", *limit},
            {"now_ms", env.clock->now_ms()}};
  env.query(std::string{course_queries::list}, args,
            [reply](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return reply(rows.error());
              std::sort(rows->begin(), rows->end(), [](const json& a, const json& b) {
                return a.value("created_at_ms", std::int64_t{0}) >
                       b.value("created_at_ms", std::int64_t{0});
              });
              reply(route_response::json(200, json{{"courses", *rows}}));
            });
}

void get_course(const node_env& env, route_request&& req, route_reply reply) {
  with_course(env, req, reply, [env, req, reply](json course, bool manager) {
    if (!req.who.is_user() && !req.who.is_admin()) {
      course["me"] = nullptr;
      return reply(route_response::json(200, course));
    }
    auto user = course_by(req.who);
    course_ref{env.registry, course.value("id", "")}
      .ask(course_enrol_atom::value, user, manager, std::string{"status"}, user)
      .then(*env.sys, [reply, course, manager, user](caf::expected<std::string> status) mutable {
        auto me = json::parse(status ? *status : std::string{"{}"}, nullptr, false);
        auto has = [&](const char* list) {
          for (const auto& u : course.value(list, json::array()))
            if (u == user)
              return true;
          return false;
        };
        course["me"] = json{{"status", me.is_object() ? me.value("status", "none") : "none"},
                            {"manager", manager},
                            {"instructor", has("instructors")},
                            {"assistant", has("assistants")}};
        reply(route_response::json(200, course));
      });
  });
}

// A manager's or instructor's edit: the entity checks the instructor part.
route_handler course_edit_route(const node_env& env, std::string op, unsigned status) {
  return [env, op, status](route_request&& req, route_reply reply) {
    auto body = req.json_object();
    if (!body)
      return reply(body.error());
    for (const char* key : {"module", "lesson"})
      if (req.params.contains(key))
        (*body)[std::string{key} == "lesson" ? "id"
                                             : (op.starts_with("module") ? "id" : "module")] =
          req.param(key);
    with_course(env, req, reply,
                [env, req, reply, op, status, body = *body](json course, bool manager) {
                  course_ref{env.registry, course.value("id", "")}
                    .ask(course_edit_atom::value, course_by(req.who), manager, op, body.dump())
                    .then(*env.sys, pass_written_json_text(env, reply, status));
                });
  };
}

route_handler course_delete_route(const node_env& env, std::string op, std::string param) {
  return [env, op, param](route_request&& req, route_reply reply) {
    json body{{"id", req.param(param)}};
    with_course(env, req, reply, [env, req, reply, op, body](json course, bool manager) {
      course_ref{env.registry, course.value("id", "")}
        .ask(course_edit_atom::value, course_by(req.who), manager, op, body.dump())
        .then(*env.sys, pass_written_json_text(env, reply));
    });
  };
}

// An enrolment step on `user` (the caller for enrol/leave, the path's {user} otherwise).
route_handler course_enrol_route(const node_env& env, std::string op) {
  return [env, op](route_request&& req, route_reply reply) {
    auto user = req.params.contains("user") ? req.param("user") : course_by(req.who);
    if (!valid_username(user))
      return reply(make_error(errc::not_found, "user not found"));
    with_course(env, req, reply, [env, req, reply, op, user](json course, bool manager) {
      course_ref{env.registry, course.value("id", "")}
        .ask(course_enrol_atom::value, course_by(req.who), manager, op, user)
        .then(*env.sys, pass_written_json_text(env, reply));
    });
  };
}

void invite_student(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  auto user = string_field(*body, "user", true);
  if (!user)
    return reply(user.error());
  if (!valid_username(**user))
    return reply(make_error(errc::invalid_argument, "'user' must be a user name"));
  // Only users that exist are invited.
  entity_ref<user_protocol>{env.registry, **user}
    .ask(get_atom::value)
    .then(*env.sys, [env, req, reply, user = **user](caf::expected<user_view> account) mutable {
      if (!account)
        return reply(code_of(account.error()) == errc::not_found
                       ? make_error(errc::not_found, "user '" + user + "' not found")
                       : account.error());
      req.params["user"] = user;
      course_enrol_route(env, "invite")(std::move(req), reply);
    });
}

void my_courses(const node_env& env, route_request&& req, route_reply reply) {
  env.query(std::string{course_queries::of_user}, json{{"user", req.who.name}},
            [reply](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return reply(rows.error());
              reply(route_response::json(200, json{{"courses", *rows}}));
            });
}

}  // namespace

std::string course_by(const runtime::principal& who) { return who.is_admin() ? "" : who.name; }

void course_channel_manager(const node_env& env, const runtime::principal& who,
                            const std::string& channel,
                            std::function<void(caf::expected<std::pair<bool, std::string>>)> done) {
  // The channel's org, when it has one: its roles manage the channel's courses too.
  auto with_org = [env, who, channel, done](bool channel_manager) {
    env.query(
      std::string{orgs_of_channel_query}, json{{"channel", channel}},
      [env, who, done, channel_manager](caf::expected<std::vector<json>> rows) {
        std::string org;
        if (rows && !rows->empty())
          org = rows->front().value("org", "");
        if (channel_manager || org.empty() || !who.is_user())
          return done(std::make_pair(channel_manager, org));
        entity_ref<course_org_protocol>{env.registry, org}
          .ask(org_role_atom::value, who.name)
          .then(*env.sys, [done, org](caf::expected<std::string> role) {
            done(std::make_pair(role && org_role_allows(*role, org_action::create_education), org));
          });
      });
  };
  check_channel_role(env, who, channel, {"broadcaster", "editor"},
                     [with_org, done](caf::error err) {
                       if (!err)
                         return with_org(true);
                       if (code_of(err) == errc::forbidden)
                         return with_org(false);
                       done(err);
                     });
}

void with_course(const node_env& env, const route_request& req, route_reply reply,
                 std::function<void(json course, bool manager)> then) {
  const auto& id = req.param("id");
  if (!valid_course_id(id))
    return reply(unknown_course());
  course_ref{env.registry, id}
    .ask(course_get_atom::value)
    .then(*env.sys, [env, who = req.who, reply, then](caf::expected<std::string> text) {
      if (!text)
        return reply(text.error());
      auto course = json::parse(*text);
      auto channel = course.value("channel", "");
      if (who.is_anonymous() || who.is_guest())
        return then(std::move(course), false);
      course_channel_manager(env, who, channel,
                             [course, then](caf::expected<std::pair<bool, std::string>> m) {
                               then(course, m && m->first);
                             });
    });
}

void add_course_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  auto scoped = [&](http_method m, std::string pattern, access need, route_handler h,
                    std::string summary, std::string scope) {
    routes.add(m, std::move(pattern), need, std::move(h), std::move(summary)).scope = std::move(
      scope);
  };
  scoped(post, "courses", access::user, with_env(env, create_course),
         "creates a course on a channel {\"title\",\"channel\",\"description\"?,\"timezone\"?,"
         "\"enrolment\"?,\"completion\"?,\"instructors\"?,\"assistants\"?} (the channel's owner "
         "and editors, its org's owner, admins and instructors)",
         manage_scope);
  routes.add(get, "courses", access::anyone, with_env(env, list_courses),
             "the course catalogue, newest first: ?channel=&org=&limit=1-200");
  routes.add(get, "courses/{id}", access::anyone, with_caller(env, with_env(env, get_course)),
             "a course with its modules and lessons (times in UTC and local), and the caller's "
             "standing (me)");
  scoped(patch, "courses/{id}", access::user, course_edit_route(env, "patch", 200),
         "changes a course's title, description, timezone, enrolment, completion (managers, "
         "instructors) or its instructors and assistants (managers)",
         manage_scope);
  scoped(post, "courses/{id}/modules", access::user, course_edit_route(env, "module.add", 201),
         "adds a module {\"title\"} (managers, instructors; at most 50)", manage_scope);
  scoped(patch, "courses/{id}/modules/{module}", access::user,
         course_edit_route(env, "module.patch", 200), "renames a module {\"title\"}", manage_scope);
  scoped(del, "courses/{id}/modules/{module}", access::user,
         course_delete_route(env, "module.remove", "module"), "removes a module and its lessons",
         manage_scope);
  scoped(post, "courses/{id}/modules/{module}/lessons", access::user,
         course_edit_route(env, "lesson.add", 201),
         "adds a lesson {\"title\",\"kind\":\"live\"|\"recording\",\"starts_at_ms\" or "
         "\"starts_local\",\"duration_min\",\"min_attendance_pct\"?} or {…,\"vod\"} (at most 50 "
         "per module)",
         manage_scope);
  scoped(patch, "courses/{id}/lessons/{lesson}", access::user,
         course_edit_route(env, "lesson.patch", 200), "changes a lesson (reschedules it)",
         manage_scope);
  scoped(del, "courses/{id}/lessons/{lesson}", access::user,
         course_delete_route(env, "lesson.remove", "lesson"), "removes a lesson", manage_scope);
  routes.add(post, "courses/{id}/enrolment", access::user, course_enrol_route(env, "enrol"),
             "enrols the caller (open), asks to (approval) or accepts an invitation (invite) → "
             "{\"user\",\"status\"}");
  routes.add(del, "courses/{id}/enrolment", access::user, course_enrol_route(env, "leave"),
             "leaves the course, withdraws a request or declines an invitation");
  scoped(post, "courses/{id}/requests/{user}/approve", access::user,
         course_enrol_route(env, "approve"),
         "approves an enrolment request (managers, instructors, assistants)", manage_scope);
  scoped(post, "courses/{id}/requests/{user}/decline", access::user,
         course_enrol_route(env, "decline"),
         "declines an enrolment request (managers, instructors, assistants)", manage_scope);
  scoped(post, "courses/{id}/invitations", access::user, with_env(env, invite_student),
         "invites a user {\"user\"} (managers, instructors)", manage_scope);
  scoped(del, "courses/{id}/students/{user}", access::user, course_enrol_route(env, "remove"),
         "removes a student, request or invitation (managers, instructors)", manage_scope);
  scoped(get, "me/courses", access::user, with_env(env, my_courses),
         "the courses the caller is enrolled in", "user:read");
  add_course_report_routes(routes, env);
}

}  // namespace aethex::actors
