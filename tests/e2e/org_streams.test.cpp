// Multi-streamer management on one real node: an org with two channels, a shared moderator, an
// org ban, a go-live rule with a member key, the schedule as iCalendar, org analytics. Over the
// real chat WebSocket the shared moderator deletes a line in the second org channel and the
// org-banned user is refused in both; ffmpeg publishes over RTMP with the member's key and the
// org's live list names that member; a key nobody was given is refused; the analytics sum the
// two channels; the calendar passes strict RFC 5545 line checks. An org emote uploaded over HTTP
// counts as an emote in emote-only chat of both org channels over the real WebSocket, not in a
// channel outside the org nor in one that left it; members and other orgs' owners may not upload.
#include <ctime>

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "net/app/http_client.hpp"
#include "tests/actors/emotes/emote_images.hpp"
#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/process.hpp"

namespace org_streams_suite {

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

std::string sign_up(const test_node& node, const std::string& name) {
  return api_ok(node, "POST", "auth/signup", "",
                {{"username", name}, {"password", name + "-pass-123"}})["token"]
    .get<std::string>();
}

// A chat client signed in as `token` in `channel`.
std::unique_ptr<chat_client> user_chat(const test_node& node, const std::string& token,
                                       const std::string& channel) {
  auto c = std::make_unique<chat_client>(node.http_port);
  c->send({{"type", "auth"}, {"token", token}});
  REQUIRE(c->next("auth_ok").is_object());
  c->join(channel);
  return c;
}

json reply_to(chat_client& c, json frame) {
  frame["ref"] = "r";
  c.send(frame);
  for (;;) {
    auto reply = c.next_any();
    if (reply.is_null() || reply.value("ref", "") == "r")
      return reply;
  }
}

}  // namespace

TEST_CASE(
  "org streams: shared moderators and bans in chat, member keys at ingest, ics, analytics") {
  test_node node{"org_streams"};
  auto admin = admin_token(node.data_dir.string());
  auto olga = sign_up(node, "olga");
  auto modi = sign_up(node, "modi");
  auto troll = sign_up(node, "troll");
  auto sam = sign_up(node, "sam");
  auto viewer = sign_up(node, "vera");
  api_ok(node, "POST", "orgs", olga, {{"slug", "acme"}, {"name", "Acme"}});
  for (auto ch : {"acme_one", "acme_two"}) {
    api_ok(node, "POST", "channels", olga, {{"name", ch}});
    api_ok(node, "POST", "orgs/acme/channels", olga, {{"channel", ch}});
  }
  api_ok(node, "POST", "orgs/acme/invitations", olga, {{"user", "sam"}, {"role", "member"}});
  api_ok(node, "POST", "orgs/acme/invitations/accept", sam);

  // Only owners and admins manage; a member is refused.
  CHECK(api_step(node, "POST", "orgs/acme/streams/bans", sam, {{"user", "troll"}}).status == 403);
  api_ok(node, "POST", "orgs/acme/streams/moderators", olga, {{"user", "modi"}});
  auto policy = api_ok(node, "POST", "orgs/acme/streams/bans", olga,
                       {{"user", "troll"}, {"reason", "spam"}});
  CHECK(policy["bans"][0]["by"] == "olga");
  CHECK(policy["moderators"][0]["user"] == "modi");

  SUBCASE("chat") {
    // The org-banned user is refused in both org channels; the push reached both rooms.
    for (auto ch : {"acme_one", "acme_two"}) {
      auto t = user_chat(node, troll, ch);
      json refused;
      CHECK(eventually(
        [&] {
          refused = reply_to(*t, {{"type", "send"}, {"text", "buy followers"}});
          return refused.value("code", "") == "banned";
        },
        5s));
      CHECK(refused["type"] == "notice");
    }
    // The shared moderator deletes a viewer's line in the second channel.
    auto v = user_chat(node, viewer, "acme_two");
    auto m = user_chat(node, modi, "acme_two");
    CHECK(reply_to(*v, {{"type", "send"}, {"text", "hello acme"}})["type"] == "ok");
    auto line = m->next("msg");
    REQUIRE(line.is_object());
    auto del = reply_to(*m, {{"type", "delete"}, {"id", line["id"]}});
    CHECK(del["type"] == "ok");
    auto gone = v->next("deleted");
    REQUIRE(gone.is_object());
    CHECK(gone["id"] == line["id"]);
    // Lifting the ban reaches the rooms too.
    api_ok(node, "DELETE", "orgs/acme/streams/bans/troll", olga);
    auto t = user_chat(node, troll, "acme_one");
    CHECK(eventually(
      [&] {
        return reply_to(*t, {{"type", "send"}, {"text", "sorry"}})["type"] == "ok";
      },
      5s));
  }

  SUBCASE("shared emotes in every org channel's chat") {
    api_ok(node, "POST", "orgs", viewer, {{"slug", "other"}, {"name", "Other"}});
    api_ok(node, "POST", "channels", viewer, {{"name", "vera_own"}});
    auto host = "127.0.0.1:" + std::to_string(node.http_port);
    auto upload = [&](const std::string& org, const std::string& code, const std::string& bytes,
                      const std::string& bearer) {
      return aethex::app::http_call(host, "POST", "/api/v1/orgs/" + org + "/emotes/" + code, bytes,
                                    bearer);
    };
    auto image = png(56, 56);
    // A plain member may not, nor the owner of another org; nor acme's owner in that other org.
    CHECK(upload("acme", "acmeHype", image, sam).status == 403);
    CHECK(upload("acme", "acmeHype", image, viewer).status == 403);
    CHECK(upload("other", "otherHype", image, olga).status == 403);
    CHECK(upload("nosuch", "acmeHype", image, olga).status == 404);
    CHECK(upload("acme", "acmeHype", "not an image", olga).status == 415);
    auto added = upload("acme", "acmeHype", image, olga);
    REQUIRE(added.status == 201);
    auto url = json::parse(added.body)["url"].get<std::string>();
    auto served = node.get(url);
    CHECK(served.status == 200);
    CHECK(served.body == image);
    CHECK(api_ok(node, "GET", "orgs/acme/emotes", "")["emotes"][0]["code"] == "acmeHype");
    // A member channel's list names the org's emotes beside its own (what the web chat renders).
    auto listed = api_ok(node, "GET", "channels/acme_one/emotes", "");
    REQUIRE(listed["org_emotes"].size() == 1);
    CHECK(listed["org_emotes"][0]["org"] == "acme");
    CHECK(listed["org_emotes"][0]["url"] == url);
    CHECK(api_ok(node, "GET", "channels/vera_own/emotes", "")["org_emotes"].empty());

    // Emote-only rooms: the org's code counts as an emote in both org channels, not elsewhere.
    auto emote_only = [&](const std::string& owner, const std::string& channel) {
      auto c = user_chat(node, owner, channel);
      CHECK(reply_to(*c, {{"type", "settings"}, {"emote_only", true}})["type"] == "ok");
    };
    emote_only(olga, "acme_one");
    emote_only(olga, "acme_two");
    emote_only(viewer, "vera_own");
    auto said = [&](const std::string& channel) {
      auto m = user_chat(node, sam, channel);  // a plain viewer there (moderators are exempt)
      return reply_to(*m, {{"type", "send"}, {"text", ":acmeHype: :heart:"}});
    };
    for (auto ch : {"acme_one", "acme_two"})
      CHECK(eventually([&] { return said(ch)["type"] == "ok"; }, 5s));
    auto refused = said("vera_own");
    CHECK(refused.value("code", "") == "emote_only");
    // A channel that leaves the org stops taking them (told at the org's next command).
    api_ok(node, "DELETE", "orgs/acme/channels/acme_two", olga);
    api_ok(node, "GET", "orgs/acme/streams", olga);
    CHECK(eventually([&] { return said("acme_two").value("code", "") == "emote_only"; }, 5s));
    CHECK(said("acme_one")["type"] == "ok");
    // Deleted: no longer taken, the image no longer served.
    CHECK(api_step(node, "DELETE", "orgs/acme/emotes/acmeHype", sam).status == 403);
    CHECK(api_step(node, "DELETE", "orgs/acme/emotes/acmeHype", olga).status == 200);
    CHECK(eventually([&] { return said("acme_one").value("code", "") == "emote_only"; }, 5s));
    CHECK(node.get(url).status == 404);
  }

  SUBCASE("member keys at ingest") {
    auto rule = api_ok(node, "PUT", "orgs/acme/streams/rules/acme_one", olga,
                       {{"members", {"sam"}}});
    REQUIRE(rule["keys"].size() == 1);
    auto key = rule["keys"][0]["key"].get<std::string>();
    CHECK(rule["keys"][0]["member"] == "sam");
    // Shown once: the policy never carries key material again.
    CHECK(api_ok(node, "GET", "orgs/acme/streams", olga).dump().find(key) == std::string::npos);
    // A member key nobody was given is refused like a wrong key.
    auto forged = "live_acme_one_o.acme." + std::string(32, 'a');
    CHECK(run(ffmpeg_publish_args(node.rtmp_url(forged), 2), 20s).status != 0);
    CHECK_FALSE(channel_live(node, "acme_one"));
    child_process ffmpeg{ffmpeg_publish_args(node.rtmp_url(key), 8), node.out_dir / "sam.log"};
    REQUIRE(eventually([&] { return channel_live(node, "acme_one"); }, 10s));
    auto live = api_ok(node, "GET", "orgs/acme/live", "");
    REQUIRE(live["live"].size() == 1);
    CHECK(live["live"][0]["channel"] == "acme_one");
    CHECK(live["live"][0]["streamer"] == "sam");
    // Sam's key does not open the other channel.
    auto other = key;
    other.replace(0, std::string{"live_acme_one"}.size(), "live_acme_two");
    CHECK(run(ffmpeg_publish_args(node.rtmp_url(other), 2), 20s).status != 0);
    CHECK_FALSE(channel_live(node, "acme_two"));
  }

  SUBCASE("schedule as iCalendar") {
    auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
    auto made = api_step(node, "POST", "orgs/acme/schedule", olga,
                         {{"channel", "acme_two"},
                          {"title", "Launch day, part 1; live"},
                          {"starts_at_ms", now_ms + 3'600'000},
                          {"duration_min", 90},
                          {"streamer", "sam"}});
    REQUIRE(made.status == 201);
    auto id = made.body["id"].get<std::string>();
    auto ics = node.get("/api/v1/orgs/acme/schedule.ics");
    REQUIRE(ics.status == 200);
    auto text = ics.body;
    CHECK(text.starts_with("BEGIN:VCALENDAR\r\n"));
    CHECK(text.ends_with("END:VCALENDAR\r\n"));
    CHECK(text.find("UID:" + id + "@acme.orgstreams.aethex\r\n") != std::string::npos);
    CHECK(text.find("SUMMARY:Launch day\\, part 1\\; live\r\n") != std::string::npos);
    // DTEND is 90 minutes after DTSTART (both UTC DATE-TIMEs, YYYYMMDDTHHMMSSZ).
    auto utc = [](std::int64_t ms) {
      auto secs = static_cast<std::time_t>(ms / 1000);
      std::tm tm{};
      gmtime_r(&secs, &tm);
      char buf[32];
      std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
      return std::string{buf};
    };
    CHECK(text.find("DTSTART:" + utc(now_ms + 3'600'000) + "\r\n") != std::string::npos);
    CHECK(text.find("DTEND:" + utc(now_ms + 3'600'000 + 90 * 60'000) + "\r\n") !=
          std::string::npos);
    for (std::size_t at = 0; at < text.size();) {
      auto end = text.find("\r\n", at);
      REQUIRE(end != std::string::npos);
      CHECK(end - at <= 75);
      at = end + 2;
    }
    CHECK(node.get("/api/v1/orgs/acme/schedule.ics").body == text);  // stable
  }

  SUBCASE("analytics sum the org's channels") {
    for (auto ch : {"acme_one", "acme_two"}) {
      std::string target = std::string{"channels/"} + ch + "/watch";
      CHECK(api_step(node, "POST", target, "", {{"viewer", "v-1"}, {"source", "direct"}}).status ==
            202);
      console_command(node, std::string{"send analytics/"} + ch + " flush");
    }
    CHECK(api_step(node, "GET", "orgs/acme/analytics", sam).status == 403);
    json figures;
    REQUIRE(eventually(
      [&] {
        figures = api_ok(node, "GET", "orgs/acme/analytics", olga);
        return figures["totals"]["views"] == 2;
      },
      10s));
    REQUIRE(figures["channels"].size() == 2);
    CHECK(figures["channels"][0]["totals"]["views"] == 1);
    CHECK(figures["channels"][1]["totals"]["views"] == 1);
    auto csv = api_step(node, "GET", "orgs/acme/analytics.csv", admin);
    CHECK(csv.status == 200);
    CHECK(csv.raw.find("\nacme_one,1,") != std::string::npos);
    CHECK(csv.raw.find("\ntotal,2,") != std::string::npos);
  }
}

}  // namespace org_streams_suite
