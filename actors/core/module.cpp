#include "actors/core/module.hpp"

namespace aethex::actors {

void service_directory::add(std::string name, caf::actor actor) {
  std::lock_guard lock(mutex_);
  services_.insert_or_assign(std::move(name), std::move(actor));
}

caf::actor service_directory::find(std::string_view name) const {
  std::lock_guard lock(mutex_);
  auto it = services_.find(name);
  return it == services_.end() ? caf::actor{} : it->second;
}

std::vector<caf::actor> service_directory::all() const {
  std::lock_guard lock(mutex_);
  std::vector<caf::actor> actors;
  for (auto& [_, actor] : services_)
    actors.push_back(actor);
  return actors;
}

}  // namespace aethex::actors
