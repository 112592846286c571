// Event streams whose appends go through their partition's Raft group (storage/raft): an append
// is acknowledged once a majority of the group's replicas has it in their logs and the state
// machine applied it on this node. Reads are this node's copy, which every replica of the group
// keeps current by applying the same commands in the same order.
//
// The state machine of a partition's group is this node's ordinary event store: applying a
// command appends it here (with the expected version checked on every replica alike), and a
// Raft snapshot is the partition's streams as exported for partition moves.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "storage/event_store.hpp"

namespace aethex::storage {

/// What became of a replicated command.
struct replication {
  enum class outcome {
    applied,  // committed and applied here: `answer` is the state machine's
    refused,  // never entered the log (this node does not lead the group)
    unknown,  // entered the log but leadership was lost or no majority answered in time: it
              // may still be committed by the next leader
  };
  outcome status = outcome::unknown;
  std::string answer;
};

/// Where replicated commands go: the node's Raft groups.
class partition_log {
 public:
  virtual ~partition_log() = default;
  /// Replicates `command` through the partition's group.
  virtual replication replicate(std::uint32_t partition, std::string command) = 0;
};

using partition_of_stream_fn = std::function<std::uint32_t(std::string_view stream)>;

/// An event store over `local` whose appends go through `log`; both outlive it.
std::unique_ptr<event_store> replicated_event_store(event_store& local, partition_log& log,
                                                    partition_of_stream_fn partition_of);

/// The state machine of one partition's group on this node.
class partition_state_machine {
 public:
  partition_state_machine(event_store& local, std::uint32_t partition,
                          partition_of_stream_fn partition_of);

  /// Applies the command at log `index` (once: indexes this store already has are skipped,
  /// so replaying the log after a crash adds nothing twice). Returns the encoded append_result.
  std::string apply(std::uint64_t index, std::string_view command);
  std::string snapshot();
  /// Replaces the partition's streams by the snapshot's unless this store already has
  /// everything up to `index`; true when it did.
  bool restore(std::uint64_t index, std::string_view data);
  std::uint64_t applied_index();

 private:
  event_store& local_;
  std::uint32_t partition_;
  partition_of_stream_fn partition_of_;
  std::string marker_key_;
  // The stored marker as last read or written: only this machine writes it, and reading it
  // from the store on every apply would be a read per committed command.
  std::optional<std::uint64_t> applied_;
  void note_applied(std::uint64_t index);
};

/// A command importing streams exported by storage/partition_transfer (a founder's data from
/// before replication, replicated once as one command).
std::string import_command(std::string blob);

/// Decodes what partition_state_machine::apply returned.
append_result decode_append_result(std::string_view bytes);

}  // namespace aethex::storage
