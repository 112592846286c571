// The emotes domain's own parts, for its module.cpp; other domains include emotes.hpp.
#pragma once

#include "actors/core/module.hpp"

namespace aethex::actors {

/// emote_image/<channel>.<id> (emote_image.cpp); add_emote_kinds adds it beside emotes/<c>.
void add_emote_image_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                          const runtime::clock& clock);

/// channels/{channel}/emotes…, emotes/{channel}/{id} (images), admin/emotes.
void add_emote_routes(route_table& routes, const node_env& env);

/// emotes/<channel> in the console: list.
console::adapter emotes_adapter();

}  // namespace aethex::actors
