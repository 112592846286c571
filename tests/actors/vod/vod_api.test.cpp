// The VOD routes over a node without front ends (tests/actors/api_node.hpp): listing newest first,
// privacy (a hidden VOD is 404, never 403), owner-only changes, deletion and retention removing the
// files, the chat replay of a real chat room after moderation, and continue watching.
#include <doctest/doctest.h>

#include <fstream>
#include <thread>

#include "actors/channel/channel.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/social/follows.hpp"
#include "actors/vod/vod.hpp"
#include "actors/vod/vod_keeper.hpp"
#include "actors/vod/vod_files.hpp"
#include "tests/actors/api_node.hpp"

// Its own namespace: a folder's test files are compiled as one unit (tests/CMakeLists.txt).
namespace vod_api_suite {

using namespace aethex;
using namespace aethex::actors;
using namespace std::chrono_literals;
using json = nlohmann::json;
using enum aethex::actors::http_method;

namespace {

constexpr std::int64_t day_ms = 86'400'000;
const auto alice = runtime::principal::user("alice");  // owns channel alice
const auto bob = runtime::principal::user("bob");      // follows alice
const auto carl = runtime::principal::user("carl");
const auto nobody = runtime::principal::anonymous();
const auto admin = runtime::principal::admin();

struct vod_api {
  test::api_node node{{"vod"}, {"vod"}};

  vod_api() {
    REQUIRE(node.ask<std::string>("channel", "alice", create_atom::value, alice,
                                  std::string{"Alice"}));
    REQUIRE(node.ask<follows_view>("follows", "bob", follow_atom::value, std::string{"alice"}));
  }

  void record(const std::string& id, std::int64_t started_at_ms, std::int64_t duration_ms,
              std::uint32_t retention_days = default_vod_retention_days) {
    vod_recording r;
    r.channel = "alice";
    r.title = "stream " + id;
    r.category = "Games";
    r.node = "n1";
    r.started_at_ms = started_at_ms;
    r.retention_days = retention_days;
    r.duration_ms = duration_ms;
    r.bytes = 1000;
    r.finished = true;
    REQUIRE(node.ask<vod_view>("vod", id, vod_record_atom::value, r));
  }
  void set_privacy(const std::string& id, const std::string& privacy) {
    REQUIRE(node.call(patch, "vods/" + id, alice, json{{"privacy", privacy}}).status == 200);
  }
  std::vector<std::string> listed(const runtime::principal& who) {
    auto answer = node.call(get, "channels/alice/vods", who);
    REQUIRE(answer.status == 200);
    std::vector<std::string> ids;
    for (auto& v : answer.body["vods"])
      ids.push_back(v["id"]);
    return ids;
  }
  std::filesystem::path files_of(const std::string& id) {
    auto dir = actors::vod_files::dir(node.config.data_dir, id);
    std::filesystem::create_directories(dir);
    std::ofstream{dir / actors::vod_files::media} << "not really an mp4";
    return dir;
  }
  std::uint64_t sweep() {
    std::uint64_t deleted = 0;
    node.self->request(node.env.services->find(vod_keeper_name), 10s, vod_expire_atom::value)
      .receive([&](std::uint64_t n) { deleted = n; },
               [](caf::error& err) { FAIL(message_of(err)); });
    return deleted;
  }
  chat_ack say(const runtime::principal& who, const std::string& text) {
    auto ack = node.ask<chat_ack>("chat", "alice", chat_send_atom::value, who, text);
    REQUIRE(ack);
    return *ack;
  }
  void moderate(const std::string& action, const std::string& target) {
    REQUIRE(node.ask<chat_ack>("chat", "alice", chat_mod_atom::value, alice,
                               chat_command{action, target, 0}));
  }
};

bool eventually_gone(const std::filesystem::path& dir) {
  for (int i = 0; i < 200 && std::filesystem::exists(dir); ++i)
    std::this_thread::sleep_for(10ms);
  return !std::filesystem::exists(dir);
}

}  // namespace

TEST_CASE("a channel's VODs are listed newest first, each caller seeing what privacy allows") {
  vod_api t;
  auto now = t.node.clock.now_ms();
  t.record("00000000000a", now - 3 * 3'600'000, 61'500);
  t.record("00000000000b", now - 2 * 3'600'000, 1000);
  t.record("00000000000c", now - 1 * 3'600'000, 1000);
  t.record("00000000000d", now - 4 * 3'600'000, 1000);
  t.set_privacy("00000000000b", "private");
  t.set_privacy("00000000000c", "followers");
  t.set_privacy("00000000000d", "subscribers");

  using ids = std::vector<std::string>;
  CHECK(t.listed(alice) == ids{"00000000000c", "00000000000b", "00000000000a", "00000000000d"});
  CHECK(t.listed(admin) == ids{"00000000000c", "00000000000b", "00000000000a", "00000000000d"});
  CHECK(t.listed(bob) == ids{"00000000000c", "00000000000a"});
  CHECK(t.listed(carl) == ids{"00000000000a"});
  CHECK(t.listed(nobody) == ids{"00000000000a"});
  auto one = t.node.call(get, "channels/alice/vods?limit=1", alice);
  REQUIRE(one.body["vods"].size() == 1);
  CHECK(one.body["vods"][0]["id"] == "00000000000c");
  CHECK(t.node.call(get, "channels/alice/vods?limit=0", alice).error == errc::invalid_argument);
  CHECK(t.node.call(get, "channels/nosuch/vods", alice).error == errc::not_found);

  auto vod = t.node.call(get, "vods/00000000000a", nobody);
  REQUIRE(vod.status == 200);
  CHECK(vod.body == json{{"id", "00000000000a"},
                         {"channel", "alice"},
                         {"title", "stream 00000000000a"},
                         {"category", "Games"},
                         {"started_at_ms", now - 3 * 3'600'000},
                         {"duration_ms", 61'500},
                         {"duration_s", 61.5},
                         {"bytes", 1000},
                         {"privacy", "public"},
                         {"state", "ready"},
                         {"views", 0},
                         {"expires_at_ms", now - 3 * 3'600'000 + 14 * day_ms},
                         {"hls", "/vod/00000000000a/index.m3u8"},
                         {"download", "/vod/00000000000a/media.mp4?download=1"},
                         {"poster", "/vod/00000000000a/poster.jpg"}});
}

TEST_CASE("a VOD the caller may not see is not found; only the channel owner changes one") {
  vod_api t;
  auto now = t.node.clock.now_ms();
  t.record("0000000000a1", now, 1000);
  t.record("0000000000a2", now, 1000);
  t.record("0000000000a3", now, 1000);
  t.set_privacy("0000000000a2", "private");
  t.set_privacy("0000000000a3", "followers");

  // Private: its owner and the admin only; to everyone else it does not exist. Its file links
  // carry a signed query: players and downloads cannot send the caller's token.
  auto hidden = t.node.call(get, "vods/0000000000a2", alice);
  REQUIRE(hidden.status == 200);
  for (auto link : {"hls", "download", "poster"}) {
    auto url = hidden.body[link].get<std::string>();
    auto exp = url.find("exp="), sig = url.find("&sig=");
    REQUIRE(exp != std::string::npos);
    REQUIRE(sig != std::string::npos);
    CHECK(actors::vod_files::signature_valid(t.node.env.admin_token_digest, "0000000000a2",
                                             url.substr(sig + 5),
                                             url.substr(exp + 4, sig - exp - 4),
                                             t.node.clock.now_ms()));
    CHECK_FALSE(actors::vod_files::signature_valid(t.node.env.admin_token_digest, "0000000000a1",
                                                   url.substr(sig + 5),
                                                   url.substr(exp + 4, sig - exp - 4),
                                                   t.node.clock.now_ms()));
  }
  CHECK(hidden.body["hls"].get<std::string>().starts_with("/vod/0000000000a2/index.m3u8?exp="));
  CHECK(t.node.call(get, "vods/0000000000a2", admin).status == 200);
  CHECK(t.node.call(get, "vods/0000000000a2", bob).error == errc::not_found);
  CHECK(t.node.call(get, "vods/0000000000a2", nobody).error == errc::not_found);
  CHECK(t.node.call(patch, "vods/0000000000a2", carl, json{{"title", "x"}}).error ==
        errc::not_found);
  CHECK(t.node.call(del, "vods/0000000000a2", carl).error == errc::not_found);
  CHECK(t.node.call(post, "vods/0000000000a2/views", carl).error == errc::not_found);
  CHECK(t.node.call(get, "vods/0000000000a2/chat", carl).error == errc::not_found);
  // Followers-only: a follower sees it, others do not.
  CHECK(t.node.call(get, "vods/0000000000a3", bob).status == 200);
  CHECK(t.node.call(get, "vods/0000000000a3", carl).error == errc::not_found);
  CHECK(t.node.call(get, "vods/0000000000a3", nobody).error == errc::not_found);
  // Seen but not owned: 403.
  CHECK(t.node.call(patch, "vods/0000000000a1", carl, json{{"title", "mine"}}).error ==
        errc::forbidden);
  CHECK(t.node.call(del, "vods/0000000000a3", bob).error == errc::forbidden);
  CHECK(t.node.call(get, "vods/ffffffffffff", alice).error == errc::not_found);
  CHECK(t.node.call(get, "vods/..%2F..%2Fetc", alice).error == errc::not_found);

  auto renamed = t.node.call(patch, "vods/0000000000a1", alice, json{{"title", "Finals"}});
  REQUIRE(renamed.status == 200);
  CHECK(renamed.body["title"] == "Finals");
  CHECK(t.node.call(patch, "vods/0000000000a1", alice, json{{"color", "red"}}).error ==
        errc::invalid_argument);
  CHECK(t.node.call(patch, "vods/0000000000a1", alice, json{{"privacy", "friends"}}).error ==
        errc::invalid_argument);
  CHECK(t.node.call(post, "vods/0000000000a1/views", nobody).body == json{{"views", 1}});
  CHECK(t.node.call(post, "vods/0000000000a1/views", carl).body == json{{"views", 2}});
  CHECK(t.node.call(get, "vods/0000000000a1", carl).body["views"] == 2);
}

TEST_CASE("deleting a VOD removes it and, through the keeper, its files") {
  vod_api t;
  t.record("0000000000d1", t.node.clock.now_ms(), 1000);
  auto dir = t.files_of("0000000000d1");
  CHECK(t.node.call(del, "vods/0000000000d1", alice).body == json{{"deleted", true}});
  CHECK(eventually_gone(dir));
  CHECK(t.node.call(get, "vods/0000000000d1", alice).error == errc::not_found);
  CHECK(t.listed(alice).empty());
  CHECK(t.node.call(del, "vods/0000000000d1", alice).error == errc::not_found);
}

TEST_CASE("retention deletes expired VODs and their folders on the injected clock") {
  vod_api t;
  auto now = t.node.clock.now_ms();
  t.record("0000000000e1", now - 15 * day_ms, 1000, 14);  // expired a day ago
  t.record("0000000000e2", now - 1 * day_ms, 1000, 14);   // 13 days left
  auto expired = t.files_of("0000000000e1");
  auto kept = t.files_of("0000000000e2");

  CHECK(t.sweep() == 1);
  CHECK_FALSE(std::filesystem::exists(expired));
  CHECK(std::filesystem::exists(kept / actors::vod_files::media));
  auto gone = t.node.ask<vod_view>("vod", "0000000000e1", get_atom::value);
  REQUIRE_FALSE(gone);
  CHECK(code_of(gone.error()) == errc::not_found);
  CHECK(t.node.ask<vod_view>("vod", "0000000000e2", get_atom::value));
  CHECK(t.sweep() == 0);
  CHECK(t.node.call(get, "vod-storage", admin).body ==
        json{{"nodes", {{{"node", "n1"}, {"vods", 1}, {"bytes", 1000}}}},
             {"vods", 1},
             {"bytes", 1000}});
  CHECK(t.node.call(get, "vod-storage", alice).error == errc::unauthorized);

  t.node.clock.advance(std::chrono::milliseconds(13 * day_ms));
  CHECK(t.sweep() == 1);
  CHECK_FALSE(std::filesystem::exists(kept));
  CHECK(t.listed(alice).empty());
}

TEST_CASE("the chat replay is the window's messages as moderation left them") {
  vod_api t;
  t.say(bob, "before the stream");
  auto start = t.node.clock.now_ms() + 5'000;
  t.record("0000000000c1", start, 900'000);
  auto at = [&](std::int64_t offset_ms) {
    t.node.clock.advance(std::chrono::milliseconds(start + offset_ms - t.node.clock.now_ms()));
  };
  at(10'000);
  t.say(bob, "hello");
  at(20'000);
  t.say(carl, "spam one");
  at(30'000);
  auto doomed = t.say(bob, "deleted later");
  at(40'000);
  t.say(carl, "spam two");
  at(50'000);
  t.moderate("delete", std::to_string(doomed.id));
  t.moderate("ban", "carl");
  at(70'500);
  t.say(bob, "after the ban");
  at(700'000);
  t.say(bob, "later on");

  auto replay = t.node.call(get, "vods/0000000000c1/chat?from_s=0&to_s=600", nobody);
  REQUIRE(replay.status == 200);
  auto& messages = replay.body["messages"];
  REQUIRE(messages.size() == 2);
  CHECK(messages[0]["user"] == "bob");
  CHECK(messages[0]["text"] == "hello");
  CHECK(messages[0]["offset_s"] == 10.0);
  CHECK(messages[0]["at_ms"] == start + 10'000);
  CHECK(messages[0]["badges"] == json::array());
  CHECK(messages[1]["text"] == "after the ban");
  CHECK(messages[1]["offset_s"] == 70.5);
  CHECK(messages[1].contains("id"));

  auto later = t.node.call(get, "vods/0000000000c1/chat?from_s=600&to_s=1200", nobody);
  REQUIRE(later.body["messages"].size() == 1);
  CHECK(later.body["messages"][0]["text"] == "later on");
  auto narrow = t.node.call(get, "vods/0000000000c1/chat?from_s=10.5&to_s=70.5", nobody);
  CHECK(narrow.body["messages"].empty());

  for (auto bad : {"from_s=-1&to_s=10", "from_s=0&to_s=601", "from_s=20&to_s=20",
                   "from_s=abc&to_s=10", "from_s=0&to_s=nan"})
    CHECK(t.node.call(get, std::string{"vods/0000000000c1/chat?"} + bad, nobody).error ==
          errc::invalid_argument);
}

TEST_CASE("continue watching: most recent first, unfinished and still visible VODs only") {
  vod_api t;
  auto now = t.node.clock.now_ms();
  for (auto id : {"0000000000f1", "0000000000f2", "0000000000f3", "0000000000f4"})
    t.record(id, now, 1'000'000);
  t.set_privacy("0000000000f3", "private");
  auto progress = [&](const std::string& id, double position_s) {
    return t.node.call(put, "vods/" + id + "/progress", bob, json{{"position_s", position_s}});
  };
  CHECK(progress("0000000000f2", 200).body == json{{"vod", "0000000000f2"}, {"position_s", 200}});
  CHECK(progress("0000000000f1", 100).status == 200);
  CHECK(progress("0000000000f4", 960).status == 200);  // 96 %: watched
  CHECK(progress("0000000000f3", 10).error == errc::not_found);
  CHECK(progress("0000000000f1", -1).error == errc::invalid_argument);
  CHECK(t.node.call(put, "vods/0000000000f1/progress", bob, json{{"position", 1}}).error ==
        errc::invalid_argument);
  t.node.clock.advance(1s);
  CHECK(progress("0000000000f2", 250.5).status == 200);

  auto watching = [&] {
    auto answer = t.node.call(get, "me/continue-watching", bob);
    REQUIRE(answer.status == 200);
    return answer.body["vods"];
  };
  auto list = watching();
  REQUIRE(list.size() == 2);
  CHECK(list[0]["id"] == "0000000000f2");
  CHECK(list[0]["position_s"] == 250.5);
  CHECK(list[0]["hls"] == "/vod/0000000000f2/index.m3u8");
  CHECK(list[1]["id"] == "0000000000f1");
  CHECK(list[1]["position_s"] == 100.0);

  t.set_privacy("0000000000f2", "private");  // no longer visible to bob
  list = watching();
  REQUIRE(list.size() == 1);
  CHECK(list[0]["id"] == "0000000000f1");
  t.set_privacy("0000000000f2", "followers");  // bob follows alice
  CHECK(watching().size() == 2);
}

TEST_CASE("channels choose whether they are recorded and how long their VODs are kept") {
  vod_api t;
  auto view = t.node.ask<channel_view>("channel", "alice", get_atom::value);
  REQUIRE(view);
  CHECK(view->record);
  CHECK(view->vod_retention_days == default_vod_retention_days);
  auto changed = t.node.ask<channel_view>("channel", "alice", update_atom::value, alice,
                                          std::string{
                                            R"({"record": false, "vod_retention_days": 60})"});
  REQUIRE(changed);
  CHECK_FALSE(changed->record);
  CHECK(changed->vod_retention_days == 60);
  for (auto bad : {R"({"record": 1})", R"({"vod_retention_days": 0})",
                   R"({"vod_retention_days": 366})", R"({"vod_retention_days": 1.5})"})
    CHECK_FALSE(t.node.ask<channel_view>("channel", "alice", update_atom::value, alice,
                                         std::string{bad}));
  auto kept = t.node.ask<channel_view>("channel", "alice", get_atom::value);
  REQUIRE(kept);
  CHECK_FALSE(kept->record);
  CHECK(kept->vod_retention_days == 60);
}

TEST_CASE("the console renames, hides and deletes a VOD, and sweeps expired ones") {
  vod_api t;
  auto now = t.node.clock.now_ms();
  t.record("0000000000b1", now, 1000);
  t.record("0000000000b2", now - 30 * day_ms, 1000, 7);
  auto dir = t.files_of("0000000000b1");
  auto expired = t.files_of("0000000000b2");

  auto renamed = t.node.console("vod", "0000000000b1", "rename", {"Grand", "final"});
  REQUIRE(renamed);
  CHECK((*renamed)["title"] == "Grand final");
  CHECK((*renamed)["node"] == "n1");
  REQUIRE(t.node.console("vod", "0000000000b1", "privacy", {"private"}));
  CHECK(t.node.call(get, "vods/0000000000b1", carl).error == errc::not_found);
  CHECK_FALSE(t.node.console("vod", "0000000000b1", "privacy", {"secret"}));

  auto swept = t.node.console("vodkeeper", "here", "sweep");
  REQUIRE(swept);
  CHECK(*swept == json{{"deleted", 1}});
  CHECK_FALSE(std::filesystem::exists(expired));

  auto deleted = t.node.console("vod", "0000000000b1", "delete");
  REQUIRE(deleted);
  CHECK((*deleted)["deleted"] == true);
  CHECK(eventually_gone(dir));
  CHECK_FALSE(t.node.console("vod", "0000000000b1", "get"));
}

TEST_CASE("chat older than the longest retention is pruned as a room goes on") {
  vod_api t;
  auto old_at = t.node.clock.now_ms();
  t.say(bob, "a year ago");
  t.node.clock.advance(std::chrono::hours(24 * 367));
  auto recent_at = t.node.clock.now_ms();
  auto all_chat = [&] {
    auto rows = t.node.query(
      "vod.chat",
      json{{"channel", "alice"}, {"from_ms", old_at}, {"to_ms", recent_at + 1}, {"limit", 5000}});
    REQUIRE(rows);
    return rows->size();
  };
  // The broadcaster has no rate limit: its messages bring the room to the 1000th event.
  std::uint64_t last = t.say(alice, "now").id;
  CHECK(all_chat() == 2);
  while (last < 1000)
    last = t.say(alice, "now").id;
  CHECK(all_chat() == last - 1);  // all but the year-old message
}

}  // namespace vod_api_suite
