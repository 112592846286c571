// The channel domain's own parts, for its module.cpp; other domains include channel.hpp,
// stream_session.hpp or channel_directory.hpp instead.
#pragma once

#include <cstddef>
#include <span>

#include "actors/channel/channel.hpp"
#include "actors/channel/channel_directory.hpp"
#include "actors/core/console_adapter.hpp"
#include "actors/core/module.hpp"

namespace aethex::actors {

/// The `limit` of a page of channels (directory, discovery views) when not given, and its most.
inline constexpr std::size_t default_channel_page = 50;
inline constexpr std::size_t max_channel_page = 100;

/// channel/<name> in the console: status, create, set-title, set-category, rotate-key, reveal-key.
console::adapter channel_adapter();

/// /api/v1/channels…: directory, one channel, creation (within the account's quota), metadata
/// changes and stream keys (owner), live ingest health.
void add_channel_routes(route_table& routes, const node_env& env);

/// /api/v1/channels/{channel}/ingest, …/stream/end and …/health/history (stream_manager.cpp).
void add_stream_manager_routes(route_table& routes, const node_env& env);
/// The warnings of a session's health samples (oldest first), each {"t","kind","message"}:
/// keyframe_interval (over 4 s, once per run), bitrate_drop (under half of the last minute's
/// average of at least 200 kbps, when it falls) and dropped_frames (more than the sample before).
nlohmann::json health_warnings(std::span<const health_sample> samples);

/// A directory row as the API shows it (directory page and search results).
nlohmann::json directory_row_json(const channel_directory::channel& row);

/// `rows` (directory rows) once the live ones carry their entities' viewers and start time.
void with_live_figures(const node_env& env, nlohmann::json rows,
                       std::function<void(nlohmann::json)> done);
/// Removes what with_live_figures adds for the server's own sorting (trending's growth base).
void drop_internal_figures(nlohmann::json& rows);
/// Answers 200 with `page` once its live "channels" rows carry their live figures (directory
/// pages and search results).
void reply_with_live_figures(const node_env& env, nlohmann::json page, route_reply reply);

/// GET /api/v1/categories, and the directory's sorted views of live channels
/// (`?live=true&sort=viewers|recent|featured|trending&category=…`): discovery.cpp.
void add_discovery_routes(route_table& routes, const node_env& env);
/// Whether GET /api/v1/channels asks for a discovery view (sort or category given); then
/// browse_live answers it.
bool wants_browse(const route_request& req);
void browse_live(const node_env& env, route_request&& req, route_reply reply);
/// "channel.categories" {}: per owned channel with a category, {"category", "name", "live"}
/// aggregated per category: {"category", "channels", "live": [names]}.
nlohmann::json categories_query(storage::sqlite::database& db, const nlohmann::json& args,
                                const owns_fn& owns);
/// "channel.live_rows" {"category"?}: every owned live channel as a directory row.
nlohmann::json live_rows_query(storage::sqlite::database& db, const nlohmann::json& args,
                               const owns_fn& owns);

/// The directory query ("channel.directory"): one page of channels ordered by name.
nlohmann::json directory_page(storage::sqlite::database& db, const nlohmann::json& args,
                              const owns_fn& owns);

}  // namespace aethex::actors
