// tips/<channel>: tips and their alerts, the campaign, gift bundles (actors/tips/tips.hpp).
// Fulfilment asks two other entities before it answers payments: the chat room for its AutoMod
// rules (a tip's message is moderated like a chat message) and, for points bundles, engagement
// to credit the points. Payments repeats a fulfilment until it is answered, so each step is
// keyed by the payment id and done once.
#include "actors/tips/tips.hpp"

#include <algorithm>
#include <cctype>
#include <random>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/chat/automod.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/core/text.hpp"
#include "actors/engagement/engagement.hpp"
#include "actors/tips/internal.hpp"
#include "actors/tips/tips_state.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using tips_actor = caf::stateful_actor<event_sourced<tips_state>>;

// How often an active campaign with an end date looks at the clock (real time); the end itself is
// decided on the injected clock. The entity's own timer (tips_tick_atom answers; this does not).
constexpr auto campaign_check_period = std::chrono::seconds(5);
using tips_timer_atom = caf::atom_constant<caf::atom("tiptimer")>;

caf::error tips_invalid(std::string message) {
  return make_error(errc::invalid_argument, std::move(message));
}

json tips_parse(const std::string& text) { return json::parse(text, nullptr, false); }

json settings_json(const tips_ev::settings& s) {
  json j;
  to_json(j, s);
  j["max_amount"] = tip_limits::max_amount;
  j["max_message"] = tip_limits::max_message;
  return j;
}

// The creator's view of a tip: who paid, even when the viewer asked to be anonymous on stream.
json tip_json(const tip_record& t) {
  return json{{"id", t.data.payment},
              {"from", t.data.payer},
              {"anonymous", t.data.anonymous},
              {"amount", t.data.amount},
              {"currency", t.data.currency},
              {"message", t.data.message},
              {"message_shown", t.data.shown},
              {"tts", t.data.tts},
              {"status", t.refunded ? "refunded" : "paid"},
              {"at_ms", t.at_ms}};
}

// What anyone may see of a tip (alerts, the recent list).
json public_tip_json(const tip_record& t) {
  return json{
    {"id", t.data.payment},
    {"from", t.data.anonymous ? json(nullptr) : json(t.data.payer)},
    {"amount", t.data.amount},
    {"currency", t.data.currency},
    {"message", t.data.shown && !t.data.message.empty() ? json(t.data.message) : json(nullptr)},
    {"at_ms", t.at_ms}};
}

json campaign_json(const std::optional<campaign_record>& c) {
  if (!c)
    return nullptr;
  return json{{"id", c->data.id},
              {"title", c->data.title},
              {"goal", c->data.goal},
              {"raised", c->raised},
              {"ends_at_ms", c->data.ends_at_ms ? json(c->data.ends_at_ms) : json(nullptr)},
              {"started_at_ms", c->started_at_ms},
              {"status", c->status}};
}

json gift_json(const gift_record& g) {
  return json{{"id", g.data.payment}, {"from", g.data.from},     {"to", g.data.to},
              {"item", g.data.item},  {"detail", g.data.detail}, {"at_ms", g.at_ms}};
}

void tips_relay(tips_actor* self, const json& frame) {
  entity_ref<chat_protocol>{self->state.registry(), self->state.id()}.tell(chat_relay_atom::value,
                                                                           frame.dump());
}

void announce_campaign(tips_actor* self) {
  auto frame = campaign_json(self->state.campaign);
  frame["type"] = "campaign";
  tips_relay(self, frame);
}

// Ends the active campaign when its date has passed (the injected clock decides).
void end_if_due(tips_actor* self) {
  auto& st = self->state;
  auto& c = st.campaign;
  if (!c || !c->active() || !c->data.ends_at_ms || st.clock().now_ms() < c->data.ends_at_ms)
    return;
  if (!st.emit(tips_ev::campaign_ended{c->data.id, "ended"}))
    announce_campaign(self);
}

void arm_campaign_check(tips_actor* self) {
  auto& st = self->state;
  auto& c = st.campaign;
  if (st.timer_armed || !c || !c->active() || !c->data.ends_at_ms)
    return;
  st.timer_armed = true;
  self->delayed_send(self, campaign_check_period, tips_timer_atom::value);
}

std::string random_key() {
  std::random_device rd;
  std::uniform_int_distribution<std::uint64_t> dist;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(dist(rd)));
  return buf;
}

bool valid_user_name(std::string_view name) {
  return !name.empty() && name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

caf::expected<std::string> prepare_tip(const tips_state& st, const std::string& payer,
                                       const std::string& channel, const std::string& body) {
  auto j = tips_parse(body);
  if (!j.is_object())
    return make_error(errc::invalid_json, "the body must be a JSON object");
  for (auto& [key, _] : j.items())
    if (key != "amount" && key != "message" && key != "anonymous")
      return tips_invalid("unknown field '" + key + "'");
  auto amount = j.find("amount");
  if (amount == j.end() || !amount->is_number_integer())
    return tips_invalid("amount is a whole number of minor units (100 = 1.00)");
  auto value = amount->get<std::int64_t>();
  auto lowest = std::max(st.config.min_amount, tip_limits::min_amount);
  if (value < lowest || value > tip_limits::max_amount)
    return make_error(errc::invalid_argument,
                      "a tip to this channel is " + std::to_string(lowest) + " to " +
                        std::to_string(tip_limits::max_amount) + " minor units",
                      "tip_amount");
  std::string message;
  if (auto m = j.find("message"); m != j.end() && !m->is_null()) {
    if (!m->is_string())
      return tips_invalid("message must be a string");
    message = m->get<std::string>();
    if (utf8_length(message) > tip_limits::max_message)
      return tips_invalid("a tip's message is at most 300 characters");
    if (is_blank(message))
      message.clear();
  }
  bool anonymous = false;
  if (auto a = j.find("anonymous"); a != j.end() && !a->is_null()) {
    if (!a->is_boolean())
      return tips_invalid("anonymous must be true or false");
    anonymous = a->get<bool>();
  }
  return json{{"key", "tip:" + channel + ":" + payer + ":" + random_key()},
              {"payer", payer},
              {"channel", channel},
              {"product", "tip"},
              {"amount", value},
              {"description", "Tip to " + channel},
              {"fulfil", {{"kind", "tips"}, {"id", channel}}},
              {"metadata", {{"message", message}, {"anonymous", anonymous}}},
              {"save_method", false},
              {"return_path", "/c/" + channel}}
    .dump();
}

caf::expected<std::string> prepare_gift(const std::string& payer, const std::string& channel,
                                        const std::string& body) {
  auto j = tips_parse(body);
  if (!j.is_object())
    return make_error(errc::invalid_json, "the body must be a JSON object");
  auto item = j.value("item", std::string{});
  auto to = j.value("to", std::string{});
  if (!valid_user_name(to))
    return tips_invalid("to names the user who receives the gift");
  json detail;
  std::int64_t price = 0;
  std::string what;
  if (item == "points") {
    auto points = j.value("points", std::int64_t{0});
    if (points < 1000 || points > gift_catalog::max_points || points % 1000 != 0)
      return tips_invalid("points are bought by the 1000, up to 100000");
    detail = {{"points", points}};
    price = points / 1000 * gift_catalog::price_per_1000_points;
    what = std::to_string(points) + " channel points";
  } else if (item == "emote") {
    auto code = j.value("code", std::string{});
    if (code.size() < 3 || code.size() > 25 || !valid_user_name(code))
      return tips_invalid("code names the channel's emote to gift");
    detail = {{"code", code}};
    price = gift_catalog::emote_price;
    what = "the emote :" + code + ":";
  } else if (item == "badge") {
    auto badge = j.value("badge", std::string{"supporter"});
    if (badge != "supporter" && badge != "heart" && badge != "star")
      return tips_invalid("badge is supporter, heart or star");
    detail = {{"badge", badge}};
    price = gift_catalog::badge_price;
    what = "the " + badge + " badge";
  } else {
    return tips_invalid("item is points, emote or badge");
  }
  return json{{"key", "gift:" + channel + ":" + payer + ":" + random_key()},
              {"payer", payer},
              {"channel", channel},
              {"product", "gift"},
              {"amount", price},
              {"description", "Gift for " + to + " on " + channel + ": " + what},
              {"fulfil", {{"kind", "tips"}, {"id", channel}}},
              {"metadata", {{"item", item}, {"to", to}, {"detail", detail}}},
              {"save_method", false},
              {"return_path", "/c/" + channel}}
    .dump();
}

// Would the room's AutoMod (or its blocked terms) hold `text`? `info` is chat_info's answer.
bool held_by_automod(const json& info, const std::string& text) {
  if (text.empty() || !info.is_object())
    return false;
  auto settings = info.value("settings", json::object());
  auto folded = ascii_lower(text);
  for (auto& term : settings.value("blocked_terms", std::vector<std::string>{}))
    if (!term.empty() && folded.find(term) != std::string::npos)
      return true;
  auto level = settings.value("automod_level", 0);
  if (level <= 0)
    return false;
  auto allowed = settings.value("allowed_terms", std::vector<std::string>{});
  automod::message_input input{text, static_cast<std::uint32_t>(level), false,
                               settings.value("links_allowed", false)};
  input.allowed_terms = &allowed;
  return automod::classify(input).has_value();
}

void record_tip(tips_actor* self, const json& payment, bool shown,
                caf::typed_response_promise<std::string> rp) {
  auto& st = self->state;
  auto id = payment.value("payment", std::string{});
  st.in_flight.erase(id);
  if (st.find_tip(id)) {
    rp.deliver(json{{"tip", id}, {"duplicate", true}}.dump());
    return;
  }
  end_if_due(self);
  auto meta = payment.value("metadata", json::object());
  tips_ev::received e;
  e.payment = id;
  e.payer = payment.value("payer", std::string{});
  e.anonymous = meta.value("anonymous", false);
  e.amount = payment.value("amount", std::int64_t{0});
  e.currency = payment.value("currency", std::string{});
  e.message = meta.value("message", std::string{});
  e.shown = shown;
  e.tts = shown && !e.message.empty() && e.amount >= st.config.tts_min;
  if (st.campaign && st.campaign->active())
    e.campaign = st.campaign->data.id;
  if (auto err = st.emit(e)) {
    rp.deliver(err);
    return;
  }
  auto& c = st.campaign;
  bool reached = !e.campaign.empty() && c->raised >= c->data.goal;
  if (reached)
    (void)st.emit(tips_ev::campaign_ended{c->data.id, "reached"});
  if (st.config.alerts) {
    const auto& t = st.tips.back();
    auto frame = public_tip_json(t);
    frame["type"] = "tip";
    frame["tts"] = t.data.tts;
    frame["duration_s"] = st.config.alert_duration_s;
    tips_relay(self, frame);
  }
  if (!e.campaign.empty())
    announce_campaign(self);
  rp.deliver(json{{"tip", id}}.dump());
}

caf::result<std::string> fulfil_tip(tips_actor* self, json payment) {
  auto& st = self->state;
  auto id = payment.value("payment", std::string{});
  auto text = payment.value("metadata", json::object()).value("message", std::string{});
  auto rp = self->make_response_promise<std::string>();
  st.in_flight[id] = 1;
  if (text.empty()) {
    record_tip(self, payment, true, rp);
    return rp;
  }
  // The room's rules as its broadcaster sees them (with the terms lists).
  entity_ref<chat_protocol>{st.registry(), st.id()}
    .request(self, chat_info_atom::value, runtime::principal::admin())
    .then(
      [self, payment, text, rp](std::string& info) {
        record_tip(self, payment, !held_by_automod(tips_parse(info), text), rp);
      },
      // No room (or it is unreachable): no rules to apply; the creator still sees the list.
      [self, payment, rp](caf::error&) { record_tip(self, payment, true, rp); });
  return rp;
}

// Points bundles are credited through engagement/<channel>; the gift is answered once they are.
void credit_gift(tips_actor* self, const std::string& payment,
                 caf::typed_response_promise<std::string> rp) {
  auto& st = self->state;
  auto* g = st.find_gift(payment);
  if (!g || g->credited) {
    rp.deliver(json{{"gift", payment}}.dump());
    return;
  }
  st.in_flight[payment] = 1;
  entity_ref<engagement_protocol>{st.registry(), st.id()}
    .request(self, points_grant_atom::value, g->data.to,
             g->data.detail.value("points", std::int64_t{0}))
    .then(
      [self, payment, rp](std::int64_t) mutable {
        self->state.in_flight.erase(payment);
        if (auto err = self->state.emit(tips_ev::gift_credited{payment}))
          rp.deliver(err);
        else
          rp.deliver(json{{"gift", payment}}.dump());
      },
      [self, payment, rp](caf::error& err) mutable {
        self->state.in_flight.erase(payment);
        rp.deliver(err);  // payments asks again; the record is kept, only the credit repeats
      });
}

caf::result<std::string> fulfil_gift(tips_actor* self, const json& payment) {
  auto& st = self->state;
  auto id = payment.value("payment", std::string{});
  auto rp = self->make_response_promise<std::string>();
  if (auto* g = st.find_gift(id)) {
    if (g->credited)
      rp.deliver(json{{"gift", id}, {"duplicate", true}}.dump());
    else
      credit_gift(self, id, rp);
    return rp;
  }
  auto meta = payment.value("metadata", json::object());
  tips_ev::gift_received e;
  e.payment = id;
  e.from = payment.value("payer", std::string{});
  e.to = meta.value("to", std::string{});
  e.item = meta.value("item", std::string{});
  e.detail = meta.value("detail", json::object());
  e.amount = payment.value("amount", std::int64_t{0});
  if (e.to.empty() || (e.item != "points" && e.item != "emote" && e.item != "badge"))
    return tips_invalid("a gift names its item and recipient");
  if (auto err = st.emit(e))
    return err;
  tips_relay(self, json{{"type", "gift"},
                        {"from", e.from},
                        {"to", json::array({e.to})},
                        {"item", e.item},
                        {"detail", e.detail}});
  credit_gift(self, id, rp);
  return rp;
}

caf::result<std::string> fulfil(tips_actor* self, const std::string& text) {
  auto& st = self->state;
  st.touch();
  auto payment = tips_parse(text);
  auto id = payment.is_object() ? payment.value("payment", std::string{}) : std::string{};
  if (id.empty())
    return tips_invalid("a payment has an id");
  if (st.in_flight.count(id))
    return make_error(errc::unavailable, "this payment is being fulfilled");
  auto product = payment.value("product", std::string{});
  if (product == "gift")
    return fulfil_gift(self, payment);
  if (product != "tip")
    return tips_invalid("tips/<channel> sells tips and gifts");
  if (st.find_tip(id))
    return json{{"tip", id}, {"duplicate", true}}.dump();
  return fulfil_tip(self, std::move(payment));
}

caf::result<std::string> reverse(tips_actor* self, const std::string& text) {
  auto& st = self->state;
  st.touch();
  auto payment = tips_parse(text);
  auto id = payment.is_object() ? payment.value("payment", std::string{}) : std::string{};
  auto* t = st.find_tip(id);
  auto* g = st.find_gift(id);
  if ((!t || t->refunded) && (!g || g->reversed))
    return json{{(t || g) ? "reversed" : "unknown", id}}.dump();
  bool counted = t && !t->data.campaign.empty() && st.campaign &&
                 st.campaign->data.id == t->data.campaign;
  if (auto err = st.emit(tips_ev::reversed{id, payment.value("reason", std::string{})}))
    return err;
  if (counted)
    announce_campaign(self);
  return json{{"reversed", id}}.dump();
}

caf::result<std::string> configure(tips_actor* self, const std::string& text) {
  auto& st = self->state;
  auto j = tips_parse(text);
  if (!j.is_object())
    return make_error(errc::invalid_json, "the body must be a JSON object");
  auto next = st.config;
  for (auto& [key, value] : j.items()) {
    if (key == "min_amount" || key == "tts_min") {
      if (!value.is_number_integer() || value.get<std::int64_t>() < tip_limits::min_amount ||
          value.get<std::int64_t>() > tip_limits::max_amount)
        return tips_invalid(key + " is 100 to 50000000 minor units");
      (key == "min_amount" ? next.min_amount : next.tts_min) = value.get<std::int64_t>();
    } else if (key == "alerts") {
      if (!value.is_boolean())
        return tips_invalid("alerts is true or false");
      next.alerts = value.get<bool>();
    } else if (key == "alert_duration_s") {
      if (!value.is_number_integer() || value.get<std::int64_t>() < 1 ||
          value.get<std::int64_t>() > tip_limits::max_alert_s)
        return tips_invalid("alert_duration_s is 1 to 60 seconds");
      next.alert_duration_s = value.get<std::uint32_t>();
    } else {
      return tips_invalid("unknown field '" + key + "'");
    }
  }
  if (auto err = st.emit(next))
    return err;
  return settings_json(st.config).dump();
}

caf::result<std::string> start_campaign(tips_actor* self, const std::string& text) {
  auto& st = self->state;
  end_if_due(self);
  auto j = tips_parse(text);
  if (!j.is_object())
    return make_error(errc::invalid_json, "the body must be a JSON object");
  auto title = j.value("title", json{});
  if (!title.is_string() || is_blank(title.get<std::string>()) ||
      utf8_length(title.get<std::string>()) > tip_limits::max_title)
    return tips_invalid("a campaign's title is 1-60 characters");
  auto goal = j.value("goal", json{});
  if (!goal.is_number_integer() || goal.get<std::int64_t>() < tip_limits::min_amount ||
      goal.get<std::int64_t>() > 1'000'000'000)
    return tips_invalid("goal is 100 to 1000000000 minor units");
  std::int64_t ends = 0;
  if (auto e = j.find("ends_at_ms"); e != j.end() && !e->is_null()) {
    if (!e->is_number_integer() || e->get<std::int64_t>() <= st.clock().now_ms())
      return tips_invalid("ends_at_ms is a time in the future");
    ends = e->get<std::int64_t>();
  }
  if (st.campaign && st.campaign->active())
    return make_error(errc::conflict, "the channel already runs a campaign");
  tips_ev::campaign_started e{"c" + std::to_string(st.campaigns_started + 1),
                              title.get<std::string>(), goal.get<std::int64_t>(), ends};
  if (auto err = st.emit(e))
    return err;
  announce_campaign(self);
  arm_campaign_check(self);
  return campaign_json(st.campaign).dump();
}

caf::behavior tips_behavior(tips_actor* self, caf::actor registry, storage::event_store* store,
                            std::string channel, const runtime::clock* clock) {
  if (auto err = self->state.activate(self, *store, channel, {registry, clock}))
    return self->state.refuse(self, err);
  arm_campaign_check(self);
  return {
    [self](tips_prepare_atom, const std::string& payer,
           const std::string& body) -> caf::result<std::string> {
      auto& st = self->state;
      auto r = prepare_tip(st, payer, st.id(), body);
      if (!r)
        return st.answer_read(self, r.error());
      return st.answer_read(self, *r);
    },
    [self](tips_gift_prepare_atom, const std::string& payer,
           const std::string& body) -> caf::result<std::string> {
      auto& st = self->state;
      auto r = prepare_gift(payer, st.id(), body);
      if (!r)
        return st.answer_read(self, r.error());
      return st.answer_read(self, *r);
    },
    [self](payment_fulfil_atom, const std::string& payment) { return fulfil(self, payment); },
    [self](payment_reversed_atom, const std::string& payment) { return reverse(self, payment); },
    [self](tips_list_atom, std::uint32_t limit) -> std::string {
      auto& st = self->state;
      json list = json::array();
      for (auto it = st.tips.rbegin(); it != st.tips.rend() && list.size() < limit; ++it)
        list.push_back(tip_json(*it));
      return st.answer_read(self, json{{"tips", std::move(list)}}.dump());
    },
    [self](tips_recent_atom) -> std::string {
      auto& st = self->state;
      json list = json::array();
      for (auto it = st.tips.rbegin(); it != st.tips.rend() && list.size() < 10; ++it)
        if (!it->refunded)
          list.push_back(public_tip_json(*it));
      return st.answer_read(self, json{{"tips", std::move(list)}}.dump());
    },
    [self](tips_settings_atom) -> std::string {
      auto& st = self->state;
      return st.answer_read(self, settings_json(st.config).dump());
    },
    [self](tips_configure_atom, const std::string& patch) { return configure(self, patch); },
    [self](tips_campaign_atom) -> std::string {
      end_if_due(self);
      auto& st = self->state;
      return st.answer_read(self, campaign_json(st.campaign).dump());
    },
    [self](tips_campaign_start_atom, const std::string& body) {
      return start_campaign(self, body);
    },
    [self](tips_campaign_end_atom) -> caf::result<std::string> {
      end_if_due(self);
      auto& st = self->state;
      if (!st.campaign || !st.campaign->active())
        return st.answer_read(self, make_error(errc::not_found, "no campaign is running"));
      if (auto err = st.emit(tips_ev::campaign_ended{st.campaign->data.id, "canceled"}))
        return err;
      announce_campaign(self);
      return campaign_json(st.campaign).dump();
    },
    [self](tips_gifts_of_atom, const std::string& user) -> std::string {
      auto& st = self->state;
      json list = json::array();
      for (auto it = st.gifts.rbegin();
           it != st.gifts.rend() && list.size() < tip_limits::cosmetics_per_user; ++it)
        if (it->data.to == user && !it->reversed && it->data.item != "points")
          list.push_back(gift_json(*it));
      return st.answer_read(self, json{{"user", user}, {"gifts", std::move(list)}}.dump());
    },
    [self](tips_tick_atom) -> std::string {
      end_if_due(self);
      auto& st = self->state;
      return st.answer_read(self, campaign_json(st.campaign).dump());
    },
    [self](tips_timer_atom) {
      self->state.timer_armed = false;
      end_if_due(self);
      arm_campaign_check(self);
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_tips_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                   const runtime::clock& clock) {
  kinds.factories["tips"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                             const std::string& channel) {
    return sys.spawn(tips_behavior, registry, &store, channel, &clock);
  };
}

}  // namespace aethex::actors
