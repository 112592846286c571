#include "storage/replicated_event_store.hpp"

#include <chrono>

#include "storage/keys.hpp"
#include "storage/partition_transfer.hpp"

namespace aethex::storage {
namespace {

// Command format 1: u8 kind, then
//   append: be32 size | stream | be64 expected | be32 count |
//           count x (be32 size | type | be32 schema | be64 timestamp | be32 size | payload)
//   import: the exported blob
// Result: u8 status | be64 version | message.
enum class command_kind : std::uint8_t { append = 1, import = 2 };

void put_text(std::string& out, std::string_view text) {
  keys::append_be32(out, static_cast<std::uint32_t>(text.size()));
  out += text;
}

struct command_reader {
  std::string_view in;
  bool bad = false;
  std::uint32_t u32() {
    if (in.size() < 4)
      return bad = true, 0;
    auto v = keys::read_be32(in);
    in.remove_prefix(4);
    return v;
  }
  std::uint64_t u64() {
    if (in.size() < 8)
      return bad = true, 0;
    auto v = keys::read_be64(in);
    in.remove_prefix(8);
    return v;
  }
  std::string_view text() {
    auto size = u32();
    if (bad || in.size() < size)
      return bad = true, std::string_view{};
    auto v = in.substr(0, size);
    in.remove_prefix(size);
    return v;
  }
};

std::string encode_append(std::string_view stream, std::uint64_t expected,
                          std::span<const event> events) {
  std::string out(1, static_cast<char>(command_kind::append));
  put_text(out, stream);
  keys::append_be64(out, expected);
  keys::append_be32(out, static_cast<std::uint32_t>(events.size()));
  for (auto& e : events) {
    put_text(out, e.type);
    keys::append_be32(out, e.schema);
    keys::append_be64(out, static_cast<std::uint64_t>(e.timestamp_ms));
    put_text(out, e.payload);
  }
  return out;
}

std::string encode_result(const append_result& result) {
  std::string out(1, static_cast<char>(result.status));
  keys::append_be64(out, result.version);
  out += result.message;
  return out;
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

class replicated_store final : public event_store {
 public:
  replicated_store(event_store& local, partition_log& log, partition_of_stream_fn partition_of)
      : local_(local), log_(log), partition_of_(std::move(partition_of)) {}

  append_result append(std::string_view stream, std::uint64_t expected_version,
                       std::span<const event> events) override {
    if (stream.empty() || stream.find('\0') != std::string_view::npos)
      return {append_status::invalid, 0, "stream name is empty or contains a NUL byte"};
    // Every replica stores the same time: the leader stamps events before replicating them.
    std::vector<event> stamped{events.begin(), events.end()};
    auto stamp = now_ms();
    for (auto& e : stamped) {
      if (e.type.empty())
        return {append_status::invalid, 0, "event type is empty"};
      if (e.timestamp_ms == 0)
        e.timestamp_ms = stamp;
    }
    auto partition = partition_of_(stream);
    auto done = log_.replicate(partition, encode_append(stream, expected_version, stamped));
    using outcome = replication::outcome;
    if (done.status == outcome::refused)
      return {append_status::not_leader, 0,
              "partition " + std::to_string(partition) + " has moved to another leader; retry"};
    if (done.status == outcome::unknown)
      return {append_status::io_error, 0,
              "partition " + std::to_string(partition) +
                " lost its leader while appending (a failover may be under way)"};
    return decode_append_result(done.answer);
  }

  std::uint64_t version(std::string_view stream) override { return local_.version(stream); }
  std::vector<recorded_event> read_stream(std::string_view stream, std::uint64_t from_seq,
                                          std::size_t max_count) override {
    return local_.read_stream(stream, from_seq, max_count);
  }
  std::vector<recorded_event> read_global(std::uint64_t from_position,
                                          std::size_t max_count) override {
    return local_.read_global(from_position, max_count);
  }
  std::uint64_t global_head() override { return local_.global_head(); }
  std::vector<std::string> list_streams(std::string_view prefix, std::size_t max_count) override {
    return local_.list_streams(prefix, max_count);
  }
  void remove_stream(std::string_view stream) override { local_.remove_stream(stream); }
  // Entity snapshots are each node's own cache of state the log already holds.
  void save_snapshot(std::string_view stream, const snapshot& snap) override {
    local_.save_snapshot(stream, snap);
  }
  std::optional<snapshot> load_snapshot(std::string_view stream) override {
    return local_.load_snapshot(stream);
  }
  void put_meta(std::string_view key, std::string_view value) override {
    local_.put_meta(key, value);
  }
  std::optional<std::string> get_meta(std::string_view key) override {
    return local_.get_meta(key);
  }
  std::uint64_t memory_bytes() override { return local_.memory_bytes(); }

 private:
  event_store& local_;
  partition_log& log_;
  partition_of_stream_fn partition_of_;
};

}  // namespace

std::unique_ptr<event_store> replicated_event_store(event_store& local, partition_log& log,
                                                    partition_of_stream_fn partition_of) {
  return std::make_unique<replicated_store>(local, log, std::move(partition_of));
}

std::string import_command(std::string blob) {
  return std::string(1, static_cast<char>(command_kind::import)) + blob;
}

append_result decode_append_result(std::string_view bytes) {
  if (bytes.size() < 9)
    return {append_status::io_error, 0, "malformed answer of the partition's state machine"};
  return {static_cast<append_status>(bytes[0]), keys::read_be64(bytes.substr(1)),
          std::string{bytes.substr(9)}};
}

partition_state_machine::partition_state_machine(event_store& local, std::uint32_t partition,
                                                 partition_of_stream_fn partition_of)
    : local_(local), partition_(partition), partition_of_(std::move(partition_of)),
      marker_key_("raft.applied." + std::to_string(partition)) {}

std::uint64_t partition_state_machine::applied_index() {
  if (!applied_) {
    auto value = local_.get_meta(marker_key_);
    applied_ = value && value->size() == 8 ? keys::read_be64(*value) : 0;
  }
  return *applied_;
}

void partition_state_machine::note_applied(std::uint64_t index) {
  local_.put_meta(marker_key_, keys::be64(index));
  applied_ = index;
}

std::string partition_state_machine::apply(std::uint64_t index, std::string_view command) {
  if (index <= applied_index())
    return encode_result({append_status::ok, 0, "already applied"});
  auto marker = keys::be64(index);
  if (command.empty()) {
    note_applied(index);
    return encode_result({append_status::invalid, 0, "empty command"});
  }
  auto kind = static_cast<command_kind>(command[0]);
  command.remove_prefix(1);
  if (kind == command_kind::import) {
    // A founder's data from before replication: its own copy is the source, so only replicas
    // without any stream of the partition take it.
    auto in_partition = [this](std::string_view stream) {
      return partition_of_(stream) == partition_;
    };
    bool has_any = false;
    for (auto& stream : local_.list_streams("", SIZE_MAX))
      if (in_partition(stream)) {
        has_any = true;
        break;
      }
    append_result result{append_status::ok, 0, {}};
    try {
      if (!has_any)
        import_streams(local_, command);
    } catch (const std::exception& e) {
      result = {append_status::io_error, 0, e.what()};
    }
    note_applied(index);
    return encode_result(result);
  }
  command_reader in{command};
  auto stream = in.text();
  auto expected = in.u64();
  auto count = in.u32();
  std::vector<event> events;
  for (std::uint32_t i = 0; i < count && !in.bad; ++i) {
    event e;
    e.type = std::string{in.text()};
    e.schema = in.u32();
    e.timestamp_ms = static_cast<std::int64_t>(in.u64());
    e.payload = std::string{in.text()};
    events.push_back(std::move(e));
  }
  if (kind != command_kind::append || in.bad || !in.in.empty()) {
    note_applied(index);
    return encode_result({append_status::invalid, 0, "malformed command"});
  }
  auto result = local_.append_marked(stream, expected, events, {marker_key_, marker});
  if (result.status == append_status::io_error)
    applied_.reset();  // the write failed: what the store holds is read again
  else
    applied_ = index;
  return encode_result(result);
}

std::string partition_state_machine::snapshot() {
  return export_streams(local_, [this](std::string_view stream) {
    return partition_of_(stream) == partition_;
  });
}

bool partition_state_machine::restore(std::uint64_t index, std::string_view data) {
  if (applied_index() >= index)
    return false;  // this store has everything the snapshot holds (a restart reads its own snapshot)
  auto in_partition = [this](std::string_view stream) {
    return partition_of_(stream) == partition_;
  };
  remove_streams(local_, in_partition);
  import_streams(local_, data);
  // Last: a crash before this line restores again at the next start.
  note_applied(index);
  return true;
}

}  // namespace aethex::storage
