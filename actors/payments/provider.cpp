// payments/<provider>: checkouts, the sandbox's card outcomes, saved cards, charges, refunds,
// disputes and Stripe's completions (provider.hpp, checkout.hpp, docs/payments.md). The money
// flow after a payment is recorded is in provider_flow.cpp.
#include <algorithm>

#include "actors/payments/provider_internal.hpp"
#include "actors/payments/sandbox_cards.hpp"
#include "runtime/errors.hpp"
#include "runtime/secrets.hpp"

namespace aethex::actors {
namespace payments {

std::string new_payment_id(std::string_view prefix) {
  return std::string{prefix} + runtime::random_hex(12);
}

// A payment from checkout `c` (paid on the pay page or completed by Stripe), recorded and
// booked; `waiter` hears when it is booked.
caf::error record_payment(provider_actor* self, payment_rec p, bool disputed,
                          booked_waiter waiter) {
  auto& st = self->state;
  if (st.unsettled.size() >= max_waiting_deliveries)
    return make_error(errc::unavailable, "too many payments wait for their sellers; try later");
  const auto& money = st.config->money;
  auto split = split_payment(p.amount, p.product, money);
  p.id = new_payment_id("pay_");
  p.share = split.share;
  p.cut = split.cut;
  p.fee = split.fee;
  p.at_ms = st.clock().now_ms();
  p.release_at_ms = p.at_ms + static_cast<std::int64_t>(money.hold_days) * 86'400'000;
  payments::ev::payment_recorded recorded{p};
  caf::error err = disputed
                     ? st.emit(recorded, payments::ev::payment_marked{p.id, "dispute_opened", {}})
                     : st.emit(recorded);
  if (err)
    return err;
  st.waiters[p.id].push_back(std::move(waiter));
  book_payment(self, p.id);
  return caf::none;
}

payment_rec payment_from(const checkout_rec& c) {
  payment_rec p;
  p.checkout = c.id;
  p.key = c.key;
  p.payer = c.payer;
  p.channel = c.channel;
  p.product = c.product;
  p.amount = c.amount;
  p.currency = c.currency;
  p.description = c.description;
  p.fulfil_kind = c.fulfil_kind;
  p.fulfil_id = c.fulfil_id;
  p.metadata = c.metadata;
  return p;
}

}  // namespace payments

namespace {

using json = nlohmann::json;
using namespace payments;
using string_promise = caf::typed_response_promise<std::string>;

// The retry tick's real-time period: fulfilments and holds waiting for an answer go again.
constexpr auto provider_tick_every = std::chrono::seconds(5);
// A snapshot holds every payment: often enough that activation replays a short tail.
constexpr std::uint64_t provider_snapshot_every = 500;
constexpr std::int64_t max_checkout_amount = 99'999'999;  // Stripe's own limit per charge
constexpr std::size_t max_metadata_bytes = 4096;
using provider_timer_atom = caf::atom_constant<caf::atom("paytimer")>;

caf::error bad_request(std::string message) {
  return make_error(errc::invalid_argument, std::move(message));
}

bool account_safe(std::string_view s) {
  return !s.empty() && s.size() <= 64 &&
         s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-.") == std::string_view::npos;
}

caf::expected<std::string> text_field(const json& j, const char* key, std::size_t max,
                                      bool required, std::string fallback = {}) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required)
      return bad_request(std::string{"'"} + key + "' is required");
    return fallback;
  }
  if (!it->is_string() || it->get_ref<const std::string&>().size() > max ||
      (required && it->get_ref<const std::string&>().empty()))
    return bad_request(std::string{"'"} + key + "' must be a string of up to " +
                       std::to_string(max) + " characters");
  return it->get<std::string>();
}

// A purchase request (docs/monetization.md) as a checkout record; `charge` asks for the
// payment_method too. Everything the seller sends is checked: it shows on the pay page.
caf::expected<checkout_rec> purchase_of(const std::string& text, std::string* payment_method) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error(errc::invalid_json, "a purchase must be a JSON object");
  checkout_rec c;
  auto take = [&](std::string& into, const char* key, std::size_t max, bool required,
                  std::string fallback = {}) -> caf::error {
    auto v = text_field(j, key, max, required, std::move(fallback));
    if (!v)
      return v.error();
    into = std::move(*v);
    return caf::none;
  };
  if (auto e = take(c.key, "key", 128, true))
    return e;
  if (auto e = take(c.payer, "payer", 64, true))
    return e;
  if (auto e = take(c.channel, "channel", 64, true))
    return e;
  if (!account_safe(c.channel))
    return bad_request("'channel' must be a channel name");
  if (auto e = take(c.product, "product", 8, true))
    return e;
  if (c.product != "sub" && c.product != "tip" && c.product != "gift")
    return bad_request("'product' must be sub, tip or gift");
  auto amount = j.find("amount");
  if (amount == j.end() || !amount->is_number_integer() || amount->get<std::int64_t>() < 1 ||
      amount->get<std::int64_t>() > max_checkout_amount)
    return bad_request("'amount' must be a whole number of minor units, 1-99999999");
  c.amount = amount->get<std::int64_t>();
  if (auto e = take(c.description, "description", 200, false))
    return e;
  auto fulfil = j.find("fulfil");
  if (fulfil == j.end() || !fulfil->is_object())
    return bad_request("'fulfil' must be {\"kind\", \"id\"}");
  auto kind = text_field(*fulfil, "kind", 64, true);
  auto id = text_field(*fulfil, "id", 256, true);
  if (!kind || !id)
    return bad_request("'fulfil' must be {\"kind\", \"id\"}");
  c.fulfil_kind = std::move(*kind);
  c.fulfil_id = std::move(*id);
  if (auto m = j.find("metadata"); m != j.end() && !m->is_null()) {
    if (!m->is_object() || m->dump().size() > max_metadata_bytes)
      return bad_request("'metadata' must be an object of at most 4 KiB");
    c.metadata = m->dump();
  }
  if (auto s = j.find("save_method"); s != j.end() && !s->is_null()) {
    if (!s->is_boolean())
      return bad_request("'save_method' must be true or false");
    c.save_method = s->get<bool>();
  }
  if (auto e = take(c.return_path, "return_path", 256, false, "/"))
    return e;
  if (!c.return_path.starts_with("/") || c.return_path.starts_with("//"))
    return bad_request("'return_path' must be a path on this site");
  if (payment_method) {
    auto pm = text_field(j, "payment_method", 64, true);
    if (!pm)
      return pm.error();
    *payment_method = std::move(*pm);
  }
  return c;
}

json checkout_json(const checkout_rec& c, std::int64_t now_ms, std::string_view provider) {
  std::string status = !c.payment.empty()       ? "complete"
                       : !c.action_card.empty() ? "requires_action"
                       : c.expires_ms <= now_ms ? "expired"
                                                : "open";
  return json{{"checkout", c.id},
              {"provider", provider},
              {"status", status},
              {"description", c.description},
              {"amount", c.amount},
              {"currency", c.currency},
              {"product", c.product},
              {"channel", c.channel},
              {"return_path", c.return_path},
              {"save_method", c.save_method},
              {"payment", c.payment.empty() ? json{} : json(c.payment)},
              {"expires_at_ms", c.expires_ms}};
}

std::string failed(std::string_view code, std::string_view message) {
  return json{{"status", "failed"}, {"code", code}, {"message", message}}.dump();
}

std::string decline_message(std::string_view code) {
  if (code == "insufficient_funds")
    return "Your card has insufficient funds.";
  if (code == "authentication_required")
    return "Your card needs authentication, which cannot happen while you are away.";
  if (code == "authentication_failed")
    return "The authentication of your card failed.";
  if (code == "test_card_required")
    return "This sandbox takes test cards only: see /payments/test-cards.";
  return "Your card was declined.";
}

// The saved method for this card of `user`: the one already saved with the same brand, last 4
// and expiry, else a new one (the oldest goes when the user has the most allowed).
caf::expected<std::string> save_method_of(provider_actor* self, const std::string& user,
                                          const json& card) {
  auto& st = self->state;
  method_rec m{{},
               user,
               card.value("brand", ""),
               card.value("last4", ""),
               card.value("exp_month", 0),
               card.value("exp_year", 0),
               card.value("behaviour", ""),
               {}};
  if (auto list = st.methods_by_user.find(user); list != st.methods_by_user.end()) {
    for (const auto& pm : list->second) {
      const auto& known = st.methods.at(pm);
      if (known.brand == m.brand && known.last4 == m.last4 && known.exp_month == m.exp_month &&
          known.exp_year == m.exp_year)
        return pm;
    }
    if (list->second.size() >= max_methods_per_user)
      if (auto err = st.emit(payments::ev::method_removed{list->second.front()}))
        return err;
  }
  m.id = new_payment_id("pm_");
  if (auto err = st.emit(payments::ev::method_saved{m}))
    return err;
  return m.id;
}

booked_waiter answer_when_booked(string_promise rp, std::string id) {
  return [rp, id](const caf::error& err) mutable {
    if (err) {
      rp.deliver(err);
      return;
    }
    rp.deliver(json{{"status", "succeeded"}, {"payment", id}}.dump());
  };
}

// The card succeeded on checkout `cs`: saved if asked, recorded, booked, then answered.
caf::result<std::string> pay_checkout(provider_actor* self, const std::string& cs,
                                      const json& card) {
  auto& st = self->state;
  auto c = st.checkouts.at(cs);
  std::string pm;
  if (c.save_method && card.value("save", true)) {
    auto saved = save_method_of(self, c.payer, card);
    if (!saved)
      return saved.error();
    pm = std::move(*saved);
  }
  auto p = payment_from(c);
  p.payment_method = pm;
  auto rp = self->make_response_promise<std::string>();
  bool disputed = card.value("behaviour", "") == sandbox::to_string(sandbox::card_class::disputed);
  auto waiting = std::make_shared<std::string>();
  if (auto err = record_payment(self, p, disputed, [rp, waiting](const caf::error& e) mutable {
        if (e) {
          rp.deliver(e);
          return;
        }
        rp.deliver(json{{"status", "succeeded"}, {"payment", *waiting}}.dump());
      }))
    return err;
  *waiting = st.checkouts.at(cs).payment;
  return rp;
}

// An already paid checkout: its payment, once booked.
caf::result<std::string> paid_answer(provider_actor* self, const std::string& payment) {
  auto& st = self->state;
  if (st.payments.at(payment).booked)
    return json{{"status", "succeeded"}, {"payment", payment}}.dump();
  auto rp = self->make_response_promise<std::string>();
  st.waiters[payment].push_back(answer_when_booked(rp, payment));
  return rp;
}

caf::expected<const checkout_rec*> payer_checkout(provider_actor* self, const std::string& cs,
                                                  const std::string& payer) {
  auto& st = self->state;
  auto it = st.checkouts.find(cs);
  if (it == st.checkouts.end() || it->second.payer != payer)
    return make_error(errc::not_found, "no checkout " + cs);
  return &it->second;
}

caf::result<std::string> open_checkout(provider_actor* self, const std::string& request) {
  auto& st = self->state;
  st.touch();
  auto c = purchase_of(request, nullptr);
  if (!c)
    return c.error();
  const auto now = st.clock().now_ms();
  auto answer = [&](const checkout_rec& k) {
    return json{{"checkout", k.id},
                {"url", k.session_url.empty() ? "/pay/" + k.id : k.session_url},
                {"status", checkout_json(k, now, st.id()).at("status")}}
      .dump();
  };
  if (auto known = st.checkout_by_key.find(c->key); known != st.checkout_by_key.end())
    if (auto it = st.checkouts.find(known->second);
        it != st.checkouts.end() && (!it->second.payment.empty() || it->second.expires_ms > now))
      return answer(it->second);
  if (st.open_checkouts_of(c->payer, now) >= max_open_checkouts_per_payer)
    return make_error(errc::rate_limited,
                      "too many checkouts are open for this payer; finish or wait for one",
                      "too_many_checkouts");
  c->id = new_payment_id("cs_");
  c->currency = st.config->money.currency;
  c->expires_ms = now + checkout_open_ms;
  if (st.id() == "stripe") {  // recorded once Stripe's session exists
    auto rp = self->make_response_promise<std::string>();
    open_stripe_checkout(self, std::move(*c), rp);
    return rp;
  }
  if (auto err = st.emit(payments::ev::checkout_opened{*c}))
    return err;
  return answer(st.checkouts.at(c->id));
}

caf::result<std::string> pay(provider_actor* self, const std::string& cs, const std::string& payer,
                             const std::string& card_text) {
  auto& st = self->state;
  st.touch();
  if (st.id() != "sandbox")
    return make_error(errc::unavailable,
                      "cards are entered on Stripe Checkout: the checkout's url leads there");
  auto found = payer_checkout(self, cs, payer);
  if (!found)
    return found.error();
  const auto& c = **found;
  if (!c.payment.empty())
    return paid_answer(self, c.payment);
  if (!c.action_card.empty())
    return make_error(errc::conflict, "the card waits for 3-D Secure authentication",
                      "requires_action");
  if (c.expires_ms <= st.clock().now_ms())
    return make_error(errc::conflict, "the checkout has expired; start again", "expired");
  auto card = json::parse(card_text, nullptr, false);
  if (!card.is_object())
    return make_error(errc::invalid_json, "a card must be a JSON object");
  using sandbox::card_class;
  auto behaviour = sandbox::card_class_of(card.value("behaviour", ""));
  switch (behaviour) {
    case card_class::declined: return failed("card_declined", decline_message("card_declined"));
    case card_class::insufficient_funds:
      return failed("insufficient_funds", decline_message("insufficient_funds"));
    case card_class::not_a_test_card:
      return failed("card_declined", decline_message("test_card_required"));
    case card_class::requires_3ds:
      if (auto err = st.emit(payments::ev::checkout_action{cs, card.dump()}))
        return err;
      return json{{"status", "requires_action"}, {"action", "3ds"}}.dump();
    case card_class::succeeds:
    case card_class::declines_later:
    case card_class::disputed: break;
  }
  return pay_checkout(self, cs, card);
}

caf::result<std::string> authenticate(provider_actor* self, const std::string& cs,
                                      const std::string& payer, bool approve) {
  auto& st = self->state;
  st.touch();
  auto found = payer_checkout(self, cs, payer);
  if (!found)
    return found.error();
  const auto& c = **found;
  if (!c.payment.empty())
    return paid_answer(self, c.payment);
  if (c.action_card.empty())
    return make_error(errc::conflict, "nothing waits for authentication", "no_action");
  auto card = json::parse(c.action_card, nullptr, false);
  if (!approve || c.expires_ms <= st.clock().now_ms()) {
    if (auto err = st.emit(payments::ev::checkout_action{cs, {}}))
      return err;
    return failed("authentication_failed", decline_message("authentication_failed"));
  }
  return pay_checkout(self, cs, card);
}

caf::result<std::string> charge(provider_actor* self, const std::string& request) {
  auto& st = self->state;
  st.touch();
  std::string pm;
  auto c = purchase_of(request, &pm);
  if (!c)
    return c.error();
  if (auto known = st.payment_by_key.find(c->key); known != st.payment_by_key.end())
    return paid_answer(self, known->second);
  auto refuse = [](std::string_view code) {
    return json{{"payment", nullptr},
                {"status", "failed"},
                {"code", code},
                {"message", decline_message(code)}}
      .dump();
  };
  auto method = st.methods.find(pm);
  if (method == st.methods.end() || method->second.user != c->payer)
    return refuse("payment_method_not_found");
  if (st.id() == "stripe") {
    c->currency = st.config->money.currency;
    auto rp = self->make_response_promise<std::string>();
    charge_with_stripe(self, std::move(*c), method->second, rp);
    return rp;
  }
  auto behaviour = sandbox::card_class_of(method->second.behaviour);
  if (auto code = sandbox::off_session_decline(behaviour); !code.empty())
    return refuse(code);
  c->currency = st.config->money.currency;
  auto p = payment_from(*c);
  p.checkout.clear();
  p.payment_method = pm;
  auto rp = self->make_response_promise<std::string>();
  auto id = std::make_shared<std::string>();
  if (auto err = record_payment(
        self, p, behaviour == sandbox::card_class::disputed, [rp, id](const caf::error& e) mutable {
          if (e) {
            rp.deliver(e);
            return;
          }
          rp.deliver(json{{"payment", *id}, {"status", "succeeded"}}.dump());
        }))
    return err;
  *id = st.payment_by_key.at(c->key);
  return rp;
}

json method_json(const method_rec& m) {
  return json{{"method", m.id},
              {"brand", m.brand},
              {"last4", m.last4},
              {"exp_month", m.exp_month},
              {"exp_year", m.exp_year}};
}

caf::behavior provider_behavior(provider_actor* self, caf::actor registry,
                                storage::event_store* store, std::string id,
                                const runtime::node_config* config, const runtime::clock* clock,
                                http_sender send_http) {
  auto& st = self->state;
  st.config = config;
  st.send_http = std::move(send_http);
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = provider_snapshot_every;
  if (auto err = st.activate(self, *store, id, opts))
    return st.refuse(self, std::move(err));
  if (id != "sandbox" && id != "stripe")
    return st.refuse(self, make_error(errc::not_found, "no payment provider " + id));
  self->delayed_send(self, provider_tick_every, provider_timer_atom::value);
  return {
    [self](checkout_create_atom, const std::string& request) {
      return open_checkout(self, request);
    },
    [self](payment_charge_atom, const std::string& request) { return charge(self, request); },
    [self](payment_checkout_get_atom, const std::string& cs,
           const std::string& payer) -> caf::result<std::string> {
      auto& st = self->state;
      auto found = payer_checkout(self, cs, payer);
      if (!found)
        return st.answer_read(self, found.error());
      return st.answer_read(self, checkout_json(**found, st.clock().now_ms(), st.id()).dump());
    },
    [self](payment_pay_atom, const std::string& cs, const std::string& payer,
           const std::string& card) { return pay(self, cs, payer, card); },
    [self](payment_authenticate_atom, const std::string& cs, const std::string& payer,
           bool approve) { return authenticate(self, cs, payer, approve); },
    [self](payment_methods_atom, const std::string& user) {
      auto& st = self->state;
      json list = json::array();
      if (auto it = st.methods_by_user.find(user); it != st.methods_by_user.end())
        for (const auto& pm : it->second)
          list.push_back(method_json(st.methods.at(pm)));
      return st.answer_read(self, json{{"methods", std::move(list)}}.dump());
    },
    [self](payment_method_remove_atom, const std::string& user,
           const std::string& pm) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      auto it = st.methods.find(pm);
      if (it == st.methods.end() || it->second.user != user)
        return make_error(errc::not_found, "no saved card " + pm);
      if (auto err = st.emit(payments::ev::method_removed{pm}))
        return err;
      return json{{"removed", true}, {"method", pm}}.dump();
    },
    [self](payment_history_atom, const std::string& user, std::uint32_t limit) {
      auto& st = self->state;
      json list = json::array();
      if (auto it = st.history.find(user); it != st.history.end())
        for (auto p = it->second.rbegin(); p != it->second.rend() && list.size() < limit; ++p)
          list.push_back(payment_json(st.payments.at(*p), st.id()));
      return st.answer_read(self, json{{"payments", std::move(list)}}.dump());
    },
    [self](payment_get_atom, const std::string& payment) -> caf::result<std::string> {
      auto& st = self->state;
      auto it = st.payments.find(payment);
      if (it == st.payments.end())
        return st.answer_read(self, make_error(errc::not_found, "no payment " + payment));
      auto j = payment_json(it->second, st.id());
      j["booked"] = it->second.booked;
      j["fulfilled"] = it->second.fulfilled;
      j["split"] = {{"share", it->second.share}, {"cut", it->second.cut}, {"fee", it->second.fee}};
      return st.answer_read(self, j.dump());
    },
    [self](payment_refund_atom, const std::string& payment) -> caf::result<std::string> {
      self->state.touch();
      auto rp = self->make_response_promise<std::string>();
      if (self->state.id() == "stripe") {
        auto it = self->state.payments.find(payment);
        if (it != self->state.payments.end())
          refund_with_stripe(self, it->second, rp);
        else
          rp.deliver(make_error(errc::not_found, "no payment " + payment));
        return rp;
      }
      reverse_payment(self, payment, "refund", [rp](caf::expected<std::string> r) mutable {
        if (!r) {
          rp.deliver(r.error());
          return;
        }
        rp.deliver(std::move(*r));
      });
      return rp;
    },
    [self](payment_dispute_atom, const std::string& payment, const std::string& outcome) {
      return settle_dispute(self, payment, outcome);
    },
    [self](payment_stripe_apply_atom, const std::string& type, const std::string& object) {
      return apply_stripe_event(self, type, object);
    },
    [self](payment_tick_atom) {
      retry_unsettled(self);
      return json{{"pending", self->state.unsettled.size()}}.dump();
    },
    [self](provider_stripe_answer_atom, std::uint64_t n, const std::string& error,
           std::int64_t status, const std::string& body) {
      stripe_answered(self, n, error, static_cast<long>(status), body);
    },
    [self](provider_timer_atom) {
      retry_unsettled(self);
      self->delayed_send(self, provider_tick_every, provider_timer_atom::value);
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_payment_provider_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                               const runtime::node_config& config, const runtime::clock& clock,
                               http_sender send_http) {
  kinds.factories["payments"] = [&store, &config, &clock, send_http](caf::actor_system& sys,
                                                                     const caf::actor& registry,
                                                                     const std::string& id) {
    return sys.spawn(provider_behavior, registry, &store, id, &config, &clock, send_http);
  };
}

}  // namespace aethex::actors
