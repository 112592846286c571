// The certificates domain's own parts, for its module.cpp and routes; other domains include
// certificates.hpp.
#pragma once

#include <functional>
#include <string>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"

namespace aethex::actors {

struct issue_result {
  nlohmann::json certificate;
  bool fresh = false;  // issued by this call (false: the user already had it)
};
using issue_done = std::function<void(caf::expected<issue_result>)>;
using manager_done = std::function<void(caf::expected<nlohmann::json>)>;

/// Issues the certificate of `course_id` to `user` when the user's progress meets the course's
/// completion rule; conflict (reason not_completed, saying what is missing) otherwise; the
/// user's existing certificate when there is one (revoked or not).
void issue_certificate(const node_env& env, const std::string& course_id, const std::string& user,
                       issue_done done);

/// The course JSON when `who` manages course `course_id` (the admin; an instructor; the owner
/// of its channel; an org role that may run courses); forbidden or not_found otherwise.
void check_course_manager(const node_env& env, const runtime::principal& who,
                          const std::string& course_id, manager_done done);

/// certificates/{code} (JSON, and .pdf), revoke, me/certificates, courses/{id}/certificates
/// (list, issue), courses/{id}/certificates/claim.
void add_certificate_routes(route_table& routes, const node_env& env);

/// certificate/<code> (get, revoke) and certificates/<course> (codes) in the console.
console::adapter certificate_adapter();
console::adapter certificate_index_adapter();

}  // namespace aethex::actors
