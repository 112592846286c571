#include "net/app/read_models.hpp"

#include <ostream>
#include <stdexcept>

#include "actors/modules.hpp"
#include "runtime/errors.hpp"

namespace aethex::app {

std::filesystem::path read_model_file(const std::filesystem::path& data_dir) {
  return data_dir / "read_models.sqlite";
}

namespace {

storage::projection_runner::options runner_options() {
  storage::projection_runner::options opts;
  opts.poll_interval = std::chrono::milliseconds(200);
  return opts;
}

void add_projections(storage::projection_runner& runner, const actors::module_list& modules) {
  for (auto& module : modules)
    module->add_projections(runner);
}

}  // namespace

read_models::read_models(storage::event_store& store, const std::filesystem::path& data_dir,
                         const actors::module_list& modules)
    : runner_(store, read_model_file(data_dir), runner_options()) {
  add_projections(runner_, modules);
  for (auto& module : modules)
    module->add_queries(queries_);
  runner_.start();
  reader_ = std::make_unique<storage::sqlite::database>(read_model_file(data_dir),
                                                        storage::sqlite::database::mode::read_only);
}

read_models::~read_models() { runner_.stop(); }

void read_models::notify() { runner_.notify(); }

std::vector<std::pair<std::string, std::uint64_t>> read_models::projection_lag(std::uint64_t head) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (auto& name : runner_.names()) {
    auto done = runner_.checkpoint(name);
    out.emplace_back(name, head > done ? head - done : 0);
  }
  return out;
}

caf::expected<nlohmann::json> read_models::query(std::string_view name, const nlohmann::json& args,
                                                 const actors::owns_fn& owns) {
  auto it = queries_.find(name);
  if (it == queries_.end())
    return make_error(errc::not_found, "no read-model query named " + std::string{name});
  std::lock_guard lock(reader_mutex_);
  try {
    return it->second(*reader_, args, owns);
  } catch (const std::exception&) {
    return make_error(errc::unavailable, "the read models are not available");
  }
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
    add_projections(runner, actors::all_modules());
    for (auto& name : runner.names()) {
      auto applied = runner.rebuild(name);
      out << "rebuilt " << name;
      if (auto rows = runner.find(name)->row_count(runner.db()))
        out << ": " << *rows << " rows";
      out << " from " << applied << " events\n";
    }
  } catch (const std::exception& e) {
    err << "error: rebuilding read models failed: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace aethex::app
