#include <doctest/doctest.h>

#include <caf/all.hpp>

#include "runtime/atoms.hpp"
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
  self->request(registry, 5s, route_atom::value, std::string{"counter"}, id,
                caf::make_message(echo_atom::value))
    .receive([&](std::string& r) { reply = r; }, [&](caf::error& e) { reply = "error"; (void)e; });
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
  self->request(registry, 5s, list_atom::value).receive([&](std::vector<std::string>& l) { live = l; },
                                                        [](caf::error&) {});
  CHECK(live.size() == 2);

  SUBCASE("unknown kinds are a clear error") {
    caf::error failure;
    self->request(registry, 5s, route_atom::value, std::string{"nope"}, std::string{"x"},
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
