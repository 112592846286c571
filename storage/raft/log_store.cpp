#include "storage/raft/log_store.hpp"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <stdexcept>

#include "storage/keys.hpp"

namespace aethex::storage::raft {
namespace {

// Key layouts, all in the default column family; the group id comes first so one group's
// records are one key range:
//   'h' be32(group)             -> be64 term | be64 vote
//   'e' be32(group) be64(index) -> be64 term | be16 type | data
//   's' be32(group)             -> snapshot (encode_snapshot)
std::string group_key(char tag, group_id group) {
  std::string key(1, tag);
  keys::append_be32(key, group);
  return key;
}

std::string entry_key(group_id group, std::uint64_t index) {
  auto key = group_key('e', group);
  keys::append_be64(key, index);
  return key;
}

std::string encode_entry(const log_entry& entry) {
  std::string value;
  value.reserve(10 + entry.data.size());
  keys::append_be64(value, entry.term);
  value.push_back(static_cast<char>(entry.type >> 8));
  value.push_back(static_cast<char>(entry.type & 0xff));
  value += entry.data;
  return value;
}

std::optional<log_entry> decode_entry(std::string_view value) {
  if (value.size() < 10)
    return std::nullopt;
  log_entry entry;
  entry.term = keys::read_be64(value);
  entry.type = static_cast<std::uint16_t>((static_cast<unsigned char>(value[8]) << 8) |
                                          static_cast<unsigned char>(value[9]));
  entry.data = std::string{value.substr(10)};
  return entry;
}

void append_blob(std::string& out, std::string_view blob) {
  keys::append_be64(out, blob.size());
  out += blob;
}

std::optional<std::string_view> read_blob(std::string_view& in) {
  if (in.size() < 8)
    return std::nullopt;
  auto size = keys::read_be64(in);
  if (in.size() - 8 < size)
    return std::nullopt;
  auto blob = in.substr(8, size);
  in.remove_prefix(8 + size);
  return blob;
}

std::string encode_snapshot(const snapshot_record& s) {
  std::string value;
  keys::append_be64(value, s.index);
  keys::append_be64(value, s.term);
  keys::append_be64(value, s.configuration_index);
  append_blob(value, s.configuration);
  append_blob(value, s.data);
  return value;
}

std::optional<snapshot_record> decode_snapshot(std::string_view value) {
  if (value.size() < 24)
    return std::nullopt;
  snapshot_record s;
  s.index = keys::read_be64(value);
  s.term = keys::read_be64(value.substr(8));
  s.configuration_index = keys::read_be64(value.substr(16));
  value.remove_prefix(24);
  auto configuration = read_blob(value);
  auto data = configuration ? read_blob(value) : std::nullopt;
  if (!data)
    return std::nullopt;
  s.configuration = std::string{*configuration};
  s.data = std::string{*data};
  return s;
}

rocksdb::Slice slice(std::string_view s) { return {s.data(), s.size()}; }

class rocksdb_log_store final : public log_store {
 public:
  explicit rocksdb_log_store(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
      throw std::runtime_error("raft log: cannot create folder '" + dir.string() +
                               "': " + ec.message());
    rocksdb::Options options;
    options.create_if_missing = true;
    options.keep_log_file_num = 3;
    options.max_log_file_size = 4 << 20;
    // The log is read back only at start; appends dominate, and snapshots trim it.
    options.write_buffer_size = 8 << 20;
    options.max_write_buffer_number = 2;
    rocksdb::DB* db = nullptr;
    auto status = rocksdb::DB::Open(options, dir.string(), &db);
    if (!status.ok())
      throw std::runtime_error("raft log: cannot open '" + dir.string() +
                               "': " + status.ToString());
    db_.reset(db);
    synced_.sync = true;
  }

  loaded_group load(group_id group) override {
    loaded_group loaded;
    std::string value;
    if (get(group_key('h', group), value) && value.size() >= 16)
      loaded.state = {keys::read_be64(value), keys::read_be64(std::string_view{value}.substr(8))};
    if (get(group_key('s', group), value))
      loaded.snapshot = decode_snapshot(value);
    loaded.start_index = loaded.snapshot ? loaded.snapshot->index + 1 : 1;
    auto prefix = group_key('e', group);
    std::unique_ptr<rocksdb::Iterator> it{db_->NewIterator({})};
    bool first = true;
    for (it->Seek(slice(prefix)); it->Valid() && it->key().starts_with(slice(prefix)); it->Next()) {
      auto index = keys::read_be64(std::string_view{it->key().data(), it->key().size()}.substr(5));
      auto entry = decode_entry({it->value().data(), it->value().size()});
      if (!entry)
        throw std::runtime_error("raft log: damaged entry " + std::to_string(index) + " of group " +
                                 std::to_string(group));
      if (first)
        loaded.start_index = index;
      else if (index != loaded.start_index + loaded.entries.size())
        throw std::runtime_error("raft log: gap before entry " + std::to_string(index) +
                                 " of group " + std::to_string(group));
      first = false;
      loaded.entries.push_back(std::move(*entry));
    }
    return loaded;
  }

  bool empty(group_id group) override {
    std::string value;
    if (get(group_key('h', group), value) || get(group_key('s', group), value))
      return false;
    auto prefix = group_key('e', group);
    std::unique_ptr<rocksdb::Iterator> it{db_->NewIterator({})};
    it->Seek(slice(prefix));
    return !(it->Valid() && it->key().starts_with(slice(prefix)));
  }

  void set_term(group_id group, std::uint64_t term) override { write_hard_state(group, term, 0); }

  void set_vote(group_id group, std::uint64_t vote) override {
    std::string value;
    auto term = get(group_key('h', group), value) && value.size() >= 16 ? keys::read_be64(value)
                                                                        : 0;
    write_hard_state(group, term, vote);
  }

  void stage_append(group_id group, std::uint64_t first_index,
                    std::span<const log_entry> entries) override {
    for (std::size_t i = 0; i < entries.size(); ++i)
      staged_.Put(slice(entry_key(group, first_index + i)), slice(encode_entry(entries[i])));
  }

  void stage_truncate(group_id group, std::uint64_t index) override {
    staged_.DeleteRange(slice(entry_key(group, index)), slice(entry_key(group, UINT64_MAX)));
  }

  void stage_snapshot(group_id group, const snapshot_record& snapshot,
                      std::uint64_t trailing) override {
    staged_.Put(slice(group_key('s', group)), slice(encode_snapshot(snapshot)));
    auto end = trailing == 0 ? UINT64_MAX
                             : (snapshot.index > trailing ? snapshot.index - trailing + 1 : 0);
    if (end > 0)
      staged_.DeleteRange(slice(entry_key(group, 0)), slice(entry_key(group, end)));
  }

  void commit() override {
    if (staged_.Count() == 0)
      return;
    auto status = db_->Write(synced_, &staged_);
    staged_.Clear();
    if (!status.ok())
      throw std::runtime_error("raft log: write failed: " + status.ToString());
  }

  bool has_staged() const override { return staged_.Count() > 0; }

  std::optional<snapshot_record> snapshot(group_id group) override {
    std::string value;
    if (!get(group_key('s', group), value))
      return std::nullopt;
    return decode_snapshot(value);
  }

  void remove(group_id group) override {
    rocksdb::WriteBatch batch;
    batch.Delete(slice(group_key('h', group)));
    batch.Delete(slice(group_key('s', group)));
    batch.DeleteRange(slice(entry_key(group, 0)), slice(entry_key(group, UINT64_MAX)));
    auto status = db_->Write(synced_, &batch);
    if (!status.ok())
      throw std::runtime_error("raft log: removing group " + std::to_string(group) +
                               " failed: " + status.ToString());
  }

 private:
  bool get(const std::string& key, std::string& value) {
    auto status = db_->Get({}, slice(key), &value);
    if (status.IsNotFound())
      return false;
    if (!status.ok())
      throw std::runtime_error("raft log: read failed: " + status.ToString());
    return true;
  }

  void write_hard_state(group_id group, std::uint64_t term, std::uint64_t vote) {
    std::string value;
    keys::append_be64(value, term);
    keys::append_be64(value, vote);
    auto status = db_->Put(synced_, slice(group_key('h', group)), slice(value));
    if (!status.ok())
      throw std::runtime_error("raft log: cannot persist term and vote: " + status.ToString());
  }

  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::WriteOptions synced_;
  rocksdb::WriteBatch staged_;
};

}  // namespace

std::unique_ptr<log_store> log_store::open(const std::filesystem::path& dir) {
  return std::make_unique<rocksdb_log_store>(dir);
}

}  // namespace aethex::storage::raft
