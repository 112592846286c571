// The node's SQLite read models: one file (<data>/read_models.sqlite) fed by a projection runner
// on a background thread, and a separate read-only connection that API routes query.
#pragma once

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/channel_directory.hpp"
#include "storage/event_store.hpp"
#include "storage/read_model.hpp"
#include "storage/sqlite_db.hpp"

namespace aethex::app {

std::filesystem::path read_model_file(const std::filesystem::path& data_dir);

/// Every projection this node maintains, added to `runner`.
void add_projections(storage::projection_runner& runner);

class read_models {
 public:
  /// Opens the read model file, catches up in the background (polling every 200 ms) and opens
  /// the read-only query connection. Throws on a broken or newer read model file.
  read_models(storage::event_store& store, const std::filesystem::path& data_dir);
  ~read_models();
  read_models(const read_models&) = delete;
  read_models& operator=(const read_models&) = delete;

  /// Wakes the runner, e.g. right after a command that appended events.
  void notify();
  /// Why the projections stopped catching up (reported by /api/v1/health), nullopt when fine.
  std::optional<std::string> last_error() const { return runner_.last_error(); }

  /// Channels ordered by name after `after_name`; thread-safe. Lags appends by moments.
  std::vector<storage::channel_directory::channel> list_channels(bool live_only,
                                                                 std::size_t limit,
                                                                 std::string_view after_name);

 private:
  storage::projection_runner runner_;
  std::mutex reader_mutex_;  // one query at a time on the reader connection
  std::unique_ptr<storage::sqlite::database> reader_;
};

/// `aethex admin rebuild-projections`: drops and replays every projection from the event store
/// of an offline node. Prints one line per projection; returns the process exit status.
int rebuild_projections(const std::filesystem::path& data_dir, std::ostream& out,
                        std::ostream& err);

}  // namespace aethex::app
