// The music domain's own parts, for its files and module.cpp; other domains include music.hpp.
#pragma once

#include <string>
#include <string_view>

#include <caf/expected.hpp>

#include "actors/core/module.hpp"

namespace aethex::actors {

/// music_art/<channel>.<track id> (artwork.cpp); add_music_kinds adds it beside music/<c>.
void add_music_art_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                        const runtime::clock& clock);
/// The entity id of a track's artwork: "<channel>.<track id>".
std::string music_art_entity(std::string_view channel, std::string_view track_id);
/// "png" or "jpeg" for a whole PNG or JPEG image of at most 1 MiB and 4096 px a side (checked by
/// its bytes); unsupported_media_type, payload_too_large or invalid_argument otherwise.
caf::expected<std::string> artwork_format(std::string_view bytes);

/// channels/{channel}/music…, vods/{id}/chapters (routes.cpp).
void add_music_routes(route_table& routes, const node_env& env);

/// music/<channel> in the console: np, queue, play, next, stop, dj (console.cpp).
console::adapter music_adapter();

}  // namespace aethex::actors
