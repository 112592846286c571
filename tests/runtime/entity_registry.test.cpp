#include <doctest/doctest.h>

#include <map>
#include <numeric>
#include <optional>

#include <caf/all.hpp>

#include "runtime/atoms.hpp"
#include "runtime/cluster.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/errors.hpp"

using namespace aethex;
using namespace std::chrono_literals;

namespace {

using echo_atom = caf::atom_constant<caf::atom("echo")>;

// A tiny entity: answers with its id and a counter of messages it handled; passivates on demand.
caf::behavior counter(caf::event_based_actor* self, caf::actor registry, std::string id) {
  auto handled = std::make_shared<int>(0);
  return {
    [=](echo_atom) { return id + ":" + std::to_string(++*handled); },
    [=](passivate_atom) {
      self->request(registry, caf::infinite, passivate_atom::value).then([self](passivate_atom) {
        self->quit();
      });
    },
  };
}

runtime::entity_kinds counter_kinds(std::shared_ptr<int> activations) {
  runtime::entity_kinds kinds;
  kinds.factories["counter"] = [activations](caf::actor_system& sys, const caf::actor& registry,
                                             const std::string& id) {
    ++*activations;
    return sys.spawn(counter, registry, id);
  };
  return kinds;
}

std::string ask_echo(caf::scoped_actor& self, const caf::actor& registry, const std::string& id) {
  std::string reply;
  self
    ->request(registry, 5s, route_atom::value, std::string{"counter"}, id,
              caf::make_message(echo_atom::value))
    .receive([&](std::string& r) { reply = r; },
             [&](caf::error& e) {
               reply = "error";
               (void)e;
             });
  return reply;
}

}  // namespace

TEST_CASE("the registry activates one entity per (kind, id) and routes to it") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto activations = std::make_shared<int>(0);
  auto registry = runtime::spawn_entity_registry(sys, counter_kinds(activations));
  caf::scoped_actor self{sys};
  CHECK(ask_echo(self, registry, "a") == "a:1");
  CHECK(ask_echo(self, registry, "a") == "a:2");
  CHECK(ask_echo(self, registry, "b") == "b:1");
  CHECK(*activations == 2);

  std::vector<std::string> live;
  self->request(registry, 5s, list_atom::value)
    .receive([&](std::vector<std::string>& l) { live = l; }, [](caf::error&) {});
  CHECK(live.size() == 2);

  SUBCASE("unknown kinds are a clear error") {
    caf::error failure;
    self
      ->request(registry, 5s, route_atom::value, std::string{"nope"}, std::string{"x"},
                caf::make_message(echo_atom::value))
      .receive([](std::string&) {}, [&](caf::error& e) { failure = e; });
    CHECK(code_of(failure) == errc::invalid_argument);
    CHECK(message_of(failure).find("nope") != std::string::npos);
  }
  SUBCASE("a passivated entity is activated afresh on the next message") {
    self->request(registry, 5s, get_atom::value, std::string{"counter"}, std::string{"a"})
      .receive([&](caf::actor& a) { self->send(a, passivate_atom::value); }, [](caf::error&) {});
    // Once the registry forgot it, the next message activates a new instance (counter restarts).
    std::string reply;
    for (int i = 0; i < 50 && reply != "a:1"; ++i) {
      reply = ask_echo(self, registry, "a");
      std::this_thread::sleep_for(20ms);
    }
    CHECK(reply == "a:1");
    CHECK(*activations == 3);
  }
  caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
}

namespace {

using add_atom = caf::atom_constant<caf::atom("add")>;
using node_store = std::map<std::string, int>;  // "kind/id" -> value, one per simulated node

// An entity whose state lives in its node's store, written before it answers (as journals do).
caf::behavior tally(caf::event_based_actor* self, std::shared_ptr<node_store> store,
                    std::string key) {
  return {
    [=](add_atom, int n) { return (*store)[key] += n; },
    [=](passivate_atom) { self->quit(); },
  };
}

runtime::entity_kinds tally_kinds(std::shared_ptr<node_store> store) {
  runtime::entity_kinds kinds;
  kinds.factories["tally"] = [store](caf::actor_system& sys, const caf::actor&,
                                     const std::string& id) {
    return sys.spawn(tally, store, "tally/" + id);
  };
  return kinds;
}

// Partition copies as "key=value;" text, like storage/partition_transfer does with streams.
runtime::partition_storage tally_storage(std::shared_ptr<node_store> store) {
  runtime::partition_storage hooks;
  hooks.export_partition = [store](std::uint32_t p) {
    std::string blob;
    for (auto& [key, value] : *store)
      if (runtime::partition_of_stream(key) == p)
        blob += key + "=" + std::to_string(value) + ";";
    return blob;
  };
  hooks.import_partition = [store](std::string_view blob) {
    while (!blob.empty()) {
      auto eq = blob.find('='), end = blob.find(';');
      (*store)[std::string{blob.substr(0, eq)}] = std::stoi(std::string{blob.substr(eq + 1, end)});
      blob.remove_prefix(end + 1);
    }
  };
  hooks.remove_partition = [store](std::uint32_t p) {
    std::erase_if(*store, [p](auto& kv) { return runtime::partition_of_stream(kv.first) == p; });
  };
  return hooks;
}

}  // namespace

TEST_CASE("a partition handoff: queued and waiting messages are answered once, state moves") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto store_a = std::make_shared<node_store>(), store_b = std::make_shared<node_store>();
  auto a = runtime::spawn_entity_registry(sys, tally_kinds(store_a), tally_storage(store_a));
  auto b = runtime::spawn_entity_registry(sys, tally_kinds(store_b), tally_storage(store_b));
  runtime::cluster_view view;
  view.members = {runtime::member_info{"a", "", "", {}, a, {}, 1, {}, runtime::member_stays},
                  runtime::member_info{"b", "", "", {}, b, {}, 2, {}, runtime::member_stays}};
  view.table = runtime::partition_table::single("a");
  caf::anon_send(a, runtime::members_atom::value, std::string{"a"}, view);
  caf::anon_send(b, runtime::members_atom::value, std::string{"b"}, view);
  auto p = runtime::partition_of("tally", "x");

  // 200 additions sent through b (routed to a); the handoff to b starts among them, so some
  // wait at a while the partition is in transit and are answered by b afterwards.
  caf::scoped_actor self{sys};
  constexpr int sends = 200;
  using add_handle = decltype(self->request(b, 10s, route_atom::value, std::string{}, std::string{},
                                            caf::message{}));
  std::vector<add_handle> adds;
  std::optional<decltype(self->request(a, 10s, runtime::handoff_atom::value, p, std::string{}, b,
                                       std::uint64_t{}))>
    handoff;
  for (int i = 0; i < sends; ++i) {
    if (i == sends / 2)  // not awaited: the rest arrive while the partition is in transit
      handoff.emplace(self->request(a, 10s, runtime::handoff_atom::value, p, std::string{"b"}, b,
                                    std::uint64_t{2}));
    adds.push_back(self->request(b, 10s, route_atom::value, std::string{"tally"}, std::string{"x"},
                                 caf::make_message(add_atom::value, 1)));
  }
  handoff->receive([](bool moved) { CHECK(moved); },
                   [](caf::error& e) { FAIL("handoff failed: " << message_of(e)); });
  // Each addition answered exactly once, in the order sent, with the running totals 1..200:
  // none lost, none applied twice or out of order, whichever node applied it.
  std::vector<int> totals;
  for (auto& add : adds)
    add.receive([&](int total) { totals.push_back(total); },
                [](caf::error& e) { FAIL("addition failed: " << message_of(e)); });
  std::vector<int> expected(sends);
  std::iota(expected.begin(), expected.end(), 1);
  CHECK(totals == expected);
  CHECK(store_a->count("tally/x") == 0);  // the old owner dropped its copy
  CHECK((*store_b)["tally/x"] == sends);
  // a forwards what still reaches it (an older table) to the new owner.
  self
    ->request(a, 10s, route_atom::value, std::string{"tally"}, std::string{"x"},
              caf::make_message(add_atom::value, 1))
    .receive([&](int total) { CHECK(total == sends + 1); },
             [](caf::error& e) { FAIL(message_of(e)); });
  // Handing off a partition this node does not own is refused.
  self->request(a, 10s, runtime::handoff_atom::value, p, std::string{"b"}, b, std::uint64_t{3})
    .receive([](bool) { FAIL("expected a refusal"); },
             [](caf::error& e) { CHECK(code_of(e) == errc::conflict); });
  for (auto& registry : {a, b})
    caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
}
