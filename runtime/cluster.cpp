#include "runtime/cluster.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <iostream>
#include <optional>
#include <set>
#include <utility>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>

#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/secrets.hpp"

namespace aethex::runtime {
namespace {

using namespace std::chrono_literals;
using rebalance_atom = caf::atom_constant<caf::atom("rebalance")>;
using dial_atom = caf::atom_constant<caf::atom("dial")>;

constexpr auto rebalance_interval = 1s;
constexpr auto move_timeout = 90s;
constexpr auto dial_timeout = 10s;

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

struct endpoint {
  std::string host;
  std::uint16_t port = 0;
};

// "host:port" or "[v6]:port".
std::optional<endpoint> parse_endpoint(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return std::nullopt;
  auto host = text.substr(0, colon);
  if (host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  auto digits = text.substr(colon + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc{} || end != digits.data() + digits.size() || port == 0 || port > 65535 ||
      host.empty())
    return std::nullopt;
  return endpoint{std::string{host}, static_cast<std::uint16_t>(port)};
}

std::string format_endpoint(const std::string& host, std::uint16_t port) {
  auto shown = host.find(':') == std::string::npos ? host : "[" + host + "]";
  return shown + ":" + std::to_string(port);
}

// Where members dial this node; empty when it publishes nothing.
std::string cluster_endpoint_of(const cluster_config& config) {
  if (config.port == 0)
    return {};
  return format_endpoint(config.advertise_host.empty() ? config.bind : config.advertise_host,
                         config.port);
}

// CAF reports a refused TLS handshake as a dropped connection; say what usually causes it.
std::string connect_error(caf::actor_system& sys, const caf::error& err) {
  if (err == caf::sec::disconnect_during_handshake || err == caf::sec::unexpected_message ||
      err == caf::sec::cannot_connect_to_node)
    return "TLS handshake refused (" + sys.render(err) +
           "): is this a cluster port, and is the cluster secret the same as on the other nodes?";
  return sys.render(err);
}

// What the cluster port publishes: it answers joins only, so a peer learns no actor of this
// node before the membership actor has checked its secret. Dies with the membership actor.
caf::behavior join_gate(caf::event_based_actor* self, const caf::actor& membership) {
  self->link_to(membership);
  self->set_default_handler(caf::drop);
  return {
    [self, membership](join_atom, std::string& secret, member_info& joiner) {
      return self->delegate(membership, join_atom::value, std::move(secret), std::move(joiner));
    },
  };
}

struct membership_state {
  cluster_config config;
  member_info self_info;
  cluster_view view;
  caf::actor registry;
  // Leader only: nodes leaving (they get no partitions), callers waiting for a drain to end.
  std::set<std::string> draining;
  std::vector<std::pair<std::string, caf::response_promise>> drain_waiters;
  // Replicated: callers waiting for this node to lead no group (stopping) or, drained, to hold
  // no replica either; one status question to the Raft host at a time.
  std::vector<caf::response_promise> leave_waiters;
  bool status_asked = false;
  bool moving = false;
  std::uint64_t saved_version = 0;  // table version last handed to config.table_changed
  static inline const char* name = "membership";

  // The oldest member coordinates partition moves; every member computes the same answer.
  const member_info* leader() const {
    auto oldest = std::min_element(view.members.begin(), view.members.end(), [](auto& a, auto& b) {
      return std::tie(a.joined_ms, a.node_id) < std::tie(b.joined_ms, b.node_id);
    });
    return oldest == view.members.end() ? nullptr : &*oldest;
  }
  bool leading() const { return leader() != nullptr && leader()->node_id == config.node_id; }
  bool replicated() const { return static_cast<bool>(config.raft); }

  std::vector<std::string> placement_nodes() const {
    std::vector<std::string> nodes;
    for (auto& m : view.members)
      if (draining.count(m.node_id) == 0)
        nodes.push_back(m.node_id);
    return nodes;
  }

  std::uint32_t owned_by(const std::string& node_id) const {
    return static_cast<std::uint32_t>(std::count(view.table.owners.begin(), view.table.owners.end(),
                                                 node_id));
  }
};

using membership_actor = caf::stateful_actor<membership_state>;

// Tells the local registry and, when `broadcast`, every other member about the new view.
void publish_view(membership_actor* self, bool broadcast) {
  auto& st = self->state;
  if (st.config.table_changed && st.view.table.version != st.saved_version) {
    st.config.table_changed(st.view.table);
    st.saved_version = st.view.table.version;
  }
  self->send(st.registry, members_atom::value, st.config.node_id, st.view);
  if (st.replicated()) {
    std::vector<std::string> ids, stopping, drained;
    std::vector<caf::actor> hosts;
    for (auto& member : st.view.members)
      if (member.raft) {
        ids.push_back(member.node_id);
        hosts.push_back(member.raft);
        if (member.leaving == member_stopping)
          stopping.push_back(member.node_id);
        else if (member.leaving >= member_drained)
          drained.push_back(member.node_id);
      }
    self->send(st.config.raft, raft_peers_atom::value, std::move(ids), std::move(hosts),
               std::move(stopping), std::move(drained));
  }
  if (!broadcast)
    return;
  for (auto& member : st.view.members)
    if (member.node_id != st.config.node_id)
      self->send(member.membership, members_atom::value, st.view);
}

void answer_drains(membership_actor* self) {
  auto& st = self->state;
  std::erase_if(st.drain_waiters, [&](auto& waiter) {
    if (st.owned_by(waiter.first) > 0)
      return false;
    waiter.second.deliver(std::string{"drained"});
    return true;
  });
}

// Replicated: this node steps down from its groups (member_stopping) or gives its replicas up
// (member_drained); every member's Raft host hears of it through the view.
void set_leaving(membership_actor* self, std::uint8_t level) {
  auto& st = self->state;
  auto* me = st.view.find(st.config.node_id);
  if (me == nullptr || me->leaving >= level)
    return;
  me->leaving = level;
  std::clog << "cluster: " << st.config.node_id
            << (level == member_stopping ? " hands its groups' leadership to other members"
                                         : " moves its replicas to other members")
            << std::endl;
  publish_view(self, true);
}

// Replicated: answers the leave waiters once this node leads no group and, when drained, holds
// no replica (its Raft host lists no group).
void answer_leaves(membership_actor* self) {
  auto& st = self->state;
  auto* me = st.view.find(st.config.node_id);
  if (st.leave_waiters.empty() || me == nullptr || st.owned_by(st.config.node_id) > 0)
    return;
  auto deliver = [self] {
    for (auto& promise : std::exchange(self->state.leave_waiters, {}))
      promise.deliver(std::string{"drained"});
  };
  if (me->leaving < member_drained)
    return deliver();
  if (std::exchange(st.status_asked, true))
    return;
  self->request(st.config.raft, 5s, raft_status_atom::value)
    .then(
      [self, deliver](const std::vector<std::string>& groups) {
        self->state.status_asked = false;
        if (groups.empty() && self->state.owned_by(self->state.config.node_id) == 0)
          deliver();
      },
      [self](const caf::error&) { self->state.status_asked = false; });
}

// Leader: moves one partition at a time towards its rendezvous owner among the members that
// are not draining. A partition whose owner is down stays with it (no failover yet).
void rebalance(membership_actor* self) {
  auto& st = self->state;
  if (st.moving || !st.leading() || st.replicated())
    return;  // replicated partitions are owned by their Raft leaders: nothing moves
  auto nodes = st.placement_nodes();
  if (nodes.empty())
    return;
  for (std::uint32_t p = 0; p < partition_count; ++p) {
    auto& owner = st.view.table.owner_of(p);
    auto target = rendezvous_owner(p, nodes);
    auto* from = st.view.find(owner);
    auto* to = st.view.find(target);
    if (owner == target || from == nullptr || to == nullptr)
      continue;
    st.moving = true;
    auto version = st.view.table.version + 1;
    self
      ->request(from->registry, move_timeout, handoff_atom::value, p, target, to->registry, version)
      .then(
        [self, p, target, version, from_id = owner](bool) {
          auto& st = self->state;
          st.moving = false;
          st.view.table.owners[p] = target;
          st.view.table.version = version;
          std::clog << "cluster: partition " << p << " moved " << from_id << " -> " << target
                    << std::endl;
          publish_view(self, true);
          answer_drains(self);
          rebalance(self);
        },
        [self, p](caf::error& err) {
          self->state.moving = false;
          std::clog << "cluster: moving partition " << p << " failed: " << message_of(err)
                    << "; retrying" << std::endl;
        });
    return;
  }
  answer_drains(self);
}

caf::behavior membership(membership_actor* self, cluster_config config, caf::actor registry) {
  auto& st = self->state;
  st.config = std::move(config);
  st.registry = std::move(registry);
  st.self_info = member_info{st.config.node_id,
                             st.config.http_endpoint,
                             cluster_endpoint_of(st.config),
                             caf::actor{self},
                             st.registry,
                             st.config.services,
                             now_ms(),
                             st.config.raft,
                             member_stays};
  st.view.members.push_back(st.self_info);
  // A founder resumes the table it knew (partitions of members not back yet stay theirs); a
  // joining node takes the cluster's table from the member it joins.
  // A table that does not name this node is someone else's (the node id changed): a fresh
  // start is the only safe reading.
  auto& saved = st.config.table.owners;
  bool resume = saved.size() == partition_count &&
                std::find(saved.begin(), saved.end(), st.config.node_id) != saved.end();
  if (st.replicated())
    st.view.table = partition_table::replicated();  // owners come from elections
  else if (!st.config.join.empty())
    st.view.table = partition_table{};
  else if (resume)
    st.view.table = st.config.table;
  else
    st.view.table = partition_table::single(st.config.node_id);
  publish_view(self, false);
  self->delayed_send(self, rebalance_interval, rebalance_atom::value);
  self->set_down_handler([self](const caf::down_msg& down) {
    auto& members = self->state.view.members;
    for (auto it = members.begin(); it != members.end(); ++it) {
      if (it->membership.address() == down.source) {
        std::clog << "cluster: member " << it->node_id << " is down" << std::endl;
        self->state.draining.erase(it->node_id);
        members.erase(it);
        publish_view(self, false);
        rebalance(self);
        return;
      }
    }
  });
  return {
    [self](join_atom, const std::string& secret, member_info& joiner) -> caf::result<cluster_view> {
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
      rebalance(self);
      return st.view;
    },
    [self](members_atom, cluster_view& view) {
      // Members only leave through down messages here; a view adds the members it knows and
      // brings the table if it is newer (only the leader makes new tables).
      auto& st = self->state;
      for (auto& member : view.members) {
        if (auto* known = st.view.find(member.node_id)) {
          known->joined_ms = member.joined_ms;  // as recorded by the member that admitted it
          if (known->membership == member.membership)
            known->leaving = std::max(known->leaving, member.leaving);
          continue;
        }
        if (member.node_id != st.config.node_id)
          self->monitor(member.membership);
        st.view.members.push_back(member);
      }
      if (st.replicated())
        st.view.table.merge_terms(view.table);
      else if (view.table.version > st.view.table.version)
        st.view.table = std::move(view.table);
      publish_view(self, false);
      rebalance(self);
    },
    // From this node's Raft host: it leads (or no longer leads) a partition's group.
    [self](lead_atom, std::uint32_t partition, std::uint64_t term, bool leading) {
      auto& st = self->state;
      auto& table = st.view.table;
      if (!table.is_replicated() || partition >= partition_count)
        return;
      if (leading && term >= table.terms[partition]) {
        if (!table.owners[partition].empty() && table.owners[partition] != st.config.node_id)
          std::clog << "cluster: partition " << partition << " fails over "
                    << table.owners[partition] << " -> " << st.config.node_id << " (term " << term
                    << ")" << std::endl;
        table.terms[partition] = term;
        table.owners[partition] = st.config.node_id;
        ++table.version;
        publish_view(self, true);
      } else if (!leading && table.owners[partition] == st.config.node_id) {
        table.owners[partition].clear();  // until the next leader says so
        ++table.version;
        publish_view(self, false);
        answer_leaves(self);
      }
    },
    [self](rebalance_atom) {
      rebalance(self);
      answer_leaves(self);
      self->delayed_send(self, rebalance_interval, rebalance_atom::value);
    },
    // Moves every partition of `node_id` to other members; answers once it owns none.
    [self](drain_atom, const std::string& node_id) -> caf::result<caf::message> {
      auto& st = self->state;
      if (st.view.find(node_id) == nullptr)
        return make_error(errc::not_found, "no member '" + node_id + "'");
      if (st.replicated()) {
        // The drained node itself waits: it knows when its Raft host holds no replica.
        if (node_id != st.config.node_id)
          return self->delegate(st.view.find(node_id)->membership, drain_atom::value, node_id);
        set_leaving(self, member_drained);
        auto promise = self->make_response_promise();
        st.leave_waiters.push_back(promise);
        answer_leaves(self);
        return promise;
      }
      if (!st.leading())
        return self->delegate(st.leader()->membership, drain_atom::value, node_id);
      st.draining.insert(node_id);
      if (st.owned_by(node_id) > 0 && st.placement_nodes().empty()) {
        st.draining.erase(node_id);
        return make_error(errc::conflict,
                          "no other member can take the partitions of '" + node_id + "'");
      }
      std::clog << "cluster: draining " << node_id << std::endl;
      auto promise = self->make_response_promise();
      st.drain_waiters.emplace_back(node_id, promise);
      rebalance(self);
      answer_drains(self);
      return promise;
    },
    [self](drain_atom) {
      return self->delegate(caf::actor{self}, drain_atom::value, self->state.config.node_id);
    },
    // Before a stop: replicated, hand off leadership (replicas stay for the restart); otherwise
    // move every partition away.
    [self](leave_atom) -> caf::result<caf::message> {
      auto& st = self->state;
      if (!st.replicated())
        return self->delegate(caf::actor{self}, drain_atom::value, st.config.node_id);
      set_leaving(self, member_stopping);
      auto promise = self->make_response_promise();
      st.leave_waiters.push_back(promise);
      answer_leaves(self);
      return promise;
    },
    // A direct TLS connection to a member learned through another one, so their messages
    // stop going through that node (CAF routes over the most direct connection it has).
    [self](dial_atom, const std::string& node_id, const std::string& where) {
      auto target = parse_endpoint(where);
      if (!target)
        return;
      auto& sys = self->system();
      self
        ->request(sys.openssl_manager().actor_handle(), dial_timeout, caf::connect_atom::value,
                  target->host, target->port)
        .then([](const caf::node_id&, caf::strong_actor_ptr&, std::set<std::string>&) {},
              [self, node_id, where](caf::error& err) {
                std::clog << "cluster: cannot dial member " << node_id << " at " << where << " ("
                          << connect_error(self->system(), err)
                          << "); its messages go through other members" << std::endl;
              });
    },
    [self](get_atom) { return self->state.view; },
  };
}

}  // namespace

const member_info* cluster_view::find(std::string_view node_id) const {
  auto it = std::find_if(members.begin(), members.end(),
                         [&](auto& m) { return m.node_id == node_id; });
  return it == members.end() ? nullptr : &*it;
}

member_info* cluster_view::find(std::string_view node_id) {
  return const_cast<member_info*>(std::as_const(*this).find(node_id));
}

void add_cluster_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<partition_table>("aethex::partition_table");
  cfg.add_message_type<member_info>("aethex::member_info");
  cfg.add_message_type<std::vector<member_info>>("std::vector<aethex::member_info>");
  cfg.add_message_type<cluster_view>("aethex::cluster_view");
}

caf::expected<caf::actor> start_cluster(caf::actor_system& sys, const cluster_config& config,
                                        const caf::actor& registry) {
  bool networked = config.port != 0 || !config.join.empty();
  if (networked && !sys.has_openssl_manager())
    return make_error(errc::internal, "cluster TLS is not configured (configure_cluster_tls)");
  auto actor = sys.spawn(membership, config, registry);
  auto fail = [&](std::string why) -> caf::expected<caf::actor> {
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    return make_error(errc::unavailable, std::move(why));
  };
  if (config.port != 0) {
    auto gate = sys.spawn(join_gate, actor);
    auto published = caf::openssl::publish(gate, config.port, config.bind.c_str(), true);
    if (!published)
      return fail("cannot listen on cluster port " + format_endpoint(config.bind, config.port) +
                  ": " + sys.render(published.error()));
  }
  if (config.join.empty())
    return actor;
  auto cannot_join = [&](const std::string& why) {
    return fail("cannot join " + config.join + ": " + why);
  };
  auto seed_at = parse_endpoint(config.join);
  if (!seed_at)
    return cannot_join("expected HOST:PORT");
  auto seed = caf::openssl::remote_actor(sys, seed_at->host, seed_at->port);
  if (!seed)
    return cannot_join(connect_error(sys, seed.error()));
  caf::scoped_actor self{sys};
  caf::expected<cluster_view> view = caf::error{};
  member_info me{config.node_id,
                 config.http_endpoint,
                 cluster_endpoint_of(config),
                 actor,
                 registry,
                 config.services,
                 0,
                 config.raft,
                 member_stays};
  self->request(*seed, 10s, join_atom::value, config.secret, me)
    .receive([&](cluster_view& v) { view = std::move(v); },
             [&](caf::error& err) { view = std::move(err); });
  if (!view)
    return cannot_join(code_of(view.error()) == errc::internal ? sys.render(view.error())
                                                               : message_of(view.error()));
  // Members that joined before us are reached through the seed until we dial them; members
  // that join later dial us.
  for (auto& member : view->members)
    if (member.node_id != config.node_id && member.membership.node() != seed->node() &&
        !member.cluster_endpoint.empty())
      anon_send(actor, dial_atom::value, member.node_id, member.cluster_endpoint);
  anon_send(actor, members_atom::value, std::move(*view));
  return actor;
}

}  // namespace aethex::runtime
