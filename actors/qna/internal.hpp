// The qna domain's own parts, for its module.cpp; other domains include qna.hpp.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"

namespace aethex::actors {

/// webinars/{webinar}/qa (list, settings, export), …/qa/questions (ask, vote, moderate).
void add_qna_routes(route_table& routes, const node_env& env);

/// qna/<webinar> in the console: get, list, and moderation as the admin.
console::adapter qna_adapter();

/// The export's CSV: a header row and one row per question (RFC 4180 quoting; a cell that a
/// spreadsheet would run as a formula starts with an apostrophe).
std::string qna_csv(const nlohmann::json& questions);

}  // namespace aethex::actors
