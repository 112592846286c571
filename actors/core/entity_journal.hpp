// The event stream of one entity: recovery (snapshot + tail) and appends with the expected
// version, so a command's events are durable before the entity applies them and replies.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "storage/event_store.hpp"

namespace aethex::actors {

class entity_journal {
 public:
  entity_journal(storage::event_store& store, std::string stream);

  /// Loads the latest snapshot (if any) and replays the events after it, in order.
  void recover(const std::function<void(const std::string& state)>& restore_snapshot,
               const std::function<void(const storage::event&)>& apply);

  /// Like recover(), but `apply` sees each stored event with its seq and returns false to stop
  /// the replay (an event the reader cannot read); the version then stays at the last event read.
  void replay(const std::function<void(const std::string& state)>& restore_snapshot,
              const std::function<bool(const storage::recorded_event&)>& apply);

  /// Appends `events` expecting the current version. Errors: errc::conflict when another writer
  /// got there first, errc::unavailable when storage fails.
  caf::expected<std::uint64_t> append(std::vector<storage::event> events);

  /// Appends `events`, then hands each to `apply` once they are durable: the one way an entity
  /// changes state, so a reply never reflects an event that could still be lost.
  template <class Apply>
  caf::error commit(const std::vector<storage::event>& events, Apply&& apply) {
    auto appended = append(events);
    if (!appended)
      return appended.error();
    for (auto& ev : events)
      apply(ev);
    return caf::none;
  }

  /// Saves `state` as a snapshot when `every` events passed since the last one.
  void maybe_snapshot(std::uint64_t every, const std::function<std::string()>& serialize);

  std::uint64_t version() const { return version_; }
  const std::string& stream() const { return stream_; }
  bool exists() const { return version_ > 0; }

 private:
  storage::event_store* store_;
  std::string stream_;
  std::uint64_t version_ = 0;
  std::uint64_t snapshot_version_ = 0;
};

/// An event stamped with the current wall-clock time.
storage::event make_event(std::string type, std::string payload_json);

}  // namespace aethex::actors
