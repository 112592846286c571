#include "net/app/read_models.hpp"

#include <iostream>
#include <ostream>
#include <set>
#include <stdexcept>

#include "actors/modules.hpp"
#include "runtime/errors.hpp"

namespace aethex::app {

std::filesystem::path read_model_file(const std::filesystem::path& data_dir) {
  return data_dir / "read_models.sqlite";
}

namespace {

constexpr auto poll_interval = std::chrono::milliseconds(200);

}  // namespace

// Sees every event (added before the modules' projections, it never runs ahead of them within
// one catch-up) and notes its kind; writes nothing.
struct read_models::touched_kinds final : storage::projection {
  static constexpr std::string_view projection_name = "changed_kinds";

  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database&) override {}
  void reset(storage::sqlite::database&) override {}
  void apply(storage::sqlite::transaction&, const storage::recorded_event& e) override {
    auto kind = std::string_view{e.stream}.substr(0, e.stream.find('/'));
    std::lock_guard lock{mutex};
    if (!kinds.contains(kind))
      kinds.emplace(kind);
  }
  std::vector<std::string> take() {
    std::lock_guard lock{mutex};
    std::vector<std::string> out(kinds.begin(), kinds.end());
    kinds.clear();
    return out;
  }

  std::mutex mutex;
  std::set<std::string, std::less<>> kinds;  // bounded: stream kinds come from code
};

namespace {

void add_projections(storage::projection_runner& runner, const actors::module_list& modules) {
  for (auto& module : modules)
    module->add_projections(runner);
}

}  // namespace

read_models::read_models(storage::event_store& store, const std::filesystem::path& data_dir,
                         const actors::module_list& modules,
                         std::function<bool(std::string_view stream)> acts_on)
    : runner_(store, read_model_file(data_dir)) {
  auto touched = std::make_unique<touched_kinds>();
  touched_ = touched.get();
  runner_.add(std::move(touched));
  add_projections(runner_, modules);
  if (acts_on)
    for (auto& name : runner_.names())
      runner_.find(name)->set_acts_on(acts_on);
  for (auto& module : modules)
    module->add_queries(queries_);
  worker_ = std::jthread([this](std::stop_token stop) { run(stop); });
  reader_ = std::make_unique<storage::sqlite::database>(read_model_file(data_dir),
                                                        storage::sqlite::database::mode::read_only);
}

read_models::~read_models() { stop(); }

void read_models::stop() {
  worker_.request_stop();
  wake_cv_.notify_all();
  if (worker_.joinable())
    worker_.join();
}

void read_models::notify() {
  {
    std::lock_guard lock(wake_mutex_);
    wake_ = true;
  }
  wake_cv_.notify_all();
}

std::optional<std::string> read_models::last_error() const {
  std::lock_guard lock(wake_mutex_);
  return last_error_;
}

void read_models::on_change(change_observer observer) {
  std::lock_guard lock(wake_mutex_);
  observer_ = std::move(observer);
}

// storage::projection_runner::start()'s loop, plus the report of what changed.
void read_models::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    std::optional<std::string> error;
    try {
      runner_.catch_up();
    } catch (const std::exception& ex) {
      error = ex.what();
    }
    auto kinds = touched_->take();
    std::unique_lock lock(wake_mutex_);
    // A failing projection freezes every read model behind it: say so once, and when it heals.
    if (error && error != last_error_)
      std::clog << "read models: catching up failed (retrying): " << *error << std::endl;
    else if (!error && last_error_)
      std::clog << "read models: catching up again" << std::endl;
    last_error_ = std::move(error);
    // Under the lock, so on_change(nullptr) returns only once no call is under way.
    if (!kinds.empty() && observer_)
      observer_(kinds);
    wake_cv_.wait_for(lock, stop, poll_interval, [this] { return wake_; });
    wake_ = false;
  }
}

std::vector<std::pair<std::string, std::uint64_t>> read_models::projection_lag(std::uint64_t head) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (auto& name : runner_.names()) {
    if (name == touched_kinds::projection_name)
      continue;
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
