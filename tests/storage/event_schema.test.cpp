#include "storage/event_schema.hpp"

#include <doctest/doctest.h>

using namespace aethex::storage;

TEST_CASE("schema guard refuses events newer than the reader understands") {
  event_schema_registry registry;
  registry.declare("channel.created", 1);
  registry.declare("channel.updated", 2);

  CHECK_FALSE(registry.check(event{"channel.created", 1, 0, "{}"}));
  CHECK_FALSE(registry.check(event{"channel.updated", 2, 0, "{}"}));
  CHECK_FALSE(registry.check(event{"channel.updated", 1, 0, "{}"}));  // older is fine

  auto problem = registry.check(event{"channel.created", 3, 0, "{}"});
  REQUIRE(problem);
  CHECK(*problem == "event channel.created schema 3 is newer than supported 1");

  recorded_event rec{"channel/alice", 7, 9, event{"channel.updated", 5, 0, "{}"}};
  auto with_origin = registry.check(rec);
  REQUIRE(with_origin);
  CHECK(with_origin->find("channel/alice seq 7") != std::string::npos);
}

TEST_CASE("undeclared types pass and declarations can be raised") {
  event_schema_registry registry;
  CHECK_FALSE(registry.supported("chat.message"));
  CHECK_FALSE(registry.check(event{"chat.message", 9, 0, "{}"}));
  registry.declare("chat.message", 1);
  CHECK(registry.check(event{"chat.message", 2, 0, "{}"}));
  registry.declare("chat.message", 2);
  CHECK(registry.supported("chat.message") == 2u);
  CHECK_FALSE(registry.check(event{"chat.message", 2, 0, "{}"}));
}
