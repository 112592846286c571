// tournament/<id>'s prize pool on the ledger (docs/esports.md): funded by the admin from
// platform:prizes, paid by placement once the tournament is finished, as one linked chain.
#include <caf/all.hpp>

#include "actors/core/entity_ref.hpp"
#include "actors/ledger/ledger.hpp"
#include "actors/tournaments/internal.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace trn {

using promise_t = caf::typed_response_promise<std::string>;

std::string pool_account(const std::string& id) { return "tournament:" + id + ":pool"; }
constexpr std::string_view prize_source = "platform:prizes";

json account(const std::string& id, const std::string& currency, bool wallet) {
  json a{{"id", id}, {"currency", currency}};
  if (wallet)
    a["debits_must_not_exceed_credits"] = true;
  return a;
}

// Opens `accounts`, then moves `transfers` (one linked chain); `done` gets none or the failure.
template <class Done>
void ledger_move(actor* self, json accounts, json transfers, Done done) {
  entity_ref<ledger_protocol> ledger{self->state.registry(), std::string{main_ledger}};
  ledger.request(self, ledger_open_atom::value, json{{"accounts", accounts}}.dump())
    .await(
      [self, ledger, transfers, done](const std::string&) mutable {
        ledger.request(self, ledger_transfer_atom::value, json{{"transfers", transfers}}.dump())
          .await(
            [done](const std::string& text) mutable {
              auto j = json::parse(text, nullptr, false);
              for (auto& r : j.value("results", json::array())) {
                auto status = r.value("status", "");
                if (status != "ok" && status != "exists" && status != "linked_event_failed")
                  return (void)done(conflict("the ledger refused the transfer: " + status, status));
              }
              done(caf::error{});
            },
            [done](const caf::error& err) mutable { done(err); });
      },
      [done](const caf::error& err) mutable { done(err); });
}

caf::result<std::string> fund(actor* self, const std::string& by, std::int64_t amount) {
  auto& st = self->state;
  if (by != "admin")
    return forbidden("the admin funds prize pools");
  if (!st.created_yet())
    return make_error(errc::not_found, "tournament not found");
  if (!st.settings.prize)
    return conflict("this tournament has no prize pool", "no_prize_pool");
  if (amount <= 0 || amount > (std::int64_t{1} << 53) - 1)
    return invalid("'amount' must be a positive whole number of minor units");
  auto currency = st.settings.prize->currency;
  auto transfer = "prizefund:" + st.id() + ":" + std::to_string(st.fundings + 1);
  auto promise = self->make_response_promise<std::string>();
  ledger_move(
    self,
    json::array({account(std::string{prize_source}, currency, false),
                 account(pool_account(st.id()), currency, true)}),
    json::array({json{{"id", transfer},
                      {"debit", prize_source},
                      {"credit", pool_account(st.id())},
                      {"amount", amount},
                      {"code", "prize_fund"}}}),
    [self, promise, transfer, amount](caf::error err) mutable {
      if (err)
        return (void)promise.deliver(err);
      auto& st = self->state;
      if (auto e = st.emit(prize_funded{json{{"transfer", transfer}, {"amount", amount}}}))
        return (void)promise.deliver(e);
      promise.deliver(st.to_json(st.id()).dump());
    });
  return promise;
}

caf::result<std::string> pay(actor* self, const std::string& by) {
  auto& st = self->state;
  if (!st.is_organizer(by))
    return forbidden("only the tournament's organizers pay prizes");
  if (!st.settings.prize)
    return conflict("this tournament has no prize pool", "no_prize_pool");
  if (st.state_name() != "finished")
    return conflict("prizes are paid once the tournament is finished", "not_finished");
  if (!st.payouts.is_null())
    return answer(self);  // paid already: the same answer
  const auto& prize = *st.settings.prize;
  auto amounts = esports::split_prize(prize.amount, prize.split_bp);
  // Places without an entrant (fewer finishers than places) go to the first place.
  std::vector<std::string> placed;
  for (auto& s : st.derived.standings)
    placed.push_back(s.entrant);
  for (std::size_t p = placed.size(); p < amounts.size(); ++p) {
    amounts[0] += amounts[p];
    amounts[p] = 0;
  }
  auto accounts = json::array({account(pool_account(st.id()), prize.currency, true)});
  auto transfers = json::array();
  auto payouts = json::array();
  for (std::size_t p = 0; p < amounts.size() && p < placed.size(); ++p) {
    if (amounts[p] == 0)
      continue;
    auto users = st.users_of(placed[p]);
    if (users.empty())
      users = {placed[p]};
    // A team's prize is shared by its roster at the lock; the remainder goes to the captain.
    if (const auto* x = st.find_entrant(placed[p]); x && st.settings.team_entrants) {
      std::erase(users, x->captain);
      users.insert(users.begin(), x->captain);
    }
    auto shares = esports::share_equally(amounts[p], users.size());
    for (std::size_t u = 0; u < users.size(); ++u) {
      if (shares[u] == 0)
        continue;
      auto id = "prize:" + st.id() + ":" + std::to_string(p + 1) +
                (users.size() > 1 ? ":" + users[u] : "");
      auto to = "channel:" + users[u] + ":earnings";
      accounts.push_back(account(to, prize.currency, true));
      transfers.push_back(json{{"id", id},
                               {"debit", pool_account(st.id())},
                               {"credit", to},
                               {"amount", shares[u]},
                               {"code", "tournament_prize"},
                               {"linked", true}});
      payouts.push_back(json{{"place", p + 1},
                             {"entrant", placed[p]},
                             {"user", users[u]},
                             {"amount", shares[u]},
                             {"transfer", id}});
    }
  }
  if (transfers.empty())
    return conflict("nothing to pay", "nothing_to_pay");
  transfers.back().erase("linked");
  auto promise = self->make_response_promise<std::string>();
  ledger_move(self, accounts, transfers, [self, promise, payouts](caf::error err) mutable {
    if (err)
      return (void)promise.deliver(err);
    auto& st = self->state;
    if (auto e = st.emit(prize_paid{json{{"payouts", payouts}}}))
      return (void)promise.deliver(e);
    promise.deliver(st.to_json(st.id()).dump());
  });
  return promise;
}

}  // namespace trn
}  // namespace aethex::actors
