#include "storage/memory_event_store.hpp"

#include <algorithm>
#include <chrono>

namespace aethex::storage {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

}  // namespace

std::unique_ptr<event_store> event_store::in_memory() {
  return std::make_unique<memory_event_store>();
}

append_result memory_event_store::append(std::string_view stream, std::uint64_t expected_version,
                                         std::span<const event> events) {
  if (stream.empty())
    return {append_status::invalid, 0, "stream name is empty"};
  if (stream.find('\0') != std::string_view::npos)
    return {append_status::invalid, 0, "stream name contains a NUL byte"};
  for (const auto& e : events)
    if (e.type.empty())
      return {append_status::invalid, 0, "event type is empty"};

  std::lock_guard lock(mutex_);
  auto it = streams_.find(stream);
  const std::uint64_t current = it == streams_.end() ? 0 : it->second.size();
  if (expected_version != any_version && expected_version != current)
    return {append_status::conflict, current,
            "stream " + std::string(stream) + " is at version " + std::to_string(current) +
              ", expected " + std::to_string(expected_version)};
  if (events.empty())
    return {append_status::ok, current, {}};  // creates no stream, as RocksDB

  if (it == streams_.end())
    it = streams_.emplace(std::string(stream), std::vector<stored>{}).first;
  const std::int64_t stamp = now_ms();
  for (const auto& e : events) {
    stored s{e, ++head_};
    if (s.data.timestamp_ms == 0)
      s.data.timestamp_ms = stamp;
    it->second.push_back(std::move(s));
    global_.emplace(head_, global_entry{it->first, it->second.size()});
  }
  return {append_status::ok, it->second.size(), {}};
}

std::uint64_t memory_event_store::version(std::string_view stream) {
  std::lock_guard lock(mutex_);
  auto it = streams_.find(stream);
  return it == streams_.end() ? 0 : it->second.size();
}

std::vector<recorded_event> memory_event_store::read_stream(std::string_view stream,
                                                            std::uint64_t from_seq,
                                                            std::size_t max_count) {
  std::vector<recorded_event> out;
  std::lock_guard lock(mutex_);
  auto it = streams_.find(stream);
  if (it == streams_.end())
    return out;
  const auto& events = it->second;
  for (std::uint64_t seq = std::max<std::uint64_t>(from_seq, 1);
       seq <= events.size() && out.size() < max_count; ++seq) {
    const auto& s = events[seq - 1];
    out.push_back({it->first, seq, s.global_position, s.data});
  }
  return out;
}

std::vector<recorded_event> memory_event_store::read_global(std::uint64_t from_position,
                                                            std::size_t max_count) {
  std::vector<recorded_event> out;
  std::lock_guard lock(mutex_);
  for (auto it = global_.lower_bound(std::max<std::uint64_t>(from_position, 1));
       it != global_.end() && out.size() < max_count; ++it) {
    const auto& s = streams_.find(it->second.stream)->second[it->second.seq - 1];
    out.push_back({it->second.stream, it->second.seq, it->first, s.data});
  }
  return out;
}

std::uint64_t memory_event_store::global_head() {
  std::lock_guard lock(mutex_);
  return head_;
}

std::vector<std::string> memory_event_store::list_streams(std::string_view prefix,
                                                          std::size_t max_count) {
  std::vector<std::string> out;
  std::lock_guard lock(mutex_);
  for (auto it = streams_.lower_bound(prefix);
       it != streams_.end() && out.size() < max_count && it->first.starts_with(prefix); ++it)
    out.push_back(it->first);
  return out;
}

// Counted when asked (tests only keep small stores): the stored strings, not the maps' nodes.
std::uint64_t memory_event_store::memory_bytes() {
  std::lock_guard lock(mutex_);
  std::uint64_t total = 0;
  for (const auto& [name, events] : streams_)
    for (const auto& s : events)
      total += name.size() + s.data.type.size() + s.data.payload.size();
  for (const auto& [name, snap] : snapshots_)
    total += name.size() + snap.state.size();
  for (const auto& [key, value] : meta_)
    total += key.size() + value.size();
  return total;
}

void memory_event_store::remove_stream(std::string_view stream) {
  std::lock_guard lock(mutex_);
  // The global head stays: positions are never reused, removed ones leave gaps as in RocksDB.
  if (auto it = streams_.find(stream); it != streams_.end()) {
    for (const auto& s : it->second)
      global_.erase(s.global_position);
    streams_.erase(it);
  }
  if (auto it = snapshots_.find(stream); it != snapshots_.end())
    snapshots_.erase(it);
}

void memory_event_store::save_snapshot(std::string_view stream, const snapshot& snap) {
  std::lock_guard lock(mutex_);
  snapshots_.insert_or_assign(std::string(stream), snap);
}

std::optional<snapshot> memory_event_store::load_snapshot(std::string_view stream) {
  std::lock_guard lock(mutex_);
  auto it = snapshots_.find(stream);
  if (it == snapshots_.end())
    return std::nullopt;
  return it->second;
}

void memory_event_store::put_meta(std::string_view key, std::string_view value) {
  std::lock_guard lock(mutex_);
  meta_.insert_or_assign(std::string(key), std::string(value));
}

std::optional<std::string> memory_event_store::get_meta(std::string_view key) {
  std::lock_guard lock(mutex_);
  auto it = meta_.find(key);
  if (it == meta_.end())
    return std::nullopt;
  return it->second;
}

}  // namespace aethex::storage
