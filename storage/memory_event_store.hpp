// In-memory implementation of event_store (see event_store.hpp for the contract): same
// versioning, conflicts, global log, listing order and stamping as the RocksDB store, nothing
// durable. For unit tests that exercise entities rather than the disk. One mutex serialises all
// operations, which keeps the global log gapless in append order.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "storage/event_store.hpp"

namespace aethex::storage {

class memory_event_store final : public event_store {
 public:
  append_result append(std::string_view stream, std::uint64_t expected_version,
                       std::span<const event> events) override;
  std::uint64_t version(std::string_view stream) override;
  std::vector<recorded_event> read_stream(std::string_view stream, std::uint64_t from_seq,
                                          std::size_t max_count) override;
  std::vector<recorded_event> read_global(std::uint64_t from_position,
                                          std::size_t max_count) override;
  std::uint64_t global_head() override;
  std::vector<std::string> list_streams(std::string_view prefix, std::size_t max_count) override;
  void remove_stream(std::string_view stream) override;
  void save_snapshot(std::string_view stream, const snapshot& snap) override;
  std::optional<snapshot> load_snapshot(std::string_view stream) override;
  void put_meta(std::string_view key, std::string_view value) override;
  std::optional<std::string> get_meta(std::string_view key) override;
  std::uint64_t memory_bytes() override;

 private:
  struct stored {
    event data;
    std::uint64_t global_position = 0;
  };
  struct global_entry {
    std::string stream;
    std::uint64_t seq = 0;
  };

  std::mutex mutex_;
  // std::less<> on std::string compares bytes as unsigned, like RocksDB's bytewise comparator,
  // so list_streams comes out in the same order.
  std::map<std::string, std::vector<stored>, std::less<>> streams_;  // index = seq - 1
  std::map<std::uint64_t, global_entry> global_;
  std::map<std::string, snapshot, std::less<>> snapshots_;
  std::map<std::string, std::string, std::less<>> meta_;
  std::uint64_t head_ = 0;
};

}  // namespace aethex::storage
