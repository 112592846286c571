#include "storage/event_schema.hpp"

#include <mutex>

namespace aethex::storage {

void event_schema_registry::declare(std::string type, std::uint32_t max_schema) {
  std::unique_lock lock(mutex_);
  max_schema_.insert_or_assign(std::move(type), max_schema);
}

std::optional<std::uint32_t> event_schema_registry::supported(std::string_view type) const {
  std::shared_lock lock(mutex_);
  auto it = max_schema_.find(type);
  if (it == max_schema_.end())
    return std::nullopt;
  return it->second;
}

std::optional<std::string> event_schema_registry::check(const event& e) const {
  const auto max = supported(e.type);
  if (!max || e.schema <= *max)
    return std::nullopt;
  return "event " + e.type + " schema " + std::to_string(e.schema) + " is newer than supported " +
         std::to_string(*max);
}

std::optional<std::string> event_schema_registry::check(const recorded_event& e) const {
  auto problem = check(e.data);
  if (problem)
    *problem += " (stream " + e.stream + " seq " + std::to_string(e.seq) + ")";
  return problem;
}

}  // namespace aethex::storage
