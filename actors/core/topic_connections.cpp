#include "actors/core/topic_connections.hpp"

#include <algorithm>

namespace aethex::actors {

topic_connections::added topic_connections::add(const std::string& user,
                                                const caf::actor& connection) {
  if (!connection || !user_of_.emplace(connection.address(), user).second)
    return added::already;
  auto& list = by_user_[user];
  list.push_back(connection);
  return list.size() == 1 ? added::first_of_user : added::another_of_user;
}

std::optional<std::string> topic_connections::remove(const caf::actor_addr& connection) {
  auto it = user_of_.find(connection);
  if (it == user_of_.end())
    return std::nullopt;
  auto user = std::move(it->second);
  user_of_.erase(it);
  auto list = by_user_.find(user);
  if (list == by_user_.end())
    return std::nullopt;
  std::erase_if(list->second, [&](const caf::actor& c) { return c.address() == connection; });
  if (!list->second.empty())
    return std::nullopt;
  by_user_.erase(list);
  return user;
}

const std::vector<caf::actor>& topic_connections::of(const std::string& user) const {
  static const std::vector<caf::actor> none;
  auto it = by_user_.find(user);
  return it == by_user_.end() ? none : it->second;
}

}  // namespace aethex::actors
