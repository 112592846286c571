// Guard against reading events written by a newer version of the code.
//
// Readers (entities, projections) declare, per event type, the highest payload schema they
// understand. An event with a higher schema came from a newer writer (e.g. after a rolling
// upgrade); check() reports it so the reader stops instead of silently misreading fields.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "storage/event_store.hpp"

namespace aethex::storage {

class event_schema_registry {
 public:
  /// Declares that readers understand `type` up to schema `max_schema` (replaces an earlier
  /// declaration).
  void declare(std::string type, std::uint32_t max_schema);

  /// Highest schema declared for `type`, nullopt when the type was never declared.
  std::optional<std::uint32_t> supported(std::string_view type) const;

  /// nullopt when the event can be read; otherwise why not, e.g.
  /// "event channel.created schema 3 is newer than supported 1". Undeclared types pass: a reader
  /// that never declared a type does not interpret it.
  std::optional<std::string> check(const event& e) const;
  /// Same, naming the stream and seq in the message.
  std::optional<std::string> check(const recorded_event& e) const;

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::uint32_t, std::less<>> max_schema_;
};

}  // namespace aethex::storage
