#include "storage/rocksdb_event_store.hpp"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "storage/keys.hpp"

namespace aethex::storage {
namespace {

constexpr std::size_t max_group_size = 4096;  // bounds the latency one leader adds for others

std::string_view to_view(const rocksdb::Slice& s) { return {s.data(), s.size()}; }
rocksdb::Slice to_slice(std::string_view s) { return {s.data(), s.size()}; }

std::optional<std::string> invalid_reason(std::string_view stream, std::span<const event> events) {
  if (stream.empty())
    return "stream name is empty";
  if (stream.find('\0') != std::string_view::npos)
    return "stream name contains a NUL byte";
  for (const auto& e : events)
    if (e.type.empty())
      return "event type is empty";
  return std::nullopt;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

void throw_if_error(const rocksdb::Status& s, std::string_view what) {
  if (!s.ok())
    throw std::runtime_error("event store: " + std::string(what) + ": " + s.ToString());
}

}  // namespace

struct rocksdb_event_store::pending_append {
  std::string_view stream;
  std::uint64_t expected_version;
  std::span<const event> events;
  append_result result;
  bool done = false;
  std::optional<event_store::append_marker> marker;
};

void rocksdb_event_store::handle_deleter::operator()(rocksdb::ColumnFamilyHandle* h) const {
  db->DestroyColumnFamilyHandle(h);
}

std::unique_ptr<event_store> event_store::open(const std::filesystem::path& dir, options opts) {
  return std::make_unique<rocksdb_event_store>(dir, opts);
}

rocksdb_event_store::rocksdb_event_store(const std::filesystem::path& dir, options opts)
    : dir_(dir), opts_(opts) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    throw std::runtime_error("event store: cannot create data folder '" + dir.string() +
                             "': " + ec.message());

  rocksdb::Options db_opts;
  db_opts.create_if_missing = true;
  db_opts.create_missing_column_families = true;
  db_opts.IncreaseParallelism(2);
  db_opts.keep_log_file_num = 3;
  db_opts.max_log_file_size = 4 << 20;
  // All memtables together flush at this size. RocksDB's default (64 MB per column family, two
  // each) would let a chatty node hold ~0.5 GB of events in memory before the first flush.
  db_opts.db_write_buffer_size = write_buffer_bytes;

  // One block cache for every column family, of a fixed size: without it each family's table
  // factory makes its own, and read memory grows with the number of families read.
  block_cache_ = rocksdb::NewLRUCache(block_cache_bytes);
  rocksdb::BlockBasedTableOptions table_opts;
  table_opts.block_cache = block_cache_;
  rocksdb::ColumnFamilyOptions cf_opts;
  cf_opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_opts));
  const std::vector<rocksdb::ColumnFamilyDescriptor> descriptors{
    {rocksdb::kDefaultColumnFamilyName, cf_opts},
    {"events", cf_opts},
    {"global", cf_opts},
    {"snapshots", cf_opts},
    {"meta", cf_opts}};
  std::vector<rocksdb::ColumnFamilyHandle*> raw_handles;
  rocksdb::DB* raw_db = nullptr;
  const auto status = rocksdb::DB::Open(db_opts, dir.string(), descriptors, &raw_handles, &raw_db);
  if (!status.ok()) {
    std::string msg = "event store: cannot open data folder '" + dir.string() +
                      "': " + status.ToString();
    if (status.ToString().find("lock") != std::string::npos ||
        status.ToString().find("LOCK") != std::string::npos)
      msg += " (is another aethex process using this data folder?)";
    throw std::runtime_error(msg);
  }
  db_.reset(raw_db);
  for (auto* h : raw_handles)
    handles_.emplace_back(h, handle_deleter{raw_db});
  events_cf_ = raw_handles[1];
  global_cf_ = raw_handles[2];
  snapshots_cf_ = raw_handles[3];
  meta_cf_ = raw_handles[4];

  std::string head;
  const auto s = db_->Get(rocksdb::ReadOptions{}, meta_cf_, to_slice(keys::global_head_key), &head);
  if (s.ok() && head.size() == 8)
    global_head_ = keys::read_be64(head);
  else if (!s.IsNotFound())
    throw_if_error(s, "reading global head in '" + dir.string() + "'");
}

rocksdb_event_store::~rocksdb_event_store() {
  handles_.clear();  // column family handles must go before the DB
  if (db_)
    db_->Close().PermitUncheckedError();
}

append_result rocksdb_event_store::append(std::string_view stream, std::uint64_t expected_version,
                                          std::span<const event> events) {
  append_timer timer{*this};
  if (auto reason = invalid_reason(stream, events))
    return {append_status::invalid, 0, std::move(*reason)};

  pending_append self{stream, expected_version, events, {}, false, std::nullopt};
  return enqueue(self);
}

append_result rocksdb_event_store::append_marked(std::string_view stream,
                                                 std::uint64_t expected_version,
                                                 std::span<const event> events,
                                                 append_marker marker) {
  append_timer timer{*this};
  if (auto reason = invalid_reason(stream, events)) {
    put_meta(marker.key, marker.value);
    return {append_status::invalid, 0, std::move(*reason)};
  }
  pending_append self{stream, expected_version, events, {}, false, marker};
  return enqueue(self);
}

append_result rocksdb_event_store::enqueue(pending_append& self) {
  std::unique_lock lock(queue_mutex_);
  queue_.push_back(&self);
  queue_cv_.wait(lock, [&] { return self.done || !leader_active_; });
  if (self.done)
    return std::move(self.result);

  // Become leader: take what is queued (including ourselves) and write it as one batch.
  leader_active_ = true;
  if (queue_.size() < last_group_size_) {
    // Members of the previous group are likely about to append again; one yield lets them
    // join this batch instead of waiting a whole fsync for the next one.
    lock.unlock();
    std::this_thread::yield();
    lock.lock();
  }
  std::deque<pending_append*> group;
  while (!queue_.empty() && group.size() < max_group_size) {
    group.push_back(queue_.front());
    queue_.pop_front();
  }
  last_group_size_ = group.size();
  lock.unlock();
  try {
    commit_group(group);
  } catch (const std::exception& ex) {
    for (auto* p : group)
      p->result = {append_status::io_error, 0, ex.what()};
  }
  lock.lock();
  for (auto* p : group)
    p->done = true;
  leader_active_ = false;
  lock.unlock();
  queue_cv_.notify_all();
  return std::move(self.result);
}

void rocksdb_event_store::commit_group(std::deque<pending_append*>& group) {
  rocksdb::WriteBatch batch;
  std::unordered_map<std::string, std::uint64_t> versions;  // includes this group's effects
  std::uint64_t head = global_head_.load();
  const std::uint64_t head_before = head;
  const std::int64_t stamp = now_ms();

  bool marked = false;
  for (auto* p : group) {
    if (p->marker) {
      marked = true;
      throw_if_error(batch.Put(meta_cf_, keys::user_meta_key(p->marker->key),
                               to_slice(p->marker->value)),
                     "batch");
    }
    std::string stream(p->stream);
    auto it = versions.find(stream);
    if (it == versions.end())
      it = versions.emplace(stream, stored_version(stream)).first;
    const std::uint64_t current = it->second;
    if (p->expected_version != any_version && p->expected_version != current) {
      p->result = {append_status::conflict, current,
                   "stream " + stream + " is at version " + std::to_string(current) +
                     ", expected " + std::to_string(p->expected_version)};
      continue;
    }
    std::uint64_t seq = current;
    for (const auto& e : p->events) {
      const std::string key = keys::event_key(stream, ++seq);
      ++head;
      if (e.timestamp_ms == 0) {
        event stamped = e;
        stamped.timestamp_ms = stamp;
        throw_if_error(batch.Put(events_cf_, key, keys::encode_event(stamped, head)), "batch");
      } else {
        throw_if_error(batch.Put(events_cf_, key, keys::encode_event(e, head)), "batch");
      }
      throw_if_error(batch.Put(global_cf_, keys::be64(head), key), "batch");
    }
    if (seq != current)
      throw_if_error(batch.Put(meta_cf_, keys::version_key(stream), keys::be64(seq)), "batch");
    it->second = seq;
    p->result = {append_status::ok, seq, {}};
  }
  appends_ += group.size();
  if (head == head_before && !marked)
    return;  // only conflicts or empty appends: nothing to write

  throw_if_error(batch.Put(meta_cf_, keys::global_head_key, keys::be64(head)), "batch");
  rocksdb::WriteOptions wo;
  wo.sync = opts_.sync;
  const auto status = db_->Write(wo, &batch);
  ++write_batches_;
  if (!status.ok()) {
    for (auto* p : group)
      if (p->result.status == append_status::ok)
        p->result = {append_status::io_error, 0, "write failed: " + status.ToString()};
    return;
  }
  global_head_ = head;
}

std::uint64_t rocksdb_event_store::stored_version(std::string_view stream) {
  std::string value;
  const auto s = db_->Get(rocksdb::ReadOptions{}, meta_cf_, keys::version_key(stream), &value);
  if (s.IsNotFound())
    return 0;
  throw_if_error(s, "reading version of " + std::string(stream));
  return value.size() == 8 ? keys::read_be64(value) : 0;
}

std::uint64_t rocksdb_event_store::version(std::string_view stream) {
  return stored_version(stream);
}

std::vector<recorded_event> rocksdb_event_store::read_stream(std::string_view stream,
                                                             std::uint64_t from_seq,
                                                             std::size_t max_count) {
  std::vector<recorded_event> out;
  if (max_count == 0 || stream.empty())
    return out;
  std::string upper = keys::stream_prefix(stream);
  upper.back() = '\x01';  // first key past every "stream\0..." key
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, events_cf_));
  for (it->Seek(keys::event_key(stream, std::max<std::uint64_t>(from_seq, 1)));
       it->Valid() && out.size() < max_count; it->Next()) {
    auto parts = keys::parse_event_key(to_view(it->key()));
    auto data = keys::decode_event(to_view(it->value()));
    if (!parts || !data)
      throw std::runtime_error("event store: corrupt event record in stream " +
                               std::string(stream));
    out.push_back({std::string(stream), parts->seq, data->global_position, std::move(data->data)});
  }
  throw_if_error(it->status(), "reading stream " + std::string(stream));
  return out;
}

std::vector<recorded_event> rocksdb_event_store::read_global(std::uint64_t from_position,
                                                             std::size_t max_count) {
  std::vector<recorded_event> out;
  if (max_count == 0)
    return out;
  std::vector<std::uint64_t> positions;
  std::vector<std::string> event_keys;
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions{}, global_cf_));
    for (it->Seek(keys::be64(std::max<std::uint64_t>(from_position, 1)));
         it->Valid() && positions.size() < max_count; it->Next()) {
      positions.push_back(keys::read_be64(to_view(it->key())));
      event_keys.emplace_back(to_view(it->value()));
    }
    throw_if_error(it->status(), "reading global log");
  }
  std::vector<rocksdb::ColumnFamilyHandle*> cfs(event_keys.size(), events_cf_);
  std::vector<rocksdb::Slice> slices(event_keys.begin(), event_keys.end());
  std::vector<std::string> values;
  const auto statuses = db_->MultiGet(rocksdb::ReadOptions{}, cfs, slices, &values);
  out.reserve(positions.size());
  for (std::size_t i = 0; i < positions.size(); ++i) {
    throw_if_error(statuses[i], "reading event at global position " + std::to_string(positions[i]));
    auto parts = keys::parse_event_key(event_keys[i]);
    auto data = keys::decode_event(values[i]);
    if (!parts || !data || data->global_position != positions[i])
      throw std::runtime_error("event store: corrupt event at global position " +
                               std::to_string(positions[i]));
    out.push_back({std::string(parts->stream), parts->seq, positions[i], std::move(data->data)});
  }
  return out;
}

std::uint64_t rocksdb_event_store::global_head() { return global_head_.load(); }

std::vector<std::string> rocksdb_event_store::list_streams(std::string_view prefix,
                                                           std::size_t max_count) {
  std::vector<std::string> out;
  const std::string seek = keys::version_key(prefix);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions{}, meta_cf_));
  for (it->Seek(seek); it->Valid() && out.size() < max_count; it->Next()) {
    const auto key = to_view(it->key());
    if (!key.starts_with(seek))
      break;
    out.emplace_back(key.substr(keys::version_prefix.size()));
  }
  throw_if_error(it->status(), "listing streams");
  return out;
}

void rocksdb_event_store::remove_stream(std::string_view stream) {
  if (stream.empty())
    return;
  // Runs as the group-commit leader, so no append to this stream interleaves with the delete.
  {
    std::unique_lock lock(queue_mutex_);
    queue_cv_.wait(lock, [&] { return !leader_active_; });
    leader_active_ = true;
  }
  struct leader_release {
    rocksdb_event_store* store;
    ~leader_release() {
      {
        std::lock_guard lock(store->queue_mutex_);
        store->leader_active_ = false;
      }
      store->queue_cv_.notify_all();
    }
  } release{this};
  const std::string lower = keys::stream_prefix(stream);
  std::string upper = lower;
  upper.back() = '\x01';
  rocksdb::WriteBatch batch;
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, events_cf_));
  for (it->Seek(lower); it->Valid(); it->Next())
    if (auto data = keys::decode_event(to_view(it->value())))
      throw_if_error(batch.Delete(global_cf_, keys::be64(data->global_position)), "batch");
  throw_if_error(it->status(), "reading stream " + std::string(stream));
  throw_if_error(batch.DeleteRange(events_cf_, lower, upper), "batch");
  throw_if_error(batch.Delete(meta_cf_, keys::version_key(stream)), "batch");
  throw_if_error(batch.Delete(snapshots_cf_, to_slice(stream)), "batch");
  rocksdb::WriteOptions wo;
  wo.sync = opts_.sync;
  throw_if_error(db_->Write(wo, &batch), "removing stream " + std::string(stream));
}

void rocksdb_event_store::put_synced(rocksdb::ColumnFamilyHandle* cf, std::string_view key,
                                     std::string_view value) {
  rocksdb::WriteOptions wo;
  wo.sync = opts_.sync;
  throw_if_error(db_->Put(wo, cf, to_slice(key), to_slice(value)), "write");
}

void rocksdb_event_store::save_snapshot(std::string_view stream, const snapshot& snap) {
  put_synced(snapshots_cf_, stream, keys::encode_snapshot(snap));
}

std::optional<snapshot> rocksdb_event_store::load_snapshot(std::string_view stream) {
  std::string value;
  const auto s = db_->Get(rocksdb::ReadOptions{}, snapshots_cf_, to_slice(stream), &value);
  if (s.IsNotFound())
    return std::nullopt;
  throw_if_error(s, "reading snapshot of " + std::string(stream));
  return keys::decode_snapshot(value);
}

void rocksdb_event_store::put_meta(std::string_view key, std::string_view value) {
  put_synced(meta_cf_, keys::user_meta_key(key), value);
}

std::optional<std::string> rocksdb_event_store::get_meta(std::string_view key) {
  std::string value;
  const auto s = db_->Get(rocksdb::ReadOptions{}, meta_cf_, keys::user_meta_key(key), &value);
  if (s.IsNotFound())
    return std::nullopt;
  throw_if_error(s, "reading meta " + std::string(key));
  return value;
}

std::uint64_t rocksdb_event_store::memory_bytes() {
  // Memtables, the index and filter blocks of open tables, and the shared block cache: what the
  // store holds in memory, each part bounded.
  std::uint64_t total = block_cache_->GetUsage();
  for (const auto& property : {rocksdb::DB::Properties::kCurSizeAllMemTables,
                               rocksdb::DB::Properties::kEstimateTableReadersMem}) {
    std::uint64_t bytes = 0;
    if (db_->GetAggregatedIntProperty(property, &bytes))
      total += bytes;
  }
  return total;
}

rocksdb_event_store::stats rocksdb_event_store::statistics() const {
  return {appends_.load(), write_batches_.load()};
}

}  // namespace aethex::storage
