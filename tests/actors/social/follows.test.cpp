// follows/<user> over a real registry and RocksDB store, and the follows read model fed by the
// events it writes.
#include "actors/social/follows.hpp"

#include <doctest/doctest.h>

#include "actors/modules.hpp"
#include "actors/social/follows_projection.hpp"
#include "storage/read_model.hpp"
#include "tests/actors/entity_fixture.hpp"
#include "tests/storage/temp_dir.hpp"

using namespace aethex;
using actors::follows_view;

namespace {

std::vector<std::string> channels_of(const follows_view& view) {
  std::vector<std::string> names;
  for (auto& followed : view.channels)
    names.push_back(followed.channel);
  return names;
}

}  // namespace

TEST_CASE("a user follows a channel once, unfollows it, and the list survives a restart") {
  test::entity_fixture f;
  auto none = f.ask<follows_view>("follows", "alice", get_atom::value);
  REQUIRE(none);
  CHECK(none->channels.empty());

  auto first = f.ask<follows_view>("follows", "alice", actors::follow_atom::value, "bob");
  REQUIRE(first);
  CHECK(channels_of(*first) == std::vector<std::string>{"bob"});
  CHECK(first->channels[0].since_ms > 0);
  auto again = f.ask<follows_view>("follows", "alice", actors::follow_atom::value, "bob");
  REQUIRE(again);
  CHECK(again->channels.size() == 1);
  CHECK(again->channels[0].since_ms == first->channels[0].since_ms);
  REQUIRE(f.ask<follows_view>("follows", "alice", actors::follow_atom::value, "carol"));
  CHECK(f.events().version("follows/alice") == 2);  // the repeated follow wrote nothing

  REQUIRE(f.ask<follows_view>("follows", "alice", actors::unfollow_atom::value, "bob"));
  auto not_followed = f.ask<follows_view>("follows", "alice", actors::unfollow_atom::value, "dave");
  REQUIRE(not_followed);
  CHECK(channels_of(*not_followed) == std::vector<std::string>{"carol"});
  CHECK(f.events().version("follows/alice") == 3);

  f.restart();
  auto after = f.ask<follows_view>("follows", "alice", get_atom::value);
  REQUIRE(after);
  CHECK(after->user == "alice");
  CHECK(channels_of(*after) == std::vector<std::string>{"carol"});
}

TEST_CASE("the follows read model counts followers per channel over the users a member owns") {
  storage::testing::temp_dir dir;
  auto store = storage::event_store::open(dir.path() / "events");
  auto event = [](std::string type, std::string channel) {
    return storage::event{std::move(type), 1, 100, R"({"channel":")" + channel + R"("})"};
  };
  REQUIRE(store->append("follows/alice", storage::no_stream,
                        std::vector{event("follow.started", "bob"),
                                    event("follow.started", "carol")}));
  REQUIRE(store->append("follows/dave", storage::no_stream,
                        std::vector{event("follow.started", "bob")}));
  REQUIRE(store->append("follows/alice", 2, std::vector{event("follow.stopped", "carol")}));
  storage::projection_runner runner(*store, dir.path() / "read.db");
  runner.add(std::make_unique<actors::follows_projection>());
  CHECK(runner.catch_up() == store->global_head());

  auto everyone = [](std::string_view) { return true; };
  CHECK(actors::follows_projection::followers(runner.db(), "bob", everyone) == 2);
  CHECK(actors::follows_projection::followers(runner.db(), "carol", everyone) == 0);
  auto only_dave = [](std::string_view user) { return user == "dave"; };
  CHECK(actors::follows_projection::followers(runner.db(), "bob", only_dave) == 1);
  CHECK(runner.find("follows")->row_count(runner.db()) == 2);

  // A payload from a newer writer stops the projection instead of being misread.
  REQUIRE(store->append("follows/erin", storage::no_stream,
                        std::vector{storage::event{"follow.started", 2, 100, "{}"}}));
  CHECK_THROWS(runner.catch_up());
}

TEST_CASE("the console's follows commands build the entity's messages") {
  auto adapters = actors::console::default_adapters();
  auto* follows = adapters.find("follows");
  REQUIRE(follows);
  CHECK(follows->show_query == "following");
  actors::console::invocation words;
  words.args = {"bob"};
  auto follow = follows->find("follow")->build(words);
  REQUIRE(follow);
  CHECK(follow->match_elements<actors::follow_atom, std::string>());
  CHECK(follow->get_as<std::string>(1) == "bob");
  auto listing = follows->find("following")->build({});
  REQUIRE(listing);
  CHECK(listing->match_elements<get_atom>());
  CHECK(follows->find("following")->query);
  CHECK_FALSE(follows->find("unfollow")->query);
}
