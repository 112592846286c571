#include "actors/core/read_model_support.hpp"

#include <stdexcept>
#include <string>

namespace aethex::actors {

nlohmann::json projected_payload(const storage::event_schema_registry& schemas,
                                 const storage::recorded_event& e, std::string_view reader) {
  if (auto problem = schemas.check(e))
    throw std::runtime_error(*problem);
  auto body = nlohmann::json::parse(e.data.payload, nullptr, false);
  if (!body.is_object())
    throw std::runtime_error(std::string{reader} + ": malformed payload in " + e.stream + " seq " +
                             std::to_string(e.seq));
  return body;
}

std::string projected_text(const nlohmann::json& body, const char* key,
                           const storage::recorded_event& e, std::string_view reader) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_string())
    throw std::runtime_error(std::string{reader} + ": '" + key + "' missing in " + e.stream +
                             " seq " + std::to_string(e.seq));
  return it->get<std::string>();
}

void update_row(storage::sqlite::transaction& tx, std::string_view table, std::string_view id,
                std::string_view set,
                const std::function<void(storage::sqlite::statement&)>& bind) {
  auto stmt = tx.db().prepare("UPDATE " + std::string{table} + " SET " + std::string{set} +
                              " WHERE id = ?1");
  stmt.bind(1, id);
  if (bind)
    bind(stmt);
  stmt.run();
}

}  // namespace aethex::actors
