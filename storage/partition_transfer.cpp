#include "storage/partition_transfer.hpp"

#include <stdexcept>
#include <vector>

#include "storage/keys.hpp"

namespace aethex::storage {
namespace {

// Blob: "AXP1" | per stream: be32 name_len | name | be64 snapshot_version (0 = none) |
// be32 state_len | state | be64 event_count | per event: be32 record_len | record (keys.hpp).
constexpr std::string_view magic = "AXP1";
constexpr std::size_t events_per_append = 1000;

void append_chunk(std::string& out, std::string_view bytes) {
  keys::append_be32(out, static_cast<std::uint32_t>(bytes.size()));
  out.append(bytes);
}

class reader {
 public:
  explicit reader(std::string_view bytes) : rest_(bytes) {}
  bool done() const { return rest_.empty(); }
  std::string_view take(std::size_t n) {
    if (rest_.size() < n)
      throw std::runtime_error("partition transfer: truncated blob");
    auto out = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return out;
  }
  std::uint32_t be32() { return keys::read_be32(take(4)); }
  std::uint64_t be64() { return keys::read_be64(take(8)); }
  std::string_view chunk() { return take(be32()); }

 private:
  std::string_view rest_;
};

}  // namespace

std::string export_streams(event_store& store, const stream_filter& wanted) {
  std::string blob{magic};
  for (auto& name : store.list_streams("")) {
    if (!wanted(name))
      continue;
    append_chunk(blob, name);
    auto snap = store.load_snapshot(name);
    keys::append_be64(blob, snap ? snap->version : 0);
    append_chunk(blob, snap ? std::string_view{snap->state} : std::string_view{});
    auto events = store.read_stream(name, 1);
    keys::append_be64(blob, events.size());
    for (auto& ev : events)
      append_chunk(blob, keys::encode_event(ev.data, 0));
  }
  return blob;
}

transfer_summary import_streams(event_store& store, std::string_view blob) {
  reader in{blob};
  if (in.take(magic.size()) != magic)
    throw std::runtime_error("partition transfer: not a partition blob");
  transfer_summary summary;
  while (!in.done()) {
    std::string name{in.chunk()};
    snapshot snap;
    snap.version = in.be64();
    snap.state = in.chunk();
    auto count = in.be64();
    std::vector<event> events;
    events.reserve(std::min<std::uint64_t>(count, events_per_append));
    // A longer local copy means the sender is not the real owner (e.g. a node restarted with a
    // table older than the cluster's): never trade stored events for fewer.
    if (auto local = store.version(name); local > count)
      throw std::runtime_error("partition transfer: refusing to replace " + name + " (" +
                               std::to_string(local) + " events here, " + std::to_string(count) +
                               " offered)");
    store.remove_stream(name);
    std::uint64_t version = 0;
    auto flush = [&] {
      auto result = store.append(name, version, events);
      if (!result)
        throw std::runtime_error("partition transfer: writing " + name + ": " + result.message);
      version = result.version;
      events.clear();
    };
    for (std::uint64_t i = 0; i < count; ++i) {
      auto decoded = keys::decode_event(in.chunk());
      if (!decoded)
        throw std::runtime_error("partition transfer: corrupt event in " + name);
      events.push_back(std::move(decoded->data));
      if (events.size() == events_per_append)
        flush();
    }
    if (!events.empty())
      flush();
    if (snap.version > 0 && snap.version <= version)
      store.save_snapshot(name, snap);
    ++summary.streams;
    summary.events += count;
  }
  return summary;
}

std::size_t remove_streams(event_store& store, const stream_filter& wanted) {
  std::size_t removed = 0;
  for (auto& name : store.list_streams(""))
    if (wanted(name)) {
      store.remove_stream(name);
      ++removed;
    }
  return removed;
}

}  // namespace aethex::storage
