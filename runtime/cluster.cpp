#include "runtime/cluster.hpp"

#include <chrono>
#include <iostream>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/secrets.hpp"

namespace aethex::runtime {
namespace {

using namespace std::chrono_literals;

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

struct membership_state {
  cluster_config config;
  member_info self_info;
  cluster_view view;
  caf::actor registry;
  static inline const char* name = "membership";
};

using membership_actor = caf::stateful_actor<membership_state>;

// Tells the local registry and, when `broadcast`, every other member about the new view.
void publish_view(membership_actor* self, bool broadcast) {
  auto& st = self->state;
  self->send(st.registry, members_atom::value, st.config.node_id, st.view);
  if (!broadcast)
    return;
  for (auto& member : st.view.members)
    if (member.node_id != st.config.node_id)
      self->send(member.membership, members_atom::value, st.view);
}

void watch_members(membership_actor* self) {
  for (auto& member : self->state.view.members)
    if (member.node_id != self->state.config.node_id)
      self->monitor(member.membership);
}

caf::behavior membership(membership_actor* self, cluster_config config, caf::actor registry) {
  auto& st = self->state;
  st.config = std::move(config);
  st.registry = std::move(registry);
  st.self_info = member_info{st.config.node_id, st.config.http_endpoint, caf::actor{self},
                             st.registry, now_ms()};
  st.view.members.push_back(st.self_info);
  st.view.table = partition_table::single(st.config.node_id);
  publish_view(self, false);
  self->set_down_handler([self](const caf::down_msg& down) {
    auto& members = self->state.view.members;
    for (auto it = members.begin(); it != members.end(); ++it) {
      if (it->membership.address() == down.source) {
        std::clog << "cluster: member " << it->node_id << " is down" << std::endl;
        members.erase(it);
        publish_view(self, false);
        return;
      }
    }
  });
  return {
    [self](join_atom, const std::string& secret,
           member_info& joiner) -> caf::result<cluster_view> {
      auto& st = self->state;
      if (!constant_time_equal(secret, st.config.secret)) {
        std::clog << "cluster: join refused for node '" << joiner.node_id
                  << "': wrong cluster secret" << std::endl;
        return make_error(errc::unauthorized, "wrong cluster secret");
      }
      for (auto& member : st.view.members)
        if (member.node_id == joiner.node_id && member.membership != joiner.membership)
          return make_error(errc::conflict, "node id '" + joiner.node_id + "' is already in use");
      std::clog << "cluster: node " << joiner.node_id << " joined" << std::endl;
      joiner.joined_ms = now_ms();
      self->monitor(joiner.membership);
      st.view.members.push_back(std::move(joiner));
      publish_view(self, true);
      return st.view;
    },
    [self](members_atom, cluster_view& view) {
      // Views only grow through joins here; keep the one with more members or a newer table.
      auto& st = self->state;
      if (view.table.version < st.view.table.version)
        return;
      st.view = std::move(view);
      watch_members(self);
      publish_view(self, false);
    },
    [self](get_atom) { return self->state.view; },
  };
}

}  // namespace

void add_cluster_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<partition_table>("aethex::partition_table");
  cfg.add_message_type<member_info>("aethex::member_info");
  cfg.add_message_type<std::vector<member_info>>("std::vector<aethex::member_info>");
  cfg.add_message_type<cluster_view>("aethex::cluster_view");
}

caf::expected<caf::actor> start_cluster(caf::actor_system& sys, const cluster_config& config,
                                        const caf::actor& registry) {
  auto actor = sys.spawn(membership, config, registry);
  if (config.port != 0) {
    auto published = sys.middleman().publish(actor, config.port, config.bind.c_str(), true);
    if (!published) {
      caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
      return make_error(errc::unavailable, "cannot listen on cluster port " +
                                               std::to_string(config.port) + ": " +
                                               sys.render(published.error()));
    }
  }
  if (config.join.empty())
    return actor;
  auto colon = config.join.rfind(':');
  auto fail = [&](std::string why) -> caf::expected<caf::actor> {
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    return make_error(errc::unavailable, "cannot join " + config.join + ": " + why);
  };
  if (colon == std::string::npos)
    return fail("expected HOST:PORT");
  auto port = std::stoi(config.join.substr(colon + 1));
  auto seed = sys.middleman().remote_actor(config.join.substr(0, colon),
                                           static_cast<std::uint16_t>(port));
  if (!seed)
    return fail(sys.render(seed.error()));
  caf::scoped_actor self{sys};
  caf::expected<cluster_view> view = caf::error{};
  member_info me{config.node_id, config.http_endpoint, actor, registry, 0};
  self->request(*seed, 10s, join_atom::value, config.secret, me)
    .receive([&](cluster_view& v) { view = std::move(v); },
             [&](caf::error& err) { view = std::move(err); });
  if (!view)
    return fail(code_of(view.error()) == errc::internal ? sys.render(view.error())
                                                        : message_of(view.error()));
  anon_send(actor, members_atom::value, std::move(*view));
  return actor;
}

}  // namespace aethex::runtime
