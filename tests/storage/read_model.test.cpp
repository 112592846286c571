#include "storage/read_model.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "actors/channel/channel_directory.hpp"
#include "temp_dir.hpp"
#include "test_projections.hpp"

using namespace aethex::storage;
using aethex::actors::channel_directory;
using aethex::storage::testing::temp_dir;

namespace {

event ev(std::string type, std::string payload = "{}", std::int64_t ts = 1000) {
  return event{std::move(type), 1, ts, std::move(payload)};
}

// Fails on the event with global position `fail_at`, like a crash in the middle of a batch.
class failing_projection final : public projection {
 public:
  explicit failing_projection(std::uint64_t fail_at) : fail_at_(fail_at) {}
  std::string name() const override { return "failing"; }
  void create_schema(sqlite::database& db) override {
    db.exec("CREATE TABLE IF NOT EXISTS seen(position INTEGER PRIMARY KEY)");
  }
  void reset(sqlite::database& db) override { db.exec("DELETE FROM seen"); }
  void apply(sqlite::transaction& tx, const recorded_event& e) override {
    if (e.global_position == fail_at_)
      throw std::runtime_error("simulated crash");
    tx.db()
      .prepare("INSERT INTO seen(position) VALUES(?1)")
      .bind(1, static_cast<std::int64_t>(e.global_position))
      .run();
  }
  std::uint64_t fail_at_;
};

std::int64_t count_rows(sqlite::database& db, const std::string& table) {
  auto q = db.prepare("SELECT COUNT(*) FROM " + table);
  q.step();
  return q.column_int64(0);
}

void seed_channels(event_store& store) {
  REQUIRE(store.append("channel/alice", no_stream,
                       std::vector{ev("channel.created",
                                      R"({"name":"alice","owner":"u1","title":"Alice plays"})", 10),
                                   ev("channel.updated", R"({"category":"games"})", 20),
                                   ev("channel.went_live", "{}", 30)}));
  REQUIRE(store.append("channel/bob", no_stream,
                       std::vector{ev("channel.created",
                                      R"({"name":"bob","owner":"u2","title":"Bob"})", 11)}));
  REQUIRE(store.append("chat/alice", no_stream,
                       std::vector{ev("chat.message", R"({"text":"hi"})")}));
  REQUIRE(store.append("channel/bob", 1,
                       std::vector{ev("channel.updated", R"({"title":"Bob codes"})", 40),
                                   ev("channel.went_live", "{}", 41),
                                   ev("channel.went_offline", "{}", 42)}));
}

}  // namespace

TEST_CASE("channel directory follows channel events") {
  temp_dir dir;
  auto store = event_store::open(dir / "events");
  projection_runner runner(*store, dir / "read.db");
  runner.add(std::make_unique<channel_directory>());
  seed_channels(*store);

  CHECK(runner.catch_up() == store->global_head());
  CHECK(runner.checkpoint(channel_directory::projection_name) == store->global_head());
  CHECK(runner.catch_up() == 0);

  auto alice = channel_directory::find(runner.db(), "alice");
  REQUIRE(alice);
  CHECK(*alice == channel_directory::channel{"alice", "Alice plays", "games", true, "u1", 30});
  auto bob = channel_directory::find(runner.db(), "bob");
  REQUIRE(bob);
  CHECK(*bob == channel_directory::channel{"bob", "Bob codes", "", false, "u2", 42});
  CHECK_FALSE(channel_directory::find(runner.db(), "carol"));

  CHECK(channel_directory::list(runner.db()).size() == 2);
  auto live = channel_directory::list(runner.db(), true);
  REQUIRE(live.size() == 1);
  CHECK(live[0].name == "alice");
  CHECK(channel_directory::list(runner.db(), false, 10, "alice").at(0).name == "bob");

  // A separate read-only connection sees the same rows (WAL readers).
  sqlite::database reader(dir / "read.db", sqlite::database::mode::read_only);
  CHECK(channel_directory::list(reader).size() == 2);
}

TEST_CASE("a batch that fails midway leaves neither rows nor checkpoint") {
  temp_dir dir;
  auto store = event_store::open(dir / "events");
  for (int i = 0; i < 10; ++i)
    REQUIRE(store->append("s/" + std::to_string(i), no_stream, std::vector{ev("e")}));

  projection_runner::options opts;
  opts.batch_size = 4;
  {
    projection_runner runner(*store, dir / "read.db", opts);
    auto& failing = dynamic_cast<failing_projection&>(
      runner.add(std::make_unique<failing_projection>(6)));
    CHECK_THROWS_WITH(runner.catch_up(), "simulated crash");
    // First batch (1..4) committed; second batch (5..8) failed at 6 and rolled back entirely.
    CHECK(runner.checkpoint("failing") == 4);
    CHECK(count_rows(runner.db(), "seen") == 4);

    failing.fail_at_ = 0;  // the "restart" fixes the fault
    CHECK(runner.catch_up() == 6);
    CHECK(runner.checkpoint("failing") == 10);
  }
  // Reopening resumes from the stored checkpoint: nothing is applied twice.
  projection_runner again(*store, dir / "read.db", opts);
  again.add(std::make_unique<failing_projection>(0));
  CHECK(again.catch_up() == 0);
  CHECK(count_rows(again.db(), "seen") == 10);
}

TEST_CASE("rebuild yields identical rows") {
  temp_dir dir;
  auto store = event_store::open(dir / "events");
  projection_runner::options opts;
  opts.batch_size = 2;
  projection_runner runner(*store, dir / "read.db", opts);
  runner.add(std::make_unique<channel_directory>());
  runner.add(std::make_unique<testing::event_counter>());
  seed_channels(*store);
  runner.catch_up();
  const auto before = channel_directory::list(runner.db());
  REQUIRE(before.size() == 2);

  CHECK(runner.rebuild(channel_directory::projection_name) == store->global_head());
  CHECK(channel_directory::list(runner.db()) == before);
  CHECK(runner.checkpoint(channel_directory::projection_name) == store->global_head());
  CHECK(runner.rebuild("event_counter") == store->global_head());
  CHECK(testing::event_counter::count(runner.db()) ==
        static_cast<std::int64_t>(store->global_head()));
  CHECK_THROWS_AS(runner.rebuild("nope"), std::invalid_argument);
}

TEST_CASE("projection refuses a future schema instead of misreading it") {
  temp_dir dir;
  auto store = event_store::open(dir / "events");
  projection_runner runner(*store, dir / "read.db");
  runner.add(std::make_unique<channel_directory>());
  REQUIRE(
    store->append("channel/zed", no_stream,
                  std::vector{event{"channel.created", 3, 1, R"({"title":"from the future"})"}}));
  CHECK_THROWS_WITH(runner.catch_up(),
                    doctest::Contains("event channel.created schema 3 is newer than supported 1"));
  CHECK(runner.checkpoint(channel_directory::projection_name) == 0);
}

TEST_CASE("background runner catches up after notify") {
  temp_dir dir;
  auto store = event_store::open(dir / "events");
  projection_runner::options opts;
  opts.poll_interval = std::chrono::seconds(30);  // only notify() can make this test pass quickly
  projection_runner runner(*store, dir / "read.db", opts);
  runner.add(std::make_unique<channel_directory>());
  runner.start();
  REQUIRE(store->append("channel/live", no_stream,
                        std::vector{ev("channel.created", R"({"title":"t"})"),
                                    ev("channel.went_live")}));
  runner.notify();
  sqlite::database reader(dir / "read.db", sqlite::database::mode::read_only);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::optional<channel_directory::channel> row;
  while (std::chrono::steady_clock::now() < deadline) {
    row = channel_directory::find(reader, "live");
    if (row && row->live)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(row);
  CHECK(row->live);
  runner.stop();
  CHECK_FALSE(runner.last_error());
}

TEST_CASE("a cached statement is prepared once and a half-read loan holds no stale snapshot") {
  temp_dir dir;
  sqlite::database writer{dir.path() / "cache.db"};
  writer.exec("CREATE TABLE t(x INTEGER)");
  writer.exec("INSERT INTO t VALUES (1), (2)");
  sqlite::database reader{dir.path() / "cache.db", sqlite::database::mode::read_only};
  const char* sql = "SELECT x FROM t ORDER BY x";
  const sqlite::statement* first = nullptr;
  {
    auto q = reader.cached(sql);
    first = &*q;
    REQUIRE(q->step());  // one row read, the second left: the loan's end must reset it
    CHECK(q->column_int64(0) == 1);
  }
  writer.exec("INSERT INTO t VALUES (3)");
  auto q = reader.cached(sql);
  CHECK(&*q == first);
  std::int64_t rows = 0;
  while (q->step())
    ++rows;
  CHECK(rows == 3);  // the write after the first loan is seen
}
