// The user ↔ connection indexes every topic hub keeps: first and last connection of a user.
#include "actors/core/topic_connections.hpp"

#include <doctest/doctest.h>

#include <caf/all.hpp>

using aethex::actors::topic_connections;

TEST_CASE("topic connections say when a user's first one comes and the last one goes") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto page = [&] { return sys.spawn([] { return caf::behavior{[](int) {}}; }); };
  auto a1 = page(), a2 = page(), b1 = page();
  topic_connections c;
  CHECK(c.add("amy", a1) == topic_connections::added::first_of_user);
  CHECK(c.add("amy", a1) == topic_connections::added::already);
  CHECK(c.add("amy", a2) == topic_connections::added::another_of_user);
  CHECK(c.add("bob", b1) == topic_connections::added::first_of_user);
  CHECK(c.add("bob", caf::actor{}) == topic_connections::added::already);
  CHECK(c.size() == 3);
  CHECK(c.of("amy").size() == 2);
  CHECK(c.of("nobody").empty());
  CHECK_FALSE(c.remove(a1.address()));  // amy still has a page here
  CHECK(c.remove(a2.address()) == std::optional<std::string>{"amy"});
  CHECK_FALSE(c.has("amy"));
  CHECK_FALSE(c.remove(a2.address()));  // unknown now
  CHECK(c.remove(b1.address()) == std::optional<std::string>{"bob"});
  CHECK(c.size() == 0);
  for (auto& actor : {a1, a2, b1})
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
}
