#include "net/app/cluster_setup.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include "media/fmp4_relay.hpp"
#include "runtime/cluster.hpp"
#include "runtime/cluster_tls.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/secrets.hpp"
#include "storage/partition_transfer.hpp"

namespace aethex::app {

using namespace std::chrono_literals;

constexpr std::string_view table_meta_key = "cluster.partition_table";

namespace {

bool is_wildcard(std::string_view address) {
  return address.empty() || address == "0.0.0.0" || address == "::" || address == "[::]";
}

std::string bracketed(const std::string& host) {
  return host.find(':') != std::string::npos && host.front() != '[' ? "[" + host + "]" : host;
}

// --advertise is "host", "host:port", "[v6]" or "[v6]:port".
bool has_port(const std::string& address) {
  if (address.front() == '[')
    return address.find("]:") != std::string::npos;
  return std::count(address.begin(), address.end(), ':') == 1;
}

std::string advertised_host(const runtime::node_config& config) {
  auto& a = config.advertise;
  if (a.empty() || !has_port(a))
    return a;
  auto host = a.substr(0, a.rfind(':'));
  return host.front() == '[' ? host.substr(1, host.size() - 2) : host;
}

// Without a secret a node never accepts an empty one: it makes one up, keeps it in the data
// folder (created owner-only) and joining nodes must present it.
std::string generated_secret(const std::filesystem::path& data_dir) {
  auto file = data_dir / "cluster.secret";
  std::string secret;
  if (std::ifstream in{file}; in >> secret && !secret.empty())
    return secret;
  secret = runtime::random_hex(24);
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, S_IRUSR | S_IWUSR);
  auto line = secret + "\n";
  if (fd < 0 || ::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
    throw std::runtime_error("cannot write " + file.string());
  ::close(fd);
  std::clog << "cluster: no cluster secret given; generated one in " << file.string() << std::endl;
  return secret;
}

std::string cluster_secret_of(const runtime::node_config& config) {
  return config.cluster_secret.empty() ? generated_secret(config.data_dir) : config.cluster_secret;
}

}  // namespace

bool clusters(const runtime::node_config& config) {
  return config.cluster_port != 0 || !config.join.empty();
}

std::string http_endpoint_of(const runtime::node_config& config) {
  auto port = std::to_string(config.http_port);
  if (config.advertise.empty())
    return bracketed(config.bind) + ":" + port;
  return has_port(config.advertise) ? config.advertise : bracketed(config.advertise) + ":" + port;
}

std::string cluster_bind_of(const runtime::node_config& config) {
  return config.cluster_bind.empty() ? config.bind : config.cluster_bind;
}

void configure_actor_system(caf::actor_system_config& cfg, const runtime::node_config& config,
                            const actors::module_list& modules) {
  cfg.load<caf::io::middleman>();
  // CAF 0.17 defaults to no heartbeat: a dead peer would only be noticed after a TCP timeout.
  cfg.set("middleman.heartbeat-interval", caf::timespan{500ms});
  cfg.set("middleman.connection-timeout", caf::timespan{3s});
  // Automatic connections open a clear-text listener on every interface; members dial each
  // other over TLS instead (runtime/cluster.cpp).
  cfg.set("middleman.enable-automatic-connections", false);
  runtime::add_cluster_message_types(cfg);
  // Replies and commands of entities, which may live on another node: every module's, on every
  // node, so no member can lack a type another sends.
  for (auto& module : modules)
    module->add_message_types(cfg);
  cfg.add_message_type<std::vector<std::uint32_t>>("std::vector<uint32_t>");  // partition lists
  cfg.add_message_type<std::vector<std::uint64_t>>("std::vector<uint64_t>");  // load figures
  cfg.add_message_type<media::relay_packet>("aethex::relay_packet");
  if (!clusters(config))
    return;
  // Other members redirect browsers to this node's HTTP address and dial its cluster port:
  // "0.0.0.0" is no address they can use.
  if (config.advertise.empty() && is_wildcard(config.bind))
    throw std::runtime_error("--bind " + config.bind +
                             " in a cluster needs --advertise HOST (the address other nodes "
                             "and browsers use for this node)");
  auto files = runtime::make_node_credentials(cluster_secret_of(config), node_id_of(config),
                                              config.data_dir / "cluster-tls");
  runtime::configure_cluster_tls(cfg, files);
}

std::string node_id_of(const runtime::node_config& config) {
  if (!config.node_id.empty())
    return config.node_id;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0)
    return "node-" + std::to_string(config.cluster_port);
  return std::string{host} + "-" + std::to_string(config.cluster_port);
}

runtime::partition_storage partition_storage_of(storage::event_store& store) {
  auto in = [](std::uint32_t partition) {
    return [partition](std::string_view stream) {
      return runtime::partition_of_stream(stream) == partition;
    };
  };
  runtime::partition_storage hooks;
  hooks.export_partition = [&store, in](std::uint32_t partition) {
    return storage::export_streams(store, in(partition));
  };
  hooks.import_partition = [&store](std::string_view blob) {
    auto summary = storage::import_streams(store, blob);
    std::clog << "cluster: imported " << summary.streams << " streams, " << summary.events
              << " events" << std::endl;
  };
  hooks.remove_partition = [&store, in](std::uint32_t partition) {
    storage::remove_streams(store, in(partition));
  };
  return hooks;
}

replication start_replication(caf::actor_system& sys, const runtime::node_config& config,
                              storage::event_store& local) {
  replication r;
  if (!clusters(config) || config.replicas == 0)
    return r;
  storage::raft::host_config host;
  host.dir = config.data_dir / "raft";
  host.node_id = node_id_of(config);
  host.groups = runtime::partition_count;
  host.replicas = config.replicas;
  // The founder starts every group alone; members that join are added by the groups' leaders.
  host.found = config.join.empty();
  host.dead_after = std::chrono::seconds{config.replica_dead_after_s};
  host.options.snapshot_threshold = config.replica_snapshot_every;
  host.options.snapshot_trailing = config.replica_snapshot_every / 4;
  // Only the host's thread touches the machines (it creates them and calls them).
  auto machines =
    std::make_shared<std::map<std::uint32_t, std::unique_ptr<storage::partition_state_machine>>>();
  host.state_machine_of = [&local, machines](storage::raft::group_id group) {
    auto& machine = (*machines)[group];
    machine = std::make_unique<storage::partition_state_machine>(local, group,
                                                                 runtime::partition_of_stream);
    auto* m = machine.get();
    return storage::raft::state_machine{
      [m](std::uint64_t index, std::string_view command) { return m->apply(index, command); },
      [m] { return m->snapshot(); },
      [m, group](std::uint64_t index, std::string_view data) {
        // Only a replica that was behind the snapshot replaces its state (a restart that loads
        // its own snapshot changes nothing): the line marks a catch-up from a snapshot.
        if (m->restore(index, data))
          std::clog << "raft: group " << group << " restored from a snapshot at index " << index
                    << std::endl;
      }};
  };
  // A founder's events from before replication (an embedded node that starts clustering) enter
  // each group once, so replicas that join get them like any other entry.
  // Asked only when founding, so other starts pay nothing for it.
  host.founding_command = [&local](storage::raft::group_id group) {
    auto none = storage::export_streams(local, [](std::string_view) { return false; });
    auto blob = storage::export_streams(local, [group](std::string_view stream) {
      return runtime::partition_of_stream(stream) == group;
    });
    return blob == none ? std::string{} : storage::import_command(std::move(blob));
  };
  r.host = storage::raft::spawn_raft_host(sys, std::move(host));
  r.log = std::make_unique<storage::raft::host_partition_log>(sys, r.host);
  r.store = storage::replicated_event_store(local, *r.log, runtime::partition_of_stream);
  std::clog << "cluster: partitions replicated " << config.replicas << " times (Raft)" << std::endl;
  return r;
}

caf::expected<caf::actor> start_membership(caf::actor_system& sys,
                                           const runtime::node_config& config,
                                           const caf::actor& registry, const caf::actor& services,
                                           storage::event_store& store, const caf::actor& raft_host,
                                           std::shared_ptr<partition_leadership> leadership) {
  runtime::cluster_config cluster;
  cluster.node_id = node_id_of(config);
  cluster.secret = cluster_secret_of(config);
  cluster.http_endpoint = http_endpoint_of(config);
  cluster.bind = cluster_bind_of(config);
  if (is_wildcard(cluster.bind))
    cluster.advertise_host = advertised_host(config);
  cluster.port = config.cluster_port;
  cluster.join = config.join;
  cluster.services = services;
  cluster.raft = raft_host;
  // Kept in the data folder so a restarted founder does not claim partitions whose events are
  // stored on other members.
  if (auto saved = store.get_meta(table_meta_key))
    cluster.table = runtime::partition_table::parse(*saved);
  cluster.table_changed = [&store, leadership,
                           self = cluster.node_id](const runtime::partition_table& table) {
    if (leadership)
      leadership->update(table, self);
    try {
      store.put_meta(table_meta_key, table.serialize());
    } catch (const std::exception& e) {
      std::clog << "cluster: cannot save the partition table: " << e.what() << std::endl;
    }
  };
  auto membership = runtime::start_cluster(sys, cluster, registry);
  if (membership && raft_host)
    caf::anon_send(raft_host, runtime::lead_atom::value, *membership);
  return membership;
}

void partition_leadership::update(const runtime::partition_table& table, std::string self) {
  std::lock_guard lock{mutex_};
  table_ = table;
  self_ = std::move(self);
}

bool partition_leadership::acts_on(std::string_view stream) const {
  std::lock_guard lock{mutex_};
  return !table_.is_replicated() || table_.owner_of(runtime::partition_of_stream(stream)) == self_;
}

void drain_before_leaving(caf::actor_system& sys, const caf::actor& membership) {
  caf::scoped_actor self{sys};
  std::size_t members = 1;
  self->request(membership, 5s, get_atom::value)
    .receive([&](const runtime::cluster_view& view) { members = view.members.size(); },
             [](const caf::error&) {});
  if (members <= 1)
    return;
  std::clog << "node: moving this node's partitions to the other members" << std::endl;
  self->request(membership, 60s, runtime::leave_atom::value)
    .receive([](const std::string&) { std::clog << "node: partitions moved" << std::endl; },
             [&](const caf::error& err) {
               std::clog << "node: leaving without moving every partition: " << message_of(err)
                         << std::endl;
             });
}

}  // namespace aethex::app
