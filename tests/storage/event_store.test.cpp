#include "storage/event_store.hpp"

#include <doctest/doctest.h>

#include <map>
#include <stdexcept>
#include <thread>

#include "storage/memory_event_store.hpp"
#include "storage/rocksdb_event_store.hpp"
#include "temp_dir.hpp"

using namespace aethex::storage;
using aethex::storage::testing::temp_dir;

namespace {
event make(std::string type, std::string payload = "{}") {
  return event{std::move(type), 1, 1000, std::move(payload)};
}

// The implementations the contract tests run against. Durability, folder locking and the group
// commit statistics are RocksDB's alone and keep their own tests.
struct rocksdb_backend {
  temp_dir dir;
  std::unique_ptr<event_store> open() { return event_store::open(dir.path()); }
};
struct memory_backend {
  std::unique_ptr<event_store> open() { return event_store::in_memory(); }
};
#define STORE_BACKENDS rocksdb_backend, memory_backend
}  // namespace

TEST_CASE_TEMPLATE("append, read back and versions", backend, STORE_BACKENDS) {
  backend b;
  auto store = b.open();
  CHECK(store->version("channel/alice") == 0);
  CHECK(store->global_head() == 0);

  std::vector<event> first{make("channel.created", R"({"name":"alice"})"),
                           make("channel.went_live")};
  auto r = store->append("channel/alice", no_stream, first);
  REQUIRE(r);
  CHECK(r.version == 2);
  r = store->append("channel/bob", no_stream, std::vector{make("channel.created")});
  REQUIRE(r);
  CHECK(r.version == 1);
  CHECK(store->version("channel/alice") == 2);
  CHECK(store->global_head() == 3);

  auto events = store->read_stream("channel/alice", 1);
  REQUIRE(events.size() == 2);
  CHECK(events[0].seq == 1);
  CHECK(events[0].data.type == "channel.created");
  CHECK(events[0].data.payload == R"({"name":"alice"})");
  CHECK(events[1].seq == 2);
  CHECK(events[0].global_position == 1);
  CHECK(events[1].global_position == 2);
  CHECK(store->read_stream("channel/alice", 2).size() == 1);
  CHECK(store->read_stream("channel/bob", 1).at(0).global_position == 3);
  CHECK(store->read_stream("channel/alice", 1, 1).size() == 1);
  CHECK(store->read_stream("channel/alic", 1).empty());

  auto global = store->read_global(1, 100);
  REQUIRE(global.size() == 3);
  CHECK(global[0].stream == "channel/alice");
  CHECK(global[2].stream == "channel/bob");
  CHECK(global[2].global_position == 3);
  CHECK(global[2].seq == 1);
  CHECK(store->read_global(3, 100).size() == 1);
  CHECK(store->read_global(4, 100).empty());

  CHECK(store->list_streams("channel/") ==
        std::vector<std::string>{"channel/alice", "channel/bob"});
  CHECK(store->list_streams("channel/b") == std::vector<std::string>{"channel/bob"});
  CHECK(store->list_streams("chat/").empty());
}

TEST_CASE_TEMPLATE("stale writer gets a conflict and nothing is written", backend, STORE_BACKENDS) {
  backend b;
  auto store = b.open();
  REQUIRE(store->append("s/1", no_stream, std::vector{make("a")}));
  auto stale = store->append("s/1", no_stream, std::vector{make("b"), make("c")});
  CHECK(stale.status == append_status::conflict);
  CHECK(stale.version == 1);
  CHECK_FALSE(stale.message.empty());
  CHECK(store->version("s/1") == 1);
  CHECK(store->read_stream("s/1", 1).size() == 1);
  CHECK(store->global_head() == 1);

  CHECK(store->append("s/1", 1, std::vector{make("b")}).version == 2);
  CHECK(store->append("s/1", any_version, std::vector{make("c")}).version == 3);
  CHECK(store->append("s/1", 7, std::vector{make("d")}).status == append_status::conflict);
}

TEST_CASE_TEMPLATE("events without a timestamp are stamped at append time", backend,
                   STORE_BACKENDS) {
  backend b;
  auto store = b.open();
  REQUIRE(store->append("s/1", no_stream, std::vector{event{"a", 1, 0, "{}"}, make("b")}));
  auto events = store->read_stream("s/1", 1);
  CHECK(events.at(0).data.timestamp_ms > 1'600'000'000'000);
  CHECK(events.at(1).data.timestamp_ms == 1000);  // a given timestamp is kept
}

TEST_CASE_TEMPLATE("invalid appends are refused", backend, STORE_BACKENDS) {
  backend b;
  auto store = b.open();
  using namespace std::string_view_literals;
  CHECK(store->append("", no_stream, std::vector{make("a")}).status == append_status::invalid);
  CHECK(store->append("a\0b"sv, no_stream, std::vector{make("a")}).status ==
        append_status::invalid);
  CHECK(store->append("s", no_stream, std::vector{make("")}).status == append_status::invalid);
  CHECK(store->global_head() == 0);
}

TEST_CASE("data survives close and reopen") {
  temp_dir dir;
  {
    auto store = event_store::open(dir.path());
    REQUIRE(store->append("s/1", no_stream, std::vector{make("a"), make("b")}));
    store->put_meta("admin-token-hash", "xyz");
    store->save_snapshot("s/1", {2, "state@2"});
  }
  auto store = event_store::open(dir.path());
  CHECK(store->version("s/1") == 2);
  CHECK(store->global_head() == 2);
  CHECK(store->get_meta("admin-token-hash") == "xyz");
  CHECK_FALSE(store->get_meta("missing"));
  CHECK(store->load_snapshot("s/1")->state == "state@2");
  CHECK(store->append("s/1", 2, std::vector{make("c")}).version == 3);
  CHECK(store->read_global(3, 10).at(0).data.type == "c");
}

TEST_CASE("a folder in use by another store fails to open with a clear message") {
  temp_dir dir;
  auto store = event_store::open(dir.path());
  try {
    auto second = event_store::open(dir.path());
    FAIL("second open should throw");
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    CHECK(msg.find(dir.path().string()) != std::string::npos);
  }
}

TEST_CASE_TEMPLATE(
  "concurrent appenders are group-committed with exact versions and gapless positions", backend,
  STORE_BACKENDS) {
  backend b;
  auto store = b.open();
  constexpr int threads = 8, per_thread = 200;
  std::vector<std::thread> workers;
  std::atomic<int> failures{0};
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      const std::string own = "own/" + std::to_string(t);
      for (int i = 0; i < per_thread; ++i) {
        // Own stream: the version we expect is exact.
        auto r = store->append(own, static_cast<std::uint64_t>(i), std::vector{make("e")});
        if (!r || r.version != static_cast<std::uint64_t>(i + 1))
          ++failures;
        // Shared stream: retry on conflict like an entity would.
        for (;;) {
          auto v = store->version("shared");
          auto s = store->append("shared", v, std::vector{make("e")});
          if (s)
            break;
          if (s.status != append_status::conflict) {
            ++failures;
            break;
          }
        }
      }
    });
  }
  for (auto& w : workers)
    w.join();
  CHECK(failures == 0);
  CHECK(store->version("shared") == threads * per_thread);
  for (int t = 0; t < threads; ++t)
    CHECK(store->version("own/" + std::to_string(t)) == per_thread);
  const auto total = static_cast<std::uint64_t>(2 * threads * per_thread);
  CHECK(store->global_head() == total);
  auto all = store->read_global(1, SIZE_MAX);
  REQUIRE(all.size() == total);
  std::map<std::string, std::uint64_t> last_seq;
  for (std::size_t i = 0; i < all.size(); ++i) {
    CHECK(all[i].global_position == i + 1);
    CHECK(all[i].seq == last_seq[all[i].stream] + 1);  // per-stream order is kept in the log
    last_seq[all[i].stream] = all[i].seq;
  }
  if (auto* rocks = dynamic_cast<rocksdb_event_store*>(store.get())) {
    auto stats = rocks->statistics();
    MESSAGE("appends " << stats.appends << " in " << stats.write_batches << " write batches");
  }
}

TEST_CASE_TEMPLATE("snapshot plus tail recovers the state", backend, STORE_BACKENDS) {
  backend b;
  auto store = b.open();
  // State = sum of payload numbers.
  auto fold = [](std::int64_t state, const recorded_event& e) {
    return state + std::stoll(e.data.payload);
  };
  std::int64_t expected = 0;
  for (int i = 1; i <= 50; ++i) {
    REQUIRE(store->append("acc/1", any_version, std::vector{make("added", std::to_string(i))}));
    expected += i;
    if (i == 30) {
      std::int64_t state = 0;
      for (auto& e : store->read_stream("acc/1", 1))
        state = fold(state, e);
      store->save_snapshot("acc/1", {30, std::to_string(state)});
    }
  }
  auto snap = store->load_snapshot("acc/1");
  REQUIRE(snap);
  CHECK(snap->version == 30);
  std::int64_t state = std::stoll(snap->state);
  auto tail = store->read_stream("acc/1", snap->version + 1);
  CHECK(tail.size() == 20);
  for (auto& e : tail)
    state = fold(state, e);
  CHECK(state == expected);
  CHECK_FALSE(store->load_snapshot("acc/2"));
}

TEST_CASE_TEMPLATE("removing a stream drops its events, log entries, version and snapshot", backend,
                   STORE_BACKENDS) {
  backend b;
  auto store = b.open();
  REQUIRE(store->append("chat/a", no_stream, std::vector{make("x"), make("y")}));
  REQUIRE(store->append("chat/b", no_stream, std::vector{make("z")}));
  store->save_snapshot("chat/a", {2, "state"});
  store->remove_stream("chat/a");
  CHECK(store->version("chat/a") == 0);
  CHECK(store->read_stream("chat/a", 1).empty());
  CHECK_FALSE(store->load_snapshot("chat/a"));
  CHECK(store->list_streams("chat/") == std::vector<std::string>{"chat/b"});
  CHECK(store->global_head() == 3);  // positions are never reused
  auto global = store->read_global(1, 10);
  REQUIRE(global.size() == 1);
  CHECK(global[0].stream == "chat/b");
  CHECK(global[0].global_position == 3);
  // The stream can start afresh; the global log continues after the old head.
  auto again = store->append("chat/a", no_stream, std::vector{make("x")});
  REQUIRE(again);
  CHECK(again.version == 1);
  CHECK(store->read_stream("chat/a", 1).at(0).global_position == 4);
}

TEST_CASE_TEMPLATE("meta records, empty appends and listing order", backend, STORE_BACKENDS) {
  backend b;
  auto store = b.open();
  store->put_meta("k", "v1");
  store->put_meta("k", "v2");
  CHECK(store->get_meta("k") == "v2");
  CHECK_FALSE(store->get_meta("ver:k"));
  CHECK(store->list_streams("").empty());  // meta records are not streams

  auto empty = store->append("s/1", no_stream, std::span<const event>{});
  CHECK(empty);
  CHECK(empty.version == 0);
  CHECK(store->list_streams("s/").empty());  // an empty append creates no stream

  for (const char* name : {"s/b", "s/a\xff", "s/a", "s/A", "t/a"})
    REQUIRE(store->append(name, no_stream, std::vector{make("e")}));
  // Byte order (0xff sorts last, upper case before lower case), limited by max_count.
  CHECK(store->list_streams("s/") == std::vector<std::string>{"s/A", "s/a", "s/a\xff", "s/b"});
  CHECK(store->list_streams("s/", 2) == std::vector<std::string>{"s/A", "s/a"});
  CHECK(store->read_global(2, 2).size() == 2);
  CHECK(store->read_stream("s/a", 0).size() == 1);  // seq 0 reads from the start
}

TEST_CASE_TEMPLATE("memory held grows with appends", backend, STORE_BACKENDS) {
  backend b;
  auto store = b.open();
  const auto empty = store->memory_bytes();
  std::vector<event> batch(10, make("chat.message", std::string(1000, 'x')));
  REQUIRE(store->append("chat/room", no_stream, batch));
  CHECK(store->memory_bytes() >= empty + 10'000);
}

TEST_CASE("RocksDB write buffers stay bounded while events keep coming") {
  temp_dir dir;
  auto store = event_store::open(dir.path());
  // 48 MiB of events: three times the bound, so memtables must have been flushed to disk.
  std::vector<event> batch(64, make("chat.message", std::string(8 << 10, 'x')));
  for (std::uint64_t i = 0; i < 96; ++i)
    REQUIRE(store->append("chat/room", any_version, batch));
  // A flush runs in the background: the bound holds once the last one has finished.
  auto held = store->memory_bytes();
  for (int i = 0; i < 100 && held > rocksdb_event_store::write_buffer_bytes; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    held = store->memory_bytes();
  }
  CHECK(held > 0);
  CHECK(held <= rocksdb_event_store::write_buffer_bytes);
  CHECK(store->read_stream("chat/room", 1).size() == 96 * 64);
}
