// The webinars domain's own parts, for its module.cpp; other domains include webinars.hpp.
#pragma once

#include "actors/core/module.hpp"

namespace aethex::actors {

/// channels/{channel}/webinars, webinars/{id}… (webinar, registration, slides, recording) and
/// vods/{id}/slides (routes.cpp, slide_routes.cpp).
void add_webinar_routes(route_table& routes, const node_env& env);
void add_slide_routes(route_table& routes, const node_env& env);

/// Runs `then(manager)` with whether `who` manages `channel`'s webinars: the admin, the channel's
/// broadcaster and editors, and for an org channel the org's owner, admins and instructors.
void webinar_manager(const node_env& env, const runtime::principal& who, const std::string& channel,
                     std::function<void(bool)> then);

/// webinar/<id> in the console: get.
console::adapter webinar_adapter();

}  // namespace aethex::actors
