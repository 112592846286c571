// Asks an entity through the registry from non-actor code (Asio handlers) without blocking:
// a short-lived actor makes the request and hands the reply to a callback.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include <caf/all.hpp>

#include "runtime/atoms.hpp"

namespace aethex::app {

inline constexpr auto ask_timeout = std::chrono::seconds(10);

/// Sends `inner` to entity kind/id and calls `done` (on a CAF thread) with the reply of type T.
template <class T>
void ask_entity(caf::actor_system& sys, const caf::actor& registry, std::string kind,
                std::string id, caf::message inner, std::function<void(caf::expected<T>)> done) {
  sys.spawn([registry, kind = std::move(kind), id = std::move(id), inner = std::move(inner),
             done = std::move(done)](caf::event_based_actor* self) mutable {
    self->request(registry, ask_timeout, route_atom::value, kind, id, std::move(inner))
      .then([done](T& reply) { done(std::move(reply)); },
            [done](caf::error& err) { done(std::move(err)); });
  });
}

}  // namespace aethex::app
