// A real entity registry over a real RocksDB event store in a temp folder, asked the way the
// node asks it. `restart()` drops every activation and the store, then reopens both, so tests
// can check that state comes back from disk.
#pragma once

#include <unistd.h>

#include <atomic>
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
#include "runtime/entity_registry.hpp"
#include "runtime/errors.hpp"
#include "storage/event_store.hpp"

namespace aethex::test {

class entity_fixture {
 public:
  entity_fixture() {
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
    caf::expected<T> result = caf::error{};
    self->request(registry, std::chrono::seconds(10), route_atom::value, kind, id,
                  caf::make_message(std::move(xs)...))
      .receive([&](T& value) { result = std::move(value); },
               [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  storage::event_store& events() { return *store; }

  std::unique_ptr<storage::event_store> store;
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  caf::actor registry;

 private:
  void start() {
    store = storage::event_store::open(folder_ / "events");
    // Every module's kinds, as the node has them: a new domain needs no line here.
    runtime::entity_kinds kinds;
    actors::node_env env;
    env.store = store.get();
    env.config = &config_;
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
            self->request(registry, std::chrono::seconds(10), get_atom::value,
                          key.substr(0, slash), key.substr(slash + 1))
              .receive([&](caf::actor& a) { activations.push_back(a); }, [](caf::error&) {});
          }
        },
        [](caf::error&) {});
    self->send_exit(registry, caf::exit_reason::user_shutdown);
    self->wait_for(registry);
    for (auto& a : activations)
      self->wait_for(a);
    registry = nullptr;
    store.reset();
  }

  std::filesystem::path folder_;
  runtime::node_config config_;
};

}  // namespace aethex::test
