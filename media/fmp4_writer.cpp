#include "media/fmp4_writer.hpp"

#include <array>
#include <string_view>

#include "media/flac_format.hpp"

namespace aethex::media::fmp4 {
namespace {

// Appends big-endian fields and nested boxes whose sizes are patched when they close.
class box_writer {
 public:
  explicit box_writer(byte_vector& out) : out_(out) {}

  void u8(unsigned v) { out_.push_back(static_cast<std::byte>(v)); }
  void u16(unsigned v) { put(v, 2); }
  void u24(std::uint32_t v) { put(v, 3); }
  void u32(std::uint64_t v) { put(v, 4); }
  void u64(std::uint64_t v) { put(v, 8); }
  void zeros(std::size_t n) { out_.insert(out_.end(), n, std::byte{0}); }
  void bytes(std::span<const std::byte> d) { out_.insert(out_.end(), d.begin(), d.end()); }
  void fourcc(std::string_view type) {
    for (char c : type.substr(0, 4))
      u8(static_cast<unsigned char>(c));
  }
  std::size_t open(std::string_view type) {
    auto at = out_.size();
    u32(0);
    fourcc(type);
    return at;
  }
  std::size_t open_full(std::string_view type, unsigned version, std::uint32_t flags) {
    auto at = open(type);
    u8(version);
    u24(flags);
    return at;
  }
  void close(std::size_t at) { patch32(at, out_.size() - at); }
  void patch32(std::size_t at, std::uint64_t v) {
    for (std::size_t i = 0; i < 4; ++i)
      out_[at + i] = static_cast<std::byte>(v >> (24 - 8 * i) & 0xff);
  }
  std::size_t size() const { return out_.size(); }

 private:
  void put(std::uint64_t v, std::size_t n) {
    for (std::size_t i = n; i-- > 0;)
      out_.push_back(static_cast<std::byte>(v >> (8 * i) & 0xff));
  }
  byte_vector& out_;
};

// The unity matrix of mvhd and tkhd (16.16 and 2.30 fixed point).
void unity_matrix(box_writer& w) {
  for (std::uint32_t v : {0x00010000u, 0u, 0u, 0u, 0x00010000u, 0u, 0u, 0u, 0x40000000u})
    w.u32(v);
}

// An MPEG-4 descriptor with a one-byte size (ours are all < 128 bytes).
void descriptor(box_writer& w, unsigned tag, std::size_t size) {
  w.u8(tag);
  w.u8(static_cast<unsigned>(size & 0x7f));
}

void write_esds(box_writer& w, std::span<const std::byte> asc) {
  auto esds = w.open_full("esds", 0, 0);
  auto dsi = 2 + asc.size();
  auto dcd = 13 + dsi;
  descriptor(w, 0x03, 3 + 2 + dcd + 3);  // ES_Descriptor
  w.u16(0);                              // ES_ID
  w.u8(0);                               // no dependency, URL or OCR stream
  descriptor(w, 0x04, dcd);              // DecoderConfigDescriptor
  w.u8(0x40);                            // object type: MPEG-4 Audio
  w.u8(0x15);                            // stream type audio (5 << 2), reserved bit 1
  w.u24(0);                              // buffer size
  w.u32(0);                              // max bitrate
  w.u32(0);                              // average bitrate
  descriptor(w, 0x05, asc.size());       // DecoderSpecificInfo: the AudioSpecificConfig
  w.bytes(asc);
  descriptor(w, 0x06, 1);  // SLConfigDescriptor
  w.u8(0x02);              // predefined: MP4
  w.close(esds);
}

// FLACSampleEntry ('fLaC', an AudioSampleEntry) holding a FLACSpecificBox ('dfLa': full box,
// version 0, then the metadata blocks with STREAMINFO first), as the FLAC-in-ISOBMFF spec says.
void write_flac_entry(box_writer& w, const track_setup& t) {
  auto info = read_streaminfo(t.config);
  auto flac = w.open("fLaC");
  w.zeros(6);
  w.u16(1);  // data reference index
  w.zeros(8);
  w.u16(t.channels);
  w.u16(info ? info->bits_per_sample : 16);
  w.u32(0);
  // The spec: the rate when it fits 16.16, else 0 (STREAMINFO carries the real one).
  w.u32(static_cast<std::uint64_t>(t.sample_rate < 65536 ? t.sample_rate : 0) << 16);
  auto dfla = w.open_full("dfLa", 0, 0);
  w.bytes(t.config);
  w.close(dfla);
  w.close(flac);
}

void write_sample_entry(box_writer& w, const track_setup& t) {
  auto stsd = w.open_full("stsd", 0, 0);
  w.u32(1);
  if (t.kind == track_kind::video) {
    auto avc1 = w.open("avc1");
    w.zeros(6);
    w.u16(1);  // data reference index
    w.zeros(16);
    w.u16(static_cast<unsigned>(t.width));
    w.u16(static_cast<unsigned>(t.height));
    w.u32(0x00480000);  // 72 dpi
    w.u32(0x00480000);
    w.u32(0);
    w.u16(1);     // frames per sample
    w.zeros(32);  // compressor name
    w.u16(0x0018);
    w.u16(0xffff);  // pre_defined = -1
    auto avcc = w.open("avcC");
    w.bytes(t.config);
    w.close(avcc);
    w.close(avc1);
  } else if (t.codec == audio_codec::flac) {
    write_flac_entry(w, t);
  } else {
    auto mp4a = w.open("mp4a");
    w.zeros(6);
    w.u16(1);
    w.zeros(8);
    w.u16(t.channels);
    w.u16(16);
    w.u32(0);
    // A 16.16 field: rates above 65535 Hz do not fit; the esds carries the real one anyway.
    w.u32(static_cast<std::uint64_t>(t.sample_rate < 65536 ? t.sample_rate : 0) << 16);
    write_esds(w, t.config);
    w.close(mp4a);
  }
  w.close(stsd);
}

void write_trak(box_writer& w, const track_setup& t) {
  bool video = t.kind == track_kind::video;
  auto trak = w.open("trak");
  auto tkhd = w.open_full("tkhd", 0, 0x000003);  // enabled, in movie
  w.u32(0);                                      // creation time
  w.u32(0);                                      // modification time
  w.u32(t.id);
  w.u32(0);
  w.u32(0);  // duration: unknown (live)
  w.zeros(8);
  w.u16(0);                   // layer
  w.u16(video ? 0 : 1);       // alternate group
  w.u16(video ? 0 : 0x0100);  // volume
  w.u16(0);
  unity_matrix(w);
  w.u32(video ? static_cast<std::uint32_t>(t.width) << 16 : 0);
  w.u32(video ? static_cast<std::uint32_t>(t.height) << 16 : 0);
  w.close(tkhd);

  auto mdia = w.open("mdia");
  auto mdhd = w.open_full("mdhd", 0, 0);
  w.u32(0);
  w.u32(0);
  w.u32(t.timescale);
  w.u32(0);
  w.u16(0x55c4);  // language "und"
  w.u16(0);
  w.close(mdhd);
  auto hdlr = w.open_full("hdlr", 0, 0);
  w.u32(0);
  w.fourcc(video ? "vide" : "soun");
  w.zeros(12);
  w.bytes(std::as_bytes(std::span{video ? "VideoHandler" : "SoundHandler", 13}));
  w.close(hdlr);
  auto minf = w.open("minf");
  if (video) {
    auto vmhd = w.open_full("vmhd", 0, 1);
    w.zeros(8);
    w.close(vmhd);
  } else {
    auto smhd = w.open_full("smhd", 0, 0);
    w.zeros(4);
    w.close(smhd);
  }
  auto dinf = w.open("dinf");
  auto dref = w.open_full("dref", 0, 0);
  w.u32(1);
  auto url = w.open_full("url ", 0, 1);  // media in the same file
  w.close(url);
  w.close(dref);
  w.close(dinf);
  auto stbl = w.open("stbl");
  write_sample_entry(w, t);
  for (auto type : {"stts", "stsc", "stco"}) {
    auto empty = w.open_full(type, 0, 0);
    w.u32(0);
    w.close(empty);
  }
  auto stsz = w.open_full("stsz", 0, 0);
  w.u32(0);
  w.u32(0);
  w.close(stsz);
  w.close(stbl);
  w.close(minf);
  w.close(mdia);
  w.close(trak);
}

constexpr std::uint32_t sync_flags = 0x02000000;      // depends on no other sample
constexpr std::uint32_t non_sync_flags = 0x01010000;  // depends on others, not a sync sample

}  // namespace

byte_vector write_init(std::span<const track_setup> tracks) {
  byte_vector out;
  box_writer w{out};
  auto ftyp = w.open("ftyp");
  w.fourcc("isom");
  w.u32(0x200);
  for (auto brand : {"isom", "iso6", "avc1", "mp41"})
    w.fourcc(brand);
  w.close(ftyp);

  auto moov = w.open("moov");
  auto mvhd = w.open_full("mvhd", 0, 0);
  w.u32(0);
  w.u32(0);
  w.u32(1000);        // movie timescale
  w.u32(0);           // duration: live
  w.u32(0x00010000);  // rate 1.0
  w.u16(0x0100);      // volume 1.0
  w.zeros(10);
  unity_matrix(w);
  w.zeros(24);
  std::uint32_t next_id = 1;
  for (auto& t : tracks)
    next_id = std::max(next_id, t.id + 1);
  w.u32(next_id);
  w.close(mvhd);
  for (auto& t : tracks)
    write_trak(w, t);
  auto mvex = w.open("mvex");
  for (auto& t : tracks) {
    auto trex = w.open_full("trex", 0, 0);
    w.u32(t.id);
    w.u32(1);  // sample description index
    w.u32(0);
    w.u32(0);
    w.u32(0);
    w.close(trex);
  }
  w.close(mvex);
  w.close(moov);
  return out;
}

byte_vector write_fragment(std::uint32_t sequence, std::uint32_t track_id,
                           std::uint64_t decode_time, std::span<const sample> samples) {
  std::size_t payload = 0;
  for (auto& s : samples)
    payload += s.data.size();
  byte_vector out;
  out.reserve(payload + 100 + 16 * samples.size());
  box_writer w{out};
  auto moof = w.open("moof");
  auto mfhd = w.open_full("mfhd", 0, 0);
  w.u32(sequence);
  w.close(mfhd);
  auto traf = w.open("traf");
  auto tfhd = w.open_full("tfhd", 0, 0x020000);  // default-base-is-moof
  w.u32(track_id);
  w.close(tfhd);
  auto tfdt = w.open_full("tfdt", 1, 0);
  w.u64(decode_time);
  w.close(tfdt);
  // data offset, then per sample: duration, size, flags, composition offset.
  auto trun = w.open_full("trun", 1, 0x000001 | 0x000100 | 0x000200 | 0x000400 | 0x000800);
  w.u32(samples.size());
  auto data_offset_at = w.size();
  w.u32(0);
  for (auto& s : samples) {
    w.u32(s.duration);
    w.u32(s.data.size());
    w.u32(s.sync ? sync_flags : non_sync_flags);
    w.u32(static_cast<std::uint32_t>(s.cts));  // signed in version 1
  }
  w.close(trun);
  w.close(traf);
  w.close(moof);
  w.patch32(data_offset_at, w.size() - moof + 8);  // first sample: just after mdat's header
  w.u32(8 + payload);
  w.fourcc("mdat");
  for (auto& s : samples)
    w.bytes(s.data);
  return out;
}

}  // namespace aethex::media::fmp4
