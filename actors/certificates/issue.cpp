// Issuing a certificate (docs/education.md, section Certificates): the course's progress for the
// user is checked against the course's completion rule, the index certificates/<course> gives
// the user's one code (the same for ever), and certificate/<code> is issued (idempotent). Who
// manages a course is decided here too, for revocation and the managers' routes.
#include <memory>
#include <utility>

#include <caf/all.hpp>

#include "actors/certificates/certificates.hpp"
#include "actors/certificates/internal.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/core/text.hpp"
#include "actors/courses/access.hpp"
#include "actors/courses/courses.hpp"
#include "actors/identity/user.hpp"
#include "actors/orgs/orgs.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

// org/<slug> answers JSON text (actors/orgs/orgs.hpp); this names the ask for entity_ref.
struct org_ask_protocol {
  static constexpr std::string_view kind = "org";
  static std::string reply_to(org_get_atom);
};

using course_ref = entity_ref<course_protocol>;
using cert_ref = entity_ref<certificate_protocol>;
using index_ref = entity_ref<certificate_index_protocol>;

// Shortened to what a certificate holds, whole code points only.
std::string cert_clipped(const std::string& text, std::size_t max) {
  if (utf8_length(text) <= max)
    return text;
  std::string out;
  std::size_t points = 0;
  for (char c : text) {
    bool starts_point = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (starts_point && ++points > max)
      break;
    out += c;
  }
  return out;
}

// Steps 3–4: the code from the index, then the certificate on it; once more with a fresh code
// when the drawn one was somebody else's (60 random bits: practically never).
void issue_on_code(const node_env& env, json details, bool retry, issue_done done) {
  auto user = details.value("user", "");
  index_ref{env.registry, details.value("course", "")}
    .ask(cert_assign_atom::value, user)
    .then(*env.sys, [env, details, retry, done](caf::expected<std::string> text) {
      if (!text)
        return done(text.error());
      auto assigned = json::parse(*text);
      auto code = assigned.value("code", "");
      cert_ref{env.registry, code}
        .ask(cert_issue_atom::value, details.dump())
        .then(*env.sys, [env, details, retry, done, code,
                         fresh = assigned.value("new", false)](caf::expected<std::string> cert) {
          if (!cert && retry && reason_of(cert.error()) == "code_taken") {
            index_ref{env.registry, details.value("course", "")}
              .ask(cert_reassign_atom::value, details.value("user", ""), code)
              .then(*env.sys, [env, details, done](caf::expected<std::string> again) {
                if (!again)
                  return done(again.error());
                issue_on_code(env, details, false, done);
              });
            return;
          }
          if (!cert)
            return done(cert.error());
          env.read_models_changed();
          done(issue_result{json::parse(*cert), fresh});
        });
    });
}

// Step 2: the issuer's name — the org's display name for an org's course, else the channel.
void issue_with_issuer(const node_env& env, json details, const json& course, issue_done done) {
  auto org = course.value("org", json(nullptr));
  auto channel = course.value("channel", "");
  if (!org.is_string() || org.get<std::string>().empty()) {
    details["issuer"] = channel;
    return issue_on_code(env, std::move(details), true, std::move(done));
  }
  entity_ref<org_ask_protocol>{env.registry, org.get<std::string>()}
    .ask(org_get_atom::value)
    .then(*env.sys, [env, details, channel, done](caf::expected<std::string> text) mutable {
      std::string issuer = channel;
      if (text) {
        auto j = json::parse(*text, nullptr, false);
        if (j.is_object()) {
          auto branding = j.value("branding", json::object());
          auto name = branding.is_object() ? branding.value("display_name", "") : "";
          issuer = !name.empty() ? name : j.value("name", channel);
        }
      }
      details["issuer"] = cert_clipped(issuer, certificate_limits::display_name_max);
      issue_on_code(env, std::move(details), true, std::move(done));
    });
}

}  // namespace

void issue_certificate(const node_env& env, const std::string& course_id, const std::string& user,
                       issue_done done) {
  course_ref{env.registry, course_id}
    .ask(course_get_atom::value)
    .then(*env.sys, [env, course_id, user, done](caf::expected<std::string> course_text) {
      if (!course_text)
        return done(course_text.error());
      auto course = json::parse(*course_text);
      course_ref{env.registry, course_id}
        .ask(course_progress_atom::value, user)
        .then(*env.sys, [env, course, course_id, user, done](caf::expected<std::string> progress) {
          if (!progress)
            return done(progress.error());
          auto shortfall = completion_shortfall(course.value("completion", json::object()),
                                                json::parse(*progress));
          if (!shortfall.empty())
            return done(make_error(errc::conflict, "not completed: " + shortfall, "not_completed"));
          entity_ref<user_protocol>{env.registry, user}
            .ask(get_atom::value)
            .then(*env.sys, [env, course, course_id, user, done](caf::expected<user_view> who) {
              if (!who)
                return done(who.error());
              auto name = who->display_name.empty() ? who->username : who->display_name;
              json details{
                {"course", course_id},
                {"title", course.value("title", "")},
                {"user", user},
                {"display_name", cert_clipped(name, certificate_limits::display_name_max)},
                {"timezone", course.value("timezone", "UTC")}};
              issue_with_issuer(env, std::move(details), course, done);
            });
        });
    });
}

void check_course_manager(const node_env& env, const runtime::principal& who,
                          const std::string& course_id, manager_done done) {
  course_ref{env.registry, course_id}
    .ask(course_get_atom::value)
    .then(*env.sys, [env, who, done](caf::expected<std::string> text) {
      if (!text)
        return done(text.error());
      auto course = json::parse(*text);
      if (who.is_admin())
        return done(course);
      auto forbidden = make_error(errc::forbidden, "only the course's managers may do this");
      if (!who.is_user())
        return done(forbidden);
      for (const auto& instructor : course.value("instructors", json::array()))
        if (instructor.is_string() && instructor.get<std::string>() == who.name)
          return done(course);
      // Through the channel (its owner and editors) or its org, as the courses domain decides.
      course_channel_manager(env, who, course.value("channel", ""),
                             [course, done,
                              forbidden](caf::expected<std::pair<bool, std::string>> manager) {
                               if (manager && manager->first)
                                 return done(course);
                               done(forbidden);
                             });
    });
}

}  // namespace aethex::actors
