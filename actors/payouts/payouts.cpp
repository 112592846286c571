// payouts/<channel>: holds released on the node's clock, payout requests reserved in the ledger
// and settled by the sandbox, the encrypted tax form, the Stripe connected account.
#include "actors/payouts/payouts.hpp"

#include <sodium.h>

#include <map>
#include <optional>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/entity_ref.hpp"
#include "actors/core/event_sourced.hpp"
#include "actors/ledger/ledger.hpp"
#include "actors/payouts/payout_transfer.hpp"
#include "actors/payouts/payouts_events.hpp"
#include "actors/payouts/tax_vault.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using ledger_ref = entity_ref<ledger_protocol>;
using payout_timer_atom = caf::atom_constant<caf::atom("payouttime")>;
// Stripe's answer to a payout's Transfer, from the transport's thread: (n, HTTP status or 0, body).
using payout_sent_atom = caf::atom_constant<caf::atom("payoutsent")>;
using payout_events::hold;
using payout_events::payout;
namespace ev = payout_events::ev;

// Holds come from payments, not clients, but a runaway sender must not grow the state forever.
constexpr std::size_t max_open_holds = 100'000;
// Ledger requests a tick sends at once (the ledger takes 8190 per request).
constexpr std::size_t max_settled_per_tick = 1000;
constexpr auto payout_check_every = std::chrono::seconds(5);
constexpr std::uint64_t payouts_snapshot_every = 500;

struct payouts_state {
  static constexpr std::string_view kind = "payouts";
  static inline const char* name = "payouts";
  using events = event_list<ev::held, ev::released, ev::requested, ev::paid, ev::failed,
                            ev::tax_form_filed, ev::account_set>;

  std::map<std::string, hold> holds;  // by payment
  std::vector<payout> payouts;        // oldest first; n = index + 1
  std::optional<tax_vault::sealed_box> tax_form;
  std::int64_t tax_form_at_ms = 0;
  std::string stripe_account;
  payout_settings settings;
  http_sender send_http;  // stripe mode
  // In memory: a tick or a request waiting for the ledger, the check timer, and in stripe mode
  // the payout whose Transfer is on its way or was created (after a restart it is asked again:
  // the same Idempotency-Key answers the same Transfer).
  std::uint64_t transfer_waiting = 0;
  std::uint64_t transfer_created = 0;
  bool ticking = false;
  bool requesting = false;
  bool timer_armed = false;

  const payout* pending_payout() const {
    for (auto& p : payouts)
      if (p.status == "pending")
        return &p;
    return nullptr;
  }
  bool has_work() const { return !holds.empty() || pending_payout() != nullptr; }
  // Holds wait for days: a channel with only future holds may passivate; the module's waker
  // activates it when one is due. A payout in flight settles within minutes: stay.
  bool keep_active() const { return pending_payout() != nullptr || ticking || requesting; }

  void apply(const ev::held& e, const event_meta&) { holds[e.payment] = e.h; }
  void apply(const ev::released& e, const event_meta&) { holds.erase(e.payment); }
  void apply(const ev::requested& e, const event_meta& meta) {
    payouts.push_back({e.n, e.amount, e.currency, e.transfer, "pending", meta.timestamp_ms, 0, {}});
  }
  void apply(const ev::paid& e, const event_meta& meta) { settle(e.n, "paid", meta, {}); }
  void apply(const ev::failed& e, const event_meta& meta) { settle(e.n, "failed", meta, e.reason); }
  void apply(const ev::tax_form_filed& e, const event_meta& meta) {
    tax_form = e.box;
    tax_form_at_ms = meta.timestamp_ms;
  }
  void apply(const ev::account_set& e, const event_meta&) { stripe_account = e.stripe_account; }

  void settle(std::uint64_t n, const char* status, const event_meta& meta, std::string reason) {
    if (n == 0 || n > payouts.size())
      return;
    auto& p = payouts[n - 1];
    p.status = status;
    p.settled_at_ms = meta.timestamp_ms;
    p.reason = std::move(reason);
  }

  std::string snapshot() const {
    json h = json::object();
    for (auto& [payment, x] : holds)
      h[payment] = json{{"transfer", x.transfer},
                        {"amount", x.amount},
                        {"currency", x.currency},
                        {"release_at_ms", x.release_at_ms}};
    json list = json::array();
    for (auto& p : payouts)
      list.push_back(json{{"n", p.n},
                          {"amount", p.amount},
                          {"currency", p.currency},
                          {"transfer", p.transfer},
                          {"status", p.status},
                          {"requested_at_ms", p.requested_at_ms},
                          {"settled_at_ms", p.settled_at_ms},
                          {"reason", p.reason}});
    json out{{"holds", h}, {"payouts", list}, {"stripe_account", stripe_account}};
    if (tax_form)
      out["tax_form"] = json{{"key_version", tax_form->key_version},
                             {"nonce", tax_form->nonce},
                             {"ciphertext", tax_form->ciphertext},
                             {"at_ms", tax_form_at_ms}};
    return out.dump();
  }
  void restore(const std::string& text) {
    auto j = json::parse(text);
    for (auto& [payment, x] : j.at("holds").items())
      holds[payment] = {x.at("transfer"), x.at("amount"), x.at("currency"), x.at("release_at_ms")};
    for (auto& p : j.at("payouts"))
      payouts.push_back({p.at("n"), p.at("amount"), p.at("currency"), p.at("transfer"),
                         p.at("status"), p.at("requested_at_ms"), p.at("settled_at_ms"),
                         p.value("reason", "")});
    stripe_account = j.value("stripe_account", "");
    if (j.contains("tax_form")) {
      auto& t = j["tax_form"];
      tax_form = tax_vault::sealed_box{t.at("key_version"), t.at("nonce"), t.at("ciphertext")};
      tax_form_at_ms = t.value("at_ms", std::int64_t{0});
    }
  }
};

using payouts_actor = caf::stateful_actor<event_sourced<payouts_state>>;

bool ledger_id_chars(std::string_view id) {
  return !id.empty() && id.size() <= 100 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
           c == '_' || c == '.' || c == '-';
  });
}

// 5000 -> "50.00": amounts in minor units shown as the currency's whole units.
std::string money_text(std::int64_t minor) {
  auto cents = std::to_string(minor % 100);
  return std::to_string(minor / 100) + "." + (cents.size() < 2 ? "0" : "") + cents;
}

json payout_json(const payout& p) {
  return json{{"n", p.n},
              {"id", p.transfer},
              {"amount", p.amount},
              {"currency", p.currency},
              {"status", p.status},
              {"requested_at_ms", p.requested_at_ms},
              {"paid_at_ms", p.status == "paid" ? json(p.settled_at_ms) : json(nullptr)},
              {"failed_at_ms", p.status == "failed" ? json(p.settled_at_ms) : json(nullptr)},
              {"reason", p.reason}};
}

std::string status_of(const json& results, std::size_t i) {
  if (!results.is_array() || i >= results.size())
    return "missing";
  return results[i].value("status", "missing");
}

void arm_payout_timer(payouts_actor* self) {
  auto& st = self->state;
  if (st.timer_armed || !st.has_work())
    return;
  st.timer_armed = true;
  self->delayed_send(self, payout_check_every, payout_timer_atom::value);
}

// Whether pending payout `p` may be posted as paid: in the sandbox once its settle delay passed;
// in stripe mode once Stripe created its Transfer (sent from here, answered as payout_sent_atom).
bool payout_settled(payouts_actor* self, const payout& p, std::int64_t now) {
  auto& st = self->state;
  if (st.settings.provider != "stripe")
    return p.requested_at_ms + st.settings.settle_delay.count() <= now;
  if (st.transfer_created == p.n)
    return true;
  // Without a transport or a key it stays reserved until it can leave or an operator fails it.
  if (st.transfer_waiting == p.n || !st.send_http || st.settings.stripe_api_key.empty())
    return false;
  st.transfer_waiting = p.n;
  st.send_http(
    payout_transfer::request(st.settings, st.stripe_account, p),
    [me = caf::actor_cast<caf::actor>(self), n = p.n](caf::expected<outbound_response> r) {
      if (r)
        caf::anon_send(me, payout_sent_atom::value, n, std::int64_t{r->status}, std::move(r->body));
      else
        caf::anon_send(me, payout_sent_atom::value, n, std::int64_t{0}, std::string{});
    });
  return false;
}

caf::result<std::string> on_fail(payouts_actor* self, std::uint64_t n, std::string reason);

// Posts due holds and settles due payouts in one ledger request; `done` gets the counts.
void run_tick(payouts_actor* self, std::function<void(caf::expected<json>)> done) {
  auto& st = self->state;
  json zero{{"released", 0}, {"dropped", 0}, {"paid", 0}};
  if (st.ticking)
    return done(zero);
  auto now = st.clock().now_ms();
  std::vector<std::string> due_holds;
  json transfers = json::array();
  for (auto& [payment, h] : st.holds) {
    if (due_holds.size() >= max_settled_per_tick)
      break;
    if (h.release_at_ms <= now) {
      due_holds.push_back(payment);
      transfers.push_back(json{{"id", "release:" + payment}, {"post", h.transfer}});
    }
  }
  std::optional<std::uint64_t> due_payout;
  if (const auto* p = st.pending_payout(); p && payout_settled(self, *p, now)) {
    due_payout = p->n;
    transfers.push_back(json{{"id", p->transfer + ":paid"}, {"post", p->transfer}});
  }
  if (transfers.empty())
    return done(zero);
  st.ticking = true;
  ledger_ref{st.registry(), std::string{main_ledger}}
    .request(self, ledger_transfer_atom::value, json{{"transfers", transfers}}.dump())
    .then(
      [self, due_holds, due_payout, done](std::string& text) {
        auto& st = self->state;
        st.ticking = false;
        auto results = json::parse(text, nullptr, false).value("results", json::array());
        json counts{{"released", 0}, {"dropped", 0}, {"paid", 0}};
        // pending_not_found: the payment was refunded or voided while on hold.
        for (std::size_t i = 0; i < due_holds.size(); ++i) {
          auto status = status_of(results, i);
          bool posted = status == "ok" || status == "exists";
          if (!posted && status != "pending_not_found")
            continue;  // tried again at the next tick
          if (auto err = st.emit(ev::released{due_holds[i], posted ? "posted" : "dropped"}))
            return done(err);
          auto& count = counts[posted ? "released" : "dropped"];
          count = count.get<int>() + 1;
        }
        if (due_payout) {
          auto status = status_of(results, due_holds.size());
          if (status == "ok" || status == "exists") {
            if (auto err = st.emit(ev::paid{*due_payout}))
              return done(err);
            counts["paid"] = 1;
          } else if (status == "pending_not_found") {
            if (auto err = st.emit(ev::failed{*due_payout,
                                              "the ledger no longer holds the reservation"}))
              return done(err);
          }
        }
        arm_payout_timer(self);
        done(counts);
      },
      [self, done](caf::error& err) {
        self->state.ticking = false;
        arm_payout_timer(self);
        done(err);
      });
}

caf::result<std::string> on_held(payouts_actor* self, const std::string& text) {
  auto& st = self->state;
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error(errc::invalid_json, "a hold is a JSON object");
  auto payment = j.value("payment", json{});
  auto transfer = j.value("transfer", json{});
  auto amount = j.value("amount", json{});
  auto release = j.value("release_at_ms", json{});
  if (!payment.is_string() || !ledger_id_chars(payment.get<std::string>()) ||
      !transfer.is_string() || !ledger_id_chars(transfer.get<std::string>()) ||
      !amount.is_number_integer() || amount.get<std::int64_t>() < 0 || !release.is_number_integer())
    return make_error(errc::invalid_argument,
                      "a hold is {\"payment\", \"transfer\", \"amount\", \"currency\", "
                      "\"release_at_ms\"}");
  auto id = payment.get<std::string>();
  if (st.holds.count(id))
    return json{{"held", true}}.dump();  // payments repeats until answered
  if (st.holds.size() >= max_open_holds)
    return make_error(errc::unavailable, "too many earnings on hold");
  auto product = j.value("product", json{});
  ev::held e{id,
             {transfer.get<std::string>(), amount.get<std::int64_t>(),
              j.value("currency", st.settings.currency), release.get<std::int64_t>()},
             product.is_string() ? product.get<std::string>().substr(0, 20) : ""};
  if (auto err = st.emit(e))
    return err;
  arm_payout_timer(self);
  return json{{"held", true}}.dump();
}

// The ledger's view of the channel's earnings: {"available", "on_hold"}.
json balances_of(const caf::expected<std::string>& account) {
  if (!account)
    return json{{"available", 0}, {"on_hold", 0}};
  auto a = json::parse(*account, nullptr, false);
  auto num = [&](const char* key) { return a.value(key, std::int64_t{0}); };
  return json{{"available", num("credits_posted") - num("debits_posted") - num("debits_pending")},
              {"on_hold", num("credits_pending")}};
}

std::string status_json(const payouts_state& st, const caf::expected<std::string>& account) {
  auto out = balances_of(account);
  json list = json::array();
  for (auto it = st.payouts.rbegin(); it != st.payouts.rend(); ++it)  // newest first
    list.push_back(payout_json(*it));
  out["threshold"] = st.settings.threshold;
  out["currency"] = st.settings.currency;
  out["tax_form_on_file"] = st.tax_form.has_value();
  out["in_flight"] = st.pending_payout() != nullptr;
  out["stripe_account"] = st.stripe_account.empty() ? json(nullptr) : json(st.stripe_account);
  out["payouts"] = std::move(list);
  return out.dump();
}

caf::result<std::string> on_status(payouts_actor* self) {
  auto& st = self->state;
  st.touch();
  auto promise = self->make_response_promise<std::string>();
  ledger_ref{st.registry(), std::string{main_ledger}}
    .request(self, ledger_account_atom::value, earnings_account(st.id()))
    .then([self, promise](
            std::string& account) mutable { promise.deliver(status_json(self->state, account)); },
          [self, promise](caf::error& err) mutable {
            if (code_of(err) != errc::not_found)  // no account yet: nothing earned
              return (void)promise.deliver(err);
            promise.deliver(status_json(self->state, err));
          });
  return promise;
}

caf::error refused(std::string message, std::string reason) {
  return make_error(errc::conflict, std::move(message), std::move(reason));
}

// Reserves the whole available balance: open payouts:outbound, then the pending transfer.
void reserve_payout(payouts_actor* self, std::int64_t amount, std::string by,
                    caf::typed_response_promise<std::string> promise) {
  auto& st = self->state;
  auto n = st.payouts.size() + 1;
  auto transfer = payout_transfer_id(st.id(), n);
  auto fail = [self, promise](caf::error err) mutable {
    self->state.requesting = false;
    promise.deliver(std::move(err));
  };
  json accounts{{"accounts", {{{"id", payouts_outbound}, {"currency", st.settings.currency}}}}};
  json transfers{{"transfers",
                  {{{"id", transfer},
                    {"debit", earnings_account(st.id())},
                    {"credit", payouts_outbound},
                    {"amount", amount},
                    {"code", "payout"},
                    {"pending", true}}}}};
  ledger_ref ledger{st.registry(), std::string{main_ledger}};
  ledger.request(self, ledger_open_atom::value, accounts.dump())
    .then(
      [self, ledger, transfers, transfer, n, amount, by, promise, fail](std::string&) mutable {
        ledger.request(self, ledger_transfer_atom::value, transfers.dump())
          .then(
            [self, transfer, n, amount, by, promise, fail](std::string& text) mutable {
              auto& st = self->state;
              auto status = status_of(json::parse(text, nullptr, false).value("results", json{}),
                                      0);
              if (status != "ok" && status != "exists")
                return fail(refused("the ledger refused the payout (" + status + ")",
                                    "payout_refused"));
              st.requesting = false;
              if (auto err = st.emit(ev::requested{n, amount, st.settings.currency, transfer, by}))
                return (void)promise.deliver(err);
              arm_payout_timer(self);
              promise.deliver(payout_json(st.payouts.back()).dump());
            },
            [fail](caf::error& err) mutable { fail(err); });
      },
      [fail](caf::error& err) mutable { fail(err); });
}

caf::result<std::string> on_request(payouts_actor* self, std::string by) {
  auto& st = self->state;
  st.touch();
  if (st.requesting || st.pending_payout())
    return refused("a payout is already in flight", "payout_in_flight");
  if (!st.tax_form)
    return refused("file a tax form before the first payout", "tax_form_required");
  // In stripe mode a payout is a Transfer to the channel's connected account (monetization.md).
  if (st.settings.provider == "stripe" && st.stripe_account.empty())
    return refused("connect a Stripe account before the first payout", "stripe_account_required");
  st.requesting = true;
  auto promise = self->make_response_promise<std::string>();
  auto decide = [self, promise, by](const caf::expected<std::string>& account) mutable {
    auto& st = self->state;
    auto available = balances_of(account)["available"].get<std::int64_t>();
    if (available < st.settings.threshold || available <= 0) {
      st.requesting = false;
      return (void)promise.deliver(refused(
        "below the payout threshold of " + money_text(st.settings.threshold), "below_threshold"));
    }
    reserve_payout(self, available, by, promise);
  };
  ledger_ref{st.registry(), std::string{main_ledger}}
    .request(self, ledger_account_atom::value, earnings_account(st.id()))
    .then([decide](std::string& account) mutable { decide(account); },
          [self, promise, decide](caf::error& err) mutable {
            if (code_of(err) == errc::not_found)
              return decide(err);
            self->state.requesting = false;
            promise.deliver(err);
          });
  return promise;
}

caf::result<std::string> on_fail(payouts_actor* self, std::uint64_t n, std::string reason) {
  auto& st = self->state;
  st.touch();
  if (n == 0 || n > st.payouts.size())
    return st.answer_read(self, make_error(errc::not_found, "no payout " + std::to_string(n)));
  const auto& p = st.payouts[n - 1];
  if (p.status != "pending")
    return refused("payout " + std::to_string(n) + " is already " + p.status, "not_pending");
  auto promise = self->make_response_promise<std::string>();
  json transfers{{"transfers", {{{"id", p.transfer + ":void"}, {"void", p.transfer}}}}};
  ledger_ref{st.registry(), std::string{main_ledger}}
    .request(self, ledger_transfer_atom::value, transfers.dump())
    .then(
      [self, n, reason, promise](std::string& text) mutable {
        auto& st = self->state;
        auto status = status_of(json::parse(text, nullptr, false).value("results", json{}), 0);
        if (status != "ok" && status != "exists")
          return (void)promise.deliver(
            refused("the ledger refused to void the payout (" + status + ")", "not_pending"));
        if (auto err = st.emit(ev::failed{n, reason}))
          return (void)promise.deliver(err);
        promise.deliver(payout_json(st.payouts[n - 1]).dump());
      },
      [promise](caf::error& err) mutable { promise.deliver(err); });
  return promise;
}

caf::result<std::string> on_account(payouts_actor* self, const std::string& text) {
  auto& st = self->state;
  st.touch();
  auto j = json::parse(text, nullptr, false);
  auto account = j.is_object() ? j.value("stripe_account", json{}) : json{};
  bool clear = j.is_object() && j.contains("stripe_account") && account.is_null();
  bool valid = account.is_string() && account.get<std::string>().starts_with("acct_") &&
               account.get<std::string>().size() <= 64 &&
               ledger_id_chars(account.get<std::string>());
  if (!clear && !valid)
    return make_error(errc::invalid_argument,
                      "stripe_account is a Stripe connected account id \"acct_…\" or null");
  auto id = clear ? std::string{} : account.get<std::string>();
  if (id != st.stripe_account)
    if (auto err = st.emit(ev::account_set{id}))
      return err;
  return json{{"stripe_account", id.empty() ? json(nullptr) : json(id)}}.dump();
}

json tax_form_answer(const payouts_state& st, const json& form) {
  auto out = tax_vault::masked_form(form);
  out["on_file"] = true;
  out["filed_at_ms"] = st.tax_form_at_ms;
  out["key_version"] = st.tax_form->key_version;
  return out;
}

caf::result<std::string> on_tax_form_put(payouts_actor* self, std::string& text) {
  auto& st = self->state;
  st.touch();
  auto body = json::parse(text, nullptr, false);
  sodium_memzero(text.data(), text.size());
  if (body.is_discarded() || !body.is_object())
    return make_error(errc::invalid_json, "a tax form is a JSON object");
  auto form = tax_vault::validate_form(body);
  if (!form)
    return form.error();
  auto plain = form->dump();
  auto box = tax_vault::seal(st.settings.tax_key_file, plain);
  sodium_memzero(plain.data(), plain.size());
  if (!box)
    return box.error();
  if (auto err = st.emit(ev::tax_form_filed{std::move(*box)}))
    return err;
  return tax_form_answer(st, *form).dump();
}

caf::result<std::string> on_tax_form_get(payouts_actor* self) {
  auto& st = self->state;
  if (!st.tax_form)
    return st.answer_read(self, json{{"on_file", false}}.dump());
  st.touch();
  auto plain = tax_vault::unseal(st.settings.tax_key_file, *st.tax_form);
  if (!plain)
    return plain.error();
  auto form = json::parse(*plain, nullptr, false);
  sodium_memzero(plain->data(), plain->size());
  if (!form.is_object())
    return make_error(errc::unavailable, "a stored tax form is damaged");
  return tax_form_answer(st, form).dump();
}

caf::behavior payouts_behavior(payouts_actor* self, caf::actor registry,
                               storage::event_store* store, std::string channel,
                               const runtime::clock* clock, payout_settings settings,
                               http_sender send_http) {
  self->state.settings = std::move(settings);
  self->state.send_http = std::move(send_http);
  if (auto err = self->state.activate(self, *store, channel,
                                      {registry, clock, std::chrono::seconds(60),
                                       std::chrono::minutes(10), payouts_snapshot_every}))
    return self->state.refuse(self, err);
  arm_payout_timer(self);
  return {
    [self](earnings_held_atom, const std::string& hold) { return on_held(self, hold); },
    [self](payout_tick_atom) -> caf::result<std::string> {
      self->state.touch();
      auto promise = self->make_response_promise<std::string>();
      run_tick(self, [promise](caf::expected<json> counts) mutable {
        if (!counts)
          return (void)promise.deliver(counts.error());
        promise.deliver(counts->dump());
      });
      return promise;
    },
    [self](payout_timer_atom) {
      self->state.timer_armed = false;
      run_tick(self, [](caf::expected<json>) {});  // a failure is retried at the next check
      arm_payout_timer(self);
    },
    [self](payout_sent_atom, std::uint64_t n, std::int64_t status, const std::string& body) {
      auto& st = self->state;
      st.touch();
      if (st.transfer_waiting == n)
        st.transfer_waiting = 0;
      auto outcome = payout_transfer::interpret(status, json::parse(body, nullptr, false));
      if (outcome.what == payout_transfer::verdict::sent) {
        st.transfer_created = n;
        run_tick(self, [](caf::expected<json>) {});  // posts it now; a failure waits a check
      } else if (outcome.what == payout_transfer::verdict::refused) {
        on_fail(self, n, outcome.message);  // voids the reservation: the money is available
      }                                     // unreachable: sent again at the next check
    },
    [self](payout_status_atom) { return on_status(self); },
    [self](payout_request_atom, std::string& by) { return on_request(self, std::move(by)); },
    [self](payout_fail_atom, std::uint64_t n, std::string& reason) {
      return on_fail(self, n, std::move(reason));
    },
    [self](payout_account_atom, const std::string& body) { return on_account(self, body); },
    [self](tax_form_put_atom, std::string& form) { return on_tax_form_put(self, form); },
    [self](tax_form_get_atom) { return on_tax_form_get(self); },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

payout_settings payout_settings_of(const runtime::node_config& config) {
  payout_settings s;
  s.currency = config.money.currency;
  s.threshold = config.money.payout_threshold;
  s.provider = config.money.provider;
  s.tax_key_file = tax_vault::key_file_for(config.money.tax_key_file, config.data_dir);
  s.stripe_api_key = config.money.stripe_api_key;
  s.stripe_api_base = config.money.stripe_api_base;
  return s;
}

std::string earnings_account(std::string_view channel) {
  return "channel:" + std::string{channel} + ":earnings";
}

std::string payout_transfer_id(std::string_view channel, std::uint64_t n) {
  return "payout:" + std::string{channel} + ":" + std::to_string(n);
}

void add_payouts_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                      const runtime::clock& clock, payout_settings settings,
                      http_sender send_http) {
  kinds.factories["payouts"] = [&store, &clock, settings, send_http](caf::actor_system& sys,
                                                                     const caf::actor& registry,
                                                                     const std::string& channel) {
    return sys.spawn(payouts_behavior, registry, &store, channel, &clock, settings, send_http);
  };
}

}  // namespace aethex::actors
