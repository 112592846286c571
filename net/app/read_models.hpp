// The node's SQLite read models: one file (<data>/read_models.sqlite) fed by a projection runner
// on a background thread with every module's projections, and a separate read-only connection
// on which the modules' named queries run. After each batch it tells which entity kinds (the
// part of a stream name before '/') had events applied, for the API response cache.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"
#include "storage/event_store.hpp"
#include "storage/read_model.hpp"
#include "storage/sqlite_db.hpp"

namespace aethex::app {

std::filesystem::path read_model_file(const std::filesystem::path& data_dir);

class read_models {
 public:
  /// Opens the read model file with the modules' projections, catches up in the background
  /// (polling every 200 ms) and opens the read-only query connection. Throws on a broken or
  /// newer read model file.
  /// `acts_on(stream)`: whether this node acts on an event of `stream` besides projecting it
  /// (storage::projection::acts_on); empty: always.
  read_models(storage::event_store& store, const std::filesystem::path& data_dir,
              const actors::module_list& modules,
              std::function<bool(std::string_view stream)> acts_on = {});
  ~read_models();
  read_models(const read_models&) = delete;
  read_models& operator=(const read_models&) = delete;

  /// Stops catching up and ends the runner's thread (queries keep working). Idempotent.
  void stop();

  /// Wakes the runner, e.g. right after a command that appended events.
  void notify();
  /// Why the projections stopped catching up (reported by /api/v1/health), nullopt when fine.
  std::optional<std::string> last_error() const;

  /// Called on the runner's thread after a batch is committed, with the kinds whose events it
  /// applied (so whoever reads the models after the call sees them). It must not call back
  /// into this object; on_change(nullptr) waits for a call under way.
  using change_observer = std::function<void(const std::vector<std::string>& kinds)>;
  void on_change(change_observer observer);

  /// Per projection, how many events it has yet to apply given the store's `head` position.
  std::vector<std::pair<std::string, std::uint64_t>> projection_lag(std::uint64_t head);

  /// Runs a module's named query on the reader connection; thread-safe. Lags appends by
  /// moments. errc::not_found for an unknown name, errc::unavailable when the query fails.
  caf::expected<nlohmann::json> query(std::string_view name, const nlohmann::json& args,
                                      const actors::owns_fn& owns);

 private:
  struct touched_kinds;
  void run(std::stop_token stop);

  storage::projection_runner runner_;
  touched_kinds* touched_ = nullptr;  // owned by runner_
  actors::read_query_table queries_;
  std::mutex reader_mutex_;  // one query at a time on the reader connection
  std::unique_ptr<storage::sqlite::database> reader_;

  mutable std::mutex wake_mutex_;  // wake_, last_error_, observer_
  std::condition_variable_any wake_cv_;
  bool wake_ = false;
  std::optional<std::string> last_error_;
  change_observer observer_;
  std::jthread worker_;  // last: stops before the rest goes
};

/// `aethex admin rebuild-projections`: drops and replays every projection from the event store
/// of an offline node. Prints one line per projection; returns the process exit status.
int rebuild_projections(const std::filesystem::path& data_dir, std::ostream& out,
                        std::ostream& err);

}  // namespace aethex::app
