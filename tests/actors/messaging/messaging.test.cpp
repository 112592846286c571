// relations/<user> and dm/<a.b> over a real registry and RocksDB store (manual clock for the
// message rate), and the direct-message read model fed by the events they write.
#include <doctest/doctest.h>

#include "actors/messaging/dm_projection.hpp"
#include "actors/messaging/dm_thread.hpp"
#include "actors/messaging/relations.hpp"
#include "runtime/errors.hpp"
#include "storage/read_model.hpp"
#include "tests/actors/entity_fixture.hpp"
#include "tests/storage/temp_dir.hpp"

using namespace aethex;
using namespace aethex::actors;
using json = nlohmann::json;

namespace {

std::string state(test::entity_fixture& f, const std::string& user, const std::string& other) {
  auto view = f.ask<relations_view>("relations", user, get_atom::value);
  REQUIRE(view);
  return std::string{view->state_of(other)};
}

template <class Atom>
caf::expected<std::string> act(test::entity_fixture& f, const std::string& user, Atom atom,
                               const std::string& other) {
  return f.ask<std::string>("relations", user, atom, other);
}

}  // namespace

TEST_CASE("a friend request is accepted, a block ends it and refuses new requests") {
  test::entity_fixture f;
  // ada asks bea: ada's side says outgoing, bea's incoming.
  CHECK(*act(f, "ada", friend_ask_atom::value, "bea") == "outgoing");
  CHECK(*act(f, "bea", friend_asked_atom::value, "ada") == "incoming");
  CHECK(*act(f, "ada", friend_ask_atom::value, "bea") == "outgoing");  // asking again: the same
  auto accepting = act(f, "cyd", friend_accept_atom::value, "ada");
  REQUIRE_FALSE(accepting);  // cyd was never asked
  CHECK(code_of(accepting.error()) == errc::not_found);
  CHECK(*act(f, "bea", friend_accept_atom::value, "ada") == "friend");
  CHECK(*f.ask<std::string>("relations", "ada", relation_mirror_atom::value, std::string{"bea"},
                            std::string{"friend"}) == "friend");

  // Asking someone who asked you first makes you friends at once.
  CHECK(*act(f, "cyd", friend_ask_atom::value, "ada") == "outgoing");
  CHECK(*act(f, "ada", friend_asked_atom::value, "cyd") == "incoming");
  CHECK(*act(f, "ada", friend_ask_atom::value, "cyd") == "friend");
  CHECK(*act(f, "cyd", friend_asked_atom::value, "ada") == "friend");

  // bea blocks ada: the friendship ends on both sides and ada cannot ask again.
  CHECK(*act(f, "bea", block_atom::value, "ada") == "blocked");
  CHECK(*f.ask<std::string>("relations", "ada", relation_mirror_atom::value, std::string{"bea"},
                            std::string{"none"}) == "none");
  auto refused = act(f, "bea", friend_asked_atom::value, "ada");
  REQUIRE_FALSE(refused);
  CHECK(code_of(refused.error()) == errc::forbidden);
  // The blocker cannot ask either until they unblock; a mirror never lifts a block.
  CHECK_FALSE(act(f, "bea", friend_ask_atom::value, "ada"));
  CHECK(*f.ask<std::string>("relations", "bea", relation_mirror_atom::value, std::string{"ada"},
                            std::string{"friend"}) == "blocked");
  CHECK(*act(f, "bea", relation_drop_atom::value, "ada") == "blocked");
  CHECK(*act(f, "bea", unblock_atom::value, "ada") == "none");

  f.restart();
  CHECK(state(f, "ada", "cyd") == "friend");
  CHECK(state(f, "ada", "bea") == "none");
  CHECK(state(f, "bea", "ada") == "none");
  CHECK(state(f, "cyd", "ada") == "friend");
}

TEST_CASE("a user's relations are bounded and survive a restart through snapshots") {
  test::entity_fixture f;
  for (std::size_t i = 0; i < max_incoming_requests; ++i)
    REQUIRE(act(f, "star", friend_asked_atom::value, "fan" + std::to_string(i)));
  auto more = act(f, "star", friend_asked_atom::value, "late_fan");
  REQUIRE_FALSE(more);
  CHECK(code_of(more.error()) == errc::forbidden);
  // Declining one makes room; accepting does not add to the waiting list.
  CHECK(*act(f, "star", relation_drop_atom::value, "fan0") == "none");
  CHECK(*act(f, "star", friend_asked_atom::value, "late_fan") == "incoming");
  CHECK(*act(f, "star", friend_accept_atom::value, "fan1") == "friend");
  f.restart();
  auto view = f.ask<relations_view>("relations", "star", get_atom::value);
  REQUIRE(view);
  CHECK(view->entries.size() == max_incoming_requests);
  CHECK(view->state_of("fan1") == "friend");
  CHECK(view->state_of("late_fan") == "incoming");
  CHECK(view->state_of("fan0") == "none");
}

TEST_CASE("a conversation numbers messages, keeps read marks and paces each sender") {
  test::entity_fixture f{{.manual_clock = true}};
  CHECK(dm_thread_id("zed", "amy") == "amy.zed");
  CHECK(dm_thread_id("amy", "zed") == "amy.zed");
  CHECK_FALSE(dm_participants("zed.amy"));  // not in order
  CHECK_FALSE(dm_participants("amy"));
  CHECK_FALSE(dm_participants("amy.amy"));
  CHECK_FALSE(dm_participants("a.b.c"));
  CHECK_FALSE(f.ask<dm_thread_view>("dm", "zed.amy", get_atom::value));

  auto first = f.ask<dm_message>("dm", "amy.zed", dm_send_atom::value, std::string{"amy"},
                                 std::string{"hi zed"});
  REQUIRE_MESSAGE(first, (first ? "" : message_of(first.error())));
  CHECK(first->id == 1);
  CHECK(first->to == "zed");
  auto outsider = f.ask<dm_message>("dm", "amy.zed", dm_send_atom::value, std::string{"bob"},
                                    std::string{"let me in"});
  REQUIRE_FALSE(outsider);
  CHECK(code_of(outsider.error()) == errc::forbidden);
  for (const auto& bad : std::vector<std::string>{"", "   ", std::string(max_dm_length + 1, 'x')}) {
    auto refused = f.ask<dm_message>("dm", "amy.zed", dm_send_atom::value, std::string{"zed"}, bad);
    REQUIRE_FALSE(refused);
    CHECK(code_of(refused.error()) == errc::invalid_argument);
  }
  // A sender may write dm_rate_limit messages per window; the other side is not slowed.
  for (unsigned i = 1; i < dm_rate_limit; ++i)
    REQUIRE(f.ask<dm_message>("dm", "amy.zed", dm_send_atom::value, std::string{"amy"},
                              "line " + std::to_string(i)));
  auto fast = f.ask<dm_message>("dm", "amy.zed", dm_send_atom::value, std::string{"amy"},
                                std::string{"one too many"});
  REQUIRE_FALSE(fast);
  CHECK(code_of(fast.error()) == errc::rate_limited);
  auto reply = f.ask<dm_message>("dm", "amy.zed", dm_send_atom::value, std::string{"zed"},
                                 std::string{"hello amy"});
  REQUIRE(reply);
  CHECK(reply->id == dm_rate_limit + 1);
  f.clock.advance(dm_rate_window);
  CHECK(f.ask<dm_message>("dm", "amy.zed", dm_send_atom::value, std::string{"amy"},
                          std::string{"after a pause"}));

  // Writing reads the thread up to one's own message: amy is at 12, zed at 11 until he reads.
  auto before_reading = f.ask<dm_thread_view>("dm", "amy.zed", get_atom::value);
  REQUIRE(before_reading);
  CHECK(before_reading->read_first == dm_rate_limit + 2);
  CHECK(before_reading->read_second == dm_rate_limit + 1);
  CHECK(*f.ask<std::uint64_t>("dm", "amy.zed", dm_read_atom::value, std::string{"zed"},
                              std::uint64_t{99}) == dm_rate_limit + 2);  // at most the last
  CHECK(*f.ask<std::uint64_t>("dm", "amy.zed", dm_read_atom::value, std::string{"zed"},
                              std::uint64_t{3}) == dm_rate_limit + 2);  // marks never move back
  f.restart();
  auto view = f.ask<dm_thread_view>("dm", "amy.zed", get_atom::value);
  REQUIRE(view);
  CHECK(view->messages == dm_rate_limit + 2);
  CHECK(view->read_second == dm_rate_limit + 2);
}

TEST_CASE("the direct-message read model lists threads with unread counts and pages history") {
  storage::testing::temp_dir dir;
  auto store = storage::event_store::open(dir.path() / "events");
  auto sent = [](int id, std::string from, std::string text, std::int64_t at) {
    return storage::event{"dm.sent", 1, at,
                          json{{"id", id}, {"from", from}, {"text", text}}.dump()};
  };
  REQUIRE(store->append("dm/amy.zed", storage::no_stream,
                        std::vector{sent(1, "amy", "one", 100), sent(2, "zed", "two", 200),
                                    sent(3, "zed", "three", 300)}));
  REQUIRE(store->append("dm/amy.bob", storage::no_stream, std::vector{sent(1, "bob", "yo", 400)}));
  REQUIRE(
    store->append("dm/amy.zed", 3,
                  std::vector{storage::event{"dm.read", 1, 500, R"({"user":"amy","up_to":2})"}}));
  storage::projection_runner runner(*store, dir.path() / "read.db");
  runner.add(std::make_unique<dm_projection>());
  CHECK(runner.catch_up() == store->global_head());

  auto everything = [](std::string_view, std::string_view) { return true; };
  auto threads = dm_threads_query(runner.db(), {{"user", "amy"}}, everything);
  REQUIRE(threads.size() == 2);
  CHECK(threads[0]["with"] == "bob");  // newest first
  CHECK(threads[0]["unread"] == 1);
  CHECK(threads[1]["with"] == "zed");
  CHECK(threads[1]["unread"] == 1);  // "three"
  CHECK(threads[1]["last"]["text"] == "three");
  auto zed = dm_threads_query(runner.db(), {{"user", "zed"}}, everything);
  REQUIRE(zed.size() == 1);
  CHECK(zed[0]["unread"] == 0);  // zed's replies answered "one"
  auto none = [](std::string_view, std::string_view) { return false; };
  CHECK(dm_threads_query(runner.db(), {{"user", "amy"}}, none).empty());

  auto newest = dm_history_query(runner.db(), {{"thread", "amy.zed"}, {"limit", 2}}, everything);
  REQUIRE(newest.size() == 2);
  CHECK(newest[0]["id"] == 2);
  CHECK(newest[1]["text"] == "three");
  auto older = dm_history_query(runner.db(), {{"thread", "amy.zed"}, {"before", 2}}, everything);
  REQUIRE(older.size() == 1);
  CHECK(older[0]["from"] == "amy");
  CHECK(dm_history_query(runner.db(), {{"thread", "amy.zed"}}, none).empty());

  REQUIRE(store->append("dm/not_a_pair", storage::no_stream, std::vector{sent(1, "x", "y", 1)}));
  CHECK_THROWS(runner.catch_up());
}
