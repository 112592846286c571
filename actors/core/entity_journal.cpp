#include "actors/core/entity_journal.hpp"

#include <chrono>

#include "runtime/errors.hpp"

namespace aethex::actors {

entity_journal::entity_journal(storage::event_store& store, std::string stream)
    : store_(&store), stream_(std::move(stream)) {}

void entity_journal::recover(const std::function<void(const std::string&)>& restore_snapshot,
                             const std::function<void(const storage::event&)>& apply) {
  replay(restore_snapshot, [&apply](const storage::recorded_event& rec) {
    apply(rec.data);
    return true;
  });
}

void entity_journal::replay(const std::function<void(const std::string&)>& restore_snapshot,
                            const std::function<bool(const storage::recorded_event&)>& apply) {
  std::uint64_t from = 1;
  if (auto snap = store_->load_snapshot(stream_)) {
    restore_snapshot(snap->state);
    from = snap->version + 1;
    version_ = snapshot_version_ = snap->version;
  }
  constexpr std::size_t page = 4096;  // a long history is not loaded all at once
  for (;;) {
    auto events = store_->read_stream(stream_, from, page);
    for (auto& rec : events) {
      if (!apply(rec))
        return;
      version_ = rec.seq;
    }
    if (events.size() < page)
      break;
    from = version_ + 1;
  }
}

caf::expected<std::uint64_t> entity_journal::append(std::vector<storage::event> events) {
  auto result = store_->append(stream_, version_, events);
  switch (result.status) {
    case storage::append_status::ok: version_ = result.version; return version_;
    case storage::append_status::conflict:
      return make_error(errc::conflict, "concurrent update of " + stream_ + ", retry");
    case storage::append_status::invalid: return make_error(errc::invalid_argument, result.message);
    case storage::append_status::not_leader:
      // Nothing was written: the sender may retry at once, through the partition's new owner.
      return make_error(errc::unavailable, result.message, "moved", 1);
    case storage::append_status::io_error: break;
  }
  return make_error(errc::unavailable, "storage unavailable: " + result.message, {}, 1);
}

void entity_journal::maybe_snapshot(std::uint64_t every,
                                    const std::function<std::string()>& serialize) {
  if (version_ - snapshot_version_ < every)
    return;
  store_->save_snapshot(stream_, storage::snapshot{version_, serialize()});
  snapshot_version_ = version_;
}

storage::event make_event(std::string type, std::string payload_json) {
  using namespace std::chrono;
  storage::event ev;
  ev.type = std::move(type);
  ev.schema = 1;
  ev.timestamp_ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  ev.payload = std::move(payload_json);
  return ev;
}

}  // namespace aethex::actors
