// A console backend that runs node commands on a real console service in this process (real
// registry, channel entities and RocksDB store in a temp folder), so interpreter and completion
// tests exercise the same command handling as a node without HTTP.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include <caf/all.hpp>

#include "actors/channel/channel.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/console/console_service.hpp"
#include "actors/modules.hpp"
#include "net/console/interpreter.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/errors.hpp"

namespace aethex::test {

class service_backend final : public console::backend {
 public:
  service_backend() {
    store_ = storage::event_store::open(folder_.path);
    runtime::entity_kinds kinds;
    actors::add_channel_kind(kinds, *store_);
    actors::add_chat_kind(kinds, *store_);
    actors::console_config c;
    for (auto& [kind, _] : kinds.factories)
      c.kinds.push_back(kind);
    registry_ = runtime::spawn_entity_registry(sys_, std::move(kinds));
    c.registry = registry_;
    c.store = store_.get();
    c.adapters = actors::console::default_adapters();
    c.node = {"test-node", "127.0.0.1:0", 0};
    console_ = actors::spawn_console_service(sys_, std::move(c));
  }

  ~service_backend() override {
    self_->send_exit(console_, caf::exit_reason::user_shutdown);
    self_->send_exit(registry_, caf::exit_reason::user_shutdown);
    self_->wait_for(console_, registry_);
  }

  console::command_result run(const std::vector<std::string>& words) override {
    ++calls;
    console::command_result r;
    self_->request(console_, std::chrono::seconds(10), actors::console_atom::value, words)
      .receive([&](std::string& text) { r.result = console::json::parse(text); },
               [&](caf::error& err) {
                 r.status = console::command_result::outcome::failed;
                 r.error_code = to_string(code_of(err));
                 r.message = message_of(err);
               });
    return r;
  }

  // Follows by polling `events --from`, as the node's WebSocket does.
  console::command_result tail(const console::tail_request& req, const std::atomic<bool>& stop,
                               const std::function<void(const console::json&)>& on_event) override {
    auto head = run({"events", req.target, "--last", std::to_string(req.last.value_or(0))});
    std::uint64_t seen = 0;
    std::uint64_t next = 1;
    if (head.ok()) {
      for (auto& ev : head.result["events"])
        if (!req.count || seen < *req.count) {
          on_event(ev);
          ++seen;
        }
      next = head.result["version"].get<std::uint64_t>() + 1;
    } else if (head.error_code != "not_found") {
      return head;
    }
    auto deadline = std::chrono::steady_clock::now() +
                    req.duration.value_or(std::chrono::milliseconds{60'000});
    while (!stop && std::chrono::steady_clock::now() < deadline &&
           (!req.count || seen < *req.count)) {
      auto page = run({"events", req.target, "--from", std::to_string(next)});
      if (!page.ok())
        return page;
      for (auto& ev : page.result["events"]) {
        if (req.count && seen >= *req.count)
          break;
        on_event(ev);
        ++seen;
        next = ev["seq"].get<std::uint64_t>() + 1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return {};
  }

  int calls = 0;

 private:
  // Declared first so it is removed last, after the actor system and the store are gone.
  struct temp_folder {
    std::filesystem::path path = [] {
      static std::atomic<int> counter{0};
      auto dir = std::filesystem::temp_directory_path() /
                 ("aethex-console-backend-" + std::to_string(::getpid()) + "-" +
                  std::to_string(counter++));
      std::filesystem::remove_all(dir);
      return dir;
    }();
    ~temp_folder() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  } folder_;
  std::unique_ptr<storage::event_store> store_;
  caf::actor_system_config cfg_;
  caf::actor_system sys_{cfg_};
  caf::scoped_actor self_{sys_};
  caf::actor registry_;
  caf::actor console_;
};

}  // namespace aethex::test
