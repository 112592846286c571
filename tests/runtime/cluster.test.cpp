// Two and three actor systems in one process, connected through CAF's middleman on loopback.
#include <doctest/doctest.h>

#include <algorithm>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "runtime/atoms.hpp"
#include "runtime/cluster.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/errors.hpp"

using namespace aethex;
using namespace std::chrono_literals;

namespace {

using whoami_atom = caf::atom_constant<caf::atom("whoami")>;

// A loopback TCP port that was free a moment ago.
std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

struct test_node {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::actor registry;
  caf::actor membership;
  std::string id;
  std::uint16_t port = 0;

  explicit test_node(std::string node_id) : id(std::move(node_id)) {
    cfg.load<caf::io::middleman>();
    cfg.set("middleman.heartbeat-interval", caf::timespan{200ms});
    cfg.set("middleman.connection-timeout", caf::timespan{1500ms});
    cfg.set("middleman.enable-automatic-connections", true);
    cfg.set("logger.verbosity", caf::atom("quiet"));
    runtime::add_cluster_message_types(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
    runtime::entity_kinds kinds;
    auto name = id;
    kinds.factories["echo"] = [name](caf::actor_system& s, const caf::actor&,
                                     const std::string& entity) {
      return s.spawn([name, entity](caf::event_based_actor* self) -> caf::behavior {
        return {[name, entity](whoami_atom) { return name + ":" + entity; },
                [self](passivate_atom) { self->quit(); }};
      });
    };
    registry = runtime::spawn_entity_registry(*sys, std::move(kinds));
    port = free_port();
  }

  caf::expected<caf::actor> start(const std::string& join, const std::string& secret) {
    runtime::cluster_config config{id, secret, "127.0.0.1:0", "127.0.0.1", port, join, {}, {}, {}};
    auto started = runtime::start_cluster(*sys, config, registry);
    if (started)
      membership = *started;
    return started;
  }

  runtime::cluster_view view() {
    caf::scoped_actor self{*sys};
    runtime::cluster_view result;
    self->request(membership, 5s, get_atom::value)
      .receive([&](runtime::cluster_view& v) { result = v; }, [](caf::error&) {});
    return result;
  }

  std::string ask(const std::string& entity) {
    caf::scoped_actor self{*sys};
    std::string reply;
    self->request(registry, 5s, route_atom::value, std::string{"echo"}, entity,
                  caf::make_message(whoami_atom::value))
      .receive([&](std::string& r) { reply = r; },
               [&](caf::error& e) { reply = "error: " + message_of(e); });
    return reply;
  }

  // Stops this node's actors. The actor system itself is left to process exit: CAF 0.17 can
  // hang destroying a middleman-enabled system (a race with its detached actors).
  void leave() {
    caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
    if (membership)
      caf::anon_send_exit(membership, caf::exit_reason::user_shutdown);
    membership = nullptr;
  }

  ~test_node() {
    leave();
    (void)sys.release();
  }
};

// Every partition is with its rendezvous owner among `nodes`.
bool settled(const runtime::partition_table& table, const std::vector<std::string>& nodes) {
  for (std::uint32_t p = 0; p < runtime::partition_count; ++p)
    if (table.owner_of(p) != runtime::rendezvous_owner(p, nodes))
      return false;
  return true;
}

bool eventually(const std::function<bool()>& condition) {
  for (int i = 0; i < 100; ++i) {
    if (condition())
      return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

}  // namespace

TEST_CASE("nodes join with the secret, route entities to the owner, and notice a dead node") {
  test_node a{"a"}, b{"b"};
  REQUIRE(a.start("", "s3cret-value"));

  SUBCASE("a wrong secret is refused") {
    auto refused = b.start("127.0.0.1:" + std::to_string(a.port), "wrong-secret");
    REQUIRE_FALSE(refused);
    CHECK(message_of(refused.error()).find("wrong cluster secret") != std::string::npos);
    CHECK(a.view().members.size() == 1);
  }
  SUBCASE("members see each other and entities run on their partition's owner") {
    REQUIRE(b.start("127.0.0.1:" + std::to_string(a.port), "s3cret-value"));
    CHECK(eventually([&] { return a.view().members.size() == 2 && b.view().members.size() == 2; }));
    // Partitions move to their rendezvous owner; an entity runs there whoever is asked.
    CHECK(eventually([&] { return settled(a.view().table, {"a", "b"}); }));
    auto owner_x = runtime::rendezvous_owner(runtime::partition_of("echo", "x"), {"a", "b"});
    CHECK(b.ask("x") == owner_x + ":x");
    CHECK(a.ask("x") == owner_x + ":x");
    test_node c{"c"};
    REQUIRE(c.start("127.0.0.1:" + std::to_string(b.port), "s3cret-value"));
    CHECK(eventually([&] { return a.view().members.size() == 3; }));
    CHECK(eventually([&] { return settled(a.view().table, {"a", "b", "c"}); }));
    CHECK(eventually([&] { return settled(c.view().table, {"a", "b", "c"}); }));
    for (auto id : {"y", "z", "w"}) {
      auto owner = runtime::rendezvous_owner(runtime::partition_of("echo", id), {"a", "b", "c"});
      CHECK(c.ask(id) == owner + ":" + id);
      CHECK(a.ask(id) == owner + ":" + id);
    }
    SUBCASE("a drained member hands its partitions to the others") {
      caf::scoped_actor self{*c.sys};
      std::string answer;
      self->request(c.membership, 10s, runtime::drain_atom::value)
        .receive([&](std::string& r) { answer = r; }, [&](caf::error& e) { answer = message_of(e); });
      CHECK(answer == "drained");
      auto table = c.view().table;
      CHECK(std::count(table.owners.begin(), table.owners.end(), "c") == 0);
      CHECK(c.ask("y") == runtime::rendezvous_owner(runtime::partition_of("echo", "y"),
                                                    {"a", "b"}) + ":y");
    }
    c.leave();  // c's membership goes away: the others must drop it
    CHECK(eventually([&] { return a.view().members.size() == 2; }));
    CHECK(eventually([&] { return b.view().members.size() == 2; }));
  }
}
