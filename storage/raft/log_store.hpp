// Durable state of the Raft groups a node takes part in: per group the current term and vote,
// the log entries and the last snapshot, in one RocksDB folder of their own (`<data>/raft`).
//
// Raft needs the term and the vote on disk before it answers anyone (set_term/set_vote write
// synced at once). Entries, truncations and snapshots are staged and written by one synced
// batch per turn of the node's Raft driver (`commit`), so 64 groups appending together cost
// one fsync, not 64; their completions are reported only after `commit` returns.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aethex::storage::raft {

using group_id = std::uint32_t;

struct log_entry {
  std::uint64_t term = 0;
  std::uint16_t type = 0;  // RAFT_COMMAND, RAFT_BARRIER, RAFT_CHANGE
  std::string data;
};

struct snapshot_record {
  std::uint64_t index = 0;  // last log index the snapshot covers
  std::uint64_t term = 0;
  std::uint64_t configuration_index = 0;
  std::string configuration;  // encoded by the replica (storage/raft/wire.hpp)
  std::string data;           // the state machine's state
};

struct hard_state {
  std::uint64_t term = 0;
  std::uint64_t vote = 0;  // 0: no vote in this term
};

/// What a group finds on disk when it starts.
struct loaded_group {
  hard_state state;
  std::optional<snapshot_record> snapshot;
  std::uint64_t start_index = 1;  // index of entries[0]
  std::vector<log_entry> entries;
};

class log_store {
 public:
  /// Opens (creating) the store in `dir`; throws std::runtime_error with a clear message when
  /// the folder is locked by another process or cannot be opened.
  static std::unique_ptr<log_store> open(const std::filesystem::path& dir);
  virtual ~log_store() = default;

  virtual loaded_group load(group_id group) = 0;
  /// True when the group has never stored a term, entry or snapshot here.
  virtual bool empty(group_id group) = 0;

  /// Durable before returning. A new term clears the vote.
  virtual void set_term(group_id group, std::uint64_t term) = 0;
  virtual void set_vote(group_id group, std::uint64_t vote) = 0;

  /// Staged until commit(): entries written from `first_index` on.
  virtual void stage_append(group_id group, std::uint64_t first_index,
                            std::span<const log_entry> entries) = 0;
  /// Staged: removes the entries from `index` on.
  virtual void stage_truncate(group_id group, std::uint64_t index) = 0;
  /// Staged: stores the snapshot and removes the entries up to `snapshot.index - trailing`
  /// (all of them when trailing is 0, which also removes the ones after it).
  virtual void stage_snapshot(group_id group, const snapshot_record& snapshot,
                              std::uint64_t trailing) = 0;
  /// Writes everything staged in one synced batch. Throws std::runtime_error when the write
  /// fails (the node cannot keep its promises to the group any more).
  virtual void commit() = 0;
  virtual bool has_staged() const = 0;

  virtual std::optional<snapshot_record> snapshot(group_id group) = 0;
  /// Forgets a group entirely (this node left it).
  virtual void remove(group_id group) = 0;
};

}  // namespace aethex::storage::raft
