#include "storage/partition_transfer.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

#include "temp_dir.hpp"

using namespace aethex::storage;
using aethex::storage::testing::temp_dir;

namespace {

event make(std::string type, std::int64_t ts, std::string payload = "{}") {
  return event{std::move(type), 2, ts, std::move(payload)};
}

bool chat_only(std::string_view stream) { return stream.starts_with("chat/"); }

}  // namespace

TEST_CASE("a partition's streams move to another store with seqs, timestamps and snapshots") {
  temp_dir from_dir{"from"}, to_dir{"to"};
  auto from = event_store::open(from_dir.path());
  auto to = event_store::open(to_dir.path());
  std::vector<event> batch;
  for (int i = 0; i < 2500; ++i)
    batch.push_back(make("chat.message", 1000 + i, R"({"text":")" + std::to_string(i) + "\"}"));
  REQUIRE(from->append("chat/alice", no_stream, batch));
  from->save_snapshot("chat/alice", snapshot{2400, "state@2400"});
  REQUIRE(from->append("chat/bob", no_stream, std::vector{make("chat.message", 7)}));
  REQUIRE(from->append("channel/alice", no_stream, std::vector{make("channel.created", 5)}));
  // A stale copy on the receiver (from an earlier ownership) is replaced, not appended to.
  REQUIRE(to->append("chat/alice", no_stream, std::vector{make("chat.stale", 1)}));

  auto blob = export_streams(*from, chat_only);
  auto summary = import_streams(*to, blob);
  CHECK(summary.streams == 2);
  CHECK(summary.events == 2501);
  CHECK(to->version("chat/alice") == 2500);
  CHECK(to->version("chat/bob") == 1);
  CHECK(to->version("channel/alice") == 0);
  auto moved = to->read_stream("chat/alice", 2500);
  REQUIRE(moved.size() == 1);
  CHECK(moved[0].data.type == "chat.message");
  CHECK(moved[0].data.timestamp_ms == 1000 + 2499);
  CHECK(moved[0].data.schema == 2);
  CHECK(moved[0].data.payload == R"({"text":"2499"})");
  auto snap = to->load_snapshot("chat/alice");
  REQUIRE(snap);
  CHECK(snap->version == 2400);
  CHECK(snap->state == "state@2400");
  // The global log of the receiver lists each moved event once (projections read it there).
  CHECK(to->read_global(1, 10000).size() == 2501);

  SUBCASE("importing twice still gives one copy") {
    import_streams(*to, blob);
    CHECK(to->version("chat/alice") == 2500);
    CHECK(to->read_global(1, 10000).size() == 2501);
  }
  SUBCASE("a longer local copy is never replaced by a shorter one") {
    temp_dir other_dir{"other"};
    auto other = event_store::open(other_dir.path());
    REQUIRE(other->append("chat/alice", no_stream, std::vector{make("chat.message", 1)}));
    CHECK_THROWS_AS(import_streams(*to, export_streams(*other, chat_only)), std::runtime_error);
    CHECK(to->version("chat/alice") == 2500);
  }
  SUBCASE("the old owner removes its copy and keeps the rest") {
    CHECK(remove_streams(*from, chat_only) == 2);
    CHECK(from->version("chat/alice") == 0);
    CHECK(from->read_stream("chat/alice", 1).empty());
    CHECK_FALSE(from->load_snapshot("chat/alice"));
    CHECK(from->version("channel/alice") == 1);
    auto global = from->read_global(1, 10000);
    REQUIRE(global.size() == 1);
    CHECK(global[0].stream == "channel/alice");
    // Appends after a removal start the stream afresh.
    CHECK(from->append("chat/alice", no_stream, std::vector{make("chat.message", 9)}).version == 1);
  }
}

TEST_CASE("a malformed blob is refused without writing") {
  temp_dir dir;
  auto store = event_store::open(dir.path());
  CHECK_THROWS_AS(import_streams(*store, "nope"), std::runtime_error);
  std::string truncated = export_streams(*store, [](std::string_view) { return true; });
  truncated += std::string("\0\0\0\x09chat/", 9);
  CHECK_THROWS_AS(import_streams(*store, truncated), std::runtime_error);
  CHECK(store->list_streams("").empty());
}
