#include "media/ts_demux.hpp"

#include "media/avc.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <string>

namespace aethex::media {

namespace {

constexpr std::size_t packet_size = 188;
constexpr std::byte sync_byte{0x47};
constexpr std::uint64_t clock_mask = (std::uint64_t{1} << 33) - 1;
constexpr std::int64_t max_cts = 10 * ticks_per_second;  // beyond that a PTS is not believable
constexpr std::size_t max_section = 1024;  // PAT/PMT: section_length <= 0x3FD plus 3 bytes
constexpr std::size_t max_reported = 64;   // unsupported streams remembered (PMTs can be garbage)
constexpr std::int64_t aac_frame_samples = 1024;

std::uint8_t u8(std::byte b) { return std::to_integer<std::uint8_t>(b); }
std::uint16_t be16(std::span<const std::byte> s, std::size_t at) {
  return static_cast<std::uint16_t>((u8(s[at]) << 8) | u8(s[at + 1]));
}

// PTS/DTS: 33 bits spread over 5 bytes with marker bits (which we do not insist on).
std::uint64_t read_timestamp(std::span<const std::byte> s, std::size_t at) {
  return (std::uint64_t{u8(s[at]) & 0x0EU} << 29) | (std::uint64_t{u8(s[at + 1])} << 22) |
         (std::uint64_t{u8(s[at + 2]) & 0xFEU} << 14) | (std::uint64_t{u8(s[at + 3])} << 7) |
         (std::uint64_t{u8(s[at + 4])} >> 1);
}

// a - b on the 33-bit circle, in [-2^32, 2^32): the shorter way round wins.
std::int64_t clock_diff(std::uint64_t a, std::uint64_t b) {
  const std::uint64_t d = (a - b) & clock_mask;
  return d >= (std::uint64_t{1} << 32) ? static_cast<std::int64_t>(d) - (std::int64_t{1} << 33)
                                       : static_cast<std::int64_t>(d);
}

// Stream types (13818-1 table 2-34 and registrations) of audio/video codecs we do not carry.
// Anything not listed (metadata, SCTE-35, subtitles, private data) is ignored without a word.
std::string unsupported_name(std::uint8_t type, std::span<const std::byte> descriptors) {
  switch (type) {
    case 0x01: return "video codec MPEG-1";
    case 0x02: return "video codec MPEG-2";
    case 0x10: return "video codec MPEG-4 Part 2";
    case 0x24: return "video codec HEVC";
    case 0x33: return "video codec VVC";
    case 0x42: return "video codec AVS";
    case 0xD1: return "video codec Dirac";
    case 0xEA: return "video codec VC-1";
    case 0x03:
    case 0x04: return "audio codec MPEG audio (MP2/MP3)";
    case 0x11: return "audio codec AAC in LATM";
    case 0x1C: return "audio codec MPEG-4 audio without ADTS";
    case 0x81: return "audio codec AC-3";
    case 0x87: return "audio codec E-AC-3";
    case 0x06: break;
    default: return {};
  }
  // PES private data: only a descriptor tells whether it is audio (DVB and ffmpeg put Opus, AC-3
  // and friends here) or subtitles, teletext, KLV and the like.
  for (std::size_t at = 0; at + 2 <= descriptors.size();) {
    const std::uint8_t tag = u8(descriptors[at]);
    const std::size_t len = u8(descriptors[at + 1]);
    const auto body = descriptors.subspan(at + 2, std::min(len, descriptors.size() - at - 2));
    if (tag == 0x6A)
      return "audio codec AC-3";
    if (tag == 0x7A)
      return "audio codec E-AC-3";
    if (tag == 0x7B)
      return "audio codec DTS";
    if (tag == 0x05 && body.size() >= 4) {  // registration_descriptor: format_identifier
      const std::string id{reinterpret_cast<const char*>(body.data()), 4};
      if (id == "Opus")
        return "audio codec Opus";
      if (id == "AC-3")
        return "audio codec AC-3";
      if (id == "EAC3")
        return "audio codec E-AC-3";
      if (id == "DTS1" || id == "DTS2" || id == "DTS3")
        return "audio codec DTS";
      if (id == "BSSD")
        return "audio codec LPCM (SMPTE 302M)";
      if (id == "HEVC")
        return "video codec HEVC";
    }
    at += 2 + len;
  }
  return {};
}

std::string hex_byte(std::uint8_t v) {
  static constexpr char digits[] = "0123456789ABCDEF";
  return {'0', 'x', digits[v >> 4], digits[v & 0x0F]};
}

constexpr std::array<std::int64_t, 13> adts_rates = {
  96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350};

struct adts_header {
  std::uint8_t object_type;  // ADTS profile + 1: 1 Main, 2 LC, 3 SSR, 4 LTP
  std::uint8_t rate_index;
  std::uint8_t channels;    // channel_configuration; 0 means a PCE in the stream
  std::size_t header_size;  // 7, or 9 with CRC
  std::size_t frame_size;   // header included
  std::uint8_t raw_blocks;  // number_of_raw_data_blocks_in_frame: 0 for one AAC frame
};

// An ADTS header at the start of `s` (at least 7 bytes), or nullopt if these bytes are not one.
std::optional<adts_header> parse_adts(std::span<const std::byte> s) {
  if (u8(s[0]) != 0xFF || (u8(s[1]) & 0xF6) != 0xF0)  // syncword, layer 0
    return std::nullopt;
  adts_header h{};
  h.header_size = (u8(s[1]) & 1) ? 7 : 9;  // protection_absent = 0 means a CRC follows
  h.object_type = static_cast<std::uint8_t>((u8(s[2]) >> 6) + 1);
  h.rate_index = static_cast<std::uint8_t>((u8(s[2]) >> 2) & 0x0F);
  h.channels = static_cast<std::uint8_t>(((u8(s[2]) & 1) << 2) | (u8(s[3]) >> 6));
  h.frame_size = (std::size_t{u8(s[3]) & 3U} << 11) | (std::size_t{u8(s[4])} << 3) |
                 (std::size_t{u8(s[5])} >> 5);
  h.raw_blocks = static_cast<std::uint8_t>(u8(s[6]) & 3);
  if (h.rate_index >= adts_rates.size() || h.frame_size <= h.header_size)
    return std::nullopt;
  return h;
}

}  // namespace

std::int64_t ts_demuxer::timeline::map(std::uint64_t raw) {
  raw &= clock_mask;
  if (!started) {
    // Keep the first value as given (publishers start anywhere, often near a wrap).
    started = true;
    last_raw = raw;
    last = static_cast<std::int64_t>(raw);
    return last;
  }
  std::int64_t diff = clock_diff(raw, last_raw);
  last_raw = raw;
  if (diff < 0)
    diff = step;  // the clock went back (encoder restart, splice): carry on from where we are
  else if (diff > 0)
    step = diff;
  last += diff;
  return last;
}

std::vector<demux_event> ts_demuxer::feed(std::span<const std::byte> bytes) {
  if (pending_.empty()) {
    // The common case: whole packets, nothing held back. Only the tail is copied.
    const std::size_t used = consume(bytes, false);
    pending_.assign(bytes.begin() + static_cast<std::ptrdiff_t>(used), bytes.end());
  } else {
    pending_.insert(pending_.end(), bytes.begin(), bytes.end());
    const std::size_t used = consume(pending_, false);
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(used));
  }
  return std::exchange(out_, {});
}

std::vector<demux_event> ts_demuxer::flush() {
  const std::size_t used = consume(pending_, true);
  stats_.discarded_bytes += pending_.size() - used;  // a partial packet at the end
  pending_.clear();
  finish_pes(video_);
  finish_pes(audio_);
  finish_pes(id3_);
  adts_carry_.clear();  // an ADTS frame cut off by the end of input
  return std::exchange(out_, {});
}

// Takes the whole packets at the start of `bytes`; returns how many bytes it used. Decisions
// depend only on the bytes, never on where a chunk ended, so any split gives the same events.
std::size_t ts_demuxer::consume(std::span<const std::byte> bytes, bool at_end) {
  std::size_t pos = 0;
  while (bytes.size() - pos >= packet_size) {
    if (bytes[pos] != sync_byte) {
      in_sync_ = false;
      const auto next = std::find(bytes.begin() + static_cast<std::ptrdiff_t>(pos) + 1, bytes.end(),
                                  sync_byte);
      const auto skip = static_cast<std::size_t>(next - bytes.begin()) - pos;
      stats_.discarded_bytes += skip;
      pos += skip;
      continue;
    }
    if (!in_sync_) {
      // 0x47 turns up in any payload: only a second one a packet later makes it a sync byte.
      if (bytes.size() - pos < packet_size + 1) {
        if (!at_end)
          break;  // wait for the byte that decides
      } else if (bytes[pos + packet_size] != sync_byte) {
        ++stats_.discarded_bytes;
        ++pos;
        continue;
      }
      in_sync_ = true;
    }
    take_packet(bytes.subspan(pos, packet_size));
    pos += packet_size;
  }
  return pos;
}

void ts_demuxer::take_packet(std::span<const std::byte> packet) {
  ++stats_.packets;
  const std::uint8_t b1 = u8(packet[1]), b3 = u8(packet[3]);
  if (b1 & 0x80)
    return;  // transport_error_indicator: a lower layer knows this packet is damaged
  const bool unit_start = (b1 & 0x40) != 0;
  const auto pid = static_cast<std::uint16_t>(((b1 & 0x1F) << 8) | u8(packet[2]));
  if (pid == 0x1FFF || (b3 & 0xC0) != 0)
    return;  // null packet; scrambled payload
  const unsigned adaptation = (b3 >> 4) & 3;
  const int continuity = b3 & 0x0F;
  if (!(adaptation & 1))
    return;  // no payload (adaptation field only, or the reserved value 0)
  std::size_t offset = 4;
  bool discontinuity = false;
  if (adaptation & 2) {
    const std::size_t af_length = u8(packet[4]);
    if (5 + af_length > packet_size)
      return;
    discontinuity = af_length > 0 && (u8(packet[5]) & 0x80) != 0;
    offset = 5 + af_length;
  }
  const auto payload = packet.subspan(offset);
  if (pid == 0)
    on_psi(pat_, payload, unit_start, true);
  else if (pid == pmt_pid_)
    on_psi(pmt_, payload, unit_start, false);
  else if (pid == video_.pid)
    on_pes_payload(video_, payload, unit_start, continuity, discontinuity);
  else if (pid == audio_.pid)
    on_pes_payload(audio_, payload, unit_start, continuity, discontinuity);
  else if (pid == id3_.pid)
    on_pes_payload(id3_, payload, unit_start, continuity, discontinuity);
}

// PSI sections start where a payload_unit_start packet's pointer_field says; the bytes before
// that finish the previous section. One section per table is all PAT and PMT need in practice.
void ts_demuxer::on_psi(section_buffer& buf, std::span<const std::byte> payload, bool unit_start,
                        bool is_pat) {
  auto complete = [&] {
    if (buf.data.size() < 3)
      return;
    const std::size_t total = 3 + (be16(buf.data, 1) & 0x0FFFU);
    if (total > max_section || u8(buf.data[0]) == 0xFF) {  // 0xFF: stuffing, no table
      buf.active = false;
      buf.data.clear();
    } else if (buf.data.size() >= total) {
      buf.active = false;
      const byte_vector section(buf.data.begin(),
                                buf.data.begin() + static_cast<std::ptrdiff_t>(total));
      buf.data.clear();
      if (is_pat)
        on_pat(section);
      else
        on_pmt(section);
    }
  };
  auto append = [&](std::span<const std::byte> bytes) {
    if (buf.data.size() + bytes.size() > max_section + packet_size) {
      buf.active = false;
      buf.data.clear();
      return;
    }
    buf.data.insert(buf.data.end(), bytes.begin(), bytes.end());
    complete();
  };
  if (payload.empty())
    return;
  if (unit_start) {
    const std::size_t pointer = u8(payload[0]);
    if (1 + pointer > payload.size()) {
      buf.active = false;
      buf.data.clear();
      return;
    }
    if (buf.active)
      append(payload.subspan(1, pointer));
    buf.data.clear();
    buf.active = true;
    append(payload.subspan(1 + pointer));
  } else if (buf.active) {
    append(payload);
  }
}

void ts_demuxer::on_pat(std::span<const std::byte> s) {
  // table_id, section_length(2), transport_stream_id(2), version/current_next, section numbers;
  // then (program_number, PID) pairs and a CRC_32 (not checked: a bad one costs nothing here).
  if (s.size() < 12 || u8(s[0]) != 0x00 || !(u8(s[5]) & 1))
    return;
  for (std::size_t at = 8; at + 4 <= s.size() - 4; at += 4) {
    const std::uint16_t program = be16(s, at);
    const auto pid = static_cast<std::uint16_t>(be16(s, at + 2) & 0x1FFF);
    if (program == 0 || pid == 0 || pid == 0x1FFF)
      continue;  // program 0 points at the network information table
    if (pid != pmt_pid_ || program != program_) {
      pmt_pid_ = pid;
      program_ = program;
      pmt_ = {};
    }
    return;
  }
}

void ts_demuxer::on_pmt(std::span<const std::byte> s) {
  if (s.size() < 16 || u8(s[0]) != 0x02 || !(u8(s[5]) & 1) || be16(s, 3) != program_)
    return;
  const std::size_t end = s.size() - 4;           // CRC_32
  std::size_t at = 12 + (be16(s, 10) & 0x0FFFU);  // after PCR_PID and the program descriptors
  std::uint16_t video_pid = no_pid, audio_pid = no_pid, id3_pid = no_pid;
  std::vector<std::pair<std::uint16_t, std::uint8_t>> unsupported;
  std::vector<std::string> names;
  while (at + 5 <= end) {
    const std::uint8_t type = u8(s[at]);
    const auto pid = static_cast<std::uint16_t>(be16(s, at + 1) & 0x1FFF);
    const std::size_t info_length = be16(s, at + 3) & 0x0FFFU;
    const auto descriptors = s.subspan(at + 5, std::min(info_length, end - at - 5));
    at += 5 + info_length;
    if (pid == 0 || pid == 0x1FFF || pid == pmt_pid_)
      continue;
    if (type == 0x1B) {
      if (video_pid == no_pid && pid != audio_pid)
        video_pid = pid;
    } else if (type == 0x0F) {
      if (audio_pid == no_pid && pid != video_pid)
        audio_pid = pid;
    } else if (type == 0x15) {  // ID3 timed metadata (what plays now, docs/music.md)
      if (id3_pid == no_pid && pid != video_pid && pid != audio_pid)
        id3_pid = pid;
    } else if (auto name = unsupported_name(type, descriptors); !name.empty()) {
      unsupported.emplace_back(pid, type);
      names.push_back(std::move(name) + " (MPEG-TS stream type " + hex_byte(type) + ")");
    }
  }
  if (video_.pid != video_pid) {
    reset_pes(video_);
    video_.pid = video_pid;
  }
  if (audio_.pid != audio_pid) {
    reset_pes(audio_);
    adts_carry_.clear();
    audio_.pid = audio_pid;
  }
  if (id3_.pid != id3_pid) {
    reset_pes(id3_);
    id3_.pid = id3_pid;
  }
  const track_layout layout{video_pid != no_pid, audio_pid != no_pid};
  if (!layout_ || layout_->video != layout.video || layout_->audio != layout.audio) {
    layout_ = layout;
    out_.emplace_back(layout);
  }
  for (std::size_t i = 0; i < unsupported.size() && reported_.size() < max_reported; ++i)
    if (reported_.insert(unsupported[i]).second)
      out_.emplace_back(unsupported_codec{std::move(names[i])});
}

void ts_demuxer::reset_pes(pes_track& t) {
  t.pes = {};
  t.active = false;
  t.damaged = false;
  t.expected = 0;
  t.continuity = -1;
}

void ts_demuxer::on_pes_payload(pes_track& t, std::span<const std::byte> payload, bool unit_start,
                                int continuity, bool discontinuity) {
  if (t.continuity >= 0 && !discontinuity) {
    if (continuity == t.continuity)
      return;  // a duplicate packet: the standard lets a muxer send one twice
    if (continuity != ((t.continuity + 1) & 0x0F)) {
      // Lost packets: the PES being collected has a hole, and a hole in a frame is worse than
      // no frame (the decoder gets a truncated slice or a misaligned ADTS stream).
      ++stats_.continuity_errors;
      t.damaged = t.active;
    }
  }
  t.continuity = continuity;
  if (unit_start) {
    if (t.active)
      finish_pes(t);
    t.pes.assign(payload.begin(), payload.end());
    t.active = true;
    t.damaged = false;
    t.expected = 0;
  } else {
    if (!t.active)
      return;  // joined in the middle of a PES: wait for the next one to start
    if (t.pes.size() + payload.size() > limits_.max_pes_size) {
      ++stats_.dropped_pes;
      reset_pes(t);  // releases the memory too
      t.continuity = continuity;
      return;
    }
    t.pes.insert(t.pes.end(), payload.begin(), payload.end());
  }
  // A non-zero PES_packet_length ends the PES without waiting for the next one (audio does this,
  // and then leaves a frame earlier). Zero means "unbounded", as video usually says.
  if (t.expected == 0 && t.pes.size() >= 6)
    t.expected = be16(t.pes, 4) == 0 ? 0 : 6 + std::size_t{be16(t.pes, 4)};
  if (t.expected != 0 && t.pes.size() >= t.expected)
    finish_pes(t);
}

void ts_demuxer::finish_pes(pes_track& t) {
  if (!t.active)
    return;
  t.active = false;
  const bool damaged = std::exchange(t.damaged, false);
  std::span<const std::byte> pes{t.pes};
  auto header = damaged ? std::nullopt : parse_pes_header(pes);
  if (t.expected != 0) {
    if (pes.size() < t.expected)
      header = std::nullopt;  // cut short: the next PES started early or the input ended
    else
      pes = pes.first(t.expected);
  }
  if (!header || header->payload_offset > pes.size()) {
    ++stats_.dropped_pes;
    if (&t == &audio_)
      adts_carry_.clear();  // whatever it held cannot be completed now
  } else if (&t == &id3_) {
    if (auto tags = parse_id3(pes.subspan(header->payload_offset)); tags && tags_.size() < 16)
      tags_.push_back(std::move(*tags));
  } else if (&t == &video_) {
    on_video(pes.subspan(header->payload_offset), *header);
  } else {
    on_audio(pes.subspan(header->payload_offset), *header);
  }
  t.pes.clear();
  t.expected = 0;
}

std::optional<ts_demuxer::pes_header> ts_demuxer::parse_pes_header(std::span<const std::byte> s) {
  if (s.size() < 6 || u8(s[0]) != 0 || u8(s[1]) != 0 || u8(s[2]) != 1)
    return std::nullopt;
  pes_header h;
  // Stream ids without the optional header (13818-1 2.4.3.7): payload right after the length.
  static constexpr std::uint8_t bare_ids[] = {0xBC, 0xBE, 0xBF, 0xF0, 0xF1, 0xF2, 0xF8, 0xFF};
  if (std::find(std::begin(bare_ids), std::end(bare_ids), u8(s[3])) != std::end(bare_ids)) {
    h.payload_offset = 6;
    return h;
  }
  if (s.size() < 9 || (u8(s[6]) & 0xC0) != 0x80)
    return std::nullopt;
  const unsigned flags = u8(s[7]) >> 6;  // PTS_DTS_flags: 2 PTS, 3 PTS and DTS (1 is forbidden)
  const std::size_t header_length = u8(s[8]);
  if (9 + header_length > s.size())
    return std::nullopt;
  if (flags & 2) {
    if (header_length < 5)
      return std::nullopt;
    h.pts = read_timestamp(s, 9);
  }
  if (flags == 3) {
    if (header_length < 10)
      return std::nullopt;
    h.dts = read_timestamp(s, 14);
  }
  h.payload_offset = 9 + header_length;
  return h;
}

void ts_demuxer::on_video(std::span<const std::byte> payload, const pes_header& h) {
  const auto units = avc::split_annexb(payload);
  // Parameter sets arrive in band, usually before every IDR; only a change is a new config.
  bool sets_seen = false;
  for (auto unit : units) {
    const auto type = avc::nal_type(unit);
    if (type == avc::nal::sps && !sets_seen) {
      sps_.assign(unit.begin(), unit.end());
    } else if (type == avc::nal::pps) {
      pps_.assign(unit.begin(), unit.end());
      sets_seen = true;  // one SPS/PPS pair per access unit: the first
    }
  }
  if (!sps_.empty() && !pps_.empty()) {
    auto avcc = avc::make_avcc(sps_, pps_);
    if (!avcc.empty() && avcc != avcc_) {
      avcc_ = avcc;
      out_.emplace_back(video_config{std::move(avcc)});
    }
  }
  if (avcc_.empty() || !h.pts) {
    ++stats_.dropped_frames;  // undecodable before the first config; untimed (broken muxer)
    return;
  }
  auto au = avc::to_avcc(units);
  if (au.data.empty())
    return;  // parameter sets or delimiters only
  const std::uint64_t dts_raw = h.dts.value_or(*h.pts);
  const std::int64_t dts = video_.clock.map(dts_raw);
  std::int64_t cts = clock_diff(*h.pts, dts_raw);  // computed on the circle: either may wrap
  if (cts < 0 || cts > max_cts)
    cts = 0;  // PTS before DTS is invalid; a huge gap is garbage
  out_.emplace_back(media_frame{track_kind::video, dts, static_cast<std::int32_t>(cts), au.idr,
                                std::move(au.data)});
}

void ts_demuxer::on_audio(std::span<const std::byte> payload, const pes_header& h) {
  // The PTS belongs to the first ADTS frame that starts in this PES; a frame carried over from
  // the previous PES keeps that PES's timing. Frames are 1024 samples each.
  std::optional<std::int64_t> base;
  if (h.pts)
    base = audio_.clock.map(*h.pts);
  const std::size_t carried = adts_carry_.size();
  adts_carry_.insert(adts_carry_.end(), payload.begin(), payload.end());
  const std::span<const std::byte> buf{adts_carry_};
  std::int64_t index = 0;  // frames started in this PES so far
  std::size_t at = 0;
  while (buf.size() - at >= 7) {
    const auto header = parse_adts(buf.subspan(at));
    if (!header) {
      ++stats_.es_discarded_bytes;
      ++at;
      continue;
    }
    if (header->frame_size > buf.size() - at)
      break;  // the rest of this frame is in the next PES
    const bool from_carry = at < carried;
    const std::optional<std::int64_t> origin = from_carry ? carry_base_ : base;
    const std::int64_t frame_index = from_carry ? carry_index_ : index++;
    const auto frame = buf.subspan(at + header->header_size,
                                   header->frame_size - header->header_size);
    at += header->frame_size;
    const std::int64_t rate = adts_rates[header->rate_index];
    std::optional<std::int64_t> dts;
    if (origin)
      dts = *origin + (frame_index * aac_frame_samples * ticks_per_second + rate / 2) / rate;
    else
      dts = next_audio_dts_;  // no PTS on this PES: continue the timeline
    if (dts && last_audio_dts_ && *dts <= *last_audio_dts_)
      dts = next_audio_dts_;  // a PTS that runs backwards: keep the track monotonic
    if (!dts || header->raw_blocks != 0) {
      // No timeline yet, or several AAC frames in one ADTS frame (MP4 samples hold one).
      ++stats_.dropped_frames;
      continue;
    }
    const byte_vector asc{
      static_cast<std::byte>((header->object_type << 3) | (header->rate_index >> 1)),
      static_cast<std::byte>(((header->rate_index & 1) << 7) | (header->channels << 3))};
    if (asc != asc_) {
      asc_ = asc;
      out_.emplace_back(audio_config{asc});
    }
    out_.emplace_back(media_frame{track_kind::audio, *dts, 0, true,
                                  byte_vector(frame.begin(), frame.end())});
    last_audio_dts_ = dts;
    next_audio_dts_ = *dts + (aac_frame_samples * ticks_per_second + rate / 2) / rate;
  }
  if (at >= carried) {
    // What is left started in this PES (or is too short to tell): it keeps this PES's timing.
    carry_base_ = base;
    carry_index_ = index;
  }
  adts_carry_.erase(adts_carry_.begin(), adts_carry_.begin() + static_cast<std::ptrdiff_t>(at));
}

}  // namespace aethex::media
