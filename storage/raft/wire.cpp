#include "storage/raft/wire.hpp"

#include <cstring>
#include <memory>

#include "storage/keys.hpp"

namespace aethex::storage::raft {
namespace {

constexpr std::uint8_t format = 1;

struct writer {
  std::string out;
  void u8(std::uint8_t v) { out.push_back(static_cast<char>(v)); }
  void u16(std::uint16_t v) {
    u8(static_cast<std::uint8_t>(v >> 8));
    u8(static_cast<std::uint8_t>(v & 0xff));
  }
  void u32(std::uint32_t v) { keys::append_be32(out, v); }
  void u64(std::uint64_t v) { keys::append_be64(out, v); }
  void bytes(const void* data, std::size_t size) {
    out.append(static_cast<const char*>(data), size);
  }
};

// Reads fail soft: a short read sets `bad` and yields zeros, checked once at the end.
struct reader {
  std::string_view in;
  bool bad = false;
  bool take(std::size_t n) {
    if (bad || in.size() < n) {
      bad = true;
      return false;
    }
    return true;
  }
  std::uint8_t u8() {
    if (!take(1))
      return 0;
    auto v = static_cast<std::uint8_t>(in[0]);
    in.remove_prefix(1);
    return v;
  }
  std::uint16_t u16() {
    auto hi = u8();
    return static_cast<std::uint16_t>((hi << 8) | u8());
  }
  std::uint32_t u32() {
    if (!take(4))
      return 0;
    auto v = keys::read_be32(in);
    in.remove_prefix(4);
    return v;
  }
  std::uint64_t u64() {
    if (!take(8))
      return 0;
    auto v = keys::read_be64(in);
    in.remove_prefix(8);
    return v;
  }
  std::string_view bytes(std::uint64_t n) {
    if (!take(n))
      return {};
    auto v = in.substr(0, n);
    in.remove_prefix(n);
    return v;
  }
};

void write_configuration(writer& w, const raft_configuration& c) {
  w.u32(c.n);
  for (unsigned i = 0; i < c.n; ++i) {
    auto& server = c.servers[i];
    auto size = std::strlen(server.address);
    w.u64(server.id);
    w.u8(static_cast<std::uint8_t>(server.role));
    w.u32(static_cast<std::uint32_t>(size));
    w.bytes(server.address, size);
  }
}

bool read_configuration(reader& r, raft_configuration& c) {
  auto count = r.u32();
  if (r.bad || count > 64)
    return false;
  for (std::uint32_t i = 0; i < count; ++i) {
    auto id = r.u64();
    auto role = r.u8();
    auto address = std::string{r.bytes(r.u32())};
    if (r.bad || id == 0 || address.find('\0') != std::string::npos ||
        raft_configuration_add(&c, id, address.c_str(), role) != 0) {
      raft_configuration_close(&c);
      raft_configuration_init(&c);
      return false;
    }
  }
  return true;
}

void write_entries(writer& w, const raft_entry* entries, unsigned n) {
  w.u32(n);
  for (unsigned i = 0; i < n; ++i) {
    w.u64(entries[i].term);
    w.u16(entries[i].type);
    w.u64(entries[i].buf.len);
  }
  for (unsigned i = 0; i < n; ++i)
    w.bytes(entries[i].buf.base, entries[i].buf.len);
}

// The entries array and one batch holding all their data, as libraft frees them.
bool read_entries(reader& r, raft_entry*& entries, unsigned& n) {
  entries = nullptr;
  n = r.u32();
  if (r.bad || n > (1u << 20) || r.in.size() < std::uint64_t{n} * 18)
    return false;
  if (n == 0)
    return true;
  std::unique_ptr<raft_entry, decltype(&raft_free)> array{
    static_cast<raft_entry*>(raft_calloc(n, sizeof(raft_entry))), raft_free};
  if (!array)
    return false;
  std::uint64_t total = 0;
  for (unsigned i = 0; i < n; ++i) {
    array.get()[i].term = r.u64();
    array.get()[i].type = r.u16();
    array.get()[i].buf.len = r.u64();
    total += array.get()[i].buf.len;
  }
  auto data = r.bytes(total);
  if (r.bad)
    return false;
  void* batch = raft_malloc(total == 0 ? 1 : total);
  if (batch == nullptr)
    return false;
  std::memcpy(batch, data.data(), total);
  std::uint64_t offset = 0;
  for (unsigned i = 0; i < n; ++i) {
    array.get()[i].buf.base = static_cast<char*>(batch) + offset;
    array.get()[i].batch = batch;
    offset += array.get()[i].buf.len;
  }
  entries = array.release();
  return true;
}

}  // namespace

std::string encode_message(const raft_message& m) {
  writer w;
  w.u8(format);
  w.u8(static_cast<std::uint8_t>(m.type));
  switch (m.type) {
    case RAFT_IO_APPEND_ENTRIES: {
      auto& a = m.append_entries;
      w.u64(a.term);
      w.u64(a.prev_log_index);
      w.u64(a.prev_log_term);
      w.u64(a.leader_commit);
      write_entries(w, a.entries, a.n_entries);
      break;
    }
    case RAFT_IO_APPEND_ENTRIES_RESULT: {
      auto& a = m.append_entries_result;
      w.u64(a.term);
      w.u64(a.rejected);
      w.u64(a.last_log_index);
      break;
    }
    case RAFT_IO_REQUEST_VOTE: {
      auto& v = m.request_vote;
      w.u64(v.term);
      w.u64(v.candidate_id);
      w.u64(v.last_log_index);
      w.u64(v.last_log_term);
      w.u8(v.disrupt_leader ? 1 : 0);
      w.u8(v.pre_vote ? 1 : 0);
      break;
    }
    case RAFT_IO_REQUEST_VOTE_RESULT: {
      auto& v = m.request_vote_result;
      w.u64(v.term);
      w.u8(v.vote_granted ? 1 : 0);
      w.u8(static_cast<std::uint8_t>(v.pre_vote));
      break;
    }
    case RAFT_IO_INSTALL_SNAPSHOT: {
      auto& s = m.install_snapshot;
      w.u64(s.term);
      w.u64(s.last_index);
      w.u64(s.last_term);
      write_configuration(w, s.conf);
      w.u64(s.conf_index);
      w.u64(s.data.len);
      w.bytes(s.data.base, s.data.len);
      break;
    }
    case RAFT_IO_TIMEOUT_NOW: {
      auto& t = m.timeout_now;
      w.u64(t.term);
      w.u64(t.last_log_index);
      w.u64(t.last_log_term);
      break;
    }
    default: break;
  }
  return std::move(w.out);
}

bool decode_message(std::string_view bytes, raft_message& m) {
  reader r{bytes};
  if (r.u8() != format)
    return false;
  std::memset(&m, 0, sizeof m);
  m.type = r.u8();
  switch (m.type) {
    case RAFT_IO_APPEND_ENTRIES: {
      auto& a = m.append_entries;
      a.term = r.u64();
      a.prev_log_index = r.u64();
      a.prev_log_term = r.u64();
      a.leader_commit = r.u64();
      if (!read_entries(r, a.entries, a.n_entries))
        return false;
      if (!r.in.empty()) {
        if (a.entries != nullptr) {
          raft_free(a.entries[0].batch);
          raft_free(a.entries);
        }
        return false;
      }
      return true;
    }
    case RAFT_IO_APPEND_ENTRIES_RESULT: {
      auto& a = m.append_entries_result;
      a.term = r.u64();
      a.rejected = r.u64();
      a.last_log_index = r.u64();
      break;
    }
    case RAFT_IO_REQUEST_VOTE: {
      auto& v = m.request_vote;
      v.term = r.u64();
      v.candidate_id = r.u64();
      v.last_log_index = r.u64();
      v.last_log_term = r.u64();
      v.disrupt_leader = r.u8() != 0;
      v.pre_vote = r.u8() != 0;
      break;
    }
    case RAFT_IO_REQUEST_VOTE_RESULT: {
      auto& v = m.request_vote_result;
      v.term = r.u64();
      v.vote_granted = r.u8() != 0;
      v.pre_vote = static_cast<raft_tribool>(r.u8());
      break;
    }
    case RAFT_IO_INSTALL_SNAPSHOT: {
      auto& s = m.install_snapshot;
      s.term = r.u64();
      s.last_index = r.u64();
      s.last_term = r.u64();
      raft_configuration_init(&s.conf);
      if (!read_configuration(r, s.conf))
        return false;
      s.conf_index = r.u64();
      auto data = r.bytes(r.u64());
      if (r.bad || !r.in.empty() ||
          (s.data.base = raft_malloc(data.empty() ? 1 : data.size())) == nullptr) {
        raft_configuration_close(&s.conf);
        return false;
      }
      std::memcpy(s.data.base, data.data(), data.size());
      s.data.len = data.size();
      return true;
    }
    case RAFT_IO_TIMEOUT_NOW: {
      auto& t = m.timeout_now;
      t.term = r.u64();
      t.last_log_index = r.u64();
      t.last_log_term = r.u64();
      break;
    }
    default: return false;
  }
  return !r.bad && r.in.empty();
}

std::string encode_configuration(const raft_configuration& configuration) {
  writer w;
  write_configuration(w, configuration);
  return std::move(w.out);
}

bool decode_configuration(std::string_view bytes, raft_configuration& configuration) {
  reader r{bytes};
  return read_configuration(r, configuration) && r.in.empty();
}

}  // namespace aethex::storage::raft
