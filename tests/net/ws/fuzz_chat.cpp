// libFuzzer target: what a chat client sends on /ws after the upgrade. Its bytes are cut into
// frames by the chat socket's parser with the socket's limits, data frames are reassembled into
// messages and UTF-8-checked as net/ws/chat_socket.cpp does, and each text message goes to a real
// viewer session (actors/chat/viewer_session.cpp) over a real chat room, channel and RocksDB store.
// Checks: no crash, and everything the node sends the client is a JSON object with a "type".
//
// The first input byte picks the session's start: fresh, or resumed from parking inside the room
// "alice" (so commands reach the room without waiting for a join). Room state carries over from
// input to input, as it does on a node.
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/channel/channel.hpp"
#include "actors/chat/chat_fanout.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/identity/session.hpp"
#include "actors/identity/user.hpp"
#include "actors/chat/viewer_session.hpp"
#include "net/ws/chat_socket.hpp"
#include "net/ws/ws_frame.hpp"
#include "runtime/atoms.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/secrets.hpp"
#include "storage/event_store.hpp"

namespace {

using namespace aethex;
using namespace std::chrono_literals;
using json = nlohmann::json;

// The admin token a fuzzer may learn from the seed corpus ({"type":"auth","token":…}).
constexpr std::string_view admin_token =
  "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";
constexpr std::size_t max_messages = 30;  // below the session's burst of 40 frames: the end
                                          // marker below is never throttled away

struct checking_sink : actors::chat_sink {
  std::mutex mu;
  std::string awaited;  // ref of the pong the harness waits for
  bool seen = false;
  std::condition_variable cv;

  bool push(actors::chat_frame frame) override {
    auto j = json::parse(*frame, nullptr, false);
    auto check = [](const json& x) {
      if (!x.is_object() || !x.contains("type") || !x["type"].is_string())
        __builtin_trap();  // the chat protocol: every frame is a typed object
    };
    if (j.is_array()) {
      for (auto& x : j)
        check(x);
    } else {
      check(j);
    }
    if (j.is_object() && j["type"] == "pong" && j.contains("ref") && j["ref"] == awaited) {
      std::lock_guard lock{mu};
      seen = true;
      cv.notify_all();
    }
    return true;
  }
  void close(std::string) override {}

  void expect(std::string ref) {
    std::lock_guard lock{mu};
    awaited = std::move(ref);
    seen = false;
  }
  bool wait() {
    std::unique_lock lock{mu};
    return cv.wait_for(lock, 5s, [&] { return seen; });
  }
};

struct chat_node {
  std::filesystem::path folder = std::filesystem::temp_directory_path() /
                                 ("aethex-fuzz-chat-" + std::to_string(::getpid()));
  std::unique_ptr<storage::event_store> store;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<caf::scoped_actor> self;
  caf::actor registry, hub;
  actors::viewer_context ctx;

  chat_node() {
    std::filesystem::remove_all(folder);
    store = storage::event_store::open(folder / "events");
    cfg.set("logger.verbosity", caf::atom("quiet"));
    // Idle CAF workers nap up to 10 ms between polls; each input is a few hops, so short naps
    // make the difference between tens and hundreds of inputs per second.
    cfg.set("scheduler.max-threads", 2);
    cfg.set("work-stealing.moderate-sleep-duration", caf::timespan{20us});
    cfg.set("work-stealing.relaxed-sleep-duration", caf::timespan{200us});
    sys = std::make_unique<caf::actor_system>(cfg);
    self = std::make_unique<caf::scoped_actor>(*sys);
    runtime::entity_kinds kinds;
    actors::add_channel_kind(kinds, *store);
    actors::add_chat_kind(kinds, *store);
    actors::add_user_kind(kinds, *store);
    actors::add_session_kind(kinds, *store);
    registry = runtime::spawn_entity_registry(*sys, std::move(kinds));
    hub = actors::spawn_chat_hub(*sys, registry);
    ctx = actors::viewer_context{registry, hub, runtime::token_digest(admin_token), {}, nullptr};
    (*self)
      ->request(registry, 10s, route_atom::value, std::string{"channel"}, std::string{"alice"},
                caf::make_message(create_atom::value, runtime::principal::user("alice"),
                                  std::string{"Alice"}))
      .receive([](std::string&) {}, [](caf::error&) {});
  }

  // Waits until the session has handled every frame sent so far (a ping answered in order).
  bool sync(const caf::actor& session, checking_sink& sink, const std::string& ref) {
    sink.expect(ref);
    caf::anon_send(session, actors::ws_text_atom::value,
                   json{{"type", "ping"}, {"ref", ref}}.dump());
    return sink.wait();
  }

  // Lets the room answer what the session asked before it: one request through the same
  // registry and room, answered after theirs.
  void drain_room() {
    (*self)
      ->request(registry, 10s, route_atom::value, std::string{"chat"}, std::string{"alice"},
                caf::make_message(actors::chat_info_atom::value, runtime::principal::anonymous()))
      .receive([](std::string&) {}, [](caf::error&) {});
  }
};

chat_node& node() {
  // Never destroyed: the actor system outlives libFuzzer's exit (see LLVMFuzzerInitialize).
  static auto* n = new chat_node;
  return *n;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  node();
  // Skip static teardown at exit: CAF would wait for every actor, and the store is disposable.
  std::atexit([] {
    std::error_code ec;
    std::filesystem::remove_all(node().folder, ec);
    std::_Exit(0);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using net::ws::opcode;
  using status = net::ws::parsed_frame::status;
  if (size == 0)
    return 0;
  auto& n = node();
  auto sink = std::make_shared<checking_sink>();
  actors::viewer_parked resume;
  if (data[0] & 1)
    resume.channel = "alice";
  auto session = actors::spawn_viewer_session(*n.sys, n.ctx, sink, "127.0.0.1:5000", resume);

  // The chat socket's read side: frames off the buffer, messages reassembled, UTF-8 checked.
  const auto max = net::ws::chat_socket_options{}.max_frame_bytes;
  std::string_view rest{reinterpret_cast<const char*>(data + 1), size - 1};
  std::string message;
  std::uint8_t message_op = 0;
  std::size_t sent = 0;
  while (!rest.empty() && sent < max_messages) {
    auto f = net::ws::parse_frame(rest, message.size(), max);
    if (f.result != status::ok)
      break;  // need_more, or the socket closes (1002, 1009)
    rest.remove_prefix(f.consumed);
    if (static_cast<std::uint8_t>(f.op) >= 0x8)
      continue;  // control frames never reach the session
    if (f.op == opcode::continuation) {
      if (!message_op)
        break;
      message += f.payload;
    } else {
      if (message_op)
        break;
      message_op = static_cast<std::uint8_t>(f.op);
      message = std::move(f.payload);
    }
    if (!f.fin)
      continue;
    auto op = static_cast<opcode>(std::exchange(message_op, 0));
    auto text = std::exchange(message, std::string{});
    if (op != opcode::text || !net::ws::valid_utf8(text))
      continue;
    caf::anon_send(session, actors::ws_text_atom::value, std::move(text));
    ++sent;
  }

  // Let the session and the room finish the exchange before the connection closes.
  if (!n.sync(session, *sink, "fuzz-end-1"))
    __builtin_trap();  // the session stopped answering
  n.drain_room();
  if (!n.sync(session, *sink, "fuzz-end-2"))
    __builtin_trap();
  caf::anon_send(session, actors::ws_closed_atom::value);
  (*n.self)->wait_for(session);
  return 0;
}
