// One node's member of one Raft group, on libraft (canonical raft): the consensus is libraft's;
// this class is its I/O backend (log and term/vote in log_store, messages handed to `send`) and
// its state machine (handed to `apply`/`snapshot`/`restore`).
//
// Sans-I/O like net/rtmp/session: nothing here owns a thread, a socket or a timer. The node's
// driver calls tick() on a timer, receive() with each message from a peer, and flush() at the
// end of each turn; flush() commits the staged log writes of every group in one synced batch
// and then runs the completions libraft waits for (it must never see an append completed before
// it is durable, nor a callback inside the call that started the request).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

// libraft's header declares its C functions without extern "C".
extern "C" {
#include <raft.h>
}

#include "storage/raft/log_store.hpp"

namespace aethex::storage::raft {

struct server {
  std::uint64_t id = 0;
  std::string address;  // the node id; libraft hands it back with each message
  int role = RAFT_VOTER;
};

/// What a replica needs from the node around it.
struct replica_hooks {
  /// Deliver these bytes to the group's replica on node `address` (best effort, any order).
  std::function<void(const std::string& address, std::string bytes)> send;
  /// Apply a committed command, the log index it has; the result goes to the proposer.
  std::function<std::string(std::uint64_t index, std::string_view command)> apply;
  /// The state machine's state as of the last applied index.
  std::function<std::string()> snapshot;
  /// Replace the state machine's state by a snapshot covering entries up to `index`.
  std::function<void(std::uint64_t index, std::string_view data)> restore;
};

struct replica_options {
  unsigned heartbeat_ms = 100;
  unsigned election_timeout_ms = 1000;
  unsigned snapshot_threshold = 4096;  // entries between two snapshots
  unsigned snapshot_trailing = 1024;   // entries kept behind a snapshot for slow followers
};

/// The outcome of a proposal: applied (with the state machine's result) or refused.
struct proposal_result {
  bool applied = false;
  std::string result;  // the state machine's answer when applied, else why not
};

class replica {
 public:
  using clock = std::function<std::uint64_t()>;  // milliseconds, monotonic
  using proposal_done = std::function<void(proposal_result)>;

  replica(log_store& store, group_id group, server self, replica_hooks hooks, clock now,
          replica_options options = {});
  ~replica();
  replica(const replica&) = delete;
  replica& operator=(const replica&) = delete;

  /// Writes the first configuration when this node has no state for the group yet (every
  /// founding member bootstraps with the same servers); false when it already has state.
  bool bootstrap(const std::vector<server>& servers);
  /// Loads the stored state and starts taking part. Throws std::runtime_error on failure.
  void start();

  /// Call at least every heartbeat_ms.
  void tick();
  /// A message from the group's replica on another node.
  void receive(std::string_view from_address, std::uint64_t from_id, std::string_view bytes);
  /// Leader only: replicate `command`; `done` runs once, after a majority stored it and it was
  /// applied here, or when it cannot be (not leader, leadership lost, shutting down).
  void propose(std::string command, proposal_done done);
  /// Leader only: `done` runs once every entry committed before it is applied here (what a new
  /// leader waits for before it serves anything).
  void barrier(proposal_done done);
  /// Leader only: configuration changes (one at a time, libraft's rule).
  bool add_server(const server& s, proposal_done done);
  bool remove_server(std::uint64_t id, proposal_done done);
  /// Makes a member a voter (libraft catches a spare up first).
  bool promote(std::uint64_t id, proposal_done done);
  /// Leader only: hands leadership to voter `id` (it starts an election at once); `done` runs
  /// when the transfer ended, either way (check leading() to know).
  bool transfer_leadership(std::uint64_t id, std::function<void()> done);

  /// Writes staged log changes (this group's and every other group's on the same store) and
  /// runs the completions they unblock. Returns whether anything ran.
  bool flush();

  bool leading() const;
  std::uint64_t term() const;
  /// The leader this replica knows of (itself included), if any.
  std::optional<server> leader() const;
  std::vector<server> configuration() const;
  std::uint64_t last_applied() const;
  group_id group() const { return group_; }
  const server& self() const { return self_; }

 private:
  struct backend;
  friend struct backend;

  log_store& store_;
  group_id group_;
  server self_;
  replica_hooks hooks_;
  clock now_;
  replica_options options_;
  std::unique_ptr<::raft> raft_;
  raft_io io_{};
  raft_fsm fsm_{};
  // libraft's I/O state.
  raft_io_tick_cb tick_cb_ = nullptr;
  raft_io_recv_cb recv_cb_ = nullptr;
  std::uint64_t next_index_ = 1;                   // index the next appended entry gets
  std::deque<std::function<void()>> completions_;  // run by flush(), after the synced write
  std::mt19937 random_;                            // election timeouts
  std::string applied_result_;  // the last apply's answer, read by the proposal's callback
  bool started_ = false;
  bool closed_ = false;
};

}  // namespace aethex::storage::raft
