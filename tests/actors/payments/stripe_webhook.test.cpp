// POST payments/stripe/webhook over a node without front ends (tests/actors/api_node.hpp), with
// requests signed here: accepted once, replays answered as duplicates without a second record,
// older events of an object marked stale, 400 with the signature's reason, 503 without a secret,
// 413 over 64 KiB; and payment_events/stripe itself: the oldest ids forgotten beyond its window,
// its record recovered from snapshot and tail after a restart.
#include <doctest/doctest.h>

#include "tests/actors/payments/stripe_signing.hpp"

#include "actors/payments/payment_events.hpp"
#include "tests/actors/api_node.hpp"

// Its own namespace: a folder's test files are compiled as one unit (tests/CMakeLists.txt).
namespace stripe_webhook_suite {

using namespace aethex;
using namespace aethex::actors;
using json = nlohmann::json;

namespace {

const std::string secret = "whsec_route_test";

json stripe_event(const std::string& id, std::int64_t created, const std::string& object_id,
                  const std::string& type = "payment_intent.created") {
  return json{
    {"id", id},          {"object", "event"},
    {"type", type},      {"created", created},
    {"livemode", false}, {"data", {{"object", {{"id", object_id}, {"object", "payment_intent"}}}}}};
}

struct webhook_answer {
  unsigned status = 0;  // 0: refused with `error`
  json body;
  caf::error error;
};

struct webhook_api {
  test::api_node node{{"payments"}, {}};

  webhook_api() { node.config.stripe_webhook_secrets = {secret}; }

  std::int64_t now_s() const { return node.clock.now_ms() / 1000; }
  std::string signature(const std::string& body, const std::string& key = secret) const {
    auto t = std::to_string(now_s());
    return "t=" + t + ",v1=" + test::stripe_hmac_hex(key, t + "." + body);
  }

  // The route called as the binding calls it, with a raw body and the Stripe-Signature header.
  webhook_answer post(const std::string& body, std::optional<std::string> header) {
    for (auto& r : node.routes.routes) {
      if (r.method != http_method::post || r.pattern != "payments/stripe/webhook")
        continue;
      CHECK(r.need == access::anyone);
      CHECK(r.headers == std::vector<std::string>{"stripe-signature"});
      route_request req;
      req.body = body;
      if (header)
        req.headers.emplace("stripe-signature", *header);
      std::promise<caf::expected<route_response>> answered;
      auto future = answered.get_future();
      r.handler(std::move(req), [&answered](caf::expected<route_response> res) {
        answered.set_value(std::move(res));
      });
      REQUIRE(future.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
      auto res = future.get();
      if (!res)
        return {0, nullptr, res.error()};
      return {res->status, json::parse(res->body), {}};
    }
    FAIL("no webhook route");
    return {};
  }
  webhook_answer send(const json& event) {
    auto body = event.dump();
    return post(body, signature(body));
  }
  std::uint64_t recorded() { return node.store->version("payment_events/stripe"); }
};

}  // namespace

TEST_CASE("a signed event is recorded once; a replay is a duplicate and records nothing") {
  webhook_api t;
  auto first = t.send(stripe_event("evt_1", 1700000000, "pi_1"));
  REQUIRE(first.status == 200);
  CHECK(first.body == json{{"received", true}, {"duplicate", false}, {"stale", false}});
  CHECK(t.recorded() == 1);

  auto stored = t.node.store->read_stream("payment_events/stripe", 1, 10);
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].data.type == "payments.stripe_event_received");
  CHECK(json::parse(stored[0].data.payload) == json{{"id", "evt_1"},
                                                    {"type", "payment_intent.created"},
                                                    {"created", 1700000000},
                                                    {"object_id", "pi_1"},
                                                    {"object_type", "payment_intent"},
                                                    {"stale", false}});

  // Stripe retries with a fresh signature: same id, nothing more recorded.
  t.node.clock.advance(std::chrono::seconds(60));
  auto again = t.send(stripe_event("evt_1", 1700000000, "pi_1"));
  REQUIRE(again.status == 200);
  CHECK(again.body == json{{"received", true}, {"duplicate", true}});
  CHECK(t.recorded() == 1);
}

TEST_CASE("an event older than one applied for its object is recorded as stale") {
  webhook_api t;
  REQUIRE(t.send(stripe_event("evt_new", 1700000100, "pi_1")).status == 200);
  auto old = t.send(stripe_event("evt_old", 1700000050, "pi_1", "payment_intent.created"));
  REQUIRE(old.status == 200);
  CHECK(old.body["duplicate"] == false);
  CHECK(old.body["stale"] == true);
  CHECK(t.recorded() == 2);  // kept for audit
  // The same second is not older; other objects have their own marks.
  CHECK(t.send(stripe_event("evt_same", 1700000100, "pi_1")).body["stale"] == false);
  CHECK(t.send(stripe_event("evt_other", 1700000000, "pi_2")).body["stale"] == false);
  // A stale event does not move the mark; a newer one does.
  CHECK(t.send(stripe_event("evt_mid", 1700000075, "pi_1")).body["stale"] == true);
  CHECK(t.send(stripe_event("evt_newer", 1700000200, "pi_1")).body["stale"] == false);
  CHECK(t.send(stripe_event("evt_between", 1700000150, "pi_1")).body["stale"] == true);
}

TEST_CASE("bad signatures are refused with 400 and the reason") {
  webhook_api t;
  auto body = stripe_event("evt_1", 1700000000, "pi_1").dump();
  auto reason = [&](const webhook_answer& a) {
    CHECK(a.status == 0);
    CHECK(code_of(a.error) == errc::invalid_argument);
    CHECK(http_status_of(code_of(a.error)) == 400);
    return reason_of(a.error);
  };
  CHECK(reason(t.post(body, std::nullopt)) == "missing_header");
  CHECK(reason(t.post(body, "v1=00")) == "malformed_header");
  CHECK(reason(t.post(body, t.signature(body, "whsec_wrong"))) == "no_matching_signature");
  CHECK(reason(t.post(body + " ", t.signature(body))) == "no_matching_signature");
  auto signed_now = t.signature(body);
  t.node.clock.advance(std::chrono::seconds(301));
  CHECK(reason(t.post(body, signed_now)) == "timestamp_outside_tolerance");
  CHECK(t.recorded() == 0);

  // Signed, but not an event.
  for (const auto& event : {json{{"id", "ch_1"}, {"type", "x"}, {"created", 1}, {"data", {}}},
                            json{{"id", "evt_2"}, {"type", "x"}, {"created", "soon"}},
                            json{{"id", "evt_2"}, {"type", "x"}, {"created", 1}, {"data", 5}},
                            json{{"id", "evt_2"}, {"created", 1}, {"data", {{"object", {}}}}}}) {
    INFO(event.dump());
    auto refused = t.send(event);
    CHECK(code_of(refused.error) == errc::invalid_argument);
  }
  CHECK(code_of(t.post("not json", t.signature("not json")).error) == errc::invalid_json);
  CHECK(t.recorded() == 0);
}

TEST_CASE("two secrets during a rotation both verify") {
  webhook_api t;
  t.node.config.stripe_webhook_secrets = {"whsec_old", "whsec_new"};
  auto body = stripe_event("evt_a", 1700000000, "pi_1").dump();
  CHECK(t.post(body, t.signature(body, "whsec_old")).status == 200);
  body = stripe_event("evt_b", 1700000001, "pi_1").dump();
  CHECK(t.post(body, t.signature(body, "whsec_new")).status == 200);
  CHECK(t.recorded() == 2);
}

TEST_CASE("without a secret the endpoint is unavailable; over 64 KiB is too large") {
  webhook_api t;
  auto body = stripe_event("evt_1", 1700000000, "pi_1").dump();
  t.node.config.stripe_webhook_secrets.clear();
  auto off = t.post(body, t.signature(body));
  CHECK(code_of(off.error) == errc::unavailable);
  CHECK(message_of(off.error) == "Stripe webhooks are not configured");

  t.node.config.stripe_webhook_secrets = {secret};
  auto big = stripe_event("evt_big", 1700000000, "pi_1");
  big["data"]["object"]["description"] = std::string(64 * 1024, 'x');
  auto big_body = big.dump();
  CHECK(code_of(t.post(big_body, t.signature(big_body)).error) == errc::payload_too_large);
  CHECK(t.recorded() == 0);
}

namespace {

// payment_events kinds alone with a small window, over a store that outlives registries.
struct small_window {
  static constexpr std::size_t window = 3;
  std::unique_ptr<storage::event_store> store = storage::event_store::in_memory();
  runtime::manual_clock clock{runtime::system_clock().now_ms()};
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  caf::actor registry;

  small_window() { start(); }
  ~small_window() { stop(); }
  void start() {
    runtime::entity_kinds kinds;
    add_payment_event_kinds(kinds, *store, clock, window);
    registry = runtime::spawn_entity_registry(sys, std::move(kinds));
  }
  void stop() {
    caf::actor activation;
    self->request(registry, std::chrono::seconds(10), get_atom::value, "payment_events", "stripe")
      .receive([&](caf::actor& a) { activation = a; }, [](caf::error&) {});
    self->send_exit(registry, caf::exit_reason::user_shutdown);
    self->wait_for(registry);
    if (activation)
      self->wait_for(activation);
  }
  json record(const std::string& id, std::int64_t created, const std::string& object = "pi_1") {
    auto text = test::ask_entity<std::string>(self, registry, "payment_events", "stripe",
                                              stripe_event_atom::value, id,
                                              std::string{"payment_intent.succeeded"}, created,
                                              object, std::string{"payment_intent"});
    REQUIRE(text);
    return json::parse(*text);
  }
};

}  // namespace

TEST_CASE("the oldest ids are forgotten beyond the window; the record survives a restart") {
  small_window w;
  for (int i = 0; i < 5; ++i)
    CHECK(w.record("evt_" + std::to_string(i), 1000 + i)["duplicate"] == false);
  // The window holds evt_2..evt_4.
  CHECK(w.record("evt_4", 1004)["duplicate"] == true);
  CHECK(w.record("evt_2", 1002)["duplicate"] == true);
  CHECK(w.record("evt_1", 1001)["stale"] == true);  // forgotten, so new, but older than 1004
  CHECK(w.store->version("payment_events/stripe") == 6);

  // Past a snapshot (every 1,000 events) and a tail, then a restart.
  for (int i = 5; i < 1005; ++i)
    REQUIRE(w.record("evt_" + std::to_string(i), 1000 + i)["duplicate"] == false);
  CHECK(w.store->load_snapshot("payment_events/stripe"));
  w.stop();
  w.start();
  CHECK(w.record("evt_1004", 2004)["duplicate"] == true);
  CHECK(w.record("evt_1002", 2002)["duplicate"] == true);
  CHECK(w.record("evt_1001", 2001)["duplicate"] == false);  // beyond the window
  CHECK(w.record("evt_late", 1500)["stale"] == true);       // pi_1's mark came back
  CHECK(w.record("evt_fresh", 1500, "pi_9")["stale"] == false);
  // An object whose last remembered event left the window loses its mark.
  for (int i = 0; i < 3; ++i)
    w.record("evt_tail_" + std::to_string(i), 3000, "pi_" + std::to_string(10 + i));
  CHECK(w.record("evt_pi9_old", 1, "pi_9")["stale"] == false);
}

}  // namespace stripe_webhook_suite
