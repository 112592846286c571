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

route_handler with_caller(const node_env& env, route_handler handler) {
  return [env, handler](route_request&& req, route_reply reply) {
    if (req.bearer.empty() || !req.who.is_anonymous() || !env.resolve_bearer)
      return handler(std::move(req), std::move(reply));
    auto token = req.bearer;
    env.resolve_bearer(std::move(token), [handler, req = std::move(req),
                                          reply](caf::expected<runtime::principal> who) mutable {
      if (who)
        req.who = std::move(*who);
      handler(std::move(req), std::move(reply));
    });
  };
}

}  // namespace aethex::actors
