// Chat room rules with a real actor system, a real entity registry and a RocksDB store in a temp
// folder. The test itself subscribes as a fan-out, so it sees exactly what every node would get.
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

TEST_CASE("messages are broadcast once per fan-out, in order, with id, author, badges, time") {
  chat_fixture f;
  auto initial = f.subscribe();
  CHECK(initial["type"] == "history");
  CHECK(initial["messages"].empty());
  auto a = f.send("guest:bob", "hello :wave:");
  REQUIRE(a.ok());
  auto b = f.send("alice", "welcome!");
  REQUIRE(b.ok());
  CHECK(b.id > a.id);
  auto first = f.next_frame();
  CHECK(first["type"] == "msg");
  CHECK(first["id"] == a.id);
  CHECK(first["user"] == "guest:bob");
  CHECK(first["text"] == "hello :wave:");
  CHECK(first["badges"].empty());
  CHECK(first["ts"].get<std::int64_t>() > 1700000000000);
  auto second = f.next_frame();
  CHECK(second["user"] == "alice");
  CHECK(second["badges"] == json::array({"broadcaster"}));
  CHECK(f.next_frame(200ms).is_null());  // exactly one copy each

  CHECK(f.send("", "anonymous").code == "sign_in_required");
  CHECK(f.send("guest:bob", "   ").code == "empty");
  CHECK(f.send("guest:bob", std::string(501, 'x')).code == "too_long");
  // 500 code points of a 3-byte character are fine: the limit counts characters, not bytes.
  std::string wide;
  for (int i = 0; i < 500; ++i)
    wide += "\xE2\x9C\x93";
  CHECK(f.send("guest:bob", wide).ok());
  auto missing = f.ask<chat_result>("chat", "nobody", actors::chat_send_atom::value,
                                    who("guest:bob"), std::string{"hi"});
  REQUIRE(missing);
  CHECK(missing->code == "not_found");
}

TEST_CASE("achievement badges a user chose to show go beside their messages, nothing else does") {
  chat_fixture f;
  (void)f.subscribe();
  // What the node's badge service tells a room when a signed-in viewer joins (chat_badges.hpp).
  auto show = [&](const std::string& user, const std::string& badges) {
    f.self->send(f.registry, route_atom::value, std::string{"chat"}, std::string{"alice"},
                 caf::make_message(actors::chat_badges_atom::value, user, badges));
  };
  show("bob", R"(["achievement/chess/first_win", "moderator", "achievement/go/wins_10", 7])");
  REQUIRE(f.send("bob", "gg").ok());
  // Only achievements: a role cannot be claimed this way.
  CHECK(f.next_frame()["badges"] ==
        json::array({"achievement/chess/first_win", "achievement/go/wins_10"}));
  REQUIRE(f.send("guest:carol", "hi").ok());
  CHECK(f.next_frame()["badges"].empty());
  show("bob", "[]");  // the user stopped showing them
  REQUIRE(f.send("bob", "again").ok());
  CHECK(f.next_frame()["badges"].empty());
  show("bob", "not json");
  REQUIRE(f.send("bob", "still fine").ok());
  CHECK(f.next_frame()["badges"].empty());
}

TEST_CASE("roles: the broadcaster makes moderators; moderators delete, time out and ban") {
  chat_fixture f;
  f.subscribe();
  CHECK(f.mod("guest:carol", "ban", "guest:dave").code == "forbidden");
  CHECK(f.mod("guest:bob", "mod", "guest:carol").code == "forbidden");
  REQUIRE(f.mod("alice", "mod", "guest:bob").ok());
  auto modded = f.next_frame();
  CHECK(modded["type"] == "moderation");
  CHECK(modded["action"] == "mod");
  CHECK(f.mod("guest:bob", "ban", "alice").code == "forbidden");  // nobody moderates the owner
  CHECK(f.mod("guest:bob", "mod", "guest:carol").code == "forbidden");  // only the broadcaster

  auto spam = f.send("guest:carol", "buy followers");
  REQUIRE(spam.ok());
  f.next_frame();
  auto del = f.mod("guest:bob", "delete", std::to_string(spam.id));
  REQUIRE(del.ok());
  auto deleted = f.next_frame();
  CHECK(deleted["type"] == "deleted");
  CHECK(deleted["id"] == spam.id);
  CHECK(f.history()["messages"].empty());
  CHECK(f.mod("guest:bob", "delete", "999999").code == "not_found");

  REQUIRE(f.mod("guest:bob", "timeout", "guest:carol", 1).ok());
  auto timeout = f.next_frame();
  CHECK(timeout["action"] == "timeout");
  CHECK(timeout["duration_s"] == 1);
  CHECK(f.send("guest:carol", "let me talk").code == "timed_out");
  f.clock.advance(1100ms);
  CHECK(f.send("guest:carol", "thanks").ok());
  f.next_frame();

  REQUIRE(f.mod("guest:bob", "ban", "guest:carol").ok());
  CHECK(f.next_frame()["action"] == "ban");
  CHECK(f.send("guest:carol", "hello?").code == "banned");
  REQUIRE(f.mod("guest:bob", "unban", "guest:carol").ok());
  CHECK(f.next_frame()["action"] == "unban");
  CHECK(f.send("guest:carol", "back").ok());
  auto badge = f.send("guest:bob", "mod here");
  REQUIRE(badge.ok());
  f.next_frame();
  CHECK(f.next_frame()["badges"] == json::array({"moderator"}));

  // A moderator cannot act against another moderator; the broadcaster can.
  REQUIRE(f.mod("alice", "mod", "guest:erin").ok());
  CHECK(f.mod("guest:bob", "timeout", "guest:erin", 60).code == "forbidden");
  CHECK(f.mod("alice", "timeout", "guest:erin", 60).ok());
  CHECK(f.mod("guest:bob", "timeout", "guest:x", 0).code == "invalid");

  auto info = f.ask<std::string>("chat", "alice", actors::chat_info_atom::value, who("guest:bob"));
  REQUIRE(info);
  CHECK(json::parse(*info)["role"] == "moderator");
  auto none = f.ask<std::string>("chat", "nochannel", actors::chat_info_atom::value,
                                 who("guest:bob"));
  REQUIRE_FALSE(none);
  CHECK(code_of(none.error()) == errc::not_found);
}

TEST_CASE("slow mode, rate limit, emote-only and blocked terms reject with a clear reason") {
  chat_fixture f;
  actors::chat_settings_patch slow;
  slow.slow_s = 1;
  CHECK(f.settings("guest:bob", slow).code == "forbidden");
  REQUIRE(f.settings("alice", slow).ok());
  CHECK(f.send("guest:bob", "one").ok());
  auto too_soon = f.send("guest:bob", "two");
  CHECK(too_soon.code == "slow_mode");
  CHECK(too_soon.message.find("wait") != std::string::npos);
  CHECK(f.send("guest:carol", "others are not held back").ok());
  CHECK(f.send("alice", "the broadcaster is exempt").ok());
  CHECK(f.send("alice", "twice").ok());
  f.clock.advance(1050ms);
  CHECK(f.send("guest:bob", "two").ok());

  actors::chat_settings_patch rate;
  rate.slow_s = 0;
  rate.rate_count = 3;
  rate.rate_window_s = 1;
  REQUIRE(f.settings("alice", rate).ok());
  CHECK(f.send("guest:dan", "1").ok());
  CHECK(f.send("guest:dan", "2").ok());
  CHECK(f.send("guest:dan", "3").ok());
  CHECK(f.send("guest:dan", "4").code == "rate_limited");
  f.clock.advance(1050ms);
  CHECK(f.send("guest:dan", "5").ok());

  actors::chat_settings_patch emote;
  emote.emote_only = 1;
  REQUIRE(f.settings("alice", emote).ok());
  CHECK(f.send("guest:eve", "words").code == "emote_only");
  CHECK(f.send("guest:eve", ":heart: :fire:").ok());
  CHECK(f.send("guest:eve", ":notanemote:").code == "emote_only");
  CHECK(f.send("alice", "the broadcaster may still type").ok());
  emote.emote_only = 0;
  REQUIRE(f.settings("alice", emote).ok());

  actors::chat_settings_patch terms;
  terms.set_blocked_terms = true;
  terms.blocked_terms = {"Spoiler"};
  REQUIRE(f.settings("alice", terms).ok());
  CHECK(f.send("guest:eve", "big SPOILER ahead").code == "blocked_term");
  CHECK(f.send("guest:eve", "no spoilers here").code == "blocked_term");
  CHECK(f.send("guest:eve", "all good").ok());

  actors::chat_settings_patch bad;
  bad.rate_count = 0;
  CHECK(f.settings("alice", bad).code == "invalid");
}

TEST_CASE("followers-only: accounts that followed long enough write; others and guests do not") {
  chat_fixture f;
  actors::chat_settings_patch only;
  only.followers_only = 1;
  only.followers_min_s = 600;
  REQUIRE(f.settings("alice", only).ok());
  auto stranger = f.send("bob", "hi");
  CHECK(stranger.code == "followers_only");
  CHECK(stranger.message.find("follow alice") != std::string::npos);
  CHECK(f.send("guest:eve", "hi").code == "followers_only");  // guests cannot follow
  CHECK(f.send("alice", "the broadcaster is exempt").ok());
  REQUIRE(f.ask<actors::follows_view>("follows", "bob", actors::follow_atom::value,
                                      std::string{"alice"}));
  f.clock.advance(61s);  // past the minute the room remembers bob's follows
  auto young = f.send("bob", "hi");
  CHECK(young.code == "followers_only");
  CHECK(young.message.find("wait 9 more minutes") != std::string::npos);
  f.clock.advance(540s);
  CHECK(f.send("bob", "ten minutes later").ok());
  only.followers_only = 0;
  REQUIRE(f.settings("alice", only).ok());
  CHECK(f.send("guest:eve", "open again").ok());

  actors::chat_settings_patch too_long;
  too_long.followers_min_s = 90 * 24 * 3600 + 1;
  CHECK(f.settings("alice", too_long).code == "invalid");
}

TEST_CASE("history, moderation and settings survive a restart (snapshot + tail)") {
  auto opts = with_guests();
  opts.snapshot_every = 5;
  opts.history = 10;
  chat_fixture f{opts};
  std::vector<std::uint64_t> sent;
  for (int i = 0; i < 14; ++i) {
    auto r = f.send("guest:u" + std::to_string(i), "message " + std::to_string(i));
    REQUIRE(r.ok());
    sent.push_back(r.id);
  }
  REQUIRE(f.mod("alice", "delete", std::to_string(sent[12])).ok());
  REQUIRE(f.mod("alice", "ban", "guest:troll").ok());
  REQUIRE(f.mod("alice", "mod", "guest:bob").ok());
  actors::chat_settings_patch slow;
  slow.slow_s = 30;
  REQUIRE(f.settings("alice", slow).ok());
  auto before = f.history();
  CHECK(before["messages"].size() == 9);  // the last 10 minus the deleted one

  f.restart();
  REQUIRE(f.store->load_snapshot("chat/alice").has_value());
  auto after = f.history();
  CHECK(ids_of(after) == ids_of(before));
  CHECK(after["messages"].back()["text"] == "message 13");
  CHECK(f.send("guest:troll", "I'm back").code == "banned");
  auto info = f.ask<std::string>("chat", "alice", actors::chat_info_atom::value, who("guest:bob"));
  REQUIRE(info);
  auto j = json::parse(*info);
  CHECK(j["role"] == "moderator");
  CHECK(j["settings"]["slow_s"] == 30);
  // Ids keep growing after the restart.
  auto next = f.send("guest:new", "hi");
  REQUIRE(next.ok());
  CHECK(next.id > sent.back());
}

TEST_CASE("a burst of lines is written together: in order, each sender answered once durable") {
  auto opts = with_guests();
  opts.history = 400;
  chat_fixture f{opts};
  constexpr int lines = 300;
  const int appends_before = f.appends.load();
  // Every request goes out before the first answer is awaited: the room meets them as a burst.
  auto ask_room = [&](caf::message command) {
    return f.self->request(f.registry, 10s, route_atom::value, std::string{"chat"},
                           std::string{"alice"}, std::move(command));
  };
  auto id_of = [](auto& answer) {
    std::uint64_t id = 0;
    answer.receive([&](actors::chat_ack& ack) { id = ack.id; },
                   [&](caf::error& err) { FAIL("refused: " << message_of(err)); });
    return id;
  };
  std::vector<decltype(ask_room(caf::message{}))> pending;
  for (int i = 0; i < lines; ++i)
    pending.push_back(ask_room(caf::make_message(actors::chat_send_atom::value, who("alice"),
                                                 "line " + std::to_string(i))));
  std::vector<std::uint64_t> acked;
  for (auto& answer : pending)
    acked.push_back(id_of(answer));
  REQUIRE(acked.size() == lines);
  for (int i = 1; i < lines; ++i)
    CHECK(acked[i] == acked[i - 1] + 1);  // ids follow the order the room showed the lines
  const int appends = f.appends.load() - appends_before;
  MESSAGE(lines << " lines in " << appends << " appends");
  CHECK(appends < lines / 4);
  // Every acknowledged line is stored, in order, with the time it was shown.
  auto before = f.history();
  REQUIRE(before["messages"].size() == lines);
  CHECK(ids_of(before).front() == acked.front());
  CHECK(before["messages"].back()["text"] == "line " + std::to_string(lines - 1));
  f.restart();
  auto after = f.history();
  CHECK(ids_of(after) == ids_of(before));
  for (std::size_t i = 0; i < after["messages"].size(); ++i)
    CHECK(after["messages"][i]["ts"] == before["messages"][i]["ts"]);
  // A write that numbers its own item, met while a line waits, comes after it.
  auto line = ask_room(caf::make_message(actors::chat_send_atom::value, who("alice"),
                                         std::string{"one more"}));
  auto pin = ask_room(caf::make_message(actors::chat_mod_atom::value, who("alice"),
                                        actors::chat_command{"announce", "welcome", 0}));
  auto line_id = id_of(line);
  CHECK(id_of(pin) == line_id + 1);
}

TEST_CASE("reactions are aggregated per window; presence sums the fan-outs") {
  chat_fixture f;
  f.subscribe();
  auto room = f.ask<std::string>("chat", "alice", actors::chat_hist_atom::value);
  REQUIRE(room);
  for (int i = 0; i < 30; ++i)
    f.self->send(f.registry, route_atom::value, std::string{"chat"}, std::string{"alice"},
                 caf::make_message(actors::chat_react_atom::value,
                                   who("guest:v" + std::to_string(i % 3)),
                                   std::string{i % 2 ? "heart" : "fire"}));
  f.self->send(f.registry, route_atom::value, std::string{"chat"}, std::string{"alice"},
               caf::make_message(actors::chat_react_atom::value, who("guest:x"),
                                 std::string{"not-a-reaction"}));
  auto frame = f.next_frame();
  REQUIRE(frame["type"] == "reactions");
  CHECK(frame["counts"]["heart"] == 15);
  CHECK(frame["counts"]["fire"] == 15);
  CHECK(frame["counts"].size() == 2);
  CHECK(f.next_frame(400ms).is_null());  // one frame for the whole burst

  f.self->send(f.registry, route_atom::value, std::string{"chat"}, std::string{"alice"},
               caf::make_message(actors::presence_atom::value, caf::actor{f.self},
                                 std::uint32_t{3}));
  auto presence = f.next_frame();
  CHECK(presence["type"] == "presence");
  CHECK(presence["viewers"] == 3);
}

namespace {

// What a WebSocket would have received: the frames a viewer session and its fan-out pushed.
struct recording_sink : actors::chat_sink {
  std::mutex mu;
  std::vector<json> frames;
  bool push(std::shared_ptr<const std::string> frame) override {
    std::lock_guard lock{mu};
    auto j = json::parse(*frame);
    if (j.is_array())
      for (auto& x : j)
        frames.push_back(x);
    else
      frames.push_back(j);
    return true;
  }
  void close(std::string) override {}
  json wait_for(const std::string& type, std::chrono::milliseconds timeout = 3s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock{mu};
        for (auto& fr : frames)
          if (fr["type"] == type)
            return fr;
      }
      std::this_thread::sleep_for(10ms);
    }
    return nullptr;
  }
  std::size_t count(const std::string& type) {
    std::lock_guard lock{mu};
    return std::count_if(frames.begin(), frames.end(),
                         [&](auto& fr) { return fr["type"] == type; });
  }
};

}  // namespace

TEST_CASE("viewer sessions: guests write, anonymous viewers read, the fan-out delivers") {
  chat_fixture f;
  auto hub = actors::spawn_chat_hub(f.sys, f.registry);
  actors::viewer_context ctx{f.registry, hub, "", f.options, nullptr};
  auto reader_sink = std::make_shared<recording_sink>();
  auto writer_sink = std::make_shared<recording_sink>();
  auto reader = actors::spawn_viewer_session(f.sys, ctx, reader_sink, "test");
  auto writer = actors::spawn_viewer_session(f.sys, ctx, writer_sink, "test");
  auto say = [&](const caf::actor& who, const json& j) {
    f.self->send(who, actors::ws_text_atom::value, j.dump());
  };
  say(reader, {{"type", "join"}, {"channel", "alice"}});
  say(writer, {{"type", "auth"}, {"guest", "bob"}});
  REQUIRE(writer_sink->wait_for("auth_ok")["user"] == "guest:bob");
  say(writer, {{"type", "join"}, {"channel", "alice"}});
  auto reader_history = reader_sink->wait_for("history");
  INFO(json(reader_sink->frames).dump());
  REQUIRE(reader_history.is_object());
  REQUIRE(writer_sink->wait_for("history").is_object());
  CHECK(writer_sink->wait_for("joined")["role"] == "viewer");
  say(reader, {{"type", "send"}, {"text", "can I talk?"}});
  CHECK(reader_sink->wait_for("notice")["code"] == "sign_in_required");
  say(writer, {{"type", "send"}, {"text", "hi all"}});
  auto got = reader_sink->wait_for("msg");
  REQUIRE(got.is_object());
  CHECK(got["user"] == "guest:bob");
  CHECK(got["text"] == "hi all");
  f.self->send(writer, actors::ws_text_atom::value, std::string{"{not json"});
  CHECK(writer_sink->wait_for("error")["code"] == "bad_json");
  auto presence = reader_sink->wait_for("presence");
  REQUIRE(presence.is_object());
  CHECK(presence["viewers"] == 2);
  f.self->send(reader, actors::ws_closed_atom::value);
  f.self->send(writer, actors::ws_closed_atom::value);
  f.self->wait_for(reader, writer);
  f.self->send_exit(hub, caf::exit_reason::user_shutdown);
  f.self->wait_for(hub);
}

TEST_CASE("principals: an account named like the admin has no rights; guests are off by default") {
  chat_fixture f{actors::chat_options{}};  // a node's defaults: rooms start with guests off
  CHECK(f.send("guest:bob", "hi").code == "guests_off");
  // "admin" as an account name (possible before names were reserved) is just a viewer.
  auto squatter = f.ask<chat_result>("chat", "alice", actors::chat_mod_atom::value,
                                     runtime::principal::user("admin"),
                                     actors::chat_command{"ban", "alice", 0});
  REQUIRE(squatter);
  CHECK(squatter->code == "forbidden");
  actors::chat_settings_patch open;
  open.guests = 1;
  CHECK(f.settings("guest:bob", open).code == "forbidden");
  REQUIRE(f.settings("alice", open).ok());
  CHECK(f.send("guest:bob", "hi").ok());
}

TEST_CASE("guests: bans and rate limits follow the address, not the nickname") {
  chat_fixture f;
  auto from = [](const std::string& nick, const std::string& address) {
    return runtime::principal::guest(nick, address);
  };
  auto send_as = [&](const runtime::principal& who, const std::string& text) {
    auto r = f.ask<chat_result>("chat", "alice", actors::chat_send_atom::value, who, text);
    REQUIRE(r);
    return *r;
  };
  REQUIRE(send_as(from("troll", "198.51.100.7"), "first").ok());
  REQUIRE(f.mod("alice", "ban", "guest:troll").ok());
  CHECK(send_as(from("troll2", "198.51.100.7"), "new name").code == "banned");
  CHECK(send_as(from("bystander", "203.0.113.9"), "unaffected").ok());

  actors::chat_settings_patch tight;
  tight.rate_count = 2;
  REQUIRE(f.settings("alice", tight).ok());
  CHECK(send_as(from("a", "192.0.2.50"), "1").ok());
  CHECK(send_as(from("b", "192.0.2.50"), "2").ok());
  CHECK(send_as(from("c", "192.0.2.50"), "3").code == "rate_limited");

  // Restarted from events, the address ban still holds.
  f.restart();
  CHECK(send_as(from("troll3", "198.51.100.7"), "after restart").code == "banned");
}

TEST_CASE("chat events keep the JSON rooms always stored, stamped by the room's clock") {
  chat_fixture f;
  auto sent = f.send("alice", "hi");
  REQUIRE(sent.ok());
  REQUIRE(f.send("guest:bob", "yo").ok());
  REQUIRE(f.mod("alice", "mod", "carol").ok());
  REQUIRE(f.mod("alice", "timeout", "guest:bob", 5).ok());
  REQUIRE(f.mod("alice", "ban", "dave").ok());
  REQUIRE(f.mod("alice", "delete", std::to_string(sent.id)).ok());
  actors::chat_settings_patch slow;
  slow.slow_s = 3;
  REQUIRE(f.settings("alice", slow).ok());

  const auto now = f.clock.now_ms();
  auto events = f.store->read_stream("chat/alice", 1);
  REQUIRE(events.size() == 7);
  for (auto& e : events) {
    CHECK(e.data.schema == 1);
    CHECK(e.data.timestamp_ms == now);  // the manual clock did not move
  }
  CHECK(events[0].data.type == "chat.message");
  CHECK(events[0].data.payload ==
        R"({"badges":["broadcaster"],"id":1,"text":"hi","user":"alice"})");
  CHECK(events[1].data.payload == R"({"badges":[],"id":2,"text":"yo","user":"guest:bob"})");
  CHECK(events[2].data.type == "chat.moderator_added");
  CHECK(events[2].data.payload == R"({"by":"alice","user":"carol"})");
  CHECK(events[3].data.type == "chat.user_timed_out");
  CHECK(events[3].data.payload == R"({"by":"alice","origin":"origin-of-bob","until_ms":)" +
                                    std::to_string(now + 5000) + R"(,"user":"guest:bob"})");
  CHECK(events[4].data.type == "chat.user_banned");
  CHECK(events[4].data.payload == R"({"by":"alice","origin":"","user":"dave"})");
  CHECK(events[5].data.payload == R"({"by":"alice","id":1})");
  CHECK(events[6].data.type == "chat.settings_changed");
  auto settings = json::parse(events[6].data.payload);
  CHECK(settings["slow_s"] == 3);
  CHECK(settings.contains("blocked_terms"));  // the whole settings, terms included
}
