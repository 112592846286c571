// Pieces the domains' read models (SQLite projections) share.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "storage/event_schema.hpp"
#include "storage/event_store.hpp"
#include "storage/sqlite_db.hpp"

namespace aethex::actors {

/// The payload of `e` as a JSON object. Throws (the projection stops rather than misread it) on
/// a schema newer than `schemas` declares or a payload that is not an object; `reader` (the
/// projection's name) opens the message.
nlohmann::json projected_payload(const storage::event_schema_registry& schemas,
                                 const storage::recorded_event& e, std::string_view reader);

/// The string field `key` of a projected payload. Throws, as projected_payload does, when it is
/// missing or not a string.
std::string projected_text(const nlohmann::json& body, const char* key,
                           const storage::recorded_event& e, std::string_view reader);

/// UPDATE `table` SET `set` WHERE id = ?1 for the row `id`; `bind` binds the ?2... of `set`.
void update_row(storage::sqlite::transaction& tx, std::string_view table, std::string_view id,
                std::string_view set,
                const std::function<void(storage::sqlite::statement&)>& bind = {});

}  // namespace aethex::actors
