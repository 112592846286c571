#include "storage/read_model.hpp"

#include <iostream>
#include <stdexcept>

namespace aethex::storage {

projection_runner::projection_runner(event_store& store, const std::filesystem::path& db_file,
                                     options opts)
    : store_(store), opts_(opts), db_(db_file) {
  if (opts_.batch_size == 0)
    opts_.batch_size = 1;
  db_.exec(
    "CREATE TABLE IF NOT EXISTS projection_checkpoints("
    "name TEXT PRIMARY KEY, position INTEGER NOT NULL)");
}

projection_runner::~projection_runner() { stop(); }

projection& projection_runner::add(std::unique_ptr<projection> p) {
  std::lock_guard lock(work_mutex_);
  if (!p)
    throw std::invalid_argument("projection_runner::add: null projection");
  if (find(p->name()))
    throw std::invalid_argument("projection already added: " + p->name());
  p->create_schema(db_);
  projections_.push_back(std::move(p));
  return *projections_.back();
}

std::vector<std::string> projection_runner::names() const {
  std::vector<std::string> out;
  for (auto& p : projections_)
    out.push_back(p->name());
  return out;
}

projection* projection_runner::find(std::string_view name) {
  for (auto& p : projections_)
    if (p->name() == name)
      return p.get();
  return nullptr;
}

std::uint64_t projection_runner::read_checkpoint(const std::string& name) {
  auto q = db_.prepare("SELECT position FROM projection_checkpoints WHERE name = ?1");
  q.bind(1, name);
  return q.step() ? static_cast<std::uint64_t>(q.column_int64(0)) : 0;
}

std::uint64_t projection_runner::checkpoint(std::string_view name) {
  std::lock_guard lock(work_mutex_);
  return read_checkpoint(std::string(name));
}

std::size_t projection_runner::catch_up_one(projection& p) {
  const std::string name = p.name();
  std::size_t applied = 0;
  for (;;) {
    const std::uint64_t from = read_checkpoint(name) + 1;
    const auto batch = store_.read_global(from, opts_.batch_size);
    if (batch.empty())
      return applied;
    sqlite::transaction tx(db_);
    for (const auto& e : batch)
      p.apply(tx, e);
    auto save = db_.prepare(
      "INSERT INTO projection_checkpoints(name, position) VALUES(?1, ?2) "
      "ON CONFLICT(name) DO UPDATE SET position = excluded.position");
    save.bind(1, name).bind(2, static_cast<std::int64_t>(batch.back().global_position)).run();
    tx.commit();
    applied += batch.size();
    if (batch.size() < opts_.batch_size)
      return applied;
  }
}

std::size_t projection_runner::catch_up() {
  std::lock_guard lock(work_mutex_);
  std::size_t applied = 0;
  for (auto& p : projections_)
    applied += catch_up_one(*p);
  return applied;
}

std::size_t projection_runner::rebuild(std::string_view name) {
  std::lock_guard lock(work_mutex_);
  projection* p = find(name);
  if (!p)
    throw std::invalid_argument("unknown projection: " + std::string(name));
  {
    sqlite::transaction tx(db_);
    p->reset(db_);
    db_.prepare("DELETE FROM projection_checkpoints WHERE name = ?1").bind(1, name).run();
    tx.commit();
  }
  return catch_up_one(*p);
}

void projection_runner::start() {
  if (worker_.joinable())
    return;
  worker_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

void projection_runner::stop() {
  if (!worker_.joinable())
    return;
  worker_.request_stop();
  wake_cv_.notify_all();
  worker_.join();
}

void projection_runner::notify() {
  {
    std::lock_guard lock(wake_mutex_);
    wake_ = true;
  }
  wake_cv_.notify_all();
}

std::optional<std::string> projection_runner::last_error() const {
  std::lock_guard lock(wake_mutex_);
  return last_error_;
}

void projection_runner::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    std::optional<std::string> error;
    try {
      catch_up();
    } catch (const std::exception& ex) {
      error = ex.what();
    }
    std::unique_lock lock(wake_mutex_);
    // A failing projection freezes every read model behind it: say so once, and when it heals.
    if (error && error != last_error_)
      std::clog << "read models: catching up failed (retrying): " << *error << std::endl;
    else if (!error && last_error_)
      std::clog << "read models: catching up again" << std::endl;
    last_error_ = std::move(error);
    wake_cv_.wait_for(lock, stop, opts_.poll_interval, [this] { return wake_; });
    wake_ = false;
  }
}

}  // namespace aethex::storage
