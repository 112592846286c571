// The signed-in page connections a node-local topic service (a hub) holds, by user: what every
// hub of the page's one WebSocket needs (docs/chat-protocol.md, topics). Monitoring the
// connections stays with the hub; this only keeps the two indexes in step.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>

namespace aethex::actors {

class topic_connections {
 public:
  enum class added { already, first_of_user, another_of_user };

  /// Adds `connection` for `user`: whether it is the user's first one here.
  added add(const std::string& user, const caf::actor& connection);
  /// Forgets a connection: its user when that was the user's last one here.
  std::optional<std::string> remove(const caf::actor_addr& connection);
  /// The user's connections here (empty when none).
  const std::vector<caf::actor>& of(const std::string& user) const;
  bool has(const std::string& user) const { return by_user_.count(user) > 0; }
  std::size_t size() const { return user_of_.size(); }

 private:
  std::map<caf::actor_addr, std::string> user_of_;
  std::unordered_map<std::string, std::vector<caf::actor>> by_user_;
};

}  // namespace aethex::actors
