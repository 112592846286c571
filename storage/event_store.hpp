// Durable, append-only event streams on RocksDB.
//
// A stream is named "kind/id" (e.g. "channel/alice"). Each stream has a version = number of events
// appended so far; an append states the version it expects, so two writers racing on the same
// stream cannot silently overwrite each other. Every event also gets a position in one global log
// that projections and cluster catch-up read in order.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aethex::storage {

struct event {
  std::string type;          // e.g. "channel.created"
  std::uint32_t schema = 1;  // payload schema version of this type
  std::int64_t timestamp_ms = 0;
  std::string payload;  // JSON text
};

struct recorded_event {
  std::string stream;
  std::uint64_t seq = 0;              // 1-based position within the stream
  std::uint64_t global_position = 0;  // 1-based position in the global log
  event data;
};

struct snapshot {
  std::uint64_t version = 0;  // stream version the state reflects
  std::string state;
};

// not_leader: a replicated store refused before replicating anything (this node does not lead
// the stream's partition right now), so a retry, wherever the partition's leader is, is safe.
enum class append_status { ok, conflict, io_error, invalid, not_leader };

struct append_result {
  append_status status = append_status::ok;
  std::uint64_t version = 0;  // stream version after the append (or current version on conflict)
  std::string message;        // human-readable reason when status != ok
  explicit operator bool() const { return status == append_status::ok; }
};

/// Expected version meaning "the stream must not exist yet".
inline constexpr std::uint64_t no_stream = 0;
/// Expected version meaning "append whatever the current version is".
inline constexpr std::uint64_t any_version = UINT64_MAX;

class event_store {
 public:
  struct options {
    bool sync = true;  // fsync the WAL before acknowledging (group-committed)
  };

  /// Opens (creating if needed) the store in `dir`. Throws std::runtime_error with a clear
  /// message if the folder is locked by another process or cannot be opened.
  static std::unique_ptr<event_store> open(const std::filesystem::path& dir, options opts);
  static std::unique_ptr<event_store> open(const std::filesystem::path& dir) {
    return open(dir, options{});
  }
  /// A store that keeps everything in memory (storage/memory_event_store.hpp): same contract,
  /// nothing survives the object. For tests that do not test durability.
  static std::unique_ptr<event_store> in_memory();

  virtual ~event_store() = default;

  /// Appends atomically; durable when it returns ok. Thread-safe: concurrent appends are
  /// group-committed into one synced write batch.
  virtual append_result append(std::string_view stream, std::uint64_t expected_version,
                               std::span<const event> events) = 0;

  /// A meta record (put_meta's key space) to write together with an append.
  struct append_marker {
    std::string_view key;
    std::string_view value;
  };
  /// Like append(), and writes `marker` in the same atomic write whatever the append's outcome
  /// (a replicated partition notes the last log index it applied, so a replay after a crash
  /// skips exactly what the store has; storage/replicated_event_store). The default is for
  /// stores that do not survive a crash anyway.
  virtual append_result append_marked(std::string_view stream, std::uint64_t expected_version,
                                      std::span<const event> events, append_marker marker) {
    auto result = append(stream, expected_version, events);
    put_meta(marker.key, marker.value);
    return result;
  }

  /// Current version of a stream (0 when it does not exist).
  virtual std::uint64_t version(std::string_view stream) = 0;

  /// Events of a stream with seq in [from_seq, from_seq + max_count).
  virtual std::vector<recorded_event> read_stream(std::string_view stream, std::uint64_t from_seq,
                                                  std::size_t max_count = SIZE_MAX) = 0;

  /// Events of the global log with position in [from_position, from_position + max_count).
  virtual std::vector<recorded_event> read_global(std::uint64_t from_position,
                                                  std::size_t max_count) = 0;

  /// Highest global position written so far (0 when empty).
  virtual std::uint64_t global_head() = 0;

  /// Stream ids that start with `prefix` (e.g. "channel/"), in key order.
  virtual std::vector<std::string> list_streams(std::string_view prefix,
                                                std::size_t max_count = SIZE_MAX) = 0;

  /// Deletes a stream: its events, their global-log entries, its version and snapshot. Used when
  /// the stream's partition moved to another node; the read models keep what they derived.
  virtual void remove_stream(std::string_view stream) = 0;

  virtual void save_snapshot(std::string_view stream, const snapshot& snap) = 0;
  virtual std::optional<snapshot> load_snapshot(std::string_view stream) = 0;

  /// Small key/value records outside of streams (node settings, admin token hash).
  virtual void put_meta(std::string_view key, std::string_view value) = 0;
  virtual std::optional<std::string> get_meta(std::string_view key) = 0;

  /// Bytes the store keeps in memory: what RSS figures should be read against (RocksDB's write
  /// buffers, bounded by the store; everything, for the in-memory store).
  virtual std::uint64_t memory_bytes() = 0;

  /// Told how long each append took (the node's metrics); set before appends start.
  void observe_appends(std::function<void(std::chrono::nanoseconds)> observer) {
    append_observer_ = std::move(observer);
  }

 protected:
  /// Reports the duration of the append it lives in when it goes out of scope.
  class append_timer {
   public:
    explicit append_timer(const event_store& store)
        : store_(store), started_(std::chrono::steady_clock::now()) {}
    ~append_timer() {
      if (store_.append_observer_)
        store_.append_observer_(std::chrono::steady_clock::now() - started_);
    }
    append_timer(const append_timer&) = delete;
    append_timer& operator=(const append_timer&) = delete;

   private:
    const event_store& store_;
    std::chrono::steady_clock::time_point started_;
  };

 private:
  std::function<void(std::chrono::nanoseconds)> append_observer_;
};

}  // namespace aethex::storage
