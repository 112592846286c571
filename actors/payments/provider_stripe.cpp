// payments/<provider>: Stripe's events that complete or reverse a payment, and disputes
// (provider_internal.hpp, docs/payments.md).
#include "actors/payments/provider_internal.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors::payments {

using json = nlohmann::json;

// Stripe's events that move money (docs/payments.md); anything else is not applied.
caf::result<std::string> apply_stripe_event(provider_actor* self, const std::string& type,
                                            const std::string& object_text) {
  auto& st = self->state;
  st.touch();
  auto object = json::parse(object_text, nullptr, false);
  if (!object.is_object())
    return make_error(errc::invalid_json, "a Stripe object must be a JSON object");
  auto not_applied = [](std::string why) {
    return json{{"applied", false}, {"why", std::move(why)}}.dump();
  };
  auto str = [&](const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
  };
  if (type == "checkout.session.completed" || type == "payment_intent.succeeded") {
    auto meta = object.find("metadata");
    std::string cs;
    if (meta != object.end() && meta->is_object())
      cs = meta->value("checkout", "");
    auto it = st.checkouts.find(cs);
    if (it == st.checkouts.end())
      return not_applied("no checkout " + cs);
    // The card kept for off-session charges is Stripe's pm_… (on the PaymentIntent's event,
    // whichever of the two comes first), with the customer it is attached to.
    if (auto pm = str("payment_method");
        it->second.save_method && pm.starts_with("pm_") && !st.methods.contains(pm)) {
      const auto& payer = it->second.payer;
      if (auto list = st.methods_by_user.find(payer);
          list != st.methods_by_user.end() && list->second.size() >= max_methods_per_user)
        if (auto err = st.emit(ev::method_removed{list->second.front()}))
          return err;
      if (
        auto err = st.emit(ev::method_saved{{pm, payer, "", "", 0, 0, "stripe", str("customer")}}))
        return err;
    }
    if (!it->second.payment.empty())
      return not_applied("already applied");
    bool session = type == "checkout.session.completed";
    if (session && str("payment_status") != "paid")
      return not_applied("not paid yet");
    auto amount = object.value(session ? "amount_total" : "amount_received", std::int64_t{-1});
    if (amount != it->second.amount)
      return not_applied("the amount differs from the checkout's");
    auto p = payment_from(it->second);
    p.external = session ? str("payment_intent") : str("id");
    auto rp = self->make_response_promise<std::string>();
    auto id = std::make_shared<std::string>();
    if (auto err = record_payment(self, p, false, [rp, id](const caf::error& e) mutable {
          if (e) {
            rp.deliver(e);
            return;
          }
          rp.deliver(json{{"applied", true}, {"payment", *id}}.dump());
        }))
      return err;
    *id = st.checkouts.at(cs).payment;
    return rp;
  }
  bool refund = type == "charge.refunded";
  if (refund || type == "charge.dispute.closed") {
    auto it = st.payment_by_external.find(str("payment_intent"));
    if (it == st.payment_by_external.end())
      return not_applied("no payment for this PaymentIntent");
    if (!refund && str("status") != "lost") {
      if (str("status") == "won" && st.payments.at(it->second).dispute != "won")
        if (auto err = st.emit(ev::payment_marked{it->second, "dispute_won", {}}))
          return err;
      return not_applied("the dispute was not lost");
    }
    if (!st.payments.at(it->second).reversed.empty())
      return not_applied("already reversed");
    auto rp = self->make_response_promise<std::string>();
    reverse_payment(
      self, it->second, refund ? "refund" : "dispute_lost",
      [rp](caf::expected<std::string> r) mutable {
        if (!r) {
          rp.deliver(r.error());
          return;
        }
        rp.deliver(json{{"applied", true}, {"payment", json::parse(*r)["payment"]}}.dump());
      });
    return rp;
  }
  return not_applied("not an event payments acts on");
}

caf::result<std::string> settle_dispute(provider_actor* self, const std::string& payment,
                                        const std::string& outcome) {
  auto& st = self->state;
  st.touch();
  auto it = st.payments.find(payment);
  if (it == st.payments.end())
    return make_error(errc::not_found, "no payment " + payment);
  if (outcome != "won" && outcome != "lost")
    return make_error(errc::invalid_argument, "'outcome' must be won or lost");
  if (it->second.dispute != "open")
    return make_error(errc::conflict, "the payment has no open dispute", "no_dispute");
  if (outcome == "won") {
    if (auto err = st.emit(ev::payment_marked{payment, "dispute_won", {}}))
      return err;
    return json{{"payment", payment}, {"dispute", "won"}}.dump();
  }
  auto rp = self->make_response_promise<std::string>();
  reverse_payment(self, payment, "dispute_lost",
                  [rp, payment](caf::expected<std::string> r) mutable {
                    if (!r) {
                      rp.deliver(r.error());
                      return;
                    }
                    rp.deliver(json{{"payment", payment}, {"dispute", "lost"}}.dump());
                  });
  return rp;
}

}  // namespace aethex::actors::payments
