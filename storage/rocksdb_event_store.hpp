// RocksDB implementation of event_store (see event_store.hpp for the contract).
//
// Column families: `events` (stream 0x00 be64 seq → record), `global` (be64 position → event
// key), `snapshots` (stream → be64 version + state), `meta` (stream versions, global head, user
// records). Appends from many threads are group-committed: the first caller to find no write in
// flight becomes leader, checks every queued append against the current versions, and writes all
// accepted ones in one WriteBatch, so one fsync acknowledges many callers.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "storage/event_store.hpp"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class Cache;
}  // namespace rocksdb

namespace aethex::storage {

class rocksdb_event_store final : public event_store {
 public:
  /// Counters for benchmarks and diagnostics.
  struct stats {
    std::uint64_t appends = 0;  // append() calls that reached the write path
    std::uint64_t write_batches =
      0;  // RocksDB writes issued (appends / write_batches = merge factor)
  };

  /// Memtable bytes of all column families together before RocksDB flushes them to disk.
  static constexpr std::size_t write_buffer_bytes = 16u << 20;
  /// Uncompressed data blocks kept for reads, shared by every column family.
  static constexpr std::size_t block_cache_bytes = 8u << 20;

  rocksdb_event_store(const std::filesystem::path& dir, options opts);
  ~rocksdb_event_store() override;
  rocksdb_event_store(const rocksdb_event_store&) = delete;
  rocksdb_event_store& operator=(const rocksdb_event_store&) = delete;

  append_result append(std::string_view stream, std::uint64_t expected_version,
                       std::span<const event> events) override;
  append_result append_marked(std::string_view stream, std::uint64_t expected_version,
                              std::span<const event> events, append_marker marker) override;
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
  /// Memtables (bounded by write_buffer_bytes), table index/filter blocks and the block cache.
  std::uint64_t memory_bytes() override;

  stats statistics() const;

 private:
  struct pending_append;
  append_result enqueue(pending_append& self);
  void commit_group(std::deque<pending_append*>& group);
  std::uint64_t stored_version(std::string_view stream);
  void put_synced(rocksdb::ColumnFamilyHandle* cf, std::string_view key, std::string_view value);

  std::filesystem::path dir_;
  options opts_;
  std::shared_ptr<rocksdb::Cache> block_cache_;  // outlives db_, which reads through it
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* events_cf_ = nullptr;  // owned by handles_
  rocksdb::ColumnFamilyHandle* global_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* snapshots_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* meta_cf_ = nullptr;
  struct handle_deleter {
    rocksdb::DB* db;
    void operator()(rocksdb::ColumnFamilyHandle* h) const;
  };
  std::vector<std::unique_ptr<rocksdb::ColumnFamilyHandle, handle_deleter>> handles_;

  // Group commit queue. Only the current leader touches the write path and global_head_.
  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<pending_append*> queue_;
  bool leader_active_ = false;
  std::size_t last_group_size_ = 0;
  std::atomic<std::uint64_t> global_head_{0};
  std::atomic<std::uint64_t> appends_{0};
  std::atomic<std::uint64_t> write_batches_{0};
};

}  // namespace aethex::storage
