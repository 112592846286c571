// The state machine of a replicated partition over a real RocksDB store: commands applied once
// even when the log is replayed after a crash, expected versions checked on apply, snapshots
// that carry the partition's streams to another replica.
#include <doctest/doctest.h>

#include <map>

#include "storage/partition_transfer.hpp"
#include "storage/replicated_event_store.hpp"
#include "tests/storage/temp_dir.hpp"

namespace storage = aethex::storage;
using aethex::storage::testing::temp_dir;

namespace {

std::uint32_t first_letter_partition(std::string_view stream) {
  return stream.size() > 5 && stream[5] == 'a' ? 0 : 1;  // "room/a…" -> 0, others -> 1
}

// A partition log that applies each command at once on a state machine, like a group of one.
struct applying_log final : storage::partition_log {
  std::map<std::uint32_t, storage::partition_state_machine*> machines;
  std::map<std::uint32_t, std::uint64_t> next_index;
  bool reachable = true;
  storage::replication::outcome outcome_when_unreachable = storage::replication::outcome::refused;
  std::vector<std::string> commands;
  storage::replication replicate(std::uint32_t partition, std::string command) override {
    if (!reachable)
      return {outcome_when_unreachable, {}};
    commands.push_back(command);
    return {storage::replication::outcome::applied,
            machines.at(partition)->apply(++next_index[partition], command)};
  }
};

std::vector<storage::event> one(const std::string& payload) {
  return {{"test.event", 1, 0, payload}};
}

}  // namespace

TEST_CASE("appends go through the partition's log and are applied once, even when replayed") {
  temp_dir dir{"replicated"};
  auto local = storage::event_store::open(dir / "events", {false});
  storage::partition_state_machine a{*local, 0, first_letter_partition};
  storage::partition_state_machine b{*local, 1, first_letter_partition};
  applying_log log;
  log.machines = {{0, &a}, {1, &b}};
  auto store = storage::replicated_event_store(*local, log, first_letter_partition);

  auto first = store->append("room/alpha", storage::no_stream, one("1"));
  REQUIRE(first);
  CHECK(first.version == 1);
  CHECK(store->append("room/alpha", storage::no_stream, one("again")).status ==
        storage::append_status::conflict);
  REQUIRE(store->append("room/beta", storage::no_stream, one("b")));
  CHECK(a.applied_index() == 2);  // the conflict was applied too (and changed nothing)
  CHECK(b.applied_index() == 1);
  // The leader stamps the time, so every replica stores the same one.
  auto stored = store->read_stream("room/alpha", 1);
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].data.timestamp_ms > 0);

  // A replay of the log (a restart) adds nothing twice.
  CHECK(a.apply(1, log.commands[0]).size() > 0);
  CHECK(local->version("room/alpha") == 1);
  // A node that does not lead the partition refuses before replicating: a safe retry.
  log.reachable = false;
  CHECK(store->append("room/alpha", 1, one("2")).status == storage::append_status::not_leader);
  // A command whose fate is unknown (leadership lost after it entered the log) is an error.
  log.outcome_when_unreachable = storage::replication::outcome::unknown;
  CHECK(store->append("room/alpha", 1, one("2")).status == storage::append_status::io_error);
  CHECK(store->append("", 0, one("x")).status == storage::append_status::invalid);
}

TEST_CASE("a snapshot carries a partition's streams to a replica that missed them") {
  temp_dir dir{"replicated-snapshot"};
  auto leader_store = storage::event_store::open(dir / "leader", {false});
  auto follower_store = storage::event_store::open(dir / "follower", {false});
  storage::partition_state_machine leader{*leader_store, 0, first_letter_partition};
  storage::partition_state_machine other_partition{*leader_store, 1, first_letter_partition};
  storage::partition_state_machine follower{*follower_store, 0, first_letter_partition};
  applying_log log;
  log.machines = {{0, &leader}, {1, &other_partition}};
  auto store = storage::replicated_event_store(*leader_store, log, first_letter_partition);
  for (int i = 0; i < 5; ++i)
    REQUIRE(store->append("room/alpha", storage::any_version, one(std::to_string(i))));
  REQUIRE(store->append("room/beta", storage::any_version, one("other partition")));
  // A stale copy on the follower is replaced, and only the partition's streams travel.
  REQUIRE(follower_store->append("room/alpha", 0, one("stale")));

  CHECK(follower.restore(5, leader.snapshot()));
  CHECK(follower_store->version("room/alpha") == 5);
  CHECK(follower_store->version("room/beta") == 0);
  CHECK(follower.applied_index() == 5);
  CHECK(follower_store->read_stream("room/alpha", 1)[0].data.payload == "0");
  // Restoring a snapshot the store already covers (a restart) leaves it alone.
  CHECK_FALSE(follower.restore(3, leader.snapshot()));
  CHECK(follower.applied_index() == 5);
}

TEST_CASE("an import command brings a founder's streams to replicas that have none of them") {
  temp_dir dir{"replicated-import"};
  auto founder = storage::event_store::open(dir / "founder", {false});
  auto replica = storage::event_store::open(dir / "replica", {false});
  REQUIRE(founder->append("room/alpha", 0, one("from before replication")));
  REQUIRE(founder->append("room/beta", 0, one("another partition")));
  auto blob = storage::export_streams(*founder, [](std::string_view stream) {
    return first_letter_partition(stream) == 0;
  });
  auto command = storage::import_command(blob);

  storage::partition_state_machine at_founder{*founder, 0, first_letter_partition};
  storage::partition_state_machine at_replica{*replica, 0, first_letter_partition};
  CHECK(storage::decode_append_result(at_founder.apply(1, command)));
  CHECK(storage::decode_append_result(at_replica.apply(1, command)));
  CHECK(founder->version("room/alpha") == 1);  // its own copy stays as it was
  CHECK(replica->version("room/alpha") == 1);
  CHECK(replica->read_stream("room/alpha", 1)[0].data.payload == "from before replication");
  CHECK(replica->version("room/beta") == 0);
  CHECK(at_replica.applied_index() == 1);
}
