// Who manages a course's channel: its owner and editors (the chat room's roles, as music and
// polls ask), and for a channel of an org, the org's owner, admins and instructors
// (org_role_allows(…, create_education), docs/organisations.md). Shared by the route files.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"

namespace aethex::actors {

/// Calls `done` with whether `who` manages `channel` (the admin always does) and the channel's
/// org ("" when none); an error when the channel does not exist.
void course_channel_manager(const node_env& env, const runtime::principal& who,
                            const std::string& channel,
                            std::function<void(caf::expected<std::pair<bool, std::string>>)> done);

/// Reads course/<id> and whether the caller manages it, then runs `then(course, manager)`;
/// errors go to `reply`.
void with_course(const node_env& env, const route_request& req, route_reply reply,
                 std::function<void(nlohmann::json course, bool manager)> then);

/// The caller's name for the entity ("" for the admin token).
std::string course_by(const runtime::principal& who);

void add_course_report_routes(route_table& routes, const node_env& env);

}  // namespace aethex::actors
