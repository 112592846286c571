// subscriptions/<channel>: tiers, purchases through the payment provider, fulfilment (once per
// payment id), renewals with a grace period, cancel, gifts and reversals. The rules of time all
// read the injected clock, so tests and `serve --test-clock` move through months at once.
#include "actors/subscriptions/subscriptions.hpp"

#include <algorithm>
#include <random>

#include <caf/all.hpp>

#include "actors/chat/chat_room.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/payments/checkout.hpp"
#include "actors/subscriptions/internal.hpp"
#include "actors/subscriptions/subscription_state.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using subs::json;
using subs::record;
using L = subscription_limits;
using subs_actor = caf::stateful_actor<event_sourced<subs::state>>;

struct subs_env {
  caf::actor registry;
  storage::event_store* store;
  const runtime::node_config* config;
  const runtime::clock* clock;
};

caf::error sub_invalid(std::string message) {
  return make_error(errc::invalid_argument, std::move(message));
}

json tiers_json(const subs::state& st, const runtime::node_config& config) {
  json list = json::array();
  for (auto& t : st.tiers)
    list.push_back(json{{"tier", t.tier},
                        {"id", subs::tier_id(t.tier)},
                        {"name", t.name},
                        {"price", t.price},
                        {"enabled", t.enabled}});
  return json{{"currency", config.money.currency}, {"tiers", list}};
}

json status_json(const subs::state& st, const std::string& channel, const std::string& user) {
  json j{{"channel", channel}, {"user", user}, {"subscribed", false},
         {"tier", 0},          {"months", 0},  {"status", "none"}};
  const record* r = st.find(user);
  if (!r)
    return j;
  j["subscribed"] = r->live();
  j["tier"] = r->live() ? r->tier : 0;
  j["tier_name"] = st.tiers[r->tier - 1].name;
  j["months"] = r->months;
  j["status"] = r->status;
  j["cancel_at_period_end"] = r->cancel;
  j["gifted_by"] = r->gifted_by.empty() ? json(nullptr) : json(r->gifted_by);
  j["started_at_ms"] = r->started_ms;
  j["renews_at_ms"] = nullptr;
  j["ends_at_ms"] = nullptr;
  if (!r->live())
    j["ends_at_ms"] = r->ended_ms;
  else if (r->status == "past_due")
    j["ends_at_ms"] = r->grace_until_ms;
  else if (r->renews())
    j["renews_at_ms"] = r->period_end_ms;
  else
    j["ends_at_ms"] = r->period_end_ms;
  if (!r->live())
    j["end_reason"] = r->end_reason;
  return j;
}

// The room hears every change: badges, subscribers-only mode and sub emotes read it.
void tell_room(subs_actor* self, const record& r) {
  entity_ref<chat_protocol>{self->state.registry(), self->state.id()}.tell(
    chat_subscriber_atom::value, r.user, static_cast<std::int32_t>(r.live() ? r.tier : 0),
    r.months);
}

// On a failed write nothing changed: the next tick (or payments' next try) ends them.
caf::error end_all(subs_actor* self, const std::vector<subs::ev::ended>& ends) {
  if (ends.empty())
    return caf::none;
  if (auto err = self->state.emit_all(ends))
    return err;
  for (auto& e : ends)
    tell_room(self, *self->state.find(e.user));
  return caf::none;
}

json provider_request(const subs_actor* self, const std::string& key, const std::string& payer,
                      std::int64_t amount, const std::string& description, json metadata) {
  auto& st = self->state;
  return json{{"key", key},
              {"payer", payer},
              {"channel", st.id()},
              {"product", "sub"},
              {"amount", amount},
              {"description", description},
              {"fulfil", {{"kind", "subscriptions"}, {"id", st.id()}}},
              {"metadata", std::move(metadata)},
              {"save_method", false},
              {"return_path", "/c/" + st.id()}};
}

// A renewal charge of the saved card. Its key names the period (and the retry), so a tick that
// comes again while the answer travels, or after a lost answer, never charges twice.
void charge_renewal(subs_actor* self, const subs_env& env, const record& r) {
  auto& st = self->state;
  if (!st.charging.insert(r.user).second)
    return;
  auto period = r.months + 1;
  auto key = "renew:" + st.id() + ":" + r.user + ":" + std::to_string(period);
  if (r.attempt > 0)
    key += ":" + std::to_string(r.attempt);
  const auto& tier = st.tiers[r.tier - 1];
  auto req = provider_request(
    self, key, r.user, tier.price, tier.name + " subscription to " + st.id() + " (renewal)",
    json{{"tier", r.tier}, {"kind", "renew"}, {"user", r.user}, {"period", period}});
  req["payment_method"] = r.payment_method;
  auto user = r.user;
  auto months = r.months;
  entity_ref<payment_provider_protocol>{st.registry(), payment_provider_id(*env.config)}
    .request(self, payment_charge_atom::value, req.dump())
    .then(
      [self, user, months](std::string& text) {
        auto& st = self->state;
        st.charging.erase(user);
        auto answer = json::parse(text, nullptr, false);
        if (!answer.is_object() || answer.value("status", "") != "failed")
          return;  // succeeded: the fulfilment extends the period
        const record* now_r = st.find(user);
        if (!now_r || !now_r->live() || now_r->months != months)
          return;  // ended or renewed meanwhile
        auto now = st.clock().now_ms();
        auto grace = now_r->grace_until_ms > 0 ? now_r->grace_until_ms
                                               : now_r->period_end_ms + L::grace_ms;
        (void)st.emit(subs::ev::past_due{user, now_r->attempt + 1, now + L::retry_ms, grace,
                                         answer.value("code", "declined")});
      },
      [self, user](caf::error&) { self->state.charging.erase(user); });
}

void renewal_tick(subs_actor* self, const subs_env& env) {
  auto& st = self->state;
  auto now = st.clock().now_ms();
  std::vector<subs::ev::ended> ends;
  std::vector<const record*> due;
  for (auto& [user, r] : st.records) {
    if (r.status == "active" && now >= r.period_end_ms) {
      if (r.cancel)
        ends.push_back({user, "canceled"});
      else if (r.payment_method.empty())
        ends.push_back({user, r.gifted_by.empty() && r.months > 0 ? "expired" : "gift_ended"});
      else
        due.push_back(&r);
    } else if (r.status == "past_due") {
      if (now >= r.grace_until_ms)
        ends.push_back({user, "payment_failed"});
      else if (now >= r.retry_at_ms)
        due.push_back(&r);
    }
  }
  for (auto* r : due)
    charge_renewal(self, env, *r);
  (void)end_all(self, ends);
}

caf::result<std::string> start_checkout(subs_actor* self, const subs_env& env,
                                        const std::string& text) {
  auto& st = self->state;
  auto req = json::parse(text, nullptr, false);
  if (!req.is_object())
    return sub_invalid("a checkout request is a JSON object");
  auto buyer = req.value("buyer", "");
  auto owner = req.value("owner", "");
  auto tier_n = req.value("tier", 0);
  const auto* tier = st.tier(tier_n);
  if (!tier || !tier->enabled)
    return sub_invalid("this channel does not offer that tier");
  bool gift = req.value("kind", "subscribe") == "gift";
  json metadata{{"tier", tier_n}, {"kind", gift ? "gift" : "subscribe"}};
  std::string key;
  std::int64_t count = 1;
  if (!gift) {
    const auto* r = st.find(buyer);
    if (r && r->status == "active" && r->tier >= tier_n)
      return make_error(errc::conflict,
                        r->tier == tier_n ? "you are already subscribed at this tier"
                                          : "you are subscribed at a higher tier: cancel it and "
                                            "subscribe again when it ends",
                        "already_subscribed");
    // An upgrade (Twitch's rule): the new tier's price now, a new period from now.
    if (r && r->status == "active")
      metadata["kind"] = "upgrade";
    metadata["user"] = buyer;
    key = "sub:" + st.id() + ":" + buyer + ":" + std::to_string(tier_n) + ":" +
          std::to_string(r ? r->changes : 0);
  } else {
    count = req.value("count", std::int64_t{1});
    if (count < 1 || count > static_cast<std::int64_t>(L::max_gift))
      return sub_invalid("a gift is 1 to 100 subscriptions");
    auto recipients = req.value("recipients", std::vector<std::string>{});
    std::string who;
    if (!recipients.empty()) {
      std::set<std::string> seen;
      for (auto& u : recipients) {
        if (u == buyer || u == owner)
          return sub_invalid("you cannot gift a subscription to " + u);
        if (!seen.insert(u).second)
          return sub_invalid(u + " is named twice");
        who += "," + u;
      }
      count = static_cast<std::int64_t>(recipients.size());
      metadata["recipients"] = recipients;
    } else {
      std::vector<std::string> pool;
      for (auto& u : req.value("candidates", std::vector<std::string>{})) {
        const auto* r = st.find(u);
        if (u != buyer && u != owner && (!r || !r->live()) && pool.size() < L::max_candidates)
          pool.push_back(u);
      }
      if (static_cast<std::int64_t>(pool.size()) < count)
        return make_error(errc::conflict,
                          "only " + std::to_string(pool.size()) +
                            " followers of this channel are not subscribed yet",
                          "not_enough_recipients");
      metadata["candidates"] = pool;
    }
    metadata["count"] = count;
    metadata["anonymous"] = req.value("anonymous", false);
    // Minute-bucketed: a double click is one checkout, a gift next minute another.
    key = "gift:" + st.id() + ":" + buyer + ":" + std::to_string(tier_n) + ":" +
          std::to_string(count) + ":" + std::to_string(st.clock().now_ms() / 60'000) + ":" +
          std::to_string(std::hash<std::string>{}(who));
  }
  auto description = gift ? std::to_string(count) + " gifted " + tier->name + " subscription" +
                              (count > 1 ? "s" : "") + " to " + st.id()
                          : tier->name + " subscription to " + st.id();
  auto provider_req = provider_request(self, key, buyer, tier->price * count, description,
                                       std::move(metadata));
  provider_req["save_method"] = !gift;
  if (auto path = req.value("return_path", ""); !path.empty())
    provider_req["return_path"] = path;
  auto promise = self->make_response_promise<std::string>();
  entity_ref<payment_provider_protocol>{st.registry(), payment_provider_id(*env.config)}
    .request(self, checkout_create_atom::value, provider_req.dump())
    .then(
      [promise](std::string& answer) mutable {
        auto j = json::parse(answer, nullptr, false);
        if (!j.is_object())
          promise.deliver(make_error(errc::internal, "the payment provider's answer"));
        else
          promise.deliver(
            json{{"checkout", j.value("checkout", "")}, {"url", j.value("url", "")}}.dump());
      },
      [promise](caf::error& err) mutable { promise.deliver(err); });
  return promise;
}

// Random gift recipients: followers not subscribed first, then (if some subscribed since the
// checkout) subscribers, whose subscription the gift extends.
std::vector<std::string> draw_recipients(const subs::state& st, const json& metadata,
                                         const std::string& payment) {
  auto pool = metadata.value("candidates", std::vector<std::string>{});
  auto count = static_cast<std::size_t>(metadata.value("count", 1));
  std::mt19937_64 rng{std::hash<std::string>{}(payment)};
  std::shuffle(pool.begin(), pool.end(), rng);
  std::stable_partition(pool.begin(), pool.end(), [&](const std::string& u) {
    const auto* r = st.find(u);
    return !r || !r->live();
  });
  if (pool.size() > count)
    pool.resize(count);
  return pool;
}

caf::result<std::string> fulfil_payment(subs_actor* self, const std::string& text) {
  auto& st = self->state;
  auto p = json::parse(text, nullptr, false);
  if (!p.is_object() || !p.contains("payment") || !p["payment"].is_string())
    return "ignored";
  auto payment = p["payment"].get<std::string>();
  if (st.payments.count(payment))
    return "already";
  auto metadata = p.value("metadata", json::object());
  auto kind = metadata.value("kind", "subscribe");
  auto tier = std::clamp(metadata.value("tier", 1), 1, 3);
  auto payer = p.value("payer", "");
  auto pm = p.contains("payment_method") && p["payment_method"].is_string()
              ? p["payment_method"].get<std::string>()
              : std::string{};
  auto now = st.clock().now_ms();
  std::vector<subs::ev::granted> grants;
  auto grant = [&](const std::string& user, const std::string& how) {
    const record* r = st.find(user);
    bool live = r && r->live();
    std::int64_t base = now;
    if (live && how == "renew")
      base = std::max(r->period_end_ms, now - L::grace_ms);
    else if (live && how != "upgrade")
      base = std::max(r->period_end_ms, now);
    int t = live && how == "gift" ? std::max(r->tier, tier) : tier;
    grants.push_back(subs::ev::granted{payment, user, t, how, how == "gift" ? payer : "",
                                       metadata.value("anonymous", false), how == "gift" ? "" : pm,
                                       base + L::period_ms});
  };
  std::vector<std::string> recipients;
  if (kind == "gift") {
    recipients = metadata.value("recipients", std::vector<std::string>{});
    if (recipients.empty())
      recipients = draw_recipients(st, metadata, payment);
    for (auto& u : recipients)
      grant(u, "gift");
  } else {
    grant(metadata.value("user", payer),
          kind == "renew" || kind == "upgrade" ? kind : std::string{"subscribe"});
  }
  if (grants.empty())
    return "fulfilled";
  if (auto err = st.emit_all(grants))
    return err;  // not applied: an error makes payments ask again
  for (auto& g : grants) {
    st.charging.erase(g.user);
    tell_room(self, *st.find(g.user));
  }
  if (kind == "gift") {
    bool anonymous = metadata.value("anonymous", false);
    entity_ref<chat_protocol>{st.registry(), st.id()}.tell(
      chat_relay_atom::value,
      json{{"type", "gift"},
           {"from", anonymous || payer.empty() ? json(nullptr) : json(payer)},
           {"to", recipients},
           {"item", "sub"},
           {"detail", {{"tier", tier}, {"tier_name", st.tiers[tier - 1].name}}}}
        .dump());
  }
  return "fulfilled";
}

caf::result<std::string> reverse_payment(subs_actor* self, const std::string& text) {
  auto& st = self->state;
  auto p = json::parse(text, nullptr, false);
  if (!p.is_object())
    return "ignored";
  auto payment = p.value("payment", "");
  auto reason = p.value("reason", "refund");
  std::vector<std::string> users;
  if (auto it = st.paid_users.find(payment); it != st.paid_users.end()) {
    users = it->second;
  } else {  // older than the payments remembered: the metadata names them
    auto metadata = p.value("metadata", json::object());
    users = metadata.value("recipients", std::vector<std::string>{});
    if (auto u = metadata.value("user", ""); !u.empty())
      users.push_back(u);
  }
  std::vector<subs::ev::ended> ends;
  for (auto& u : users)
    if (const auto* r = st.find(u); r && r->live())
      ends.push_back({u, reason});
  if (auto err = end_all(self, ends))
    return err;
  return "reversed";
}

caf::result<std::string> set_tiers(subs_actor* self, const runtime::node_config& config,
                                   const std::string& text, const std::string& by) {
  auto& st = self->state;
  auto patch = json::parse(text, nullptr, false);
  if (!patch.is_object() || !patch.contains("tiers") || !patch["tiers"].is_array())
    return sub_invalid("send {\"tiers\": [{\"tier\", \"name\"?, \"price\"?, \"enabled\"?}]}");
  subs::ev::tiers_set e{{}, by};
  for (auto& t : patch["tiers"]) {
    if (!t.is_object())
      return sub_invalid("each tier is an object");
    int n = 0;
    if (auto it = t.find("tier"); it != t.end())
      n = it->is_number_integer() ? it->get<int>()
          : it->is_string()       ? subscription_tier_of(it->get<std::string>())
                                  : 0;
    if (n < 1 || n > 3)
      return sub_invalid("a tier is basic, premium or vip (1-3)");
    auto info = st.tiers[n - 1];
    if (auto it = t.find("name"); it != t.end()) {
      if (!it->is_string() || it->get<std::string>().empty() ||
          it->get<std::string>().size() > L::max_name)
        return sub_invalid("a tier's name is 1-40 characters");
      info.name = it->get<std::string>();
    }
    if (auto it = t.find("price"); it != t.end()) {
      if (!it->is_number_integer() || it->get<std::int64_t>() < L::min_price ||
          it->get<std::int64_t>() > L::max_price)
        return sub_invalid("a tier's price is 100 to 100000 minor units");
      info.price = it->get<std::int64_t>();
    }
    if (auto it = t.find("enabled"); it != t.end()) {
      if (!it->is_boolean())
        return sub_invalid("enabled is true or false");
      info.enabled = it->get<bool>();
    }
    e.tiers.push_back(info);
  }
  if (auto err = st.emit(e))
    return err;
  return tiers_json(st, config).dump();
}

json list_json(const subs::state& st, const std::string& channel) {
  std::vector<const record*> rows;
  for (auto& [_, r] : st.records)
    rows.push_back(&r);
  std::stable_sort(rows.begin(), rows.end(), [](const record* a, const record* b) {
    return std::tuple{!a->live(), -static_cast<std::int64_t>(a->months)} <
           std::tuple{!b->live(), -static_cast<std::int64_t>(b->months)};
  });
  json list = json::array();
  std::size_t live = 0;
  for (auto* r : rows) {
    if (list.size() >= 1000)
      break;
    live += r->live() ? 1 : 0;
    list.push_back(status_json(st, channel, r->user));
  }
  return json{{"subscribers", list}, {"active", live}};
}

caf::behavior subs_behavior(subs_actor* self, subs_env env, std::string channel) {
  event_sourced<subs::state>::activation_options opts{env.registry, env.clock};
  opts.snapshot_every = 256;
  if (auto err = self->state.activate(self, *env.store, channel, opts))
    return self->state.refuse(self, err);
  return {
    [self, env](sub_tiers_atom) -> std::string {
      return self->state.answer_read(self, tiers_json(self->state, *env.config).dump());
    },
    [self, env](sub_tiers_set_atom, const std::string& patch, const std::string& by) {
      self->state.touch();
      return set_tiers(self, *env.config, patch, by);
    },
    [self, env](sub_checkout_atom, const std::string& request) {
      self->state.touch();
      return start_checkout(self, env, request);
    },
    [self](sub_cancel_atom, const std::string& user, bool cancel) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      const auto* r = st.find(user);
      if (!r || !r->live())
        return make_error(errc::not_found, "you are not subscribed to this channel");
      if (r->cancel != cancel)
        if (auto err = st.emit(subs::ev::cancel_set{user, cancel}))
          return err;
      return status_json(st, st.id(), user).dump();
    },
    [self](sub_status_atom, const std::string& user) -> std::string {
      auto& st = self->state;
      return st.answer_read(self, status_json(st, st.id(), user).dump());
    },
    [self](sub_list_atom) -> std::string {
      auto& st = self->state;
      return st.answer_read(self, list_json(st, st.id()).dump());
    },
    [self, env](sub_tick_atom) {
      self->state.touch();
      renewal_tick(self, env);
      if (!self->state.exists())
        self->state.passivate(self);
    },
    [self](payment_fulfil_atom, const std::string& payment) {
      self->state.touch();
      return fulfil_payment(self, payment);
    },
    [self](payment_reversed_atom, const std::string& payment) {
      self->state.touch();
      return reverse_payment(self, payment);
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

int subscription_tier_of(std::string_view name) {
  if (name == "basic" || name == "1")
    return 1;
  if (name == "premium" || name == "2")
    return 2;
  if (name == "vip" || name == "3")
    return 3;
  return 0;
}

void add_subscription_kinds(runtime::entity_kinds& kinds, storage::event_store& store,
                            const runtime::node_config& config, const runtime::clock& clock) {
  kinds.factories["subscriptions"] = [&store, &config, &clock](caf::actor_system& sys,
                                                               const caf::actor& registry,
                                                               const std::string& channel) {
    return sys.spawn(subs_behavior, subs_env{registry, &store, &config, &clock}, channel);
  };
}

}  // namespace aethex::actors
