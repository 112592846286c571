// payments/<provider>'s money flow (provider_internal.hpp): booking a payment's linked chain in
// ledger/main, then the hold to payouts/<channel> and the fulfilment to the seller, each repeated
// on the provider's tick until answered; and reversals (refunds, lost disputes).
#include <algorithm>

#include "actors/core/entity_ref.hpp"
#include "actors/core/money.hpp"
#include "actors/ledger/ledger.hpp"
#include "actors/payments/provider_internal.hpp"
#include "actors/payouts/payouts.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors::payments {
namespace {

using json = nlohmann::json;

// How long one notice or ledger request may take before the tick tries again.
constexpr auto notice_timeout = std::chrono::seconds(5);
// Unsettled payments retried per tick: a backlog drains without flooding the ledger or sellers.
constexpr std::size_t retries_per_tick = 64;

using ledger_done = std::function<void(caf::expected<json>)>;

template <class Atom>
void ask_ledger(provider_actor* self, Atom atom, const json& body, ledger_done done) {
  entity_ref<ledger_protocol>{self->state.registry(), std::string{main_ledger}}
    .request_within(self, notice_timeout, atom, body.dump())
    .then(
      [done](std::string& text) {
        auto answer = json::parse(text, nullptr, false);
        if (answer.is_discarded())
          return done(make_error(errc::internal, "the ledger answered no JSON"));
        done(std::move(answer));
      },
      [done](caf::error& err) { done(std::move(err)); });
}

const payment_rec* payment_at(provider_actor* self, const std::string& id) {
  auto& all = self->state.payments;
  auto it = all.find(id);
  return it == all.end() ? nullptr : &it->second;
}

void mark_payment(provider_actor* self, const std::string& id, std::string mark,
                  std::string reason = {}) {
  if (auto err = self->state.emit(ev::payment_marked{id, std::move(mark), std::move(reason)}))
    caf::aout(self) << "payments: cannot record " << id << ": " << message_of(err) << "\n";
}

void answer_waiters(provider_actor* self, const std::string& id, const caf::error& err) {
  auto it = self->state.waiters.find(id);
  if (it == self->state.waiters.end())
    return;
  auto list = std::move(it->second);
  self->state.waiters.erase(it);
  for (auto& w : list)
    w(err);
}

// One notice (step) of payment `id` to an entity through the registry; marked once answered.
void send_notice(provider_actor* self, const std::string& id, const std::string& step,
                 const std::string& kind, const std::string& entity, caf::message msg) {
  auto key = step + ":" + id;
  if (!self->state.in_flight.insert(key).second)
    return;
  self
    ->request(self->state.registry(), notice_timeout, route_atom::value, kind, entity,
              std::move(msg))
    .then(
      [self, id, step, key](std::string&) {
        self->state.in_flight.erase(key);
        mark_payment(self, id, step);
      },
      [self, key](caf::error&) { self->state.in_flight.erase(key); });
}

}  // namespace

json payment_json(const payment_rec& p, std::string_view provider) {
  auto metadata = json::parse(p.metadata, nullptr, false);
  auto or_null = [](const std::string& s) { return s.empty() ? json{} : json(s); };
  return json{{"payment", p.id},
              {"checkout", or_null(p.checkout)},
              {"provider", provider},
              {"product", p.product},
              {"channel", p.channel},
              {"payer", p.payer},
              {"amount", p.amount},
              {"currency", p.currency},
              {"description", p.description},
              {"metadata", metadata.is_object() ? metadata : json::object()},
              {"payment_method", or_null(p.payment_method)},
              {"at_ms", p.at_ms},
              {"status", p.reversed.empty()       ? "succeeded"
                         : p.reversed == "refund" ? "refunded"
                                                  : "dispute_lost"},
              {"dispute", or_null(p.dispute)}};
}

booking_input booking_of(const payment_rec& p, std::string_view provider) {
  return booking_input{p.id, provider, p.channel, p.product, {p.share, p.cut, p.fee}};
}

void book_payment(provider_actor* self, const std::string& id) {
  const auto* p = payment_at(self, id);
  if (!p || p->booked)
    return;
  auto key = "book:" + id;
  if (!self->state.in_flight.insert(key).second)
    return;
  auto fail = [self, id, key](const caf::error& err) {
    self->state.in_flight.erase(key);
    caf::aout(self) << "payments: booking " << id << " waits: " << message_of(err) << "\n";
  };
  auto accounts = booking_accounts(self->state.id(), p->channel, p->currency);
  ask_ledger(self, ledger_open_atom::value, accounts, [self, id, key, fail](caf::expected<json> r) {
    if (!r)
      return fail(r.error());
    if (!ledger_all_ok(*r))
      return fail(make_error(errc::internal, "accounts not opened: " + r->dump()));
    const auto* p = payment_at(self, id);
    if (!p)
      return fail(make_error(errc::internal, "payment gone"));
    auto chain = booking_transfers(booking_of(*p, self->state.id()));
    ask_ledger(self, ledger_transfer_atom::value, chain,
               [self, id, key, fail](caf::expected<json> r) {
                 if (!r)
                   return fail(r.error());
                 if (!ledger_all_ok(*r))
                   return fail(make_error(errc::internal, "booking refused: " + r->dump()));
                 self->state.in_flight.erase(key);
                 mark_payment(self, id, "booked");
                 answer_waiters(self, id, caf::none);
                 deliver_notices(self, id);
               });
  });
}

void deliver_notices(provider_actor* self, const std::string& id) {
  const auto* p = payment_at(self, id);
  if (!p || !p->booked)
    return;
  const auto provider = self->state.id();
  if (p->share > 0 && !p->hold_told) {
    json hold{{"payment", p->id},
              {"transfer", "earn:" + p->id},
              {"amount", p->share},
              {"currency", p->currency},
              {"release_at_ms", p->release_at_ms}};
    send_notice(self, id, "hold_told", std::string{payouts_protocol::kind}, p->channel,
                caf::make_message(earnings_held_atom::value, hold.dump()));
  }
  if (!p->fulfilled)
    send_notice(self, id, "fulfilled", p->fulfil_kind, p->fulfil_id,
                caf::make_message(payment_fulfil_atom::value, payment_json(*p, provider).dump()));
  if (!p->reversed.empty() && !p->reversal_told) {
    auto notice = payment_json(*p, provider);
    notice["reason"] = p->reversed;
    send_notice(self, id, "reversal_told", p->fulfil_kind, p->fulfil_id,
                caf::make_message(payment_reversed_atom::value, notice.dump()));
  }
}

void reverse_payment(provider_actor* self, const std::string& id, const std::string& reason,
                     std::function<void(caf::expected<std::string>)> done) {
  const auto* p = payment_at(self, id);
  if (!p)
    return done(make_error(errc::not_found, "no payment " + id));
  if (!p->reversed.empty())
    return done(make_error(errc::conflict, "the payment was already reversed (" + p->reversed + ")",
                           "already_reversed"));
  if (!p->booked)
    return done(make_error(errc::conflict, "the payment is not booked yet; try again"));
  auto key = "reverse:" + id;
  if (!self->state.in_flight.insert(key).second)
    return done(make_error(errc::conflict, "a reversal of this payment is under way"));
  auto fail = [self, key, done](caf::error err) {
    self->state.in_flight.erase(key);
    done(std::move(err));
  };
  auto provider = self->state.id();
  // Last step: the cut and fee back, then the mark (durable), then the answer and the notice.
  auto finish = [self, id, reason, key, provider, fail, done] {
    const auto* p = payment_at(self, id);
    auto legs = reversal_cut_and_fee(booking_of(*p, provider), reason);
    auto close = [self, id, reason, key, provider, fail, done](caf::expected<json> r) {
      if (!r)
        return fail(r.error());
      if (!r->is_null() && !ledger_all_ok(*r))
        return fail(make_error(errc::internal, "the ledger refused the reversal: " + r->dump()));
      self->state.in_flight.erase(key);
      ev::payment_marked reversed{id, "reversed", reason};
      caf::error err = reason == "dispute_lost"
                         ? self->state.emit(reversed, ev::payment_marked{id, "dispute_lost", {}})
                         : self->state.emit(reversed);
      if (err)
        return done(std::move(err));
      auto answer = payment_json(self->state.payments.at(id), provider);
      done(answer.dump());
      deliver_notices(self, id);
    };
    if (legs.is_null())
      return close(json{});
    ask_ledger(self, ledger_transfer_atom::value, legs, close);
  };
  if (p->share == 0)
    return finish();
  // The creator's share: the hold voided while it lasts; once posted, taken from the earnings;
  // once paid out, carried by the platform's revenue (code earnings_shortfall).
  ask_ledger(self, ledger_transfer_atom::value, reversal_void(id),
             [self, id, reason, provider, fail, finish](caf::expected<json> r) {
               if (!r)
                 return fail(r.error());
               auto status = ledger_status(*r, 0);
               if (status == "ok" || status == "exists")
                 return finish();
               if (status != "pending_not_found")
                 return fail(make_error(errc::internal, "the ledger refused the void: " + status));
               const auto* p = payment_at(self, id);
               auto in = booking_of(*p, provider);
               ask_ledger(
                 self, ledger_transfer_atom::value, reversal_from_earnings(in, reason),
                 [self, id, provider, fail, finish](caf::expected<json> r) {
                   if (!r)
                     return fail(r.error());
                   auto status = ledger_status(*r, 0);
                   if (status == "ok" || status == "exists")
                     return finish();
                   if (status != "exceeds_credits")
                     return fail(make_error(errc::internal, "the ledger refused: " + status));
                   const auto* p = payment_at(self, id);
                   ask_ledger(self, ledger_transfer_atom::value,
                              reversal_from_revenue(booking_of(*p, provider)),
                              [fail, finish](caf::expected<json> r) {
                                if (!r)
                                  return fail(r.error());
                                if (!ledger_all_ok(*r))
                                  return fail(make_error(errc::internal,
                                                         "the ledger refused: " + r->dump()));
                                finish();
                              });
                 });
             });
}

void retry_unsettled(provider_actor* self) {
  std::vector<std::string> due;
  for (const auto& id : self->state.unsettled) {
    if (due.size() >= retries_per_tick)
      break;
    due.push_back(id);
  }
  for (const auto& id : due) {
    const auto* p = payment_at(self, id);
    if (p && !p->booked)
      book_payment(self, id);
    else
      deliver_notices(self, id);
  }
}

}  // namespace aethex::actors::payments
