// The VOD keeper: a node-local service ("vod.keeper") that owns this node's VOD folders on disk.
//  - (publish_atom, "vod.keeper", id): a VOD was deleted somewhere in the cluster; removes
//    <data>/vod/<id>/ if this node holds it (every member hears it, via node_env::publish).
//  - (vod_expire_atom) -> std::uint64_t: a retention sweep now; deletes (as the admin) every VOD
//    whose files are on this node and whose expiry has passed on env.clock, removes its folder,
//    and answers how many it deleted. The keeper runs one itself every `sweep_every` (the
//    first a minute after it starts).
#pragma once

#include <chrono>
#include <string_view>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>

#include "actors/core/module.hpp"

namespace aethex::actors {

using vod_expire_atom = caf::atom_constant<caf::atom("vodexpire")>;

inline constexpr std::string_view vod_keeper_name = "vod.keeper";  // service and publish topic
inline constexpr std::chrono::hours sweep_every{1};

caf::actor spawn_vod_keeper(caf::actor_system& sys, const node_env& env,
                            std::chrono::milliseconds period = sweep_every);

/// Removes <data_dir>/vod/<id>/ when `id` is a valid VOD id and the folder exists; true when it
/// removed one.
bool remove_vod_files(const std::filesystem::path& data_dir, std::string_view id);

}  // namespace aethex::actors
