// The org multi-streamer policy's rules without actors: shared moderators ≤ 100, bans ≤ 10 000
// with reason and who, rules naming only org members on org channels, member keys kept as
// digests (the key itself never), keys a removed member or rule change no longer backs, the
// schedule's bound and slot checks, RFC 5545 output (CRLF, folding, escaping, stable UIDs) and a
// snapshot that restores the same state.
#include "actors/orgstreams/policy_book.hpp"

#include <doctest/doctest.h>

#include "actors/orgstreams/orgstreams.hpp"
#include "runtime/errors.hpp"
#include "runtime/secrets.hpp"

using namespace aethex;
using namespace aethex::actors;
using json = nlohmann::json;

namespace {

org_facts acme() {
  org_facts org;
  org.roles = {{"olga", "owner"}, {"adam", "admin"}, {"mia", "member"}, {"max", "member"}};
  org.channels = {"acme_one", "acme_two"};
  return org;
}

constexpr std::int64_t t0 = 1'800'000'000'000;

schedule_entry entry(std::string channel, std::int64_t starts, std::int64_t minutes = 60) {
  return schedule_entry{"", std::move(channel), "Launch, day 1; live", starts, minutes, "mia", t0};
}

}  // namespace

TEST_CASE("orgstreams: shared moderators and bans are bounded") {
  policy_book book;
  for (int i = 0; i < 100; ++i) {
    REQUIRE_FALSE(book.can_add_moderator("mod" + std::to_string(i)));
    book.add_moderator("mod" + std::to_string(i), "olga");
  }
  CHECK(code_of(book.can_add_moderator("one_more")) == errc::conflict);
  CHECK_FALSE(book.can_add_moderator("mod5"));  // already one: idempotent
  for (int i = 0; i < 10'000; ++i)
    book.ban("u" + std::to_string(i), org_ban{"spam", "adam", t0});
  CHECK(code_of(book.can_ban("u10000", "")) == errc::conflict);
  CHECK_FALSE(book.can_ban("u42", "again"));
  CHECK(code_of(book.can_ban("x", std::string(501, 'r'))) == errc::invalid_argument);
  auto policy = book.room_policy();
  CHECK(policy["moderators"].size() == 100);
  CHECK(policy["banned"].size() == 10'000);
  auto j = book.to_json("acme");
  CHECK(j["bans"][0]["reason"] == "spam");
  CHECK(j["bans"][0]["by"] == "adam");
}

TEST_CASE("orgstreams: rules name org members on org channels; keys are digests") {
  policy_book book;
  auto org = acme();
  CHECK(code_of(book.can_set_rule(org, "elsewhere", {"mia"})) == errc::not_found);
  CHECK(code_of(book.can_set_rule(org, "acme_one", {"stranger"})) == errc::invalid_argument);
  REQUIRE_FALSE(book.can_set_rule(org, "acme_one", {"mia", "max"}));
  book.set_rule("acme_one", {"mia", "max"});
  auto key = new_member_key("acme_one", "acme");
  CHECK(key.starts_with("live_acme_one_o.acme."));
  CHECK(org_of_member_key(key) == "acme");
  CHECK(org_of_member_key("live_acme_one_0123abcd") == "");
  CHECK(org_of_member_key("live_acme_one_o..x") == "");
  book.issue_key("acme_one", "mia", runtime::token_digest(key));
  CHECK(book.member_of_digest("acme_one", runtime::token_digest(key)) == "mia");
  CHECK(book.member_of_digest("acme_two", runtime::token_digest(key)) == "");
  CHECK(book.member_of_digest("acme_one", runtime::token_digest(key + "x")) == "");
  // The key itself is nowhere in the state.
  CHECK(book.snapshot().dump().find(key) == std::string::npos);
  CHECK(book.to_json("acme").dump().find("digest") == std::string::npos);
  CHECK(book.stale_keys(org).empty());
  // A member who left the org, or a channel detached, no longer backs the key.
  org.roles.erase("mia");
  CHECK(book.stale_keys(org) ==
        std::vector<std::pair<std::string, std::string>>{{"acme_one", "mia"}});
  org = acme();
  org.channels.erase("acme_one");
  CHECK(book.stale_keys(org).size() == 1);
  // Out of the rule: the same.
  book.set_rule("acme_one", {"max"});
  CHECK(book.stale_keys(acme()).size() == 1);
  book.revoke_key("acme_one", "mia");
  CHECK(book.member_of_digest("acme_one", runtime::token_digest(key)) == "");
}

TEST_CASE("orgstreams: the schedule is checked and bounded to 500 upcoming") {
  policy_book book;
  auto org = acme();
  auto now = t0;
  CHECK(code_of(book.can_schedule(org, entry("elsewhere", now + 1000), now)) == errc::not_found);
  CHECK(code_of(book.can_schedule(org, entry("acme_one", now - 3'600'001), now)) ==
        errc::invalid_argument);
  CHECK(code_of(book.can_schedule(org, entry("acme_one", now, 0), now)) == errc::invalid_argument);
  auto stranger = entry("acme_one", now + 1000);
  stranger.streamer = "stranger";
  CHECK(code_of(book.can_schedule(org, stranger, now)) == errc::invalid_argument);
  for (int i = 0; i < 500; ++i) {
    auto e = entry(i % 2 ? "acme_one" : "acme_two", now + 60'000 * i);
    e.id = "e" + std::to_string(i);
    REQUIRE_FALSE(book.can_schedule(org, e, now));
    book.schedule(e);
  }
  CHECK(reason_of(book.can_schedule(org, entry("acme_one", now + 1000), now)) == "schedule_full");
  // Once slots are over, room comes back.
  CHECK_FALSE(book.can_schedule(org, entry("acme_one", now + 10'000'000), now + 3'700'000));
}

TEST_CASE("orgstreams: the schedule as RFC 5545") {
  policy_book book;
  auto e = entry("acme_one", t0 + 3'600'000, 90);
  e.id = "abc123";
  e.title = std::string(80, 'x') + ", with a comma; and \u00e9\u00e9\u00e9\u00e9";
  book.schedule(e);
  auto over = entry("acme_two", t0 - 10'000'000, 1);
  over.id = "old";
  book.schedule(over);
  auto text = book.ics("acme", t0);
  CHECK(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
  CHECK(text.ends_with("END:VCALENDAR\r\n"));
  CHECK(text.find("UID:abc123@acme.orgstreams.aethex\r\n") != std::string::npos);
  CHECK(text.find("UID:old@") == std::string::npos);  // over: not listed
  CHECK(text.find("DTSTART:20270115T090000Z\r\n") != std::string::npos);
  CHECK(text.find("DTEND:20270115T103000Z\r\n") != std::string::npos);  // 90 minutes on
  CHECK(text.find("\\, with a comma\\; and") != std::string::npos);
  // Every line ends in CRLF, is at most 75 octets, and a continuation starts with a space.
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find("\r\n", start);
    REQUIRE(end != std::string::npos);
    CHECK(end - start <= 75);
    start = end + 2;
  }
  CHECK(text.find("\r\n ") != std::string::npos);
  CHECK(book.ics("acme", t0) == text);  // stable
}

TEST_CASE("orgstreams: a snapshot restores the same policy") {
  policy_book book;
  book.add_moderator("mod1", "olga");
  book.ban("troll", org_ban{"spam", "adam", t0});
  book.set_rule("acme_one", {"mia"});
  book.issue_key("acme_one", "mia", "digest");
  auto e = entry("acme_one", t0 + 1000);
  e.id = "e1";
  book.schedule(e);
  book.went_live("acme_one", member_live{"mia", "s1", t0});
  book.set_emotes({"acmeHype", "acmeWave"});
  policy_book copy;
  copy.restore(json::parse(book.snapshot().dump()));
  CHECK(copy.snapshot() == book.snapshot());
  CHECK(copy.to_json("acme") == book.to_json("acme"));
  CHECK(copy.ics("acme", t0) == book.ics("acme", t0));
  // The rooms get the shared emote codes with the moderators and bans.
  CHECK(copy.room_policy()["emotes"] == json::array({"acmeHype", "acmeWave"}));
  // A snapshot from before shared emotes restores with none.
  auto old = book.snapshot();
  old.erase("emotes");
  copy.restore(old);
  CHECK(copy.emotes().empty());
  CHECK(copy.room_policy()["moderators"] == json::array({"mod1"}));
}
