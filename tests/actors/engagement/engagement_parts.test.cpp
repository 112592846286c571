// The engagement domain's parts without I/O: the prediction payout's exact rounding, the hype
// train's start, levels, timer and cooldown on given times, the points rules, reward checks.
#include <doctest/doctest.h>

#include "actors/engagement/hype_train.hpp"
#include "actors/engagement/points_ledger.hpp"
#include "actors/engagement/prediction.hpp"
#include "actors/engagement/rewards.hpp"
#include "runtime/errors.hpp"

using namespace aethex;
using namespace aethex::actors;
using json = nlohmann::json;

namespace {

prediction with_stakes(std::vector<std::tuple<std::string, std::int64_t, std::int64_t>> stakes) {
  prediction p;
  p.outcomes = {"yes", "no", "maybe"};
  std::uint64_t order = 0;
  for (auto& [user, outcome, points] : stakes)
    p.stakes[user] = prediction_stake{outcome, points, ++order};
  return p;
}

std::int64_t sum(const std::map<std::string, std::int64_t>& paid) {
  std::int64_t total = 0;
  for (auto& [user, points] : paid)
    total += points;
  return total;
}

constexpr std::int64_t minute = 60'000;

}  // namespace

TEST_CASE(
  "payout: stake back plus a floored share of the losers' pool, the rest one each to "
  "the largest stakes, earliest first") {
  // Winners 1 + 2 + 3 + 1 = 7 points on "yes", losers 10 on "no": shares 10·s/7 floored are
  // 1, 2, 4, 1 = 8; 2 points are left for the two largest stakes (carl 3, then bob 2).
  auto p = with_stakes(
    {{"ann", 0, 1}, {"bob", 0, 2}, {"carl", 0, 3}, {"dan", 0, 1}, {"eve", 1, 10}});
  auto paid = payout(p, 0);
  CHECK(paid == std::map<std::string, std::int64_t>{
                  {"ann", 1 + 1}, {"bob", 2 + 2 + 1}, {"carl", 3 + 4 + 1}, {"dan", 1 + 1}});
  CHECK(sum(paid) == p.pool());

  // Ties of the largest stake: the earliest staker gets the leftover point.
  auto tie = with_stakes({{"zed", 0, 2}, {"amy", 0, 2}, {"kim", 1, 1}});
  auto tied = payout(tie, 0);
  CHECK(tied.at("zed") == 3);  // staked first
  CHECK(tied.at("amy") == 2);
  CHECK(sum(tied) == tie.pool());

  // Nobody backed the winner: nothing is paid (the ledger burns the pool).
  CHECK(payout(p, 2).empty());
  // Nobody lost: everyone gets exactly their stake back.
  auto all_win = with_stakes({{"ann", 1, 5}, {"bob", 1, 7}});
  CHECK(payout(all_win, 1) == std::map<std::string, std::int64_t>{{"ann", 5}, {"bob", 7}});
}

TEST_CASE("payout pays out the whole pool exactly for many random pools") {
  std::uint64_t seed = 42;
  auto next = [&seed](std::int64_t n) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::int64_t>((seed >> 33) % static_cast<std::uint64_t>(n));
  };
  for (int round = 0; round < 300; ++round) {
    std::vector<std::tuple<std::string, std::int64_t, std::int64_t>> stakes;
    for (int i = 0, n = 1 + static_cast<int>(next(30)); i < n; ++i)
      stakes.emplace_back("v" + std::to_string(i), next(3), 1 + next(250000));
    auto p = with_stakes(stakes);
    for (std::int64_t winner = 0; winner < 3; ++winner) {
      auto paid = payout(p, winner);
      if (p.pool_of(winner) == 0) {
        CHECK(paid.empty());
        continue;
      }
      CHECK(sum(paid) == p.pool());
      for (auto& [user, points] : paid)
        CHECK(points >= p.stakes.at(user).points);
    }
  }
}

TEST_CASE("stakes: one outcome per viewer, 1-250000 points in total, only while active") {
  auto p = with_stakes({{"ann", 0, 249'999}});
  CHECK_FALSE(check_stake(p, "ann", 0, 1));
  CHECK(code_of(check_stake(p, "ann", 0, 2)) == errc::conflict);
  CHECK(code_of(check_stake(p, "ann", 1, 1)) == errc::conflict);
  CHECK(code_of(check_stake(p, "bob", 3, 1)) == errc::invalid_argument);
  CHECK(code_of(check_stake(p, "bob", 0, 0)) == errc::invalid_argument);
  CHECK(code_of(check_stake(p, "bob", 0, 250'001)) == errc::invalid_argument);
  p.state = "locked";
  CHECK(code_of(check_stake(p, "bob", 0, 1)) == errc::conflict);
}

TEST_CASE("prediction bodies: title 1-45, 2-10 outcomes of 1-25, window 30-1800 s") {
  auto ok = json{{"title", "Win?"}, {"outcomes", {"yes", "no"}}, {"window_s", 30}};
  CHECK(prediction_spec_of(ok));
  auto with = [&](const char* key, json value) {
    auto body = ok;
    body[key] = value;
    auto spec = prediction_spec_of(body);
    return spec ? errc{} : code_of(spec.error());
  };
  CHECK(with("title", std::string(46, 'x')) == errc::invalid_argument);
  CHECK(with("title", " ") == errc::invalid_argument);
  CHECK(with("outcomes", {"one"}) == errc::invalid_argument);
  CHECK(with("outcomes", json(std::vector<std::string>(11, "x"))) == errc::invalid_argument);
  CHECK(with("outcomes", json(std::vector<std::string>(10, "x"))) == errc{});
  CHECK(with("outcomes", {"yes", std::string(26, 'n')}) == errc::invalid_argument);
  CHECK(with("window_s", 29) == errc::invalid_argument);
  CHECK(with("window_s", 1801) == errc::invalid_argument);
  CHECK(with("window_s", 1800) == errc{});
}

TEST_CASE("hype train: 3 qualifying events within 5 minutes start it; levels, timer, cooldown") {
  hype_train t;
  CHECK_FALSE(t.contribute("ann", 100, 0));
  CHECK_FALSE(t.contribute("bob", 100, 4 * minute));
  // The first event is 5 minutes old now: only two count.
  CHECK_FALSE(t.contribute("carl", 100, 5 * minute));
  CHECK(t.state() == "idle");
  CHECK(t.contribute("dan", 900, 6 * minute));  // bob, carl, dan within 5 minutes
  CHECK(t.state() == "active");
  CHECK(t.level() == 2);  // 100 + 100 + 900 = 1100: level 1's 1000, 100 toward 1500
  CHECK(t.progress() == 100);
  CHECK(t.goal() == 1500);
  CHECK(t.ends_at_ms() == 11 * minute);
  // A contribution restarts the 5-minute timer.
  CHECK(t.contribute("ann", 50, 10 * minute));
  CHECK(t.ends_at_ms() == 15 * minute);
  auto shown = t.to_json();
  CHECK(shown["top"][0] == json{{"user", "dan"}, {"amount", 900}});
  CHECK(shown["top"].size() == 3);
  // Levels stop at 5; progress goes on counting.
  CHECK(t.contribute("ann", 100'000, 11 * minute));
  CHECK(t.level() == 5);
  CHECK_FALSE(t.advance(16 * minute - 1));
  CHECK(t.advance(16 * minute));
  CHECK(t.state() == "cooldown");
  CHECK(t.cooldown_ends_at_ms() == 16 * minute + 60 * minute);
  CHECK_FALSE(t.contribute("ann", 100, 20 * minute));  // nothing during the cooldown
  CHECK(t.state() == "cooldown");
  CHECK(t.advance(76 * minute));
  CHECK(t.state() == "idle");
  CHECK(t.level() == 0);
  // A restore gives the same train.
  hype_train copy;
  copy.restore(t.snapshot());
  CHECK(copy.to_json() == t.to_json());
}

TEST_CASE("points rules: 10 per 5 minutes watched, a bonus per 15 minutes, follow once") {
  points_ledger l;
  CHECK(l.watch("ann", 299) == 0);
  CHECK(l.watch("ann", 1) == 10);
  CHECK_FALSE(l.claim_available("ann"));
  CHECK(l.watch("ann", 599) == 10);
  CHECK_FALSE(l.claim_available("ann"));
  CHECK(l.watch("ann", 1) == 10);
  CHECK(l.find("ann")->watch_s == 900);
  // 900 s watched: the bonus is there.
  CHECK(l.claim_available("ann"));
  l.claim("ann");
  CHECK_FALSE(l.claim_available("ann"));
  CHECK(l.balance("ann") == 30 + 50);
  l.pay_follow("ann");
  CHECK(l.follow_paid("ann"));
  l.pay_raid("ann", "bob@1");
  CHECK(l.raid_paid("ann", "bob@1"));
  CHECK(l.balance("ann") == 80 + 300 + 250);
  CHECK(l.can_spend("ann", 630));
  CHECK_FALSE(l.can_spend("ann", 631));
  l.burn("ann", 600);
  l.hold("ann", 30);
  CHECK(l.sum_of_balances() + l.held() == l.minted() - l.burned());
  points_ledger copy;
  copy.from_json(l.to_json());
  CHECK(copy.to_json() == l.to_json());
}

TEST_CASE("rewards: definitions within limits; cooldown, caps per stream and per viewer") {
  auto made = reward_from_body(json{{"title", "Hydrate"}, {"cost", 100}}, nullptr);
  REQUIRE(made);
  CHECK(made->enabled);
  CHECK(code_of(reward_from_body(json{{"cost", 1}}, nullptr).error()) == errc::invalid_argument);
  CHECK(code_of(reward_from_body(json{{"title", "x"}}, nullptr).error()) == errc::invalid_argument);
  CHECK_FALSE(reward_from_body(json{{"title", std::string(46, 'x')}, {"cost", 1}}, nullptr));
  CHECK_FALSE(reward_from_body(json{{"title", "x"}, {"cost", 0}}, nullptr));
  CHECK_FALSE(reward_from_body(json{{"title", "x"}, {"cost", 10'000'001}}, nullptr));
  CHECK_FALSE(reward_from_body(json{{"title", "x"}, {"cost", 1}, {"cooldown_s", 604'801}},
                               nullptr));
  CHECK_FALSE(reward_from_body(json{{"title", "x"}, {"cost", 1}, {"enabled", 1}}, nullptr));
  CHECK_FALSE(reward_from_body(json{{"title", "x"}, {"cost", 1}, {"prompt", std::string(201, 'p')}},
                               nullptr));

  reward_book book;
  auto r = *reward_from_body(json{{"title", "Song"},
                                  {"cost", 10},
                                  {"cooldown_s", 60},
                                  {"max_per_stream", 2},
                                  {"max_per_user_per_stream", 1},
                                  {"user_input", true}},
                             nullptr);
  r.id = "r1";
  book.save(r);
  const auto& saved = *book.find("r1");
  CHECK(code_of(book.check_redeem(saved, "ann", "", "s1", 0)) == errc::invalid_argument);
  CHECK_FALSE(book.check_redeem(saved, "ann", "song", "s1", 0));
  book.redeem(redemption{"d2", "r1", "Song", "ann", "song", 10, "unfulfilled", 1000, 0}, "s1");
  CHECK(code_of(book.check_redeem(saved, "bob", "song", "s1", 60'999)) == errc::conflict);
  CHECK(code_of(book.check_redeem(saved, "ann", "song", "s1", 61'000)) == errc::conflict);
  CHECK_FALSE(book.check_redeem(saved, "bob", "song", "s1", 61'000));
  book.redeem(redemption{"d3", "r1", "Song", "bob", "song", 10, "unfulfilled", 61'000, 0}, "s1");
  CHECK(code_of(book.check_redeem(saved, "carl", "song", "s1", 200'000)) == errc::conflict);
  // Offline (""): the last stream's counts stay; the next live session starts afresh.
  CHECK(code_of(book.check_redeem(saved, "carl", "song", "", 200'000)) == errc::conflict);
  CHECK_FALSE(book.check_redeem(saved, "ann", "song", "s2", 200'000));
  auto closed = book.close("d2", "canceled", 300'000);
  CHECK(closed.cost == 10);
  CHECK(book.open().size() == 1);
  reward_book copy;
  copy.restore(book.snapshot());
  CHECK(copy.snapshot() == book.snapshot());
}
