// The public catalogue's mapping of each domain event, the signature recipe, the retry schedule
// on a manual clock, giving up and disabling, dedup and the bounds of a channel's webhook book.
#include <doctest/doctest.h>

#include <algorithm>
#include <span>

#include <nlohmann/json.hpp>

#include "actors/webhooks/book.hpp"
#include "actors/webhooks/catalogue.hpp"
#include "actors/webhooks/projection.hpp"
#include "runtime/clock.hpp"
#include "storage/memory_event_store.hpp"

namespace wh = aethex::actors::webhooks;
using json = nlohmann::json;

namespace {

aethex::storage::recorded_event stored(std::string stream, std::uint64_t seq, std::string type,
                                       const json& payload, std::uint32_t schema = 1) {
  return {std::move(stream), seq, seq,
          aethex::storage::event{std::move(type), schema, 1'700'000'000'000, payload.dump()}};
}

wh::public_event mapped(const aethex::storage::recorded_event& e, std::string_view hint = {}) {
  auto p = hint.empty() ? wh::to_public_event(e) : wh::to_public_event(e, hint);
  REQUIRE_MESSAGE(p.has_value(), e.data.type);
  return *p;
}

wh::book book_with(const std::string& type, std::int64_t now_ms) {
  wh::book b;
  wh::subscription sub{"s1", type, "https://example.org/hook", "secret", "", now_ms, 0};
  b.apply(wh::subscribed{sub});
  b.apply(wh::status_changed{"s1", std::string{wh::status::enabled}, ""});
  return b;
}

wh::public_event chat_event(int seq) {
  return wh::public_event{"chat/nova:" + std::to_string(seq), "chat.message", "nova", 0,
                          json{{"text", "hi"}}};
}

}  // namespace

TEST_CASE("catalogue: every listed type comes from a domain event, with the public fields") {
  auto online = mapped(stored("channel/nova", 7, "channel.went_live", {{"session", "s1"}}));
  CHECK(online.id == "channel/nova:7");
  CHECK(online.type == "stream.online");
  CHECK(online.channel == "nova");
  CHECK(online.at_ms == 1'700'000'000'000);
  CHECK(mapped(stored("channel/nova", 8, "channel.went_offline",
                      {{"session", "s1"}, {"peak_viewers", 12}}))
          .data["peak_viewers"] == 12);
  auto update = mapped(stored("channel/nova", 9, "channel.updated", {{"title", "New"}}));
  CHECK(update.type == "channel.update");
  CHECK(update.data == json{{"title", "New"}});
  // A change only the owner sees has no public form.
  CHECK_FALSE(wh::to_public_event(stored("channel/nova", 10, "channel.updated",
                                         {{"record", true}})));
  CHECK_FALSE(wh::to_public_event(stored("channel/nova", 11, "channel.key_rotated",
                                         {{"stream_key", "k"}})));

  auto follow = mapped(stored("follows/ada", 1, "follow.started", {{"channel", "nova"}}));
  CHECK(follow.type == "channel.follow");
  CHECK(follow.channel == "nova");
  CHECK(follow.data["user"] == "ada");

  auto chat = mapped(stored("chat/nova", 3, "chat.message",
                            {{"id", 42}, {"user", "ada"}, {"text", "hi"}, {"badges", {"vip"}}}));
  CHECK(chat.type == "chat.message");
  CHECK(chat.data["message_id"] == 42);
  CHECK(chat.data["badges"] == json{"vip"});
  auto ban = mapped(stored("chat/nova", 4, "chat.user_banned",
                           {{"user", "guest-1"}, {"origin", "203.0.113.9"}, {"by", "nova"}}));
  CHECK(ban.type == "channel.ban");
  CHECK_FALSE(ban.data.dump().find("203.0.113.9") != std::string::npos);  // addresses stay in

  auto raided = mapped(stored("raid/nova", 2, "raid.received",
                              {{"from", "vega"}, {"viewers", 30}}));
  CHECK(raided.type == "channel.raid");
  CHECK(raided.channel == "nova");
  CHECK(raided.data == json{{"from", "vega"}, {"to", "nova"}, {"viewers", 30}});
  auto raiding = mapped(stored("raid/vega", 5, "raid.completed",
                               {{"target", "nova"}, {"viewers", 30}}));
  CHECK(raiding.channel == "vega");
  CHECK(raiding.data["to"] == "nova");

  CHECK(mapped(stored("poll/nova", 1, "poll.started",
                      {{"id", 3}, {"title", "Next?"}, {"choices", {"a", "b"}}, {"duration_s", 60}}))
          .type == "poll.begin");
  CHECK(mapped(stored("poll/nova", 2, "poll.ended", {{"id", 3}, {"by", "time"}})).type ==
        "poll.end");
  CHECK(mapped(stored("engagement/nova", 1, "prediction.created",
                      {{"id", "p1"}, {"title", "Win?"}, {"outcomes", {"y", "n"}}}))
          .type == "prediction.begin");
  CHECK(mapped(stored("engagement/nova", 2, "prediction.locked", json::object())).type ==
        "prediction.lock");
  auto resolved = mapped(stored("engagement/nova", 3, "prediction.resolved", {{"outcome", 1}}));
  CHECK(resolved.type == "prediction.end");
  CHECK(resolved.data["winning_outcome"] == 1);
  CHECK(
    mapped(stored("engagement/nova", 4, "prediction.canceled", json::object())).data["status"] ==
    "canceled");
  CHECK(mapped(stored("engagement/nova", 5, "reward.redeemed",
                      {{"id", "r1"},
                       {"reward", "hydrate"},
                       {"title", "Hydrate"},
                       {"cost", 100},
                       {"user", "ada"}}))
          .type == "channel.points_redemption");
  auto train = mapped(stored("engagement/nova", 7, "hype_train.changed",
                             {{"phase", "progress"},
                              {"train", {{"state", "active"}, {"level", 2}, {"progress", 300}}}}));
  CHECK(train.type == "hype_train.progress");
  CHECK(train.channel == "nova");
  CHECK(train.data["level"] == 2);
  CHECK(train.data["progress"] == 300);
  CHECK(mapped(stored("engagement/nova", 8, "hype_train.changed", {{"phase", "begin"}})).type ==
        "hype_train.begin");
  CHECK_FALSE(wh::to_public_event(stored("engagement/nova", 9, "hype_train.changed",
                                         {{"phase", "derailed"}})));
  // Bookkeeping of the points ledger is not public.
  CHECK_FALSE(wh::to_public_event(stored("engagement/nova", 6, "points.watched",
                                         {{"user", "ada"}})));

  auto sub = mapped(stored("subscriptions/nova", 1, "subscriptions.granted",
                           {{"payment", "pay_1"},
                            {"user", "ada"},
                            {"tier", 2},
                            {"kind", "gift"},
                            {"gifted_by", "bob"},
                            {"anonymous", true}}));
  CHECK(sub.type == "channel.subscribe");
  CHECK(sub.data["is_gift"] == true);
  CHECK_FALSE(sub.data.contains("gifted_by"));  // an anonymous gift
  CHECK_FALSE(sub.data.contains("payment"));
  auto tip = mapped(stored("tips/nova", 1, "tips.received",
                           {{"payment", "pay_2"},
                            {"payer", "bob"},
                            {"anonymous", false},
                            {"amount", 500},
                            {"currency", "usd"},
                            {"message", "gg"},
                            {"shown", false}}));
  CHECK(tip.type == "channel.donation");
  CHECK(tip.data["user"] == "bob");
  CHECK(tip.data["message"] == "");  // AutoMod would hold it

  auto clip = mapped(
    stored("clip/c1", 1, "clip.created",
           {{"channel", "nova"}, {"creator", "ada"}, {"title", "wow"}, {"duration_s", 30.0}}));
  CHECK(clip.channel == "nova");
  CHECK(clip.data["clip_id"] == "c1");
  auto finished = stored("vod/v1", 9, "vod.finished", {{"duration_ms", 60000}});
  CHECK_FALSE(wh::to_public_event(finished));  // the channel comes from vod.recorded
  auto vod = mapped(finished, "nova");
  CHECK(vod.type == "vod.ready");
  CHECK(vod.channel == "nova");
  auto played = mapped(stored("music/nova", 4, "music.played",
                              {{"play",
                                {{"track", {{"id", "t1"}, {"title", "Strobe"}, {"artist", "d5"}}},
                                 {"played_at_ms", 1234},
                                 {"source", "metadata"}}},
                               {"by", "metadata"}}));
  CHECK(played.type == "music.now_playing");
  CHECK(played.channel == "nova");
  CHECK(played.data["track_id"] == "t1");
  CHECK(played.data["source"] == "metadata");
  CHECK(played.data["played_at_ms"] == 1234);
  CHECK_FALSE(played.data.contains("by"));

  // Every catalogue type is known; unknown streams, future schemas and bad payloads map to none.
  for (const auto& entry : wh::catalogue())
    CHECK(wh::known_type(entry.type));
  CHECK_FALSE(wh::known_type("nope"));
  CHECK_FALSE(wh::to_public_event(stored("tournament/1", 1, "chat.message", {{"text", "x"}})));
  CHECK_FALSE(wh::to_public_event(stored("chat/nova", 1, "chat.message", {{"text", "x"}}, 2)));
  auto garbage = stored("chat/nova", 1, "chat.message", json::object());
  garbage.data.payload = "not json";
  CHECK_FALSE(wh::to_public_event(garbage));
}

TEST_CASE("signature: HMAC-SHA256 over id + timestamp + body, hex, with the sha256= prefix") {
  // RFC 4231 test case 2, the message split the way a delivery splits it.
  CHECK(wh::signature("Jefe", "what do ya", " want ", "for nothing?") ==
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(wh::rfc3339(1'700'000'000'123) == "2023-11-14T22:13:20.123Z");
}

TEST_CASE("retries: exponential from 10 s with jitter, capped at 1 h, dropped after 24 h") {
  CHECK(wh::retry_delay_ms(1, 0.5) == 10'000);
  CHECK(wh::retry_delay_ms(2, 0.5) == 20'000);
  CHECK(wh::retry_delay_ms(3, 0.5) == 40'000);
  CHECK(wh::retry_delay_ms(1, 0.0) == 8'000);
  CHECK(wh::retry_delay_ms(1, 0.9999) <= 12'000);
  CHECK(wh::retry_delay_ms(30, 0.5) == 3'600'000);

  aethex::runtime::manual_clock clock;
  auto b = book_with("chat.message", clock.now_ms());
  auto queued = b.notifications(chat_event(1), clock.now_ms());
  REQUIRE(queued.size() == 1);
  b.apply(queued[0]);
  CHECK(b.due(clock.now_ms(), {}).size() == 1);
  // Fail every attempt: each waits its delay; none is due before it.
  std::vector<std::int64_t> delays;
  for (int attempt = 1; attempt < 100; ++attempt) {
    auto due = b.due(clock.now_ms(), {});
    REQUIRE(due.size() == 1);
    auto d = b.decide(*due[0], wh::attempt_result{500, "", 3, ""}, clock.now_ms(), 0.5);
    b.apply(d.attempt);
    if (d.change)
      b.apply(*d.change);
    if (d.attempt.next_ms == 0) {
      CHECK(d.attempt.row.outcome == "dropped");
      break;
    }
    CHECK(b.due(d.attempt.next_ms - 1, {}).empty());
    delays.push_back(d.attempt.next_ms - clock.now_ms());
    clock.advance(std::chrono::milliseconds(d.attempt.next_ms - clock.now_ms()));
  }
  REQUIRE(delays.size() > 5);
  CHECK(delays[0] == 10'000);
  CHECK(delays[1] == 20'000);
  CHECK(delays.back() == 3'600'000);
  CHECK(b.waiting().empty());
  auto log = b.log("s1");
  CHECK(log.front().outcome == "dropped");
  CHECK(log[1].status == 500);
  CHECK(log[1].latency_ms == 3);
}

TEST_CASE("disabling: a subscription failing for 24 h is disabled and told so; success resets") {
  aethex::runtime::manual_clock clock;
  auto b = book_with("chat.message", clock.now_ms());
  auto fail = [&](int seq, long status) {
    auto q = b.notifications(chat_event(seq), clock.now_ms());
    REQUIRE(q.size() == 1);
    b.apply(q[0]);
    auto due = b.due(clock.now_ms(), {});
    REQUIRE_FALSE(due.empty());
    auto d = b.decide(*due.back(), wh::attempt_result{status, "", 1, ""}, clock.now_ms(), 0.5);
    b.apply(d.attempt);
    if (d.change)
      b.apply(*d.change);
    if (d.revocation)
      b.apply(*d.revocation);
    return d;
  };
  fail(1, 500);
  CHECK(b.find("s1")->failing_since_ms == clock.now_ms());
  clock.advance(std::chrono::hours(12));
  // A success in between ends the streak.
  auto ok = fail(2, 200);
  CHECK(ok.attempt.row.outcome == "delivered");
  CHECK(b.find("s1")->failing_since_ms == 0);
  fail(3, 503);
  clock.advance(std::chrono::hours(24));
  auto last = fail(4, 500);
  REQUIRE(last.change);
  CHECK(last.change->status == wh::status::disabled);
  REQUIRE(last.revocation);
  CHECK(b.find("s1")->status == wh::status::disabled);
  // Only the revocation waits; new events are not queued for a disabled subscription.
  REQUIRE(b.waiting().size() == 1);
  CHECK(b.waiting()[0].message_type == wh::message_type::revocation);
  CHECK(b.due(clock.now_ms(), {}).size() == 1);
  CHECK(b.notifications(chat_event(5), clock.now_ms()).empty());
}

TEST_CASE("verification: enabled only when the answer is the challenge") {
  wh::book b;
  wh::subscription sub{"s1", "chat.message", "https://example.org/", "k", "", 0, 0};
  b.apply(wh::subscribed{sub});
  auto v = wh::book::verification(sub, "abc123", 0);
  b.apply(v);
  CHECK(b.notifications(chat_event(1), 0).empty());  // not enabled yet
  auto wrong = b.decide(b.waiting()[0], {200, "nope", 1, ""}, 0, 0.5);
  REQUIRE(wrong.change);
  CHECK(wrong.change->status == wh::status::failed);
  auto right = b.decide(b.waiting()[0], {200, "abc123\n", 1, ""}, 0, 0.5);
  REQUIRE(right.change);
  CHECK(right.change->status == wh::status::enabled);
  auto down = b.decide(b.waiting()[0], {0, "", 0, "unavailable: refused"}, 0, 0.5);
  CHECK(down.change->status == wh::status::failed);
  CHECK(down.attempt.next_ms == 0);
}

TEST_CASE("dedup and bounds: one message per event and subscription; logs and queues bounded") {
  auto b = book_with("chat.message", 0);
  auto first = b.notifications(chat_event(1), 0);
  REQUIRE(first.size() == 1);
  CHECK(first[0].message.message_id == "s1:chat/nova:1");
  b.apply(first[0]);
  CHECK(b.notifications(chat_event(1), 0).empty());  // a replayed event is not sent again
  CHECK(b.notifications(wh::public_event{"x:1", "channel.follow", "nova", 0, {}}, 0).empty());

  for (int i = 2; i < 1200; ++i)
    for (auto& q : b.notifications(chat_event(i), 0))
      b.apply(q);
  CHECK(b.waiting().size() == wh::limits::waiting);
  CHECK(b.due(0, {}).size() == wh::limits::in_flight);
  for (int i = 0; i < 150; ++i) {
    auto m = b.waiting().front();
    b.apply(b.decide(m, {204, "", 1, ""}, 0, 0.5).attempt);
  }
  CHECK(b.log("s1").size() == wh::limits::log_per_subscription);
  CHECK(b.log("s1").front().id > b.log("s1").back().id);  // newest first

  // A snapshot restores the same book.
  wh::book copy;
  copy.restore(b.snapshot());
  CHECK(copy.snapshot() == b.snapshot());
  CHECK(copy.seen("s1:chat/nova:1199"));
  CHECK(copy.find("s1")->secret == "secret");
  b.apply(wh::removed{"s1"});
  CHECK(b.waiting().empty());
  CHECK(b.log("s1").empty());
}

TEST_CASE("after a restart, the fresh events of channels with webhooks are offered again") {
  aethex::storage::memory_event_store store;
  constexpr std::int64_t now = 100'000'000;
  auto append = [&](const std::string& stream, std::string type, std::int64_t at, json body) {
    aethex::storage::event e{std::move(type), 1, at, body.dump()};
    REQUIRE(store.append(stream, aethex::storage::any_version, std::span{&e, 1}));
  };
  append("webhooks/nova", "webhooks.subscribed", now - 600'000,
         {{"id", "s1"}, {"type", "channel.follow"}});
  // Older than the window: pages of them before the fresh ones, so the walk back must stop.
  for (int i = 0; i < 1500; ++i)
    append("follows/old" + std::to_string(i), "follow.started",
           now - wh::webhooks_projection::fresh_window_ms - 1000, {{"channel", "nova"}});
  std::size_t fresh = 0;
  for (int i = 0; i < 1200; ++i, ++fresh)
    append("follows/new" + std::to_string(i), "follow.started", now - 1000, {{"channel", "nova"}});
  append("follows/elsewhere", "follow.started", now - 1000, {{"channel", "quiet"}});  // no webhooks

  std::vector<wh::public_event> offered;
  wh::reoffer_fresh_events(store, now, [&](const wh::public_event& e) { offered.push_back(e); });
  REQUIRE(offered.size() == fresh);
  CHECK(std::all_of(offered.begin(), offered.end(), [](const wh::public_event& e) {
    return e.channel == "nova" && e.type == "channel.follow" &&
           e.data["user"].get<std::string>().starts_with("new");
  }));
  // The same ids the projection gave them, so the entity drops what it already has.
  CHECK(offered.front().id.starts_with("follows/new"));

  offered.clear();
  wh::reoffer_fresh_events(
    store, now, [&](const wh::public_event& e) { offered.push_back(e); }, 500);
  CHECK(offered.size() <= 1000);  // a bounded read: whole pages, at most one past the bound
}
