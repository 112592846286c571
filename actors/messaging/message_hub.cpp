#include "actors/messaging/message_hub.hpp"

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "runtime/atoms.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

struct hub_state {
  static inline const char* name = "message_hub";
  std::map<caf::actor_addr, std::string> user_of;                        // connection → user
  std::unordered_map<std::string, std::vector<caf::actor>> connections;  // user → connections
};

using hub_actor = caf::stateful_actor<hub_state>;

void drop_connection(hub_actor* self, const caf::actor_addr& addr) {
  auto& st = self->state;
  auto it = st.user_of.find(addr);
  if (it == st.user_of.end())
    return;
  auto list = st.connections.find(it->second);
  if (list != st.connections.end()) {
    std::erase_if(list->second, [&](const caf::actor& c) { return c.address() == addr; });
    if (list->second.empty())
      st.connections.erase(list);
  }
  st.user_of.erase(it);
}

void push(hub_actor* self, const json& body) {
  auto& st = self->state;
  auto users = body.value("users", json::array());
  if (!users.is_array() || users.size() > max_push_users || !body.contains("frame"))
    return;
  std::string frame;  // encoded once, only when someone here gets it
  for (auto& user : users) {
    auto it = user.is_string() ? st.connections.find(user.get<std::string>())
                               : st.connections.end();
    if (it == st.connections.end())
      continue;
    if (frame.empty())
      frame = body["frame"].dump();
    for (auto& connection : it->second)
      self->send(connection, topic_push_atom::value, frame);
  }
}

caf::behavior hub_behavior(hub_actor* self) {
  self->set_down_handler([self](caf::down_msg& down) { drop_connection(self, down.source); });
  return {
    [self](topic_sub_atom, const std::string& user, const caf::actor& connection) {
      auto& st = self->state;
      if (!connection || st.user_of.count(connection.address()))
        return;
      self->monitor(connection);
      st.user_of.emplace(connection.address(), user);
      st.connections[user].push_back(connection);
    },
    [self](topic_unsub_atom, const caf::actor& connection) {
      self->demonitor(connection);
      drop_connection(self, connection.address());
    },
    [self](publish_atom, const std::string& topic, const std::string& payload) {
      if (topic != message_push_topic)
        return;
      auto body = json::parse(payload, nullptr, false);
      if (body.is_object())
        push(self, body);
    },
    [self](metrics_atom) {
      return std::vector<std::uint64_t>{self->state.user_of.size()};
    },
  };
}

}  // namespace

caf::actor spawn_message_hub(caf::actor_system& sys) { return sys.spawn(hub_behavior); }

}  // namespace aethex::actors
