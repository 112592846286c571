// The clip routes driven in-process, as the HTTP binding calls them (the binding's own access
// checks are its tests' job): real channel, vod, follows and clip entities on a manual clock,
// the clips read model behind env.query, and env.publish captured to see the renderers' jobs.
#include <doctest/doctest.h>

#include <cmath>
#include <future>
#include <mutex>

#include "actors/clip/clip.hpp"
#include "actors/clip/clip_read_model.hpp"
#include "actors/clip/internal.hpp"
#include "actors/social/follows.hpp"
#include "actors/vod/vod.hpp"
#include "runtime/errors.hpp"
#include "storage/read_model.hpp"
#include "tests/actors/entity_fixture.hpp"
#include "tests/storage/temp_dir.hpp"

// Its own namespace: a folder's test files are compiled as one unit (tests/CMakeLists.txt).
namespace clip_api_suite {

using namespace aethex;
using namespace aethex::actors;
using json = nlohmann::json;

namespace {

const auto alice = runtime::principal::user("alice");  // owns channel alice
const auto bob = runtime::principal::user("bob");
const auto cid = runtime::principal::user("cid");
const auto anonymous = runtime::principal::anonymous();

const std::string vod_id = "0123456789ab";       // alice's, public, 120 s
const std::string private_vod = "00000000000b";  // alice's, private, 120 s
const std::string session = "aaaaaaaaaaaa";      // alice's live session, 95 s recorded so far

struct answer_t {
  unsigned status = 0;
  json body;
  errc code{};
  std::uint32_t retry_after_s = 0;
  std::string message;
};

class clip_api {
 public:
  clip_api() {
    runner_.add(std::make_unique<clips_projection>());
    add_clip_queries(queries_);
    env_.sys = &f.sys;
    env_.store = f.store.get();
    env_.clock = &f.clock;
    env_.registry = f.registry;
    env_.query = [this](std::string name, json args, auto done) {
      std::vector<json> rows;
      {
        std::lock_guard lock{mutex_};
        runner_.catch_up();
        auto all = [](std::string_view, std::string_view) { return true; };
        for (auto& row : queries_.at(name)(runner_.db(), args, all))
          rows.push_back(row);
      }
      done(std::move(rows));
    };
    env_.publish = [this](std::string topic, std::string payload) {
      std::lock_guard lock{mutex_};
      published_.emplace_back(std::move(topic), json::parse(payload));
    };
    // The identity module's resolver, as far as public routes that look at a token need it.
    env_.resolve_bearer = [](std::string token,
                             std::function<void(caf::expected<runtime::principal>)> done) {
      static const std::string alice_token = "token-of-alice";
      if (token.size() == alice_token.size() && token.compare(alice_token) == 0)
        return done(runtime::principal::user("alice"));
      done(make_error(errc::unauthorized, "unknown token"));
    };
    add_clip_routes(routes_, env_);
  }

  answer_t call(http_method method, const std::string& pattern, const runtime::principal& who,
                const json& body = nullptr,
                std::map<std::string, std::string, std::less<>> params = {}, std::string query = {},
                std::string bearer = {}) {
    const route* found = nullptr;
    for (auto& r : routes_.routes)
      if (r.method == method && r.pattern == pattern)
        found = &r;
    REQUIRE_MESSAGE(found, pattern);
    route_request req;
    req.params = std::move(params);
    req.query = std::move(query);
    req.body = body.is_null() ? std::string{} : body.dump();
    req.who = who;
    req.bearer = std::move(bearer);
    auto done = std::make_shared<std::promise<caf::expected<route_response>>>();
    auto handler = found->handler;  // a copy: the handler may outlive this call's frame
    handler(std::move(req),
            [done](caf::expected<route_response> res) { done->set_value(std::move(res)); });
    auto future = done->get_future();
    REQUIRE(future.wait_for(std::chrono::seconds(15)) == std::future_status::ready);
    auto res = future.get();
    answer_t a;
    if (res) {
      a.status = res->status;
      a.body = json::parse(res->body);
    } else {
      a.code = code_of(res.error());
      a.status = http_status_of(a.code);
      a.retry_after_s = retry_after_of(res.error());
      a.message = message_of(res.error());
    }
    return a;
  }

  answer_t create(const runtime::principal& who, const json& body) {
    return call(http_method::post, "clips", who, body);
  }
  answer_t clip(const std::string& id, const runtime::principal& who = anonymous) {
    return call(http_method::get, "clips/{id}", who, nullptr, {{"id", id}});
  }

  std::vector<std::pair<std::string, json>> published() {
    std::lock_guard lock{mutex_};
    return published_;
  }

  // A report from the renderer, then a read queued behind it.
  void render(const std::string& id, double start_s = 0, double duration_s = 30) {
    f.self->send(f.registry, route_atom::value, std::string{"clip"}, id,
                 caf::make_message(clip_done_atom::value,
                                   clip_rendered{start_s, duration_s, 1000, true, "n1"}));
    REQUIRE(clip(id).status == 200);
  }

  test::entity_fixture f{{.rocksdb = false, .manual_clock = true}};

 private:
  storage::testing::temp_dir dir_{"clip-api"};
  storage::projection_runner runner_{*f.store, dir_.path() / "read.db"};
  read_query_table queries_;
  node_env env_;
  route_table routes_;
  std::mutex mutex_;
  std::vector<std::pair<std::string, json>> published_;
};

vod_recording recording(const std::string& channel, std::int64_t duration_ms, bool finished) {
  vod_recording r;
  r.channel = channel;
  r.title = "Finals night";
  r.category = "Games";
  r.node = "n1";
  r.started_at_ms = 1'700'000'000'000;
  r.duration_ms = duration_ms;
  r.bytes = 1'000'000;
  r.finished = finished;
  return r;
}

// alice: a channel with two finished VODs (one private), live with 95 s recorded; bob: offline;
// carol: live without recording.
void set_up(clip_api& api) {
  auto& f = api.f;
  auto key = f.ask<std::string>("channel", "alice", create_atom::value, alice,
                                std::string{"Alice live"});
  REQUIRE(key);
  REQUIRE(f.ask<std::string>("channel", "bob", create_atom::value, bob, std::string{"Bob"}));
  auto carol_key = f.ask<std::string>("channel", "carol", create_atom::value,
                                      runtime::principal::user("carol"), std::string{"Carol"});
  REQUIRE(carol_key);
  REQUIRE(f.ask<vod_view>("vod", vod_id, vod_record_atom::value,
                          recording("alice", 120'000, true)));
  REQUIRE(f.ask<vod_view>("vod", private_vod, vod_record_atom::value,
                          recording("alice", 120'000, true)));
  REQUIRE(f.ask<vod_view>("vod", private_vod, update_atom::value, alice,
                          json{{"privacy", "private"}}.dump()));
  REQUIRE(f.ask<channel_view>("channel", "alice", publish_begin_atom::value, *key, session));
  REQUIRE(f.ask<vod_view>("vod", session, vod_record_atom::value,
                          recording("alice", 95'000, false)));
  REQUIRE(f.ask<channel_view>("channel", "carol", update_atom::value,
                              runtime::principal::user("carol"), json{{"record", false}}.dump()));
  REQUIRE(f.ask<channel_view>("channel", "carol", publish_begin_atom::value, *carol_key,
                              std::string{"bbbbbbbbbbbb"}));
}

json vod_clip(double start_s, double duration_s) {
  return json{{"vod", vod_id}, {"start_s", start_s}, {"duration_s", duration_s}};
}

}  // namespace

TEST_CASE("a clip of a VOD: checked body and range, created rendering, its job published") {
  clip_api api;
  set_up(api);

  // Lengths and ranges.
  CHECK(api.create(bob, vod_clip(0, 4.9)).status == 400);
  CHECK(api.create(bob, vod_clip(0, 60.5)).status == 400);
  CHECK(api.create(bob, vod_clip(-1, 30)).status == 400);
  auto past = api.create(bob, vod_clip(100, 30));
  CHECK(past.status == 400);
  CHECK(past.message == "the clip ends at 130.0 s, after the end of the VOD (120.0 s)");
  CHECK(api.create(bob, {{"vod", vod_id}, {"duration_s", 30}}).status == 400);
  CHECK(api.create(bob, {{"vod", vod_id}, {"start_s", 0}}).status == 400);
  CHECK(api.create(bob, {{"vod", vod_id}, {"start_s", 0}, {"duration_s", "30"}}).status == 400);
  CHECK(api.create(bob, {{"vod", vod_id}, {"start_s", 0}, {"duration_s", 30}, {"at", 1}}).status ==
        400);
  CHECK(api.create(bob, {{"vod", vod_id}, {"channel", "alice"}, {"start_s", 0}, {"duration_s", 30}})
          .status == 400);
  CHECK(api.create(bob, {{"title", "no source"}}).status == 400);
  CHECK(
    api.create(bob, {{"vod", vod_id}, {"start_s", 0}, {"duration_s", 30}, {"exact", 1}}).status ==
    400);
  // Sources the caller cannot clip: unknown, malformed, private.
  CHECK(api.create(bob, {{"vod", "ffffffffffff"}, {"start_s", 0}, {"duration_s", 30}}).status ==
        404);
  CHECK(api.create(bob, {{"vod", "../../etc"}, {"start_s", 0}, {"duration_s", 30}}).status == 404);
  CHECK(api.create(bob, {{"vod", private_vod}, {"start_s", 0}, {"duration_s", 30}}).status == 404);
  CHECK(api.published().empty());

  // Up to the VOD's end (and its half-second slack), exact when asked.
  auto made = api.create(bob, {{"vod", vod_id},
                               {"start_s", 90.3},
                               {"duration_s", 30},
                               {"exact", true},
                               {"title", "The last half minute"}});
  REQUIRE(made.status == 202);
  auto id = made.body["id"].get<std::string>();
  CHECK(valid_clip_id(id));
  CHECK(made.body["vod"] == vod_id);
  CHECK(made.body["channel"] == "alice");
  CHECK(made.body["creator"] == "bob");
  CHECK(made.body["title"] == "The last half minute");
  CHECK(made.body["state"] == "rendering");
  CHECK(made.body["start_s"] == 90.3);
  CHECK(made.body["duration_s"] == 30);
  CHECK(made.body["exact"] == true);
  CHECK(made.body["live"] == false);
  CHECK(made.body["url"].is_null());
  CHECK(made.body["page"] == "/clip/" + id);
  CHECK(made.body["embed"] == "/embed/clip/" + id);
  auto jobs = api.published();
  REQUIRE(jobs.size() == 1);
  CHECK(jobs[0].first == service_names::clip_renderer);
  CHECK(jobs[0].second ==
        json{
          {"clip", id}, {"vod", vod_id}, {"start_s", 90.3}, {"duration_s", 30}, {"exact", true}});

  // The owner may clip a private VOD; without a title a clip takes the VOD's.
  auto own = api.create(alice, {{"vod", private_vod}, {"start_s", 0}, {"duration_s", 5}});
  REQUIRE(own.status == 202);
  CHECK(own.body["title"] == "Finals night");
  CHECK(own.body["exact"] == false);
  CHECK(api.published().size() == 2);

  // Rendered: the file's URL and what the renderer really cut.
  api.render(id, 88.0, 31.5);
  auto ready = api.clip(id);
  REQUIRE(ready.status == 200);
  CHECK(ready.body["state"] == "ready");
  CHECK(ready.body["url"] == "/clips/" + id + ".mp4");
  CHECK(ready.body["start_s"] == 88.0);
  CHECK(ready.body["duration_s"] == 31.5);
  CHECK(ready.body["progress"] == 100);
  CHECK(api.clip("ffffffffffff").status == 404);
  CHECK(api.clip("nope").status == 404);
}

TEST_CASE("a live clip is the last seconds of the running session's VOD") {
  clip_api api;
  set_up(api);
  auto made = api.create(cid, {{"channel", "alice"}, {"duration_s", 20}});
  REQUIRE(made.status == 202);
  CHECK(made.body["vod"] == session);
  CHECK(made.body["live"] == true);
  CHECK(made.body["start_s"] == 75);  // 95 s recorded so far
  CHECK(made.body["duration_s"] == 20);
  auto jobs = api.published();
  REQUIRE(jobs.size() == 1);
  CHECK(jobs[0].second == json{{"clip", made.body["id"]},
                               {"vod", session},
                               {"start_s", -1},
                               {"duration_s", 20},
                               {"exact", false}});

  auto fallback = api.create(cid, {{"channel", "alice"}, {"title", "gg"}});
  REQUIRE(fallback.status == 202);
  CHECK(fallback.body["duration_s"] == default_live_clip_s);
  CHECK(fallback.body["start_s"] == 95 - default_live_clip_s);
  CHECK(fallback.body["title"] == "gg");

  auto offline = api.create(cid, {{"channel", "bob"}});
  CHECK(offline.status == 409);
  CHECK(offline.message == "bob is offline: live clips are cut from a live stream");
  auto unrecorded = api.create(cid, {{"channel", "carol"}});
  CHECK(unrecorded.status == 409);
  CHECK(unrecorded.message == "carol does not record its streams, so it cannot be clipped live");
  CHECK(api.create(cid, {{"channel", "nosuch"}}).status == 404);
  CHECK(api.create(cid, {{"channel", "Not A Name"}}).status == 404);
  CHECK(api.create(cid, {{"channel", "alice"}, {"duration_s", 61}}).status == 400);
  CHECK(api.create(cid, {{"channel", "alice"}, {"start_s", 0}}).status == 400);
  CHECK(api.published().size() == 2);

  // A stream whose recordings only its followers see: clipped by them and its owner.
  auto& f = api.f;
  const auto dee = runtime::principal::user("dee");
  auto key = f.ask<std::string>("channel", "dee", create_atom::value, dee, std::string{"Dee"});
  REQUIRE(key);
  REQUIRE(f.ask<channel_view>("channel", "dee", publish_begin_atom::value, *key,
                              std::string{"dddddddddddd"}));
  REQUIRE(f.ask<vod_view>("vod", "dddddddddddd", vod_record_atom::value,
                          recording("dee", 40'000, false)));
  REQUIRE(f.ask<vod_view>("vod", "dddddddddddd", update_atom::value, dee,
                          json{{"privacy", "followers"}}.dump()));
  auto stranger = api.create(cid, {{"channel", "dee"}});
  CHECK(stranger.status == 403);
  CHECK(stranger.message ==
        "dee keeps its recordings to its followers: it cannot be clipped by you");
  CHECK(api.create(dee, {{"channel", "dee"}}).status == 202);
  REQUIRE(f.ask<follows_view>("follows", "cid", follow_atom::value, std::string{"dee"}));
  auto follower = api.create(cid, {{"channel", "dee"}});
  CHECK(follower.status == 202);
  CHECK(follower.body["start_s"] == 10);
  CHECK(api.published().size() == 4);
}

TEST_CASE("clip creation is paced per user: 10 a minute on the node's clock") {
  clip_api api;
  set_up(api);
  for (unsigned i = 0; i < clips_per_minute; ++i)
    REQUIRE(api.create(bob, vod_clip(i, 5)).status == 202);
  auto refused = api.create(bob, vod_clip(0, 5));
  CHECK(refused.status == 429);
  CHECK(refused.code == errc::rate_limited);
  CHECK(refused.retry_after_s > 0);
  CHECK(api.create(cid, vod_clip(0, 5)).status == 202);  // another user is not slowed
  CHECK(api.create(runtime::principal::admin(), vod_clip(0, 5)).status == 202);
  api.f.clock.advance(std::chrono::seconds(61));
  CHECK(api.create(bob, vod_clip(0, 5)).status == 202);
}

TEST_CASE("renaming, deleting, likes and views of a clip") {
  clip_api api;
  set_up(api);
  auto id = api.create(bob, vod_clip(0, 30)).body["id"].get<std::string>();
  std::map<std::string, std::string, std::less<>> at{{"id", id}};

  CHECK(api.call(http_method::patch, "clips/{id}", cid, {{"title", "mine"}}, at).status == 403);
  CHECK(api.call(http_method::patch, "clips/{id}", bob, {{"title", ""}}, at).status == 400);
  CHECK(api.call(http_method::patch, "clips/{id}", bob, {{"name", "x"}}, at).status == 400);
  auto renamed = api.call(http_method::patch, "clips/{id}", bob, {{"title", "Ace"}}, at);
  REQUIRE(renamed.status == 200);
  CHECK(renamed.body["title"] == "Ace");
  CHECK(api.call(http_method::patch, "clips/{id}", alice, {{"title", "Ace!"}}, at).status == 200);
  CHECK(api.clip(id).body["title"] == "Ace!");

  auto like = [&](const runtime::principal& who, bool on) {
    return api.call(on ? http_method::post : http_method::del, "clips/{id}/like", who, nullptr, at);
  };
  CHECK(like(cid, true).body["likes"] == 1);
  auto twice = like(cid, true);
  CHECK(twice.body["likes"] == 1);
  CHECK(twice.body["liked"] == true);
  CHECK(like(alice, true).body["likes"] == 2);
  auto unliked = like(cid, false);
  CHECK(unliked.body["likes"] == 1);
  CHECK(unliked.body["liked"] == false);
  for (int i = 1; i <= 3; ++i)
    CHECK(api.call(http_method::post, "clips/{id}/views", anonymous, nullptr, at).body ==
          json{{"views", i}});

  CHECK(api.call(http_method::del, "clips/{id}", cid, nullptr, at).status == 403);
  CHECK(api.published().size() == 1);
  auto deleted = api.call(http_method::del, "clips/{id}", alice, nullptr, at);
  REQUIRE(deleted.status == 200);
  CHECK(deleted.body == json{{"deleted", true}});
  auto told = api.published();
  REQUIRE(told.size() == 2);
  CHECK(told[1].first == service_names::clip_renderer);
  CHECK(told[1].second == json{{"delete", id}});
  CHECK(api.clip(id).status == 404);
  CHECK(like(cid, true).status == 404);
  CHECK(api.call(http_method::post, "clips/{id}/views", anonymous, nullptr, at).status == 404);
  CHECK(api.call(http_method::del, "clips/{id}", alice, nullptr, at).status == 404);
}

TEST_CASE("a channel's clips: ready ones for viewers, every state for its owner; top and recent") {
  clip_api api;
  set_up(api);
  auto make = [&](const runtime::principal& who, double start) {
    auto made = api.create(who, vod_clip(start, 10));
    REQUIRE(made.status == 202);
    api.f.clock.advance(std::chrono::minutes(1));
    return made.body["id"].get<std::string>();
  };
  auto first = make(bob, 0), second = make(cid, 10), waiting = make(bob, 20);
  api.render(first);
  api.render(second);
  REQUIRE(api.call(http_method::post, "clips/{id}/like", cid, nullptr, {{"id", first}}).status ==
          200);
  auto list = [&](const runtime::principal& who, std::string query) {
    auto a = api.call(http_method::get, "channels/{channel}/clips", who, nullptr,
                      {{"channel", "alice"}}, std::move(query));
    REQUIRE(a.status == 200);
    std::vector<std::string> ids;
    for (auto& c : a.body["clips"])
      ids.push_back(c["id"].get<std::string>());
    return ids;
  };
  CHECK(list(anonymous, "") == std::vector<std::string>{second, first});
  CHECK(list(bob, "sort=top") == std::vector<std::string>{first, second});
  CHECK(list(alice, "") == std::vector<std::string>{waiting, second, first});
  CHECK(list(runtime::principal::admin(), "limit=1") == std::vector<std::string>{waiting});
  // Public route: the binding passes the token unresolved; the owner's token shows everything.
  auto with_token = [&](std::string token) {
    auto a = api.call(http_method::get, "channels/{channel}/clips", anonymous, nullptr,
                      {{"channel", "alice"}}, "", std::move(token));
    REQUIRE(a.status == 200);
    return a.body["clips"].size();
  };
  CHECK(with_token("token-of-alice") == 3);
  CHECK(with_token("expired") == 2);
  auto shown = api.call(http_method::get, "channels/{channel}/clips", anonymous, nullptr,
                        {{"channel", "alice"}}, "sort=top");
  CHECK(shown.body["clips"][0]["likes"] == 1);
  CHECK(shown.body["clips"][0]["url"] == "/clips/" + first + ".mp4");
  CHECK(api
          .call(http_method::get, "channels/{channel}/clips", anonymous, nullptr,
                {{"channel", "alice"}}, "sort=best")
          .status == 400);
  CHECK(api
          .call(http_method::get, "channels/{channel}/clips", anonymous, nullptr,
                {{"channel", "alice"}}, "limit=0")
          .status == 400);
  CHECK(api
          .call(http_method::get, "channels/{channel}/clips", anonymous, nullptr,
                {{"channel", "nosuch"}})
          .status == 404);
}

TEST_CASE("trending across channels: likes against age on the node's clock, both ways") {
  clip_api api;
  set_up(api);
  auto old_one = api.create(bob, vod_clip(0, 10)).body["id"].get<std::string>();
  api.render(old_one);
  auto like = [&](const std::string& id, int n) {
    for (int i = 0; i < n; ++i)
      REQUIRE(api
                .call(http_method::post, "clips/{id}/like",
                      runtime::principal::user("fan" + std::to_string(i)), nullptr, {{"id", id}})
                .status == 200);
  };
  like(old_one, 10);
  api.f.clock.advance(std::chrono::hours(10));
  auto new_one = api.create(cid, vod_clip(20, 10)).body["id"].get<std::string>();
  api.render(new_one);
  like(new_one, 2);
  auto hidden = api.create(cid, vod_clip(40, 10)).body["id"].get<std::string>();  // rendering

  auto trending = [&](std::string query = "") {
    auto a = api.call(http_method::get, "clips", anonymous, nullptr, {}, std::move(query));
    REQUIRE(a.status == 200);
    return a.body["clips"];
  };
  // (3 * likes + views) / (age_hours + 2)^1.5, written out: 30 / 12^1.5 ≈ 0.72 for the old one
  // against 6 / 2^1.5 ≈ 2.12 for the new one: freshness wins now.
  auto score = [](double likes, double hours) { return 3 * likes / std::pow(hours + 2, 1.5); };
  REQUIRE(score(2, 0) > score(10, 10));
  auto now = trending();
  REQUIRE(now.size() == 2);
  CHECK(now[0]["id"] == new_one);
  CHECK(now[1]["id"] == old_one);
  CHECK(now[0]["score"].get<double>() == doctest::Approx(score(2, 0)));
  CHECK(now[1]["score"].get<double>() == doctest::Approx(score(10, 10)));
  CHECK(trending("limit=1").size() == 1);
  CHECK(api.call(http_method::get, "clips", anonymous, nullptr, {}, "sort=top").status == 400);

  // Two days on, the likes outlast the freshness: 30 / 60^1.5 against 6 / 50^1.5.
  api.f.clock.advance(std::chrono::hours(48));
  REQUIRE(score(10, 58) > score(2, 48));
  auto later = trending("sort=trending");
  REQUIRE(later.size() == 2);
  CHECK(later[0]["id"] == old_one);
  CHECK(later[1]["id"] == new_one);
  CHECK(later[0]["score"].get<double>() == doctest::Approx(score(10, 58)));
  (void)hidden;
}

}  // namespace clip_api_suite
