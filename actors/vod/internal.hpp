// The VOD domain's own parts, for its module.cpp and tests; other domains include vod.hpp.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <caf/actor_addr.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"
#include "actors/vod/vod.hpp"

namespace aethex::actors {

/// A VOD as the API shows it (with its file URLs).
nlohmann::json vod_json(const vod_view& v);

/// channels/{channel}/vods, vods/{id} (get, patch, delete, views, progress, chat) and
/// me/continue-watching.
void add_vod_routes(route_table& routes, const node_env& env);

/// What the console adapters need of the running node, filled by the module's start() (the
/// adapters exist before it): the keeper, and publish for the files of deleted VODs.
struct vod_console_slot {
  std::mutex mutex;
  caf::actor_addr keeper;
  std::function<void(std::string topic, std::string payload)> publish;
};

/// vod/<id> in the console: show, rename, privacy, delete.
console::adapter vod_adapter(std::shared_ptr<vod_console_slot> slot);
/// vodkeeper/<any> in the console: sweep (retention now, on the node the console runs on).
console::adapter vod_keeper_adapter(std::shared_ptr<vod_console_slot> slot);

}  // namespace aethex::actors
