#include "actors/messaging/message_hub.hpp"

#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/entity_ref.hpp"
#include "actors/core/topic_connections.hpp"
#include "actors/messaging/relations.hpp"
#include "runtime/atoms.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

struct hub_state {
  static inline const char* name = "message_hub";
  message_hub_env env;
  topic_connections connections;
  // Users online anywhere in the cluster → the members they are connected to (bounded by the
  // members' connection caps).
  std::unordered_map<std::string, std::set<std::string>> online;
};

using hub_actor = caf::stateful_actor<hub_state>;

void announce(hub_actor* self, const std::string& user, bool online) {
  auto& st = self->state;
  st.env.publish(std::string{presence_topic},
                 json{{"user", user}, {"node", st.env.node}, {"online", online}}.dump());
}

// The user's friends hear it (from the member where it happened, so once).
void tell_friends(hub_actor* self, const std::string& user, bool online) {
  auto& st = self->state;
  actors::entity_ref<relations_protocol>{st.env.registry, user}
    .ask(get_atom::value)
    .then(self, [self, user, online](caf::expected<relations_view> view) {
      if (!view)
        return;
      json friends = json::array();
      for (auto& e : view->entries)
        if (e.state == relation::friends && friends.size() < max_push_users)
          friends.push_back(e.user);
      if (friends.empty())
        return;
      self->state.env.publish(
        std::string{message_push_topic},
        json{{"users", friends},
             {"frame", {{"type", "friend_presence"}, {"user", user}, {"online", online}}}}
          .dump());
    });
}

void on_presence(hub_actor* self, const json& body) {
  auto& st = self->state;
  auto user = body.value("user", std::string{});
  auto node = body.value("node", std::string{});
  if (user.empty() || node.empty())
    return;
  auto& nodes = st.online[user];
  bool was_online = !nodes.empty();
  if (body.value("online", false))
    nodes.insert(node);
  else
    nodes.erase(node);
  bool is_online = !nodes.empty();
  if (!is_online)
    st.online.erase(user);
  if (was_online != is_online && node == st.env.node)
    tell_friends(self, user, is_online);
}

void drop_connection(hub_actor* self, const caf::actor_addr& addr) {
  if (auto last = self->state.connections.remove(addr))
    announce(self, *last, false);  // the user's last page here closed
}

void push(hub_actor* self, const json& body) {
  auto& st = self->state;
  auto users = body.value("users", json::array());
  if (!users.is_array() || users.size() > max_push_users || !body.contains("frame"))
    return;
  std::string frame;  // encoded once, only when someone here gets it
  for (auto& user : users) {
    if (!user.is_string() || !st.connections.has(user.get<std::string>()))
      continue;
    if (frame.empty())
      frame = body["frame"].dump();
    for (auto& connection : st.connections.of(user.get<std::string>()))
      self->send(connection, topic_push_atom::value, frame);
  }
}

caf::behavior hub_behavior(hub_actor* self, message_hub_env env) {
  self->state.env = std::move(env);
  self->set_down_handler([self](caf::down_msg& down) { drop_connection(self, down.source); });
  return {
    [self](topic_sub_atom, const std::string& user, const caf::actor& connection) {
      auto added = self->state.connections.add(user, connection);
      if (added == topic_connections::added::already)
        return;
      self->monitor(connection);
      if (added == topic_connections::added::first_of_user)
        announce(self, user, true);  // the user's first page here
    },
    [self](topic_unsub_atom, const caf::actor& connection) {
      self->demonitor(connection);
      drop_connection(self, connection.address());
    },
    [self](publish_atom, const std::string& topic, const std::string& payload) {
      auto body = json::parse(payload, nullptr, false);
      if (!body.is_object())
        return;
      if (topic == message_push_topic)
        push(self, body);
      else if (topic == presence_topic)
        on_presence(self, body);
    },
    [self](online_atom, const std::vector<std::string>& users) {
      std::vector<std::string> online;
      for (auto& user : users)
        if (self->state.online.count(user))
          online.push_back(user);
      return online;
    },
    [self](metrics_atom) {
      return std::vector<std::uint64_t>{self->state.connections.size(), self->state.online.size()};
    },
  };
}

}  // namespace

caf::actor spawn_message_hub(caf::actor_system& sys, message_hub_env env) {
  return sys.spawn(hub_behavior, std::move(env));
}

}  // namespace aethex::actors
