// What the chat's viewer sessions tell the courses domain (docs/education.md, Attendance): a
// signed-in viewer's page joined or left a channel's room. The node-local service of that name
// (actors/courses/presence.cpp) turns the join/leave times into attendance spans of the live
// lessons running on the channel; a node without it ignores nothing (the session sends only
// when the service exists).
#pragma once

#include <string_view>

#include <caf/atom.hpp>

namespace aethex::actors {

inline constexpr std::string_view course_presence_service = "courses.presence";
/// (course_seen_atom, std::string user, std::string channel, bool joined): a signed-in viewer's
/// page joined (true) or left (false) the channel's room.
using course_seen_atom = caf::atom_constant<caf::atom("crsseen")>;

}  // namespace aethex::actors
