// vod/<id> and vodwatch/<user> over a real registry and store: the recorder's upsert, finishing
// once, renaming and privacy with their checks, views, deletion, snapshots across a restart, and
// the bound of the watch list.
#include "actors/vod/vod.hpp"

#include <doctest/doctest.h>

#include "actors/vod/vod_watch.hpp"
#include "runtime/errors.hpp"
#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using namespace aethex::actors;

namespace {

constexpr std::int64_t day_ms = 86'400'000;

vod_recording recording(std::int64_t duration_ms, std::uint64_t bytes, bool finished = false) {
  vod_recording r;
  r.channel = "alice";
  r.title = "Speedrun";
  r.category = "Games";
  r.node = "n1";
  r.started_at_ms = 1'700'000'000'000;
  r.retention_days = 7;
  r.duration_ms = duration_ms;
  r.bytes = bytes;
  r.finished = finished;
  return r;
}

std::vector<std::string> event_types(test::entity_fixture& f, const std::string& stream) {
  std::vector<std::string> types;
  for (auto& e : f.events().read_stream(stream, 1, 1000))
    types.push_back(e.data.type);
  return types;
}

caf::expected<vod_view> record(test::entity_fixture& f, const std::string& id,
                               const vod_recording& r) {
  return f.ask<vod_view>("vod", id, vod_record_atom::value, r);
}

caf::expected<vod_view> patch(test::entity_fixture& f, const std::string& id,
                              const std::string& text) {
  return f.ask<vod_view>("vod", id, update_atom::value, runtime::principal::user("alice"), text);
}

errc code(const caf::expected<vod_view>& v) { return v ? errc{} : code_of(v.error()); }

}  // namespace

TEST_CASE(
  "recording reports are an upsert: created, progressed when figures change, finished once") {
  test::entity_fixture f;
  const std::string id = "0123456789ab";
  CHECK(code(f.ask<vod_view>("vod", id, get_atom::value)) == errc::not_found);

  auto first = record(f, id, recording(0, 0));
  REQUIRE(first);
  CHECK(first->id == id);
  CHECK(first->channel == "alice");
  CHECK(first->state == "recording");
  CHECK(first->privacy == "public");
  CHECK(first->expires_at_ms == 1'700'000'000'000 + 7 * day_ms);

  REQUIRE(record(f, id, recording(5'000, 1'000)));
  REQUIRE(record(f, id, recording(5'000, 1'000)));  // same figures: nothing to record
  auto done = record(f, id, recording(9'000, 2'000, true));
  REQUIRE(done);
  CHECK(done->state == "ready");
  CHECK(done->duration_ms == 9'000);
  auto late = record(f, id, recording(12'000, 3'000, true));  // after finished: ignored
  REQUIRE(late);
  CHECK(late->duration_ms == 9'000);
  CHECK(event_types(f, "vod/" + id) ==
        std::vector<std::string>{"vod.recorded", "vod.progressed", "vod.finished"});

  // A recovered VOD reported finished at once is created and finished in one go.
  auto recovered = recording(4'000, 500, true);
  recovered.recovered = true;
  auto r = record(f, "abcdef012345", recovered);
  REQUIRE(r);
  CHECK(r->state == "ready");
  CHECK(r->recovered);
  CHECK(event_types(f, "vod/abcdef012345") ==
        std::vector<std::string>{"vod.recorded", "vod.finished"});

  CHECK(code(record(f, "not-a-vod-id", recording(0, 0))) == errc::invalid_argument);
  auto forever = recording(0, 0);
  forever.retention_days = 100'000;
  auto held = record(f, "00000000ffff", forever);
  REQUIRE(held);
  CHECK(held->expires_at_ms == forever.started_at_ms + 365 * day_ms);
  f.restart();
  auto again = f.ask<vod_view>("vod", id, get_atom::value);
  REQUIRE(again);
  CHECK(again->state == "ready");
  CHECK(again->bytes == 2'000);
}

TEST_CASE("rename and privacy are checked; views count; a deleted VOD is gone") {
  test::entity_fixture f;
  const std::string id = "00000000beef";
  REQUIRE(record(f, id, recording(1'000, 10)));

  CHECK(code(patch(f, id, R"({"title": ""})")) == errc::invalid_argument);
  CHECK(code(patch(f, id, R"({"title": ")" + std::string(141, 'x') + "\"}")) ==
        errc::invalid_argument);
  CHECK(code(patch(f, id, R"({"privacy": "friends"})")) == errc::invalid_argument);
  CHECK(code(patch(f, id, R"({"titel": "typo"})")) == errc::invalid_argument);
  CHECK(code(f.ask<vod_view>("vod", id, update_atom::value, runtime::principal::anonymous(),
                             std::string{R"({"title": "x"})"})) == errc::forbidden);
  auto changed = patch(f, id, R"({"title": "Finals", "privacy": "followers"})");
  REQUIRE(changed);
  CHECK(changed->title == "Finals");
  CHECK(changed->privacy == "followers");

  CHECK(*f.ask<std::uint64_t>("vod", id, vod_viewed_atom::value) == 1);
  CHECK(*f.ask<std::uint64_t>("vod", id, vod_viewed_atom::value) == 2);

  CHECK(*f.ask<bool>("vod", id, vod_delete_atom::value, runtime::principal::admin()));
  CHECK(code(f.ask<vod_view>("vod", id, get_atom::value)) == errc::not_found);
  auto twice = f.ask<bool>("vod", id, vod_delete_atom::value, runtime::principal::admin());
  REQUIRE_FALSE(twice);
  CHECK(code_of(twice.error()) == errc::not_found);
  CHECK(record(f, id, recording(2'000, 20)));  // a late report changes nothing
  f.restart();
  CHECK(code(f.ask<vod_view>("vod", id, get_atom::value)) == errc::not_found);
}

TEST_CASE("views survive snapshots and a restart") {
  test::entity_fixture f;
  const std::string id = "0000000000aa";
  REQUIRE(record(f, id, recording(1'000, 10, true)));
  for (int i = 0; i < 150; ++i)
    REQUIRE(f.ask<std::uint64_t>("vod", id, vod_viewed_atom::value));
  REQUIRE(patch(f, id, R"({"privacy": "private"})"));
  f.restart();
  auto v = f.ask<vod_view>("vod", id, get_atom::value);
  REQUIRE(v);
  CHECK(v->views == 150);
  CHECK(v->privacy == "private");
  CHECK(v->state == "ready");
}

TEST_CASE("the watch list keeps the most recently watched VODs first, at most 100") {
  test::entity_fixture f{{.manual_clock = true}};
  auto id_of = [](int i) {
    auto digits = std::to_string(i);
    return std::string(12 - digits.size(), '0') + digits;
  };
  for (int i = 0; i < 105; ++i)
    REQUIRE(f.ask<watch_entry>("vodwatch", "bob", vod_watch_atom::value, id_of(i),
                               std::int64_t{i * 1000}, std::int64_t{600'000}));
  // Watching an old one again moves it to the front.
  REQUIRE(f.ask<watch_entry>("vodwatch", "bob", vod_watch_atom::value, id_of(50),
                             std::int64_t{42'500}, std::int64_t{600'000}));
  CHECK_FALSE(f.ask<watch_entry>("vodwatch", "bob", vod_watch_atom::value, std::string{"bad"},
                                 std::int64_t{0}, std::int64_t{0}));
  auto before = f.ask<vodwatch_view>("vodwatch", "bob", get_atom::value);
  REQUIRE(before);
  CHECK(before->entries.size() == max_watched);
  f.restart();
  auto view = f.ask<vodwatch_view>("vodwatch", "bob", get_atom::value);
  REQUIRE(view);
  REQUIRE(view->entries.size() == max_watched);
  CHECK(view->entries[0].vod == id_of(50));
  CHECK(view->entries[0].position_ms == 42'500);
  CHECK(view->entries[1].vod == id_of(104));
  CHECK(view->entries.back().vod == id_of(5));  // 0-4 dropped as the oldest
}
