// Two and three actor systems in one process, connected through CAF's middleman on loopback,
// every connection mutual TLS with credentials derived from a cluster secret.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>

#include "runtime/atoms.hpp"
#include "runtime/cluster.hpp"
#include "runtime/cluster_tls.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/errors.hpp"

using namespace aethex;
using namespace std::chrono_literals;

namespace {

using whoami_atom = caf::atom_constant<caf::atom("whoami")>;

const std::string secret = "s3cret-value-for-tests";
const std::string other_secret = "another-cluster-secret";

// A fresh folder for one node's TLS files.
std::filesystem::path tls_dir(const std::string& id) {
  auto dir = std::filesystem::temp_directory_path() /
             ("aethex-cluster-test-" + std::to_string(::getpid()) + "-" + id);
  std::filesystem::remove_all(dir);
  return dir;
}

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
  // Left to process exit with the actor system (see leave()): its middleman threads read the
  // config until then, so it must not die with this node (ASan: heap-use-after-free).
  caf::actor_system_config& cfg = *new caf::actor_system_config;
  std::unique_ptr<caf::actor_system> sys;
  caf::actor registry;
  caf::actor membership;
  std::string id;
  std::uint16_t port = 0;

  // `tls_secret` keys this node's certificate; empty: no TLS module at all.
  explicit test_node(std::string node_id, const std::string& tls_secret = secret)
      : id(std::move(node_id)) {
    cfg.load<caf::io::middleman>();
    cfg.set("middleman.heartbeat-interval", caf::timespan{200ms});
    cfg.set("middleman.connection-timeout", caf::timespan{1500ms});
    cfg.set("logger.verbosity", caf::atom("quiet"));
    runtime::add_cluster_message_types(cfg);
    if (!tls_secret.empty())
      runtime::configure_cluster_tls(cfg,
                                     runtime::make_node_credentials(tls_secret, id, tls_dir(id)));
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

  caf::expected<caf::actor> start(const std::string& join, const std::string& join_secret) {
    runtime::cluster_config config;
    config.node_id = id;
    config.secret = join_secret;
    config.http_endpoint = "127.0.0.1:0";
    config.port = port;
    config.join = join;
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
    self
      ->request(registry, 5s, route_atom::value, std::string{"echo"}, entity,
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
    std::error_code ec;
    std::filesystem::remove_all(tls_dir(id), ec);
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
  REQUIRE(a.start("", secret));

  SUBCASE("a node whose certificate comes from another secret fails the TLS handshake") {
    test_node d{"d", other_secret};
    auto refused = d.start("127.0.0.1:" + std::to_string(a.port), other_secret);
    REQUIRE_FALSE(refused);
    CHECK(message_of(refused.error()).find("TLS handshake refused") != std::string::npos);
    CHECK(a.view().members.size() == 1);
  }
  SUBCASE("behind TLS, a wrong join secret is still refused") {
    auto refused = b.start("127.0.0.1:" + std::to_string(a.port), other_secret);
    REQUIRE_FALSE(refused);
    CHECK(message_of(refused.error()).find("wrong cluster secret") != std::string::npos);
    CHECK(a.view().members.size() == 1);
  }
  SUBCASE("the cluster port answers joins only") {
    // b holds a valid certificate, so the handshake succeeds; what it gets is the join gate.
    auto gate = caf::openssl::remote_actor(*b.sys, "127.0.0.1", a.port);
    REQUIRE(gate);
    caf::scoped_actor self{*b.sys};
    bool answered = false;
    self->request(*gate, 5s, get_atom::value)
      .receive([&](runtime::cluster_view&) { answered = true; }, [](caf::error&) {});
    CHECK_FALSE(answered);
    self
      ->request(*gate, 5s, route_atom::value, std::string{"echo"}, std::string{"x"},
                caf::make_message(whoami_atom::value))
      .receive([&](std::string&) { answered = true; }, [](caf::error&) {});
    CHECK_FALSE(answered);
  }
  SUBCASE("a node without TLS cannot start a cluster") {
    test_node plain{"plain", ""};
    auto refused = plain.start("127.0.0.1:" + std::to_string(a.port), secret);
    REQUIRE_FALSE(refused);
    CHECK(message_of(refused.error()).find("TLS") != std::string::npos);
  }
  SUBCASE("refused handshakes leave the members' own connections alone") {
    REQUIRE(b.start("127.0.0.1:" + std::to_string(a.port), secret));
    REQUIRE(eventually([&] { return b.view().members.size() == 2; }));
    test_node plain{"plain", ""}, foreign{"foreign", other_secret};
    for (int i = 0; i < 3; ++i) {
      CHECK_FALSE(plain.sys->middleman().remote_actor("127.0.0.1", a.port));
      CHECK_FALSE(caf::openssl::remote_actor(*foreign.sys, "127.0.0.1", a.port));
    }
    std::this_thread::sleep_for(2500ms);  // past the connection timeout (1.5 s)
    CHECK(a.view().members.size() == 2);
    CHECK(b.view().members.size() == 2);
  }
  SUBCASE("members see each other and entities run on their partition's owner") {
    REQUIRE(b.start("127.0.0.1:" + std::to_string(a.port), secret));
    CHECK(eventually([&] { return a.view().members.size() == 2 && b.view().members.size() == 2; }));
    // Partitions move to their rendezvous owner; an entity runs there whoever is asked.
    CHECK(eventually([&] { return settled(a.view().table, {"a", "b"}); }));
    auto owner_x = runtime::rendezvous_owner(runtime::partition_of("echo", "x"), {"a", "b"});
    CHECK(b.ask("x") == owner_x + ":x");
    CHECK(a.ask("x") == owner_x + ":x");
    test_node c{"c"};
    REQUIRE(c.start("127.0.0.1:" + std::to_string(b.port), secret));
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
        .receive([&](std::string& r) { answer = r; },
                 [&](caf::error& e) { answer = message_of(e); });
      CHECK(answer == "drained");
      auto table = c.view().table;
      CHECK(std::count(table.owners.begin(), table.owners.end(), "c") == 0);
      CHECK(c.ask("y") ==
            runtime::rendezvous_owner(runtime::partition_of("echo", "y"), {"a", "b"}) + ":y");
    }
    c.leave();  // c's membership goes away: the others must drop it
    CHECK(eventually([&] { return a.view().members.size() == 2; }));
    CHECK(eventually([&] { return b.view().members.size() == 2; }));
  }
}
