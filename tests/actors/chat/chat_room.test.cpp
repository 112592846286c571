// Chat room rules with a real actor system, a real entity registry and a RocksDB store in a temp
// folder. The test itself subscribes as a fan-out, so it sees exactly what every node would get.
#include "tests/actors/chat/chat_fixture.hpp"

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
