// The clip domain's own parts, for its module.cpp and tests; other domains include clip.hpp.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/clip/clip.hpp"
#include "actors/core/module.hpp"

namespace aethex::actors {

/// A clip as the API shows it: the view plus its links ("url" only once it is ready).
nlohmann::json clip_json(const clip_view& c);

/// Clips made per user and minute (node-local; the admin token is not limited).
inline constexpr unsigned clips_per_minute = 10;

/// clips (create, trending), clips/{id} (get, patch, delete, like, views) and
/// channels/{channel}/clips.
void add_clip_routes(route_table& routes, const node_env& env);

/// What the console adapter needs of the running node, filled by the module's start() (the
/// adapters exist before it): publish, for the files of deleted clips.
struct clip_console_slot {
  std::mutex mutex;
  std::function<void(std::string topic, std::string payload)> publish;
};

/// clip/<id> in the console: get, rename, delete.
console::adapter clip_adapter(std::shared_ptr<clip_console_slot> slot);

/// The payload that tells the renderers to remove a clip's file.
inline std::string clip_delete_payload(const std::string& id) {
  return nlohmann::json{{"delete", id}}.dump();
}

}  // namespace aethex::actors
