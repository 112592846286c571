#include "net/app/cluster_setup.hpp"

#include <chrono>
#include <fstream>
#include <iostream>

#include <sys/stat.h>

#include <unistd.h>

#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/channel.hpp"
#include "actors/chat_types.hpp"
#include "actors/session.hpp"
#include "actors/stream_session.hpp"
#include "actors/user.hpp"
#include "media/fmp4_relay.hpp"
#include "runtime/cluster.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/secrets.hpp"
#include "storage/partition_transfer.hpp"

namespace aethex::app {

using namespace std::chrono_literals;

constexpr std::string_view table_meta_key = "cluster.partition_table";

void configure_actor_system(caf::actor_system_config& cfg) {
  cfg.load<caf::io::middleman>();
  // CAF 0.17 defaults to no heartbeat: a dead peer would only be noticed after a TCP timeout.
  cfg.set("middleman.heartbeat-interval", caf::timespan{500ms});
  cfg.set("middleman.connection-timeout", caf::timespan{3s});
  cfg.set("middleman.enable-automatic-connections", true);
  runtime::add_cluster_message_types(cfg);
  // Replies and commands of entities, which may live on another node.
  cfg.add_message_type<actors::channel_view>("aethex::channel_view");
  cfg.add_message_type<actors::stream_health>("aethex::stream_health");
  cfg.add_message_type<actors::user_view>("aethex::user_view");
  cfg.add_message_type<actors::session_view>("aethex::session_view");
  cfg.add_message_type<actors::stream_session_view>("aethex::stream_session_view");
  cfg.add_message_type<actors::chat_identity>("aethex::chat_identity");
  cfg.add_message_type<actors::chat_command>("aethex::chat_command");
  cfg.add_message_type<actors::chat_settings_patch>("aethex::chat_settings_patch");
  cfg.add_message_type<actors::chat_result>("aethex::chat_result");
  cfg.add_message_type<std::vector<std::uint32_t>>("std::vector<uint32_t>");  // partition lists
  cfg.add_message_type<std::vector<std::uint64_t>>("std::vector<uint64_t>");  // load figures
  cfg.add_message_type<media::relay_packet>("aethex::relay_packet");
}

std::string node_id_of(const runtime::node_config& config) {
  if (!config.node_id.empty())
    return config.node_id;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0)
    return "node-" + std::to_string(config.cluster_port);
  return std::string{host} + "-" + std::to_string(config.cluster_port);
}

// Without --cluster-secret a node never accepts an empty secret: it makes one up, keeps it in
// the data folder (owner-readable only) and joining nodes must present it.
std::string generated_secret(const std::filesystem::path& data_dir) {
  auto file = data_dir / "cluster.secret";
  std::string secret;
  if (std::ifstream in{file}; in >> secret && !secret.empty())
    return secret;
  secret = runtime::random_hex(24);
  std::ofstream{file, std::ios::trunc} << secret << "\n";
  ::chmod(file.c_str(), S_IRUSR | S_IWUSR);
  std::clog << "cluster: no --cluster-secret given; generated one in " << file.string()
            << std::endl;
  return secret;
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
                                           const caf::actor& registry,
                                           const caf::actor& services,
                                           storage::event_store& store) {
  runtime::cluster_config cluster;
  cluster.node_id = node_id_of(config);
  cluster.secret = config.cluster_secret.empty() ? generated_secret(config.data_dir)
                                                 : config.cluster_secret;
  cluster.http_endpoint = config.bind + ":" + std::to_string(config.http_port);
  cluster.bind = config.bind;
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
               std::clog << "node: leaving without moving every partition: "
                         << message_of(err) << std::endl;
             });
}

}  // namespace aethex::app
