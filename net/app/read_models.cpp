#include "net/app/read_models.hpp"

#include <ostream>
#include <stdexcept>

namespace aethex::app {

std::filesystem::path read_model_file(const std::filesystem::path& data_dir) {
  return data_dir / "read_models.sqlite";
}

void add_projections(storage::projection_runner& runner) {
  runner.add(std::make_unique<storage::channel_directory>());
}

namespace {

storage::projection_runner::options runner_options() {
  storage::projection_runner::options opts;
  opts.poll_interval = std::chrono::milliseconds(200);
  return opts;
}

}  // namespace

read_models::read_models(storage::event_store& store, const std::filesystem::path& data_dir)
    : runner_(store, read_model_file(data_dir), runner_options()) {
  add_projections(runner_);
  runner_.start();
  reader_ = std::make_unique<storage::sqlite::database>(read_model_file(data_dir),
                                                        storage::sqlite::database::mode::read_only);
}

read_models::~read_models() { runner_.stop(); }

void read_models::notify() { runner_.notify(); }

std::vector<storage::channel_directory::channel> read_models::list_channels(
  bool live_only, std::size_t limit, std::string_view after_name) {
  std::lock_guard lock(reader_mutex_);
  return storage::channel_directory::list(*reader_, live_only, limit, after_name);
}

int rebuild_projections(const std::filesystem::path& data_dir, std::ostream& out,
                        std::ostream& err) {
  if (!std::filesystem::exists(data_dir / "events")) {
    err << "error: no event store in " << data_dir << " (wrong --data?)\n";
    return 1;
  }
  std::unique_ptr<storage::event_store> store;
  try {
    store = storage::event_store::open(data_dir / "events");
  } catch (const std::exception& e) {
    std::string what = e.what();
    if (what.find("another aethex process") != std::string::npos)
      err << "error: " << data_dir.string()
          << " is in use by a running node; stop it first (the event store allows one process)\n";
    else
      err << "error: " << what << "\n";
    return 1;
  }
  try {
    storage::projection_runner runner(*store, read_model_file(data_dir));
    add_projections(runner);
    auto applied = runner.rebuild(storage::channel_directory::projection_name);
    auto count = runner.db().prepare("SELECT COUNT(*) FROM channels");
    count.step();
    out << "rebuilt " << storage::channel_directory::projection_name << ": "
        << count.column_int64(0) << " rows from " << applied << " events\n";
  } catch (const std::exception& e) {
    err << "error: rebuilding read models failed: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace aethex::app
