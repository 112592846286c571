// The ledger's book, sans-I/O: each rule with its outcome, and a property test — random
// sequences of transfers, pending transfers, posts, voids, expiries, retries and linked chains
// keep every balance equal to the sum of its entries, debits equal to credits, no overdraft where
// an account forbids it, and each client id applied at most once.
#include "actors/ledger/ledger_book.hpp"

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <set>

using namespace aethex::actors::ledger;

namespace {

transfer_request pay(std::string id, std::string debit, std::string credit, std::int64_t amount,
                     bool linked = false) {
  transfer_request r;
  r.id = std::move(id);
  r.debit = std::move(debit);
  r.credit = std::move(credit);
  r.amount = amount;
  r.linked = linked;
  return r;
}
transfer_request hold(std::string id, std::string debit, std::string credit, std::int64_t amount,
                      std::int64_t timeout_s) {
  auto r = pay(std::move(id), std::move(debit), std::move(credit), amount);
  r.kind = transfer_kind::pending;
  r.timeout_s = timeout_s;
  return r;
}
transfer_request resolve(std::string id, transfer_kind kind, std::string pending,
                         std::int64_t amount = 0) {
  transfer_request r;
  r.id = std::move(id);
  r.kind = kind;
  r.pending_id = std::move(pending);
  r.amount = amount;
  return r;
}

struct test_book {
  book b;
  std::int64_t now = 1'000'000;
  std::vector<transfer_record> journal;

  test_book() {
    auto [results, fresh] = b.plan_accounts({{"bank", "USD", false, false},
                                             {"wallet:a", "USD", true, false},
                                             {"wallet:b", "USD", true, false},
                                             {"earnings:c", "USD", false, false},
                                             {"fees", "USD", false, false},
                                             {"euro", "EUR", false, false}});
    for (auto& a : fresh)
      b.open(a);
  }
  std::vector<std::string> run(const std::vector<transfer_request>& batch) {
    auto plan = b.plan(batch, now);
    for (auto& r : plan.records) {
      b.apply(r);
      journal.push_back(r);
    }
    std::vector<std::string> statuses;
    for (auto& r : plan.results)
      statuses.push_back(r.status);
    return statuses;
  }
  std::string one(const transfer_request& r) { return run({r})[0]; }
  balance of(const std::string& id) { return b.find(id)->b; }
};

}  // namespace

TEST_CASE("transfers move money between two accounts of one currency, within overdraft rules") {
  test_book t;
  CHECK(t.one(pay("t1", "bank", "wallet:a", 500)) == "ok");
  CHECK(t.of("wallet:a").credits_posted == 500);
  CHECK(t.of("bank").debits_posted == 500);
  CHECK(t.one(pay("t2", "wallet:a", "earnings:c", 501)) == "exceeds_credits");
  CHECK(t.one(pay("t2", "wallet:a", "earnings:c", 500)) == "ok");
  CHECK(t.one(pay("t2", "wallet:a", "earnings:c", 500)) == "exists");  // a retry: applied once
  CHECK(t.one(pay("t2", "wallet:a", "earnings:c", 400)) == "exists_with_different_fields");
  CHECK(t.of("wallet:a").debits_posted == 500);
  CHECK(t.one(pay("t3", "bank", "euro", 5)) == "currencies_must_match");
  CHECK(t.one(pay("t4", "bank", "bank", 5)) == "accounts_must_be_different");
  CHECK(t.one(pay("t5", "bank", "nobody", 5)) == "account_not_found");
  CHECK(t.one(pay("t6", "bank", "fees", 0)) == "invalid");
  CHECK(t.one(pay("t7", "bank", "fees", limits::max_amount + 1)) == "invalid");
  CHECK(t.one(pay("Bad Id", "bank", "fees", 1)) == "invalid");
}

TEST_CASE("pending transfers reserve money until posted in part, voided or expired") {
  test_book t;
  t.one(pay("fund", "bank", "wallet:a", 100));
  CHECK(t.one(hold("h1", "wallet:a", "earnings:c", 80, 60)) == "ok");
  CHECK(t.of("wallet:a").debits_pending == 80);
  CHECK(t.one(pay("spend", "wallet:a", "fees", 30)) == "exceeds_credits");  // 80 are held
  CHECK(t.one(resolve("p1", transfer_kind::post, "h1", 81)) == "exceeds_pending_amount");
  CHECK(t.one(resolve("p1", transfer_kind::post, "h1", 50)) == "ok");
  CHECK(t.of("wallet:a").debits_pending == 0);
  CHECK(t.of("wallet:a").debits_posted == 50);
  CHECK(t.of("earnings:c").credits_posted == 50);
  CHECK(t.one(resolve("p2", transfer_kind::void_pending, "h1")) == "pending_not_found");

  CHECK(t.one(hold("h2", "wallet:a", "earnings:c", 40, 60)) == "ok");
  CHECK(t.one(resolve("v2", transfer_kind::void_pending, "h2")) == "ok");
  CHECK(t.of("wallet:a").debits_pending == 0);

  CHECK(t.one(hold("h3", "wallet:a", "earnings:c", 40, 60)) == "ok");
  CHECK(t.b.next_expiry() == t.now + 60'000);
  t.now += 60'000;
  CHECK(t.one(resolve("p3", transfer_kind::post, "h3")) == "pending_expired");
  auto due = t.b.due_expiries(t.now);
  REQUIRE(due.size() == 1);
  t.b.apply(due[0]);
  CHECK(t.of("wallet:a").debits_pending == 0);
  CHECK_FALSE(t.b.next_expiry());
}

TEST_CASE("linked transfers commit all together or not at all") {
  test_book t;
  t.one(pay("fund", "bank", "wallet:a", 100));
  // A tip of 100: 90 to the creator, 10 platform fee — one chain.
  CHECK(t.run({pay("tip:c", "wallet:a", "earnings:c", 90, true),
               pay("tip:f", "wallet:a", "fees", 10)}) == std::vector<std::string>{"ok", "ok"});
  // The second leg cannot be covered: neither commits.
  t.one(pay("fund2", "bank", "wallet:a", 50));
  CHECK(t.run({pay("tip2:c", "wallet:a", "earnings:c", 45, true),
               pay("tip2:f", "wallet:a", "fees", 10)}) ==
        std::vector<std::string>{"linked_event_failed", "exceeds_credits"});
  CHECK(t.of("earnings:c").credits_posted == 90);
  CHECK(t.run({pay("x", "bank", "fees", 1, true)}) ==
        std::vector<std::string>{"linked_chain_open"});
  // Ids of a failed chain are free for a retry.
  CHECK(t.run({pay("tip2:c", "wallet:a", "earnings:c", 45, true),
               pay("tip2:f", "wallet:a", "fees", 5)}) == std::vector<std::string>{"ok", "ok"});
}

TEST_CASE("the book survives a snapshot") {
  test_book t;
  t.one(pay("fund", "bank", "wallet:a", 100));
  t.one(hold("h", "wallet:a", "fees", 30, 0));
  book copy;
  copy.restore(t.b.snapshot());
  CHECK(copy.find("wallet:a")->b == t.of("wallet:a"));
  CHECK(copy.pending().size() == 1);
  CHECK(copy.plan({pay("fund", "bank", "wallet:a", 100)}, 0).results[0].status == "exists");
}

TEST_CASE("property: random operations keep the books balanced") {
  std::mt19937_64 rng{20261203};
  const std::vector<std::string> accounts{"bank",       "wallet:a", "wallet:b",
                                          "earnings:c", "fees",     "euro"};
  for (int round = 0; round < 20; ++round) {
    test_book t;
    std::vector<transfer_request> sent;  // for retries
    std::vector<std::string> holds;
    auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
    int next_id = 0;
    for (int step = 0; step < 300; ++step) {
      std::vector<transfer_request> batch;
      auto size = 1 + pick(4);
      for (std::size_t i = 0; i < size; ++i) {
        auto id = "t" + std::to_string(next_id++);
        auto amount = static_cast<std::int64_t>(1 + pick(120));
        auto& debit = accounts[pick(accounts.size())];
        auto& credit = accounts[pick(accounts.size())];
        switch (pick(6)) {
          case 0: batch.push_back(hold(id, debit, credit, amount, pick(2) ? 30 : 0)); break;
          case 1:
            if (!holds.empty())
              batch.push_back(resolve(id,
                                      pick(2) ? transfer_kind::post : transfer_kind::void_pending,
                                      holds[pick(holds.size())],
                                      pick(2) ? 0 : static_cast<std::int64_t>(pick(60))));
            break;
          case 2:
            if (!sent.empty()) {
              auto again = sent[pick(sent.size())];
              if (pick(3) == 0)
                again.amount += 1;  // a retry with other fields
              batch.push_back(again);
            }
            break;
          default: batch.push_back(pay(id, debit, credit, amount)); break;
        }
        if (!batch.empty() && i + 1 < size)
          batch.back().linked = pick(3) == 0;
      }
      if (batch.empty())
        continue;
      batch.back().linked = pick(20) == 0;  // now and then an open chain
      auto statuses = t.run(batch);
      for (std::size_t i = 0; i < batch.size(); ++i) {
        sent.push_back(batch[i]);
        if (statuses[i] == "ok" && batch[i].kind == transfer_kind::pending)
          holds.push_back(batch[i].id);
      }
      if (pick(25) == 0) {  // time passes: timed-out holds expire
        t.now += 31'000;
        for (auto& r : t.b.due_expiries(t.now)) {
          t.b.apply(r);
          t.journal.push_back(r);
        }
      }
    }
    // The reference: balances recomputed from the journal alone.
    std::map<std::string, balance> expected;
    std::map<std::string, transfer_record> open;
    std::set<std::string> ids;
    for (auto& r : t.journal) {
      if (!r.id.empty()) {
        CHECK(ids.insert(r.id).second);  // each client id applied at most once
      }
      auto& d = expected[r.debit];
      auto& c = expected[r.credit];
      if (r.kind == transfer_kind::posted) {
        d.debits_posted += r.amount;
        c.credits_posted += r.amount;
      } else if (r.kind == transfer_kind::pending) {
        d.debits_pending += r.amount;
        c.credits_pending += r.amount;
        open[r.id] = r;
      } else {
        REQUIRE(open.count(r.pending_id));
        auto held = open[r.pending_id];
        d.debits_pending -= held.amount;
        c.credits_pending -= held.amount;
        if (r.kind == transfer_kind::post) {
          CHECK(r.amount <= held.amount);
          d.debits_posted += r.amount;
          c.credits_posted += r.amount;
        }
        open.erase(r.pending_id);
      }
    }
    std::int64_t debits = 0, credits = 0, pending_debits = 0, pending_credits = 0;
    for (auto& [id, a] : t.b.accounts()) {
      CHECK(a.b == expected[id]);  // every balance is the sum of its entries
      debits += a.b.debits_posted;
      credits += a.b.credits_posted;
      pending_debits += a.b.debits_pending;
      pending_credits += a.b.credits_pending;
      if (a.debits_must_not_exceed_credits)
        CHECK(a.b.debits_posted + a.b.debits_pending <= a.b.credits_posted);
    }
    CHECK(debits == credits);
    CHECK(pending_debits == pending_credits);
    CHECK(open.size() == t.b.pending().size());
  }
}
