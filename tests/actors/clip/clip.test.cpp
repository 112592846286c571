// clip/<id> over a real registry and store: creation and its checks, rendering reports (progress
// in steps, ready or failed once), likes once per user, views, renaming and deleting by the
// creator, the channel's owner and the admin, snapshots across a restart; and the clips read
// model fed by those events (channel lists, the trending score).
#include "actors/clip/clip.hpp"

#include <doctest/doctest.h>

#include <cmath>

#include "actors/clip/clip_read_model.hpp"
#include "runtime/errors.hpp"
#include "storage/read_model.hpp"
#include "tests/actors/entity_fixture.hpp"
#include "tests/storage/temp_dir.hpp"

using namespace aethex;
using namespace aethex::actors;
using json = nlohmann::json;

namespace {

const auto alice = runtime::principal::user("alice");  // the channel's owner
const auto bob = runtime::principal::user("bob");      // made the clip
const auto cid = runtime::principal::user("cid");      // neither

json made_by_bob(std::string title = "Nice shot") {
  return json{{"vod", "0123456789ab"}, {"channel", "alice"}, {"owner", "alice"},
              {"creator", "bob"},      {"title", title},     {"start_s", 12.5},
              {"duration_s", 30},      {"exact", false},     {"live", false}};
}

caf::expected<clip_view> create(test::entity_fixture& f, const std::string& id, const json& body) {
  return f.ask<clip_view>("clip", id, create_atom::value, body.dump());
}

caf::expected<clip_view> get(test::entity_fixture& f, const std::string& id) {
  return f.ask<clip_view>("clip", id, get_atom::value);
}

// Reports without a reply, then a read that comes after them in the entity's mailbox.
template <class... Ts>
void tell(test::entity_fixture& f, const std::string& id, Ts... xs) {
  f.self->send(f.registry, route_atom::value, std::string{"clip"}, id,
               caf::make_message(std::move(xs)...));
}

std::vector<std::string> event_types(test::entity_fixture& f, const std::string& stream) {
  std::vector<std::string> types;
  for (auto& e : f.events().read_stream(stream, 1, 1000))
    types.push_back(e.data.type);
  return types;
}

template <class T>
errc code(const caf::expected<T>& v) {
  return v ? errc{} : code_of(v.error());
}

clip_rendered rendered(double start_s, double duration_s, std::uint64_t bytes) {
  return clip_rendered{start_s, duration_s, bytes, true, "n1"};
}

}  // namespace

TEST_CASE("a clip is made rendering, reports progress, and is rendered once") {
  test::entity_fixture f;
  const std::string id = "0a1b2c3d4e5f";
  CHECK(code(get(f, id)) == errc::not_found);

  auto made = create(f, id, made_by_bob());
  REQUIRE(made);
  CHECK(made->id == id);
  CHECK(made->state == "rendering");
  CHECK(made->creator == "bob");
  CHECK(made->start_s == doctest::Approx(12.5));
  CHECK(made->duration_s == doctest::Approx(30));
  CHECK(made->created_at_ms > 0);
  CHECK(code(create(f, id, made_by_bob())) == errc::conflict);

  tell(f, id, clip_progress_atom::value, std::uint32_t{4});   // in memory only
  tell(f, id, clip_progress_atom::value, std::uint32_t{23});  // journalled (a new 10 % step)
  tell(f, id, clip_progress_atom::value, std::uint32_t{17});  // backwards: ignored
  auto going = get(f, id);
  REQUIRE(going);
  CHECK(going->progress == 23);
  CHECK(going->state == "rendering");

  tell(f, id, clip_done_atom::value, rendered(11.9, 30.2, 4096));
  tell(f, id, clip_failed_atom::value, std::string{"too late"});  // already ready: ignored
  tell(f, id, clip_progress_atom::value, std::uint32_t{50});      // likewise
  auto ready = get(f, id);
  REQUIRE(ready);
  CHECK(ready->state == "ready");
  CHECK(ready->progress == 100);
  CHECK(ready->error.empty());
  CHECK(ready->start_s == doctest::Approx(11.9));
  CHECK(ready->duration_s == doctest::Approx(30.2));
  CHECK(ready->bytes == 4096);
  CHECK(ready->keyframe_start);
  CHECK(ready->node == "n1");
  CHECK(event_types(f, "clip/" + id) ==
        std::vector<std::string>{"clip.created", "clip.progressed", "clip.rendered"});

  f.restart();
  auto again = get(f, id);
  REQUIRE(again);
  CHECK(again->state == "ready");
  CHECK(again->bytes == 4096);
  CHECK(again->progress == 100);
}

TEST_CASE("a failed render keeps its reason; malformed creations write nothing") {
  test::entity_fixture f;
  const std::string id = "00000000000f";
  REQUIRE(create(f, id, made_by_bob()));
  tell(f, id, clip_failed_atom::value, std::string{"the VOD's files are gone"});
  tell(f, id, clip_done_atom::value, rendered(0, 30, 1));  // after failing: ignored
  auto failed = get(f, id);
  REQUIRE(failed);
  CHECK(failed->state == "failed");
  CHECK(failed->error == "the VOD's files are gone");
  CHECK(failed->bytes == 0);

  auto refused = [&](const std::string& clip, json body) {
    return code(create(f, clip, body)) == errc::invalid_argument;
  };
  CHECK(refused("not-a-clip-id", made_by_bob()));
  auto body = made_by_bob();
  body.erase("creator");
  CHECK(refused("000000000001", body));
  CHECK(refused("000000000002", made_by_bob("")));
  CHECK(refused("000000000003", made_by_bob(std::string(141, 'x'))));
  body = made_by_bob();
  body["duration_s"] = 0;
  CHECK(refused("000000000004", body));
  CHECK(refused("000000000005", json::array()));
  body = made_by_bob();
  body["owner"] = 7;  // optional fields of another type read as absent
  body["exact"] = "yes";
  auto odd = create(f, "000000000006", body);
  REQUIRE(odd);
  CHECK_FALSE(odd->exact);
  CHECK(code(f.ask<bool>("clip", "000000000006", clip_delete_atom::value, alice)) ==
        errc::forbidden);
  for (auto clip : {"000000000001", "000000000002", "000000000003", "000000000004"})
    CHECK(f.events().read_stream(std::string{"clip/"} + clip, 1, 10).empty());
}

TEST_CASE("likes count once per user, every view counts, and both survive a restart") {
  test::entity_fixture f;
  const std::string id = "abcdefabcdef";
  REQUIRE(create(f, id, made_by_bob()));
  auto like = [&](const std::string& user, bool on) {
    auto v = f.ask<clip_view>("clip", id, clip_like_atom::value, user, on);
    REQUIRE(v);
    return v->likes;
  };
  CHECK(like("cid", true) == 1);
  CHECK(like("cid", true) == 1);
  CHECK(like("dee", true) == 2);
  CHECK(like("cid", false) == 1);
  CHECK(like("cid", false) == 1);
  CHECK(like("eve", false) == 1);
  CHECK(code(f.ask<clip_view>("clip", id, clip_like_atom::value, std::string{}, true)) ==
        errc::invalid_argument);

  std::uint64_t views = 0;
  for (int i = 0; i < 70; ++i) {  // past a snapshot (every 64 events)
    auto counted = f.ask<std::uint64_t>("clip", id, clip_viewed_atom::value);
    REQUIRE(counted);
    views = *counted;
  }
  CHECK(views == 70);
  f.restart();
  auto back = get(f, id);
  REQUIRE(back);
  CHECK(back->views == 70);
  CHECK(back->likes == 1);
  CHECK(like("dee", true) == 1);  // dee's like came back from the snapshot
  CHECK(like("cid", true) == 2);
  CHECK(code(f.ask<std::uint64_t>("clip", "ffffffffffff", clip_viewed_atom::value)) ==
        errc::not_found);
}

TEST_CASE("the creator, the channel's owner and the admin rename and delete; nobody else") {
  test::entity_fixture f;
  const std::string id = "123456789abc";
  REQUIRE(create(f, id, made_by_bob()));
  auto rename = [&](const runtime::principal& who, const std::string& title) {
    return f.ask<clip_view>("clip", id, update_atom::value, who, json{{"title", title}}.dump());
  };
  CHECK(code(rename(cid, "Mine now")) == errc::forbidden);
  CHECK(code(rename(runtime::principal::anonymous(), "x")) == errc::forbidden);
  auto by_creator = rename(bob, "Clutch");
  REQUIRE(by_creator);
  CHECK(by_creator->title == "Clutch");
  auto by_owner = rename(alice, "Clutch 1v3");
  REQUIRE(by_owner);
  CHECK(by_owner->title == "Clutch 1v3");
  REQUIRE(rename(runtime::principal::admin(), "Clutch 1v3"));  // unchanged: no event
  CHECK(code(rename(bob, "")) == errc::invalid_argument);
  CHECK(code(f.ask<clip_view>("clip", id, update_atom::value, bob,
                              std::string{R"({"state":"ready"})"})) == errc::invalid_argument);
  CHECK(event_types(f, "clip/" + id) ==
        std::vector<std::string>{"clip.created", "clip.renamed", "clip.renamed"});

  CHECK(code(f.ask<bool>("clip", id, clip_delete_atom::value, cid)) == errc::forbidden);
  auto deleted = f.ask<bool>("clip", id, clip_delete_atom::value, alice);
  REQUIRE(deleted);
  CHECK(*deleted);
  CHECK(code(get(f, id)) == errc::not_found);
  CHECK(code(f.ask<bool>("clip", id, clip_delete_atom::value, bob)) == errc::not_found);
  CHECK(code(create(f, id, made_by_bob())) == errc::conflict);  // ids are never reused

  // A clip of an admin's channel (no owner account): the creator and the admin only.
  const std::string staff = "cccccccccccc";
  auto body = made_by_bob();
  body["owner"] = "";
  REQUIRE(create(f, staff, body));
  CHECK(code(f.ask<bool>("clip", staff, clip_delete_atom::value, alice)) == errc::forbidden);
  CHECK(f.ask<bool>("clip", staff, clip_delete_atom::value, runtime::principal::admin()));
}

TEST_CASE("the trending score: likes weigh three views, age divides by (hours + 2)^1.5") {
  auto hour = std::int64_t{3'600'000};
  // Written out here, so a change of the formula shows.
  CHECK(clip_trending_score(0, 0, 0) == doctest::Approx(0));
  CHECK(clip_trending_score(1, 0, 0) == doctest::Approx(3 / std::pow(2.0, 1.5)));
  CHECK(clip_trending_score(2, 5, 10 * hour) == doctest::Approx(11 / std::pow(12.0, 1.5)));
  CHECK(clip_trending_score(2, 5, -hour) == clip_trending_score(2, 5, 0));
  // One like is worth three views.
  CHECK(clip_trending_score(1, 0, hour) == doctest::Approx(clip_trending_score(0, 3, hour)));
  // Older clips need more votes: 10 likes 10 hours old (30 / 12^1.5 ≈ 0.72) lose to one new
  // like (3 / 2^1.5 ≈ 1.06) and beat two new views (≈ 0.71).
  CHECK(clip_trending_score(10, 0, 10 * hour) < clip_trending_score(1, 0, 0));
  CHECK(clip_trending_score(10, 0, 10 * hour) > clip_trending_score(0, 2, 0));
}

TEST_CASE("the clips read model: a channel's lists and trending from the entities' events") {
  test::entity_fixture f{{.rocksdb = false, .manual_clock = true}};
  storage::testing::temp_dir dir{"clips"};
  storage::projection_runner runner(*f.store, dir.path() / "read.db");
  runner.add(std::make_unique<clips_projection>());
  read_query_table queries;
  add_clip_queries(queries);
  auto everyone = [](std::string_view, std::string_view) { return true; };
  auto run = [&](std::string_view name, const json& args) {
    runner.catch_up();
    return queries.at(std::string{name})(runner.db(), args, everyone);
  };
  auto ids = [](const json& rows) {
    std::vector<std::string> out;
    for (auto& row : rows)
      out.push_back(row["id"].get<std::string>());
    return out;
  };

  const std::string old_one = "000000000a01", new_one = "000000000a02", rendering = "000000000a03",
                    gone = "000000000a04";
  // Made and failed before the read model looked: one batch of events for the projection.
  const std::string failed = "000000000a00";
  REQUIRE(create(f, failed, made_by_bob("Broken")));
  tell(f, failed, clip_failed_atom::value, std::string{"the VOD cannot be read"});
  REQUIRE(get(f, failed));
  REQUIRE(create(f, old_one, made_by_bob("Old")));
  f.clock.advance(std::chrono::hours(10));
  for (auto& id : {new_one, rendering, gone})
    REQUIRE(create(f, id, made_by_bob()));
  for (auto& id : {old_one, new_one, gone})
    tell(f, id, clip_done_atom::value, rendered(0, 30, 100));
  for (auto& user : {"u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9", "u10"})
    REQUIRE(f.ask<clip_view>("clip", old_one, clip_like_atom::value, std::string{user}, true));
  for (auto& user : {"u1", "u2"})
    REQUIRE(f.ask<clip_view>("clip", new_one, clip_like_atom::value, std::string{user}, true));
  REQUIRE(f.ask<clip_view>("clip", new_one, clip_like_atom::value, std::string{"u1"}, false));
  REQUIRE(f.ask<clip_view>("clip", new_one, clip_like_atom::value, std::string{"u1"}, true));
  REQUIRE(f.ask<std::uint64_t>("clip", new_one, clip_viewed_atom::value));
  REQUIRE(f.ask<bool>("clip", gone, clip_delete_atom::value, bob));

  auto recent = run(clip_queries::channel, {{"channel", "alice"}, {"sort", "recent"}});
  CHECK(ids(recent) == std::vector<std::string>{new_one, old_one});
  auto row = recent[0];
  CHECK(row["likes"] == 2);
  CHECK(row["views"] == 1);
  CHECK(row["state"] == "ready");
  CHECK(row["duration_ms"] == 30'000);
  CHECK(row["created_at_ms"] == f.clock.now_ms());
  CHECK(ids(run(clip_queries::channel, {{"channel", "alice"}, {"sort", "top"}})) ==
        std::vector<std::string>{old_one, new_one});
  auto everything = run(clip_queries::channel, {{"channel", "alice"}, {"all_states", true}});
  CHECK(ids(everything) == std::vector<std::string>{rendering, new_one, old_one, failed});
  CHECK(everything[3]["state"] == "failed");
  CHECK(everything[3]["error"] == "the VOD cannot be read");
  CHECK(ids(run(clip_queries::channel, {{"channel", "alice"}, {"limit", 1}})) ==
        std::vector<std::string>{new_one});
  CHECK(run(clip_queries::channel, {{"channel", "bob"}}).empty());

  // Now: old = 30 / 12^1.5 ≈ 0.72, new = (6 + 1) / 2^1.5 ≈ 2.47. In 48 hours: old = 30 / 60^1.5
  // ≈ 0.065, new = 7 / 50^1.5 ≈ 0.020 — the likes outlast the freshness.
  auto trending = [&] {
    return run(clip_queries::trending, {{"now_ms", f.clock.now_ms()}, {"limit", 10}});
  };
  auto now = trending();
  CHECK(ids(now) == std::vector<std::string>{new_one, old_one});
  CHECK(now[0]["score"].get<double>() == doctest::Approx(7 / std::pow(2.0, 1.5)));
  CHECK(now[1]["score"].get<double>() == doctest::Approx(30 / std::pow(12.0, 1.5)));
  f.clock.advance(std::chrono::hours(48));
  CHECK(ids(trending()) == std::vector<std::string>{old_one, new_one});
  // Past 7 days the old one is out, a day later the new one too.
  f.clock.advance(std::chrono::hours(7 * 24 - 58 + 1));
  CHECK(ids(trending()) == std::vector<std::string>{new_one});
  f.clock.advance(std::chrono::hours(10));
  CHECK(trending().empty());
  CHECK(runner.find("clips")->row_count(runner.db()) == 5);
}
