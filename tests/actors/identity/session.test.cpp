#include <doctest/doctest.h>

#include "actors/core/entity_support.hpp"
#include "runtime/secrets.hpp"
#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using actors::session_view;

TEST_CASE("a session resolves to its user until it is revoked") {
  test::entity_fixture f;
  auto digest = runtime::token_digest(runtime::random_hex(32));
  auto expires = actors::now_ms() + actors::session_lifetime_ms;

  auto unknown = f.ask<session_view>("session", digest, get_atom::value);
  REQUIRE_FALSE(unknown);
  CHECK(code_of(unknown.error()) == errc::unauthorized);

  auto created = f.ask<session_view>("session", digest, create_atom::value, std::string{"alice"},
                                     expires);
  REQUIRE(created);
  CHECK(created->user == "alice");
  CHECK(created->expires_at_ms == expires);
  auto again = f.ask<session_view>("session", digest, create_atom::value, std::string{"mallory"},
                                   expires);
  CHECK(code_of(again.error()) == errc::conflict);

  auto view = f.ask<session_view>("session", digest, get_atom::value);
  REQUIRE(view);
  CHECK(view->user == "alice");

  CHECK(f.ask<bool>("session", digest, actors::revoke_atom::value) == true);
  CHECK(f.ask<bool>("session", digest, actors::revoke_atom::value) == false);
  auto revoked = f.ask<session_view>("session", digest, get_atom::value);
  REQUIRE_FALSE(revoked);
  CHECK(code_of(revoked.error()) == errc::unauthorized);
  CHECK(f.events().version("session/" + digest) == 2);
  auto stored = f.events().read_stream("session/" + digest, 1);  // the JSON sessions always wrote
  REQUIRE(stored.size() == 2);
  CHECK(stored[0].data.payload ==
        R"({"expires_at_ms":)" + std::to_string(expires) + R"(,"user":"alice"})");
  CHECK(stored[1].data.type == "session.revoked");
  CHECK(stored[1].data.payload == "{}");
}

TEST_CASE("expired sessions are refused; state survives a restart") {
  test::entity_fixture f;
  auto expired = runtime::token_digest("expired");
  auto valid = runtime::token_digest("valid");
  auto revoked = runtime::token_digest("revoked");
  auto future = actors::now_ms() + 60'000;
  REQUIRE(f.ask<session_view>("session", expired, create_atom::value, std::string{"bob"},
                              actors::now_ms() - 1));
  REQUIRE(f.ask<session_view>("session", valid, create_atom::value, std::string{"bob"}, future));
  REQUIRE(f.ask<session_view>("session", revoked, create_atom::value, std::string{"bob"}, future));
  REQUIRE(f.ask<bool>("session", revoked, actors::revoke_atom::value));
  CHECK(code_of(f.ask<session_view>("session", expired, get_atom::value).error()) ==
        errc::unauthorized);

  f.restart();
  auto still = f.ask<session_view>("session", valid, get_atom::value);
  REQUIRE(still);
  CHECK(still->user == "bob");
  CHECK(still->expires_at_ms == future);
  CHECK_FALSE(f.ask<session_view>("session", revoked, get_atom::value));
  CHECK_FALSE(f.ask<session_view>("session", expired, get_atom::value));
  // Nothing is written for unknown sessions being asked about.
  CHECK(f.events().version("session/" + runtime::token_digest("never")) == 0);
  CHECK_FALSE(f.ask<session_view>("session", runtime::token_digest("never"), get_atom::value));
  CHECK(f.events().version("session/" + runtime::token_digest("never")) == 0);
}
