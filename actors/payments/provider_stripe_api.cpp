// payments/<provider> in stripe mode: what it sends to Stripe's API through the node's outbound
// transport (node_env::send_http) and what it does with the answers (docs/payments.md).
// The transport answers on its own thread; the answer comes back to the entity as a message, so
// state is only touched here, inside the entity.
#include "actors/payments/provider_internal.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors::payments {

using json = nlohmann::json;

namespace {

caf::error stripe_unavailable(std::string message) {
  return make_error(errc::unavailable, std::move(message), "provider_unavailable");
}

// Stripe's error body {"error": {"code", "decline_code"?, "message"}}: the code to show.
std::pair<std::string, std::string> stripe_error_of(const json& body) {
  auto e = body.find("error");
  if (e == body.end() || !e->is_object())
    return {"provider_unavailable", "The payment provider did not answer as expected."};
  auto text = [&](const char* key) {
    auto it = e->find(key);
    return it != e->end() && it->is_string() ? it->get<std::string>() : std::string{};
  };
  auto code = text("decline_code");
  if (code.empty())
    code = text("code");
  if (code.empty())
    code = "card_declined";
  auto message = text("message");
  return {code, message.empty() ? "Your card was declined." : message};
}

// Where Stripe sends the payer back: this node's site (--advertise, else bind:port).
std::string site_url(const runtime::node_config& config, std::string_view path) {
  auto host = !config.advertise.empty() ? config.advertise
                                        : config.bind + ":" + std::to_string(config.http_port);
  if (host.starts_with("http://") || host.starts_with("https://"))
    return host + std::string{path};
  return "http://" + host + std::string{path};
}

}  // namespace

void call_stripe(provider_actor* self, stripe::api_request request, stripe_answer done) {
  auto& st = self->state;
  const auto& money = st.config->money;
  if (!st.send_http) {
    done(stripe_unavailable("this node has no outbound HTTP transport"));
    return;
  }
  if (money.stripe_api_key.empty()) {
    done(stripe_unavailable("stripe mode needs --stripe-api-key"));
    return;
  }
  if (st.stripe_waiting.size() >= max_stripe_waiting) {
    done(stripe_unavailable("too many requests wait for Stripe; try later"));
    return;
  }
  const auto n = ++st.next_request;
  st.stripe_waiting.emplace(n, std::move(done));
  outbound_request out{std::move(request.method), money.stripe_api_base + request.path,
                       std::move(request.headers), std::move(request.body)};
  out.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  st.send_http(std::move(out),
               [me = caf::actor_cast<caf::actor>(self), n](caf::expected<outbound_response> r) {
                 // The transport's thread: only a message reaches the entity.
                 if (!r)
                   caf::anon_send(me, provider_stripe_answer_atom::value, n, message_of(r.error()),
                                  std::int64_t{0}, std::string{});
                 else
                   caf::anon_send(me, provider_stripe_answer_atom::value, n, std::string{},
                                  static_cast<std::int64_t>(r->status), std::move(r->body));
               });
}

void stripe_answered(provider_actor* self, std::uint64_t n, const std::string& error, long status,
                     const std::string& body) {
  auto& st = self->state;
  auto it = st.stripe_waiting.find(n);
  if (it == st.stripe_waiting.end())
    return;
  auto done = std::move(it->second);
  st.stripe_waiting.erase(it);
  if (!error.empty()) {
    done(stripe_unavailable("Stripe could not be reached: " + error));
    return;
  }
  auto parsed = json::parse(body, nullptr, false);
  if (!parsed.is_object()) {
    done(stripe_unavailable("Stripe answered " + std::to_string(status) + " without JSON"));
    return;
  }
  done(std::make_pair(status, std::move(parsed)));
}

void open_stripe_checkout(provider_actor* self, checkout_rec c,
                          caf::typed_response_promise<std::string> rp) {
  auto& st = self->state;
  auto& callers = st.opening[c.key];
  callers.push_back(std::move(rp));
  if (callers.size() > 1)
    return;  // the session for this key is on its way: one answer for all
  stripe::checkout_session_params params;
  params.checkout = c.id;
  params.item = {c.description.empty() ? c.product : c.description, c.amount, c.currency, 1, {}};
  params.success_url = site_url(*st.config, c.return_path);
  params.cancel_url = params.success_url;
  params.save_method = c.save_method;
  params.metadata = {{"channel", c.channel}, {"product", c.product}};
  auto request = stripe::checkout_session_payment(st.config->money.stripe_api_key, params);
  call_stripe(
    self, std::move(request), [self, c](caf::expected<std::pair<long, json>> answer) mutable {
      auto& st = self->state;
      auto callers = std::move(st.opening[c.key]);
      st.opening.erase(c.key);
      auto reply = [&](caf::expected<std::string> r) {
        for (auto& p : callers)
          r ? p.deliver(*r) : p.deliver(r.error());
      };
      if (!answer) {
        reply(answer.error());
        return;
      }
      const auto& [status, body] = *answer;
      auto id = body.find("id");
      auto url = body.find("url");
      if (status < 200 || status >= 300 || id == body.end() || !id->is_string() ||
          url == body.end() || !url->is_string()) {
        auto [code, message] = stripe_error_of(body);
        reply(stripe_unavailable("Stripe refused the checkout (" + code + "): " + message));
        return;
      }
      c.session = id->get<std::string>();
      c.session_url = url->get<std::string>();
      if (auto err = st.emit(ev::checkout_opened{c})) {
        reply(err);
        return;
      }
      reply(json{{"checkout", c.id}, {"url", c.session_url}, {"status", "open"}}.dump());
    });
}

void charge_with_stripe(provider_actor* self, checkout_rec c, const method_rec& m,
                        caf::typed_response_promise<std::string> rp) {
  auto& st = self->state;
  stripe::payment_intent_params params;
  params.key = c.key;
  params.amount = c.amount;
  params.currency = c.currency;
  params.customer = m.customer;
  params.payment_method = m.id;
  params.description = c.description;
  params.metadata = {{"key", c.key}, {"channel", c.channel}, {"product", c.product}};
  auto request = stripe::payment_intent_off_session(st.config->money.stripe_api_key, params);
  auto refuse = [rp](std::string_view code, std::string_view message) mutable {
    rp.deliver(json{
      {"payment", nullptr}, {"status", "failed"}, {"code", code}, {"message", message}}
                 .dump());
  };
  call_stripe(
    self, std::move(request),
    [self, c, pm = m.id, rp, refuse](caf::expected<std::pair<long, json>> answer) mutable {
      auto& st = self->state;
      if (!answer) {
        refuse("provider_unavailable", message_of(answer.error()));
        return;
      }
      const auto& [status, body] = *answer;
      if (status < 200 || status >= 300 || body.value("status", "") != "succeeded" ||
          !body.contains("id") || !body["id"].is_string()) {
        auto [code, message] = stripe_error_of(body);
        if (status >= 200 && status < 300) {  // created but not paid (e.g. requires_action)
          code = body.value("status", "") == "requires_action" ? "authentication_required"
                                                               : "card_declined";
          message = "The card was not charged.";
        }
        refuse(code, message);
        return;
      }
      // A retried charge (same Idempotency-Key) answers the same PaymentIntent: booked once.
      if (auto known = st.payment_by_key.find(c.key); known != st.payment_by_key.end()) {
        rp.deliver(json{{"payment", known->second}, {"status", "succeeded"}}.dump());
        return;
      }
      auto p = payment_from(c);
      p.checkout.clear();
      p.payment_method = pm;
      p.external = body["id"].get<std::string>();
      auto id = std::make_shared<std::string>();
      if (auto err = record_payment(self, p, false, [rp, id](const caf::error& e) mutable {
            if (e) {
              rp.deliver(e);
              return;
            }
            rp.deliver(json{{"payment", *id}, {"status", "succeeded"}}.dump());
          })) {
        rp.deliver(err);
        return;
      }
      *id = st.payment_by_key.at(c.key);
    });
}

void refund_with_stripe(provider_actor* self, const payment_rec& p,
                        caf::typed_response_promise<std::string> rp) {
  if (!p.reversed.empty()) {
    rp.deliver(make_error(errc::conflict, "the payment was already reversed (" + p.reversed + ")",
                          "already_reversed"));
    return;
  }
  if (p.external.empty()) {
    rp.deliver(make_error(errc::conflict, "Stripe has no PaymentIntent for this payment"));
    return;
  }
  auto request = stripe::refund(self->state.config->money.stripe_api_key, p.external, p.id);
  call_stripe(self, std::move(request),
              [rp, id = p.id](caf::expected<std::pair<long, json>> answer) mutable {
                if (!answer) {
                  rp.deliver(answer.error());
                  return;
                }
                const auto& [status, body] = *answer;
                if (status < 200 || status >= 300) {
                  auto [code, message] = stripe_error_of(body);
                  rp.deliver(make_error(errc::conflict, "Stripe refused the refund: " + message,
                                        std::move(code)));
                  return;
                }
                rp.deliver(json{
                  {"payment", id}, {"status", "refund_requested"}, {"refund", body.value("id", "")}}
                             .dump());
              });
}

}  // namespace aethex::actors::payments
