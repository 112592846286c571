// Small pieces every entity actor shares: wall-clock time and idle passivation.
#pragma once

#include <chrono>
#include <cstdint>

#include <caf/all.hpp>

#include "runtime/atoms.hpp"

namespace aethex::actors {

inline std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

/// Idle bookkeeping for an entity: `touch()` on every command; `check()` from the entity's
/// idle_check_atom handler asks the registry to forget the entity once it has been idle for
/// `limit`, then quits; until then it re-arms the timer.
class idle_tracker {
 public:
  idle_tracker(std::chrono::seconds check_every, std::chrono::seconds limit)
      : check_every_(check_every), limit_(limit) {}

  void touch() { last_ = std::chrono::steady_clock::now(); }

  template <class Actor>
  void arm(Actor* self) const {
    self->delayed_send(self, check_every_, idle_check_atom::value);
  }

  /// `keep` holds the entity active regardless of idleness (e.g. a live channel).
  template <class Actor>
  void check(Actor* self, const caf::actor& registry, bool keep = false) const {
    if (keep || std::chrono::steady_clock::now() - last_ < limit_) {
      arm(self);
      return;
    }
    passivate(self, registry);
  }

  /// Asks the registry to forget the entity, then quits. Messages the registry routed before
  /// forgetting it are still in the mailbox and get handled first.
  template <class Actor>
  static void passivate(Actor* self, const caf::actor& registry) {
    self->request(registry, caf::infinite, passivate_atom::value).then([self](passivate_atom) {
      self->quit();
    });
  }

 private:
  std::chrono::seconds check_every_;
  std::chrono::seconds limit_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

/// The handler every entity includes: the registry sends `passivate_atom` when it moves the
/// entity's partition to another node; the entity stops after the messages already queued.
template <class Actor>
auto stop_on_request(Actor* self) {
  return [self](passivate_atom) { self->quit(); };
}

}  // namespace aethex::actors
