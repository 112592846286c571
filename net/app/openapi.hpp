// The API description (GET /api/v1/openapi.json), generated from the same route table the
// binding serves, so it cannot drift from what the node answers.
#pragma once

#include <nlohmann/json.hpp>

#include "actors/core/route.hpp"

namespace aethex::app {

/// An OpenAPI 3.1 document: one operation per route, with its path parameters, its tag (first
/// path segment), whether it needs a bearer token (and which principal, as x-aethex-access), the
/// OAuth scope an app's token needs (oauth2 security and x-aethex-scope), and the error body.
nlohmann::json openapi_document(const actors::route_table& routes);

}  // namespace aethex::app
