#include "net/rtmp/chunk_reader.hpp"

#include <algorithm>
#include <string>

namespace aethex::net::rtmp {

namespace {

constexpr std::size_t message_header_size[4] = {11, 7, 3, 0};

std::uint32_t be24(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2];
}
std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}
std::uint32_t le32(const std::uint8_t* p) {
  return (std::uint32_t{p[3]} << 24) | (std::uint32_t{p[2]} << 16) | (std::uint32_t{p[1]} << 8) |
         p[0];
}

}  // namespace

chunk_reader::chunk_reader(chunk_reader_limits limits) : limits_(limits) {}

status chunk_reader::fail(std::string text) {
  failed_ = true;
  return error{"rtmp chunk: " + std::move(text)};
}

// How many header bytes the chunk being read needs, as far as the bytes seen so far tell.
std::size_t chunk_reader::header_size_needed() const {
  if (hdr_len_ < 1)
    return 1;
  const unsigned low = hdr_[0] & 0x3F;
  const std::size_t basic = low == 0 ? 2 : low == 1 ? 3 : 1;
  if (hdr_len_ < basic)
    return basic;
  const unsigned fmt = hdr_[0] >> 6;
  const std::size_t n = basic + message_header_size[fmt];
  if (hdr_len_ < n)
    return n;
  bool ext = false;
  if (fmt < 3) {
    ext = be24(hdr_ + basic) == 0xFFFFFF;
  } else {
    const std::uint32_t csid = low == 0   ? 64u + hdr_[1]
                               : low == 1 ? 64u + hdr_[1] + 256u * hdr_[2]
                                          : low;
    auto it = streams_.find(csid);
    ext = it != streams_.end() && it->second.extended;
  }
  return n + (ext ? 4 : 0);
}

status chunk_reader::parse_header() {
  const unsigned low = hdr_[0] & 0x3F;
  const unsigned fmt = hdr_[0] >> 6;
  std::size_t basic = 1;
  std::uint32_t csid = low;
  if (low == 0) {
    csid = 64u + hdr_[1];
    basic = 2;
  } else if (low == 1) {
    csid = 64u + hdr_[1] + 256u * hdr_[2];
    basic = 3;
  }

  auto it = streams_.find(csid);
  if (it == streams_.end()) {
    if (fmt != 0)
      return fail("chunk stream " + std::to_string(csid) + " starts without a type-0 header");
    if (streams_.size() >= limits_.max_chunk_streams)
      return fail("too many chunk streams");
    it = streams_.emplace(csid, stream_state{}).first;
  }
  stream_state& s = it->second;
  const std::uint8_t* mh = hdr_ + basic;
  const std::uint8_t* ext = mh + message_header_size[fmt];

  if (fmt < 3) {
    if (s.in_progress)
      return fail("new message header on chunk stream " + std::to_string(csid) +
                  " before the previous message completed");
    std::uint32_t field = be24(mh);
    s.extended = field == 0xFFFFFF;
    if (s.extended)
      field = be32(ext);
    if (fmt <= 1) {
      s.length = be24(mh + 3);
      s.type = mh[6];
    }
    if (fmt == 0) {
      s.stream_id = le32(mh + 7);
      s.timestamp = field;
    } else {
      s.timestamp += field;  // unsigned arithmetic wraps like RTMP timestamps do
    }
    s.delta = field;
  } else if (!s.in_progress) {
    // Type 3 starting a new message repeats the previous header, timestamp delta included.
    if (s.extended)
      s.delta = be32(ext);
    s.timestamp += s.delta;
  }

  if (!s.in_progress) {
    if (s.length > limits_.max_message_size)
      return fail("message of " + std::to_string(s.length) + " bytes exceeds the limit");
    s.payload.clear();
    s.in_progress = true;
  }
  current_ = &s;
  current_csid_ = csid;
  chunk_left_ = std::min<std::size_t>(chunk_size_, s.length - s.payload.size());
  return ok();
}

status chunk_reader::control(const message& m) {
  if (m.type == msg_type::set_chunk_size) {
    if (m.payload.size() < 4)
      return fail("short Set Chunk Size message");
    const std::uint32_t size = be32(m.payload.data());
    if (size & 0x80000000u)
      return fail("Set Chunk Size with the reserved top bit set");
    if (size == 0)
      return fail("Set Chunk Size of 0");
    chunk_size_ = size;
  } else {  // abort: drop the partial message on the named chunk stream
    if (m.payload.size() < 4)
      return fail("short Abort message");
    auto it = streams_.find(be32(m.payload.data()));
    if (it != streams_.end()) {
      buffered_ -= it->second.payload.size();
      it->second.in_progress = false;
      it->second.payload.clear();
    }
  }
  return ok();
}

status chunk_reader::feed(std::span<const std::uint8_t> bytes, std::vector<message>& out) {
  if (failed_)
    return error{"rtmp chunk: reader already failed"};
  std::size_t pos = 0;
  for (;;) {
    if (!current_) {
      // Collect the header; its length is only known as its leading bytes arrive.
      std::size_t need;
      while ((need = header_size_needed()) > hdr_len_) {
        if (pos == bytes.size())
          return ok();
        const std::size_t take = std::min(need - hdr_len_, bytes.size() - pos);
        std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(pos), take, hdr_ + hdr_len_);
        hdr_len_ += take;
        pos += take;
      }
      if (auto st = parse_header(); !st)
        return st;
      hdr_len_ = 0;
    }
    const std::size_t take = std::min(chunk_left_, bytes.size() - pos);
    buffered_ += take;
    if (buffered_ > limits_.max_buffered)
      return fail("too much data in partial messages");
    auto first = bytes.begin() + static_cast<std::ptrdiff_t>(pos);
    current_->payload.insert(current_->payload.end(), first,
                             first + static_cast<std::ptrdiff_t>(take));
    pos += take;
    chunk_left_ -= take;
    if (chunk_left_ > 0)
      return ok();  // input exhausted mid-chunk

    stream_state& s = *current_;
    current_ = nullptr;
    if (s.payload.size() == s.length) {
      buffered_ -= s.payload.size();
      s.in_progress = false;
      message m{current_csid_, s.timestamp, s.type, s.stream_id, std::move(s.payload)};
      s.payload = {};
      if (m.type == msg_type::set_chunk_size || m.type == msg_type::abort) {
        if (auto st = control(m); !st)
          return st;
      } else {
        out.push_back(std::move(m));
      }
    }
    if (pos == bytes.size())
      return ok();
  }
}

}  // namespace aethex::net::rtmp
