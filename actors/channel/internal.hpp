// The channel domain's own parts, for its module.cpp; other domains include channel.hpp,
// stream_session.hpp or channel_directory.hpp instead.
#pragma once

#include "actors/channel/channel_directory.hpp"
#include "actors/core/console_adapter.hpp"
#include "actors/core/module.hpp"

namespace aethex::actors {

/// channel/<name> in the console: status, create, set-title, set-category, rotate-key, reveal-key.
console::adapter channel_adapter();

/// /api/v1/channels…: directory, one channel, creation (within the account's quota), metadata
/// changes and stream keys (owner), live ingest health.
void add_channel_routes(route_table& routes, const node_env& env);

/// A directory row as the API shows it (directory page and search results).
nlohmann::json directory_row_json(const channel_directory::channel& row);

/// Answers 200 with `page` once its live "channels" rows carry their entities' viewers and
/// start time (directory pages and search results).
void reply_with_live_figures(const node_env& env, nlohmann::json page, route_reply reply);

/// The directory query ("channel.directory"): one page of channels ordered by name.
nlohmann::json directory_page(storage::sqlite::database& db, const nlohmann::json& args,
                              const owns_fn& owns);

}  // namespace aethex::actors
