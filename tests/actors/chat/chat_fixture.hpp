// The chat room tests' fixture: a real actor system, a real entity registry and a RocksDB store
// in a temp folder; the test subscribes as a fan-out, so it sees exactly what every node would
// get. Shared by chat_room.test.cpp and chat_lines.test.cpp.
#pragma once

#include <doctest/doctest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/channel/channel.hpp"
#include "actors/chat/chat_fanout.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/chat/viewer_session.hpp"
#include "actors/social/follows.hpp"
#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/errors.hpp"

using namespace aethex;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

// What the tests read of a command's answer: the room's ack, or its refusal's reason and message
// (refusals travel as domain errors).
struct chat_result {
  std::string code;
  std::string message;
  std::uint64_t id = 0;
  bool ok() const { return code.empty(); }
};

chat_result outcome_of(caf::expected<actors::chat_ack> r) {
  if (r)
    return {{}, r->message, r->id};
  return {reason_of(r.error()), message_of(r.error()), 0};
}

// Test shorthand for principals: "" anonymous, "admin" the admin, "guest:NICK", else a user.
runtime::principal who(const std::string& name) {
  if (name.empty())
    return runtime::principal::anonymous();
  if (name == "admin")
    return runtime::principal::admin();
  if (name.rfind("guest:", 0) == 0)
    return runtime::principal::guest(name.substr(6), "origin-of-" + name.substr(6));
  return runtime::principal::user(name);
}

// Most rules are the same for guests and users; these tests use guests where rooms allow them.
actors::chat_options with_guests() {
  actors::chat_options options;
  options.guests_default = true;
  return options;
}

struct chat_fixture {
  std::filesystem::path folder = std::filesystem::temp_directory_path() /
                                 ("aethex-chat-test-" + std::to_string(::getpid()));
  actors::chat_options options;
  // Rate windows, slow mode and timeouts run on this clock; the test moves it.
  runtime::manual_clock clock{runtime::system_clock().now_ms()};
  std::unique_ptr<storage::event_store> store;
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  caf::actor registry;
  std::atomic<int> appends{0};  // every append of the store, counted by its observer

  explicit chat_fixture(actors::chat_options opts = with_guests()) : options(opts) {
    options.clock = &clock;
    std::filesystem::remove_all(folder);
    start();
    auto key = ask_channel<std::string>(create_atom::value, runtime::principal::user("alice"),
                                        std::string{"Alice"});
    REQUIRE(key);
  }
  ~chat_fixture() {
    stop();
    std::filesystem::remove_all(folder);
  }

  void start() {
    store = storage::event_store::open(folder);
    store->observe_appends([this](std::chrono::nanoseconds) { ++appends; });
    runtime::entity_kinds kinds;
    actors::add_channel_kind(kinds, *store);
    actors::add_chat_kind(kinds, *store, options);
    actors::add_follows_kind(kinds, *store, clock);
    registry = runtime::spawn_entity_registry(sys, std::move(kinds));
  }
  void stop() {
    std::vector<caf::actor> live;
    self->request(registry, 5s, list_atom::value)
      .receive(
        [&](std::vector<std::string>& keys) {
          for (auto& key : keys) {
            auto slash = key.find('/');
            self
              ->request(registry, 5s, get_atom::value, key.substr(0, slash), key.substr(slash + 1))
              .receive([&](caf::actor& a) { live.push_back(a); }, [](caf::error&) {});
          }
        },
        [](caf::error&) {});
    self->send_exit(registry, caf::exit_reason::user_shutdown);
    self->wait_for(registry);
    for (auto& a : live)
      self->wait_for(a);
    store.reset();
  }
  void restart() {
    stop();
    start();
  }

  template <class T, class... Ts>
  caf::expected<T> ask_channel(Ts... xs) {
    return ask<T>("channel", "alice", xs...);
  }
  template <class T, class... Ts>
  caf::expected<T> ask(const std::string& kind, const std::string& id, Ts... xs) {
    if constexpr (std::is_same_v<T, chat_result>) {
      return outcome_of(ask<actors::chat_ack>(kind, id, xs...));
    } else {
      caf::expected<T> result = caf::error{};
      self->request(registry, 5s, route_atom::value, kind, id, caf::make_message(xs...))
        .receive([&](T& value) { result = std::move(value); },
                 [&](caf::error& err) { result = std::move(err); });
      return result;
    }
  }
  chat_result send(const std::string& user, const std::string& text) {
    auto r = ask<chat_result>("chat", "alice", actors::chat_send_atom::value, who(user), text);
    REQUIRE(r);
    return *r;
  }
  chat_result mod(const std::string& user, std::string action, std::string target,
                  std::int64_t amount = 0) {
    auto r = ask<chat_result>("chat", "alice", actors::chat_mod_atom::value, who(user),
                              actors::chat_command{std::move(action), std::move(target), amount});
    REQUIRE(r);
    return *r;
  }
  chat_result settings(const std::string& user, actors::chat_settings_patch patch) {
    auto r = ask<chat_result>("chat", "alice", actors::chat_set_atom::value, who(user), patch);
    REQUIRE(r);
    return *r;
  }
  json history() {
    auto h = ask<std::string>("chat", "alice", actors::chat_hist_atom::value);
    REQUIRE(h);
    return json::parse(*h);
  }
  /// Subscribes `self` as a fan-out; returns the history frame.
  json subscribe() {
    auto h = ask<std::string>("chat", "alice", actors::chat_sub_atom::value, caf::actor{self});
    REQUIRE(h);
    return json::parse(*h);
  }
  /// Next frame delivered to the subscribed `self`, or null after `timeout`.
  json next_frame(std::chrono::milliseconds timeout = 2s) {
    json out;
    self->receive([&](actors::chat_deliver_atom,
                      const std::string& text) { out = json::parse(text); },
                  caf::after(timeout) >> [] {});
    return out;
  }
};

std::vector<std::uint64_t> ids_of(const json& history) {
  std::vector<std::uint64_t> ids;
  for (auto& m : history["messages"])
    ids.push_back(m["id"].get<std::uint64_t>());
  return ids;
}

}  // namespace
