#include <doctest/doctest.h>

#include <set>

#include "runtime/placement.hpp"

using namespace aethex::runtime;

TEST_CASE("partitions are stable and spread entities") {
  CHECK(partition_of("chat", "alice") == partition_of("chat", "alice"));
  CHECK(partition_of("chat", "alice") < partition_count);
  std::set<std::uint32_t> used;
  for (int i = 0; i < 1000; ++i)
    used.insert(partition_of("channel", "user" + std::to_string(i)));
  CHECK(used.size() == partition_count);  // 1000 ids cover all 64 partitions
  // The kind is part of the key: "a/bc" and "ab/c" must not collide by construction.
  CHECK(partition_of("a", "bc") != partition_of("ab", "c"));
}

TEST_CASE("a single-node table gives every partition to that node") {
  auto table = partition_table::single("n1");
  CHECK(table.owners.size() == partition_count);
  CHECK(table.owner_of(0) == "n1");
  CHECK(table.owner_of(partition_count).empty());
  auto counts = table.counts();
  REQUIRE(counts.size() == 1);
  CHECK(counts[0].second == partition_count);
}

TEST_CASE("rendezvous placement moves only the partitions a new node wins") {
  std::vector<std::string> two{"a", "b"}, three{"a", "b", "c"};
  int moved = 0;
  for (std::uint32_t p = 0; p < partition_count; ++p) {
    auto before = rendezvous_owner(p, two);
    auto after = rendezvous_owner(p, three);
    if (before != after) {
      CHECK(after == "c");  // nothing moves between the old nodes
      ++moved;
    }
  }
  CHECK(moved > 5);
  CHECK(moved < 40);
  CHECK(rendezvous_owner(3, {}).empty());
}

TEST_CASE("a partition table survives serialize and parse; anything else parses empty") {
  auto table = partition_table::single("a");
  table.version = 17;
  table.owners[3] = "b";
  auto back = partition_table::parse(table.serialize());
  CHECK(back.version == 17);
  CHECK(back.owners == table.owners);
  CHECK(partition_table::parse("").owners.empty());
  CHECK(partition_table::parse("x\na").owners.empty());
  CHECK(partition_table::parse("3\na\nb").owners.empty());  // not one owner per partition
}
