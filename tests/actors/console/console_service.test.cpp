// The console service over a real registry, channel entities and RocksDB event store: commands
// arrive as words, answers are JSON, bad input gets clear errors.
#include <doctest/doctest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <set>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/channel/channel.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/console/console_service.hpp"
#include "actors/modules.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/errors.hpp"
#include "tests/actors/console/console_run.hpp"

using namespace aethex;
using json = nlohmann::json;

namespace {

// Removed last (declared first): after the actor system and the store are gone.
struct temp_folder {
  std::filesystem::path path = [] {
    static std::atomic<int> counter{0};
    auto dir = std::filesystem::temp_directory_path() /
               ("aethex-console-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir);
    return dir;
  }();
  ~temp_folder() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

struct console_fixture {
  temp_folder folder;
  std::unique_ptr<storage::event_store> store = storage::event_store::open(folder.path);
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  caf::actor registry;
  caf::actor console;

  console_fixture() {
    runtime::entity_kinds kinds;
    actors::add_channel_kind(kinds, *store);
    actors::add_chat_kind(kinds, *store);
    actors::console_config c;
    for (auto& [kind, _] : kinds.factories)
      c.kinds.push_back(kind);
    registry = runtime::spawn_entity_registry(sys, std::move(kinds));
    c.registry = registry;
    c.store = store.get();
    // The adapters of the kinds this registry has (other modules' kinds are not here).
    auto all = actors::console::default_adapters();
    for (auto& kind : c.kinds)
      if (auto* adapter = all.find(kind))
        c.adapters.add(*adapter);
    c.node = {"node-a", "127.0.0.1:8080", 1'000};
    console = actors::spawn_console_service(sys, std::move(c));
  }
  ~console_fixture() { test::stop_console(self, console, registry); }

  caf::expected<json> run(std::vector<std::string> words) {
    return test::run_console(self, console, std::move(words));
  }

  // The one-line error message of a command that must fail with `code`.
  std::string error_of(std::vector<std::string> words, errc code = errc::invalid_argument) {
    auto r = run(std::move(words));
    REQUIRE_FALSE(r);
    CHECK(code_of(r.error()) == code);
    auto message = message_of(r.error());
    CHECK(message.find('\n') == std::string::npos);
    return message;
  }
};

}  // namespace

TEST_CASE("help lists every command with an example, and a kind's commands") {
  console_fixture f;
  auto help = f.run({"help"});
  REQUIRE(help);
  std::set<std::string> names;
  for (auto& c : (*help)["commands"]) {
    names.insert(c["name"].get<std::string>());
    CHECK_FALSE(c["example"].get<std::string>().empty());
  }
  for (auto name : {"help", "ls", "show", "events", "send", "ask", "nodes", "partitions"})
    CHECK(names.count(name) == 1);
  auto channel = f.run({"help", "channel"});
  REQUIRE(channel);
  REQUIRE((*channel)["kinds"].size() == 1);
  std::set<std::string> commands;
  for (auto& c : (*channel)["kinds"][0]["commands"])
    commands.insert(c["name"].get<std::string>());
  CHECK(commands == std::set<std::string>{"create", "reveal-key", "rotate-key", "set-category",
                                          "set-title", "status"});
  auto one = f.run({"help", "set-title"});
  REQUIRE(one);
  CHECK((*one)["kinds"][0]["commands"][0]["usage"] ==
        "send channel/ID set-title <title...> [--as USER]");
  CHECK(f.error_of({"help", "nosuch"}, errc::not_found).find("nosuch") != std::string::npos);
}

TEST_CASE("send and ask drive a channel; show and events read it back") {
  console_fixture f;
  auto key = f.run({"send", "channel/alice", "create", "Alice", "plays", "--as", "alice"});
  REQUIRE(key);
  CHECK((*key)["stream_key"].get<std::string>().rfind("live_alice_", 0) == 0);

  auto status = f.run({"ask", "channel/alice", "status"});
  REQUIRE(status);
  CHECK((*status)["owner"] == "alice");
  CHECK((*status)["title"] == "Alice plays");  // a rest argument joins its words
  CHECK((*status)["live"] == false);

  // --as decides who acts: someone else may not change the channel.
  CHECK(f.error_of({"send", "channel/alice", "set-title", "Hijack", "--as", "mallory"},
                   errc::forbidden)
          .find("owner") != std::string::npos);
  auto updated = f.run({"send", "channel/alice", "set-title", "Speedrun night", "--as", "alice"});
  REQUIRE(updated);
  CHECK((*updated)["title"] == "Speedrun night");

  auto show = f.run({"show", "channel/alice"});
  REQUIRE(show);
  CHECK((*show)["entity"] == "channel/alice");
  CHECK((*show)["version"] == 2);
  CHECK((*show)["state"]["title"] == "Speedrun night");

  auto events = f.run({"events", "channel/alice", "--last", "20"});
  REQUIRE(events);
  auto& list = (*events)["events"];
  REQUIRE(list.size() == 2);
  CHECK(list[0]["seq"] == 1);
  CHECK(list[0]["type"] == "channel.created");
  CHECK(list[0]["payload"]["stream_key"] == "[redacted]");  // secrets never leave as events
  CHECK(list[0]["time"].get<std::string>().size() == 24);
  CHECK(list[1]["type"] == "channel.updated");
  CHECK(list[1]["payload"]["title"] == "Speedrun night");

  auto last = f.run({"events", "channel/alice", "--last", "1"});
  REQUIRE(last);
  REQUIRE((*last)["events"].size() == 1);
  CHECK((*last)["events"][0]["seq"] == 2);
  auto from = f.run({"events", "channel/alice", "--from", "2"});
  REQUIRE(from);
  CHECK((*from)["events"].size() == 1);
  CHECK((*from)["version"] == 2);
  // Followers may wait for a stream that does not exist yet.
  auto future = f.run({"events", "channel/nobody", "--from", "1"});
  REQUIRE(future);
  CHECK((*future)["events"].empty());

  auto rotated = f.run({"send", "channel/alice", "rotate-key"});
  REQUIRE(rotated);
  auto revealed = f.run({"ask", "channel/alice", "reveal-key"});
  REQUIRE(revealed);
  CHECK((*revealed)["stream_key"] == (*rotated)["stream_key"]);
  CHECK((*rotated)["stream_key"] != (*key)["stream_key"]);
}

TEST_CASE("ls lists kinds and entities, live and stored") {
  console_fixture f;
  REQUIRE(f.run({"send", "channel/alice", "create"}));
  REQUIRE(f.run({"send", "channel/bob", "create"}));
  auto kinds = f.run({"ls"});
  REQUIRE(kinds);
  REQUIRE((*kinds)["kinds"].size() == 2);
  CHECK((*kinds)["kinds"][1]["kind"] == "chat");
  CHECK((*kinds)["kinds"][1]["active"] == 0);
  auto& channel = (*kinds)["kinds"][0];
  CHECK(channel["kind"] == "channel");
  CHECK(channel["active"] == 2);
  CHECK(channel["stored"] == 2);
  CHECK(channel["commands"] == 6);

  for (auto word : {"channel/", "channel"}) {
    auto entities = f.run({"ls", word});
    REQUIRE(entities);
    REQUIRE((*entities)["entities"].size() == 2);
    CHECK((*entities)["entities"][0]["id"] == "alice");
    CHECK((*entities)["entities"][0]["active"] == true);
    CHECK((*entities)["entities"][0]["version"] == 1);
  }
  auto prefix = f.run({"ls", "channel/b"});
  REQUIRE(prefix);
  CHECK((*prefix)["entities"].size() == 1);
}

TEST_CASE("nodes and partitions describe the single node") {
  console_fixture f;
  auto nodes = f.run({"nodes"});
  REQUIRE(nodes);
  REQUIRE((*nodes)["nodes"].size() == 1);
  CHECK((*nodes)["nodes"][0]["id"] == "node-a");
  CHECK((*nodes)["nodes"][0]["self"] == true);
  CHECK((*nodes)["nodes"][0]["address"] == "127.0.0.1:8080");
  auto partitions = f.run({"partitions"});
  REQUIRE(partitions);
  CHECK((*partitions)["partitions"][0]["owner"] == "node-a");
}

TEST_CASE("bad input gets one clear line and changes nothing") {
  console_fixture f;
  REQUIRE(f.run({"send", "channel/alice", "create"}));
  CHECK(f.error_of({"frobnicate"}).find("unknown command 'frobnicate'") != std::string::npos);
  CHECK(f.error_of({"ask", "dragon/x", "status"}).find("unknown entity kind 'dragon'") !=
        std::string::npos);
  CHECK(f.error_of({"ask", "alice", "status"}).find("kind/id") != std::string::npos);
  CHECK(f.error_of({"ask", "channel/", "status"}).find("missing id") != std::string::npos);
  CHECK(f.error_of({"ask", "channel/alice", "dance"}).find("unknown query 'dance'") !=
        std::string::npos);
  CHECK(f.error_of({"ask", "channel/alice", "set-title", "x"}).find("use: send") !=
        std::string::npos);
  CHECK(f.error_of({"send", "channel/alice", "set-title"}).find("missing <title>") !=
        std::string::npos);
  CHECK(f.error_of({"ask", "channel/alice", "status", "extra"}).find("too many arguments") !=
        std::string::npos);
  CHECK(f.error_of({"events", "channel/alice", "--last", "x"}).find("whole number") !=
        std::string::npos);
  CHECK(f.error_of({"events", "channel/alice", "--tail", "2"}).find("unknown option --tail") !=
        std::string::npos);
  CHECK(f.error_of({"send", "channel/alice", "create", "--as"}).find("needs a value") !=
        std::string::npos);
  CHECK(f.error_of({"show", "channel/nobody"}, errc::not_found).find("channel/nobody") !=
        std::string::npos);
  CHECK(f.error_of({"events", "channel/nobody"}, errc::not_found).find("no entity") !=
        std::string::npos);
  CHECK(f.error_of({"ask", "channel/nobody", "status"}, errc::not_found).find("not found") !=
        std::string::npos);
  auto events = f.run({"events", "channel/alice"});
  REQUIRE(events);
  CHECK((*events)["events"].size() == 1);
}

TEST_CASE("event payloads are shown with secret fields masked") {
  auto masked = actors::redact_payload(R"({"stream_key":"live_a_1","title":"t","token":"x"})");
  CHECK(masked["stream_key"] == "[redacted]");
  CHECK(masked["token"] == "[redacted]");
  CHECK(masked["title"] == "t");
  CHECK(actors::redact_payload("not json") == "not json");
  CHECK(actors::iso_time(1'700'000'000'123) == "2023-11-14T22:13:20.123Z");
}

TEST_CASE("chat: a bot posts, history and events show it, moderation goes through the room") {
  console_fixture f;
  REQUIRE(f.run({"send", "channel/alice", "create", "--as", "alice"}));
  auto said = f.run({"send", "chat/alice", "say", "hello", "from", "bot", "--as", "bot"});
  REQUIRE(said);
  CHECK((*said)["id"].get<std::uint64_t>() > 0);
  auto history = f.run({"ask", "chat/alice", "history"});
  REQUIRE(history);
  REQUIRE((*history)["messages"].size() == 1);
  CHECK((*history)["messages"][0]["user"] == "bot");
  CHECK((*history)["messages"][0]["text"] == "hello from bot");
  auto events = f.run({"events", "chat/alice"});
  REQUIRE(events);
  REQUIRE((*events)["events"].size() == 1);
  CHECK((*events)["events"][0]["type"] == "chat.message");
  auto info = f.run({"ask", "chat/alice", "info", "--as", "alice"});
  REQUIRE(info);
  CHECK((*info)["role"] == "broadcaster");
  auto show = f.run({"show", "chat/alice"});
  REQUIRE(show);
  CHECK((*show)["version"] == 1);
  CHECK((*show)["state"]["channel"] == "alice");

  REQUIRE(f.run({"send", "chat/alice", "ban", "bot"}));
  CHECK(f.error_of({"send", "chat/alice", "say", "again", "--as", "bot"}, errc::forbidden) ==
        "chat refused (banned): you are banned from this chat");
  CHECK(f.error_of({"send", "chat/alice", "timeout", "bot", "soon"}).find("whole number") !=
        std::string::npos);
  CHECK(f.error_of({"send", "chat/alice", "emote-only", "maybe"}) == "emote-only takes on or off");
  CHECK(f.error_of({"send", "chat/nochannel", "say", "hi"}, errc::not_found).find("not_found") !=
        std::string::npos);
  REQUIRE(f.run({"send", "chat/alice", "slow", "5"}));
  auto after = f.run({"events", "chat/alice", "--last", "1"});
  REQUIRE(after);
  CHECK((*after)["events"][0]["type"] == "chat.settings_changed");
}

TEST_CASE("redaction is by rule: hashes, e-mail and nested secrets never reach the console") {
  // The review found `events user/X` showing password hashes: only exact names were masked.
  auto user = actors::redact_payload(
    R"({"username":"bob","email":"bob@example.com","password_hash":"$argon2id$v=19$...",
        "settings":{"api_token":"t0k3n","theme":"dark"},"keys":[{"SigningKey":"k"}]})",
    "user.signed_up");
  CHECK(user["username"] == "bob");
  CHECK(user["email"] == "[redacted]");
  CHECK(user["password_hash"] == "[redacted]");
  CHECK(user["settings"]["api_token"] == "[redacted]");
  CHECK(user["settings"]["theme"] == "dark");
  CHECK(user["keys"] == "[redacted]");
  for (auto field : {"passphrase", "client_secret", "refresh_token", "stream_key", "KeyId",
                     "credentials", "salted_hash"})
    CHECK_MESSAGE(actors::secret_field_name(field), field);
  for (auto field : {"title", "user", "channel", "text", "badges", "owner_kind"})
    CHECK_MESSAGE(!actors::secret_field_name(field), field);
}
