// A real entity registry over an event store, asked the way the node asks it. `restart()` drops
// every activation and starts a new registry, so tests can check that state comes back from the
// store: by default the in-memory store (kept across restarts: recovery is tested, durability is
// the storage tests' job), or RocksDB in a temp folder (reopened). Entities read the system clock
// unless the test asks for `clock`, a manual one it advances itself.
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/channel/channel.hpp"
#include "actors/identity/session.hpp"
#include "actors/channel/stream_session.hpp"
#include "actors/identity/user.hpp"
#include "actors/modules.hpp"
#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/errors.hpp"
#include "storage/event_store.hpp"

namespace aethex::test {

/// Asks entity kind/id through `registry` the way the node does (route_atom): the reply as `T`,
/// or the error.
template <class T, class... Ts>
caf::expected<T> ask_entity(caf::scoped_actor& self, const caf::actor& registry,
                            const std::string& kind, const std::string& id, Ts... xs) {
  caf::expected<T> result = caf::error{};
  self
    ->request(registry, std::chrono::seconds(10), route_atom::value, kind, id,
              caf::make_message(std::move(xs)...))
    .receive([&](T& value) { result = std::move(value); },
             [&](caf::error& err) { result = std::move(err); });
  return result;
}

struct entity_fixture_options {
  bool rocksdb = false;       // a real RocksDB store on disk instead of the in-memory one
  bool manual_clock = false;  // entities read `clock` instead of the system clock
};

class entity_fixture {
 public:
  explicit entity_fixture(entity_fixture_options opts = {}) : opts_(opts) {
    static std::atomic<int> counter{0};
    folder_ = std::filesystem::temp_directory_path() /
              ("aethex-entities-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(folder_);
    start();
  }
  ~entity_fixture() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(folder_, ec);
  }
  entity_fixture(const entity_fixture&) = delete;
  entity_fixture& operator=(const entity_fixture&) = delete;

  void restart() {
    stop();
    start();
  }

  template <class T, class... Ts>
  caf::expected<T> ask(const std::string& kind, const std::string& id, Ts... xs) {
    return ask_entity<T>(self, registry, kind, id, std::move(xs)...);
  }

  storage::event_store& events() { return *store; }

  // Starts at the real time so absolute times computed by tests stay meaningful.
  runtime::manual_clock clock{runtime::system_clock().now_ms()};
  std::unique_ptr<storage::event_store> store;
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  caf::actor registry;

 private:
  void start() {
    if (opts_.rocksdb)
      store = storage::event_store::open(folder_ / "events");
    else if (!store)
      store = storage::event_store::in_memory();
    // Every module's kinds, as the node has them: a new domain needs no line here.
    runtime::entity_kinds kinds;
    actors::node_env env;
    env.store = store.get();
    env.config = &config_;
    if (opts_.manual_clock)
      env.clock = &clock;
    for (auto& module : actors::all_modules())
      module->add_kinds(kinds, env);
    registry = runtime::spawn_entity_registry(sys, std::move(kinds));
  }
  void stop() {
    // Activations die with the registry (linked); wait for each before the store they use goes.
    std::vector<caf::actor> activations;
    self->request(registry, std::chrono::seconds(10), list_atom::value)
      .receive(
        [&](std::vector<std::string>& keys) {
          for (auto& key : keys) {
            auto slash = key.find('/');
            self
              ->request(registry, std::chrono::seconds(10), get_atom::value, key.substr(0, slash),
                        key.substr(slash + 1))
              .receive([&](caf::actor& a) { activations.push_back(a); }, [](caf::error&) {});
          }
        },
        [](caf::error&) {});
    self->send_exit(registry, caf::exit_reason::user_shutdown);
    self->wait_for(registry);
    for (auto& a : activations)
      self->wait_for(a);
    registry = nullptr;
    if (opts_.rocksdb)
      store.reset();
  }

  entity_fixture_options opts_;
  std::filesystem::path folder_;
  runtime::node_config config_;
};

}  // namespace aethex::test
