// Storage benchmark (not a test): durable append throughput of the event store against raw SQLite
// (WAL, synchronous=FULL) doing the same work, and entity recovery time from zero vs. snapshot.
//
// usage: storage_bench [--seconds S] [--dir DIR] [--recovery-events N]
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "storage/event_store.hpp"
#include "storage/rocksdb_event_store.hpp"
#include "storage/sqlite_db.hpp"

using namespace aethex::storage;
using clock_type = std::chrono::steady_clock;

namespace {

struct config {
  double seconds = 2.5;  // per throughput measurement
  std::filesystem::path dir = std::filesystem::temp_directory_path();
  std::uint64_t recovery_events = 1'000'000;
  std::uint64_t tail_events = 100;
};

// A scratch folder removed on scope exit.
struct scratch {
  std::filesystem::path path;
  explicit scratch(const config& cfg, const std::string& tag)
      : path(cfg.dir / ("aethex-bench-" + tag + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~scratch() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

std::string payload_for(std::uint64_t n) {
  return R"({"viewer":"user-)" + std::to_string(n % 977) + R"(","amount":)" +
         std::to_string(n % 500) + R"(,"note":"benchmark payload of a typical size"})";
}

std::vector<event> make_batch(std::size_t size, std::uint64_t base) {
  std::vector<event> batch;
  for (std::size_t i = 0; i < size; ++i)
    batch.push_back({"wallet.credited", 1, 1700000000000, payload_for(base + i)});
  return batch;
}

// Runs `step` (which returns events written) on `threads` threads for cfg.seconds; events/s.
double measure(const config& cfg, int threads, const std::function<std::size_t(int thread)>& step) {
  std::atomic<std::uint64_t> total{0};
  const auto start = clock_type::now();
  const auto deadline = start + std::chrono::duration_cast<clock_type::duration>(
                                  std::chrono::duration<double>(cfg.seconds));
  std::vector<std::jthread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      std::uint64_t mine = 0;
      while (clock_type::now() < deadline)
        mine += step(t);
      total += mine;
    });
  workers.clear();  // joins
  return static_cast<double>(total) / seconds_since(start);
}

// --- event store -----------------------------------------------------------------------------

double store_single_stream(const config& cfg, std::size_t batch_size) {
  scratch dir(cfg, "rocks");
  auto store = event_store::open(dir.path);
  std::uint64_t version = 0;
  const auto batch = make_batch(batch_size, 0);
  return measure(cfg, 1, [&](int) {
    auto r = store->append("wallet/single", version, batch);
    if (!r)
      throw std::runtime_error(r.message);
    version = r.version;
    return batch_size;
  });
}

double store_many_streams(const config& cfg, int threads, int streams, std::size_t batch_size,
                          double* merge_factor) {
  scratch dir(cfg, "rocks-many");
  auto store = event_store::open(dir.path);
  std::vector<std::vector<std::uint64_t>> versions(
    threads, std::vector<std::uint64_t>(streams / threads, 0));
  std::vector<std::size_t> cursor(threads, 0);
  const auto batch = make_batch(batch_size, 0);
  const double rate = measure(cfg, threads, [&](int t) {
    auto& v = versions[t];
    const std::size_t i = cursor[t]++ % v.size();
    // Streams are split between threads so versions are known; no retries muddy the figure.
    const std::string stream = "wallet/" + std::to_string(t) + "-" + std::to_string(i);
    auto r = store->append(stream, v[i], batch);
    if (!r)
      throw std::runtime_error(r.message);
    v[i] = r.version;
    return batch_size;
  });
  auto stats = dynamic_cast<rocksdb_event_store&>(*store).statistics();
  *merge_factor = stats.write_batches ? static_cast<double>(stats.appends) / stats.write_batches
                                      : 0;
  return rate;
}

// --- raw SQLite peer -------------------------------------------------------------------------

constexpr const char* sqlite_schema =
  "CREATE TABLE IF NOT EXISTS events(position INTEGER PRIMARY KEY, stream TEXT NOT NULL, "
  "seq INTEGER NOT NULL, type TEXT NOT NULL, schema INTEGER NOT NULL, ts INTEGER NOT NULL, "
  "payload TEXT NOT NULL, UNIQUE(stream, seq))";

sqlite::database open_sqlite_peer(const std::filesystem::path& file) {
  sqlite::database db(file);
  db.exec("PRAGMA synchronous=FULL");
  db.exec(sqlite_schema);
  return db;
}

void sqlite_insert(sqlite::database& db, sqlite::statement& insert, const std::string& stream,
                   std::uint64_t& version, const std::vector<event>& batch) {
  sqlite::transaction tx(db);
  for (const auto& e : batch) {
    insert.bind(1, stream)
      .bind(2, static_cast<std::int64_t>(++version))
      .bind(3, e.type)
      .bind(4, std::int64_t{e.schema})
      .bind(5, e.timestamp_ms)
      .bind(6, e.payload)
      .run();
  }
  tx.commit();
}

constexpr const char* sqlite_insert_sql =
  "INSERT INTO events(stream, seq, type, schema, ts, payload) VALUES(?1, ?2, ?3, ?4, ?5, ?6)";

double sqlite_single_stream(const config& cfg, std::size_t batch_size) {
  scratch dir(cfg, "sqlite");
  auto db = open_sqlite_peer(dir.path / "events.db");
  auto insert = db.prepare(sqlite_insert_sql);
  std::uint64_t version = 0;
  const auto batch = make_batch(batch_size, 0);
  return measure(cfg, 1, [&](int) {
    sqlite_insert(db, insert, "wallet/single", version, batch);
    return batch_size;
  });
}

double sqlite_many_streams(const config& cfg, int threads, int streams, std::size_t batch_size) {
  scratch dir(cfg, "sqlite-many");
  { open_sqlite_peer(dir.path / "events.db"); }
  // One connection per thread: SQLite has a single writer, so they take turns.
  std::vector<sqlite::database> dbs;
  std::vector<sqlite::statement> inserts;
  for (int t = 0; t < threads; ++t)
    dbs.push_back(open_sqlite_peer(dir.path / "events.db"));
  for (auto& db : dbs)
    inserts.push_back(db.prepare(sqlite_insert_sql));
  std::vector<std::vector<std::uint64_t>> versions(
    threads, std::vector<std::uint64_t>(streams / threads, 0));
  std::vector<std::size_t> cursor(threads, 0);
  const auto batch = make_batch(batch_size, 0);
  return measure(cfg, threads, [&](int t) {
    auto& v = versions[t];
    const std::size_t i = cursor[t]++ % v.size();
    sqlite_insert(dbs[t], inserts[t], "wallet/" + std::to_string(t) + "-" + std::to_string(i), v[i],
                  batch);
    return batch_size;
  });
}

// --- recovery --------------------------------------------------------------------------------

struct wallet_state {
  std::uint64_t events = 0;
  std::int64_t balance = 0;
  void apply(const recorded_event& e) {
    ++events;
    const auto pos = e.data.payload.find("\"amount\":");
    if (pos != std::string::npos)
      balance += std::atoll(e.data.payload.c_str() + pos + 9);
  }
  std::string serialize() const { return std::to_string(events) + " " + std::to_string(balance); }
  static wallet_state parse(const std::string& s) {
    wallet_state w;
    std::sscanf(s.c_str(), "%lu %ld", &w.events, &w.balance);
    return w;
  }
};

wallet_state replay(event_store& store, const std::string& stream, std::uint64_t from,
                    wallet_state state) {
  constexpr std::size_t page = 10'000;
  for (;;) {
    auto events = store.read_stream(stream, from, page);
    for (const auto& e : events)
      state.apply(e);
    if (events.size() < page)
      return state;
    from = events.back().seq + 1;
  }
}

void recovery(const config& cfg) {
  scratch dir(cfg, "recovery");
  const std::string stream = "wallet/whale";
  const std::uint64_t snapshot_at = cfg.recovery_events - cfg.tail_events;
  {
    event_store::options fast;
    fast.sync = false;  // loading the fixture; durability is not what is measured here
    auto store = event_store::open(dir.path, fast);
    const auto start = clock_type::now();
    wallet_state state;
    for (std::uint64_t written = 0; written < cfg.recovery_events;) {
      const std::uint64_t next_stop = written < snapshot_at ? snapshot_at : cfg.recovery_events;
      const std::size_t n = std::min<std::uint64_t>(1000, next_stop - written);
      auto r = store->append(stream, written, make_batch(n, written));
      if (!r)
        throw std::runtime_error(r.message);
      written = r.version;
      if (written == snapshot_at)
        store->save_snapshot(stream, {snapshot_at, replay(*store, stream, 1, {}).serialize()});
    }
    std::printf("  (fixture: %lu events written in %.1f s)\n",
                static_cast<unsigned long>(cfg.recovery_events), seconds_since(start));
  }
  auto store = event_store::open(dir.path);  // reopen: measure from a cold-ish open store

  auto start = clock_type::now();
  const auto from_zero = replay(*store, stream, 1, {});
  const double zero_s = seconds_since(start);

  start = clock_type::now();
  auto snap = store->load_snapshot(stream);
  if (!snap)
    throw std::runtime_error("snapshot missing");
  const auto from_snap = replay(*store, stream, snap->version + 1,
                                wallet_state::parse(snap->state));
  const double snap_s = seconds_since(start);

  if (from_zero.events != from_snap.events || from_zero.balance != from_snap.balance)
    throw std::runtime_error("snapshot recovery disagrees with full replay");
  std::printf("recovery of one entity with %lu events (same final state both ways):\n",
              static_cast<unsigned long>(cfg.recovery_events));
  std::printf("  replay from zero             %10.3f ms\n", zero_s * 1e3);
  std::printf("  snapshot + %4lu-event tail   %10.3f ms   (%.0fx faster)\n",
              static_cast<unsigned long>(cfg.tail_events), snap_s * 1e3, zero_s / snap_s);
}

void row(const char* label, double ours, double peer) {
  std::printf("  %-34s %12.0f ev/s %12.0f ev/s %8.2fx\n", label, ours, peer, ours / peer);
}

}  // namespace

int main(int argc, char** argv) {
  config cfg;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--seconds"))
      cfg.seconds = std::atof(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--dir"))
      cfg.dir = argv[i + 1];
    else if (!std::strcmp(argv[i], "--recovery-events"))
      cfg.recovery_events = std::strtoull(argv[i + 1], nullptr, 10);
    else {
      std::fprintf(stderr, "usage: %s [--seconds S] [--dir DIR] [--recovery-events N]\n", argv[0]);
      return 2;
    }
  }
  try {
    std::printf(
      "durable appends (sync=true vs. SQLite WAL synchronous=FULL), %.1f s each, data in %s\n",
      cfg.seconds, cfg.dir.c_str());
    std::printf("  %-34s %17s %17s %9s\n", "workload", "event store", "raw sqlite", "ratio");
    row("1 stream, batch 1", store_single_stream(cfg, 1), sqlite_single_stream(cfg, 1));
    row("1 stream, batch 100", store_single_stream(cfg, 100), sqlite_single_stream(cfg, 100));
    double merge = 0;
    const double many = store_many_streams(cfg, 8, 1000, 1, &merge);
    row("1k streams, 8 threads, batch 1", many, sqlite_many_streams(cfg, 8, 1000, 1));
    std::printf("  (group commit merged %.1f appends per synced write batch)\n", merge);
    double merge_batched = 0;
    const double many_batched = store_many_streams(cfg, 8, 1000, 20, &merge_batched);
    row("1k streams, 8 threads, batch 20", many_batched, sqlite_many_streams(cfg, 8, 1000, 20));
    std::printf("  (group commit merged %.1f appends per synced write batch)\n", merge_batched);
    recovery(cfg);
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "storage_bench: %s\n", ex.what());
    return 1;
  }
  return 0;
}
