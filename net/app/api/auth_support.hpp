// Who is calling, and strict reading of JSON request bodies, shared by the account, user and
// channel route modules.
#pragma once

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <caf/expected.hpp>

#include "actors/user.hpp"
#include "net/app/api/api.hpp"
#include "runtime/principal.hpp"

namespace aethex::app::api {

/// Bearer tokens are 64 lowercase hex characters (256 random bits).
bool well_formed_token(std::string_view token);

/// The one resolver of HTTP callers: the admin principal for the admin token when
/// `allow_admin`, else the user of a valid session. Calls `done` (maybe on another thread) with
/// the principal or an errc::unauthorized / errc::forbidden error.
void authenticate(const http_context& ctx, const net::http::request& req, bool allow_admin,
                  std::function<void(caf::expected<runtime::principal>)> done);

/// A 400 response naming the first key of `body` not in `known`, or nullopt.
std::optional<net::http::response> unknown_field(const json& body,
                                                 std::initializer_list<std::string_view> known);

/// Reads string field `key`: nullopt with `error` set (400) when it has another type, or when it
/// is missing and `required`; nullopt with no error when missing and optional.
std::optional<std::string> string_field(const json& body, const char* key, bool required,
                                        std::optional<net::http::response>& error);

/// A user as JSON; `owner_view` adds the private parts (email, settings).
json user_json(const actors::user_view& user, bool owner_view);

}  // namespace aethex::app::api
