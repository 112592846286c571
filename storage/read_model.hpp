// SQLite read models fed from the event store's global log.
//
// A projection turns events into rows. The runner tails event_store::read_global from each
// projection's checkpoint and writes every batch of rows together with the new checkpoint in one
// SQLite transaction, so a crash at any point leaves rows and checkpoint in agreement and each
// event takes effect exactly once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "storage/event_store.hpp"
#include "storage/sqlite_db.hpp"

namespace aethex::storage {

class projection {
 public:
  virtual ~projection() = default;
  /// Stable name; keys the checkpoint, so renaming a projection rebuilds it.
  virtual std::string name() const = 0;
  /// Creates tables and indexes if missing (called once when added to a runner).
  virtual void create_schema(sqlite::database& db) = 0;
  /// Deletes every row this projection wrote (used by rebuild).
  virtual void reset(sqlite::database& db) = 0;
  /// Applies one event inside the runner's transaction. Throwing aborts the whole batch: neither
  /// its rows nor its checkpoint are kept. Events of unrelated streams should be ignored.
  virtual void apply(sqlite::transaction& tx, const recorded_event& e) = 0;
  /// Rows it holds, for operators' reports (`aethex admin rebuild-projections`); nullopt when
  /// the projection does not count them.
  virtual std::optional<std::uint64_t> row_count(sqlite::database&) const { return std::nullopt; }

  /// Whether this node acts on `e` (hands it to bots, webhooks, live notifications) besides
  /// projecting it. With replicated partitions every replica projects every event of its
  /// partitions, but only the partition's leader acts, or subscribers would hear it R times.
  bool acts_on(const recorded_event& e) const { return !acts_on_ || acts_on_(e.stream); }
  /// Set before the runner starts; unset, every event is acted on.
  void set_acts_on(std::function<bool(std::string_view stream)> acts_on) {
    acts_on_ = std::move(acts_on);
  }

 private:
  std::function<bool(std::string_view stream)> acts_on_;
};

class projection_runner {
 public:
  struct options {
    std::size_t batch_size = 512;                  // events per SQLite transaction
    std::chrono::milliseconds poll_interval{500};  // background re-check without notify()
  };

  /// Opens (creating) the read model database `db_file` and the checkpoint table.
  projection_runner(event_store& store, const std::filesystem::path& db_file, options opts);
  projection_runner(event_store& store, const std::filesystem::path& db_file)
      : projection_runner(store, db_file, options{}) {}
  ~projection_runner();  // stops the background thread
  projection_runner(const projection_runner&) = delete;
  projection_runner& operator=(const projection_runner&) = delete;

  /// Registers a projection (creating its schema) and returns it. Add all before start().
  projection& add(std::unique_ptr<projection> p);

  /// Applies every event up to the current head to all projections; returns events applied
  /// (summed over projections). Rethrows what a projection threw, after rolling back its batch.
  std::size_t catch_up();

  /// Drops the projection's rows and checkpoint, then replays it from position 1. Returns events
  /// applied. Throws std::invalid_argument for an unknown name.
  std::size_t rebuild(std::string_view name);

  /// Names of the registered projections, in the order they were added.
  std::vector<std::string> names() const;
  /// The named projection, nullptr when none has that name.
  projection* find(std::string_view name);
  /// Last global position applied by the named projection (0 before the first event).
  std::uint64_t checkpoint(std::string_view name);

  /// Runs catch_up() in a background thread on notify() and every poll_interval. Errors are kept
  /// in last_error() and retried on the next wake-up.
  void start();
  void stop();
  /// Wakes the background thread, e.g. right after a successful append.
  void notify();
  std::optional<std::string> last_error() const;

  /// The runner's connection. Only touch it from the thread driving the runner, and never
  /// while the background thread runs; open another sqlite::database for concurrent queries.
  sqlite::database& db() { return db_; }

 private:
  std::size_t catch_up_one(projection& p);
  std::uint64_t read_checkpoint(const std::string& name);
  void run(std::stop_token stop);

  event_store& store_;
  options opts_;
  sqlite::database db_;
  std::vector<std::unique_ptr<projection>> projections_;
  std::mutex work_mutex_;  // one catch_up/rebuild at a time on db_

  mutable std::mutex wake_mutex_;
  std::condition_variable_any wake_cv_;
  bool wake_ = false;
  std::optional<std::string> last_error_;
  std::jthread worker_;
};

}  // namespace aethex::storage
