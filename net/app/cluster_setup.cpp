#include "net/app/cluster_setup.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
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

caf::expected<caf::actor> start_membership(caf::actor_system& sys,
                                           const runtime::node_config& config,
                                           const caf::actor& registry, const caf::actor& services,
                                           storage::event_store& store) {
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
  // Kept in the data folder so a restarted founder does not claim partitions whose events are
  // stored on other members.
  if (auto saved = store.get_meta(table_meta_key))
    cluster.table = runtime::partition_table::parse(*saved);
  cluster.table_changed = [&store](const runtime::partition_table& table) {
    try {
      store.put_meta(table_meta_key, table.serialize());
    } catch (const std::exception& e) {
      std::clog << "cluster: cannot save the partition table: " << e.what() << std::endl;
    }
  };
  return runtime::start_cluster(sys, cluster, registry);
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
  self->request(membership, 60s, runtime::drain_atom::value)
    .receive([](const std::string&) { std::clog << "node: partitions moved" << std::endl; },
             [&](const caf::error& err) {
               std::clog << "node: leaving without moving every partition: " << message_of(err)
                         << std::endl;
             });
}

}  // namespace aethex::app
