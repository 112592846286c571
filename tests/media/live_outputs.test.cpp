// fMP4 box parsing, the GOP cache of the WebSocket hub and the LL-HLS playlist writer, fed with
// a real fragmented MP4 from GStreamer's mp4mux (the muxer the live pipeline uses) over a real
// H.264 + AAC stream from ffmpeg.
#include <sys/resource.h>

#include <doctest/doctest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>

#include "media/fmp4.hpp"
#include "media/fmp4_hub.hpp"
#include "media/ll_hls.hpp"

namespace fs = std::filesystem;
using namespace aethex::media;

namespace {

// 4 s of 30 fps video with a keyframe every 30 frames plus AAC, as fragmented MP4.
const fmp4::bytes& sample_fmp4() {
  static const fmp4::bytes data = [] {
    fs::path dir = AETHEX_MEDIA_TEST_DIR;
    fs::create_directories(dir);
    auto flv = (dir / "sample.flv").string();
    auto mp4 = (dir / "sample.mp4").string();
    std::string make_flv =
      "ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc=size=320x240:rate=30 -f lavfi "
      "-i sine=frequency=440:sample_rate=48000 -t 4 -c:v libx264 -preset ultrafast -pix_fmt "
      "yuv420p -g 30 -c:a aac -f flv " +
      flv;
    std::string make_mp4 = "gst-launch-1.0 -q filesrc location=" + flv +
                           " ! flvdemux name=d d.video ! queue ! h264parse ! m.video_0 d.audio ! "
                           "queue ! aacparse ! m.audio_0 mp4mux name=m fragment-duration=100 "
                           "streamable=true ! filesink location=" +
                           mp4;
    REQUIRE(std::system(make_flv.c_str()) == 0);
    REQUIRE(std::system(make_mp4.c_str()) == 0);
    std::ifstream in(mp4, std::ios::binary);
    std::vector<char> raw{std::istreambuf_iterator<char>(in), {}};
    fmp4::bytes out(raw.size());
    std::memcpy(out.data(), raw.data(), raw.size());
    return out;
  }();
  return data;
}

// Splits the file in random-sized reads, like buffers arriving from a muxer.
std::vector<fmp4::stream_splitter::unit> split(fmp4::stream_splitter& splitter) {
  auto& data = sample_fmp4();
  std::mt19937 rng{7};
  std::vector<fmp4::stream_splitter::unit> units;
  std::size_t at = 0;
  while (at < data.size()) {
    auto n = std::min<std::size_t>(data.size() - at, 1 + rng() % 3000);
    for (auto& u : splitter.feed(std::span{data}.subspan(at, n)))
      units.push_back(std::move(u));
    at += n;
  }
  return units;
}

struct recorder final : fmp4_subscriber {
  std::vector<fmp4_packet> packets;
  bool ended = false;
  void on_packet(const fmp4_packet& p) override { packets.push_back(p); }
  void on_end() override { ended = true; }
};

fmp4_packet packet_of(const fmp4::stream_splitter::unit& u, const fmp4::init_info& init) {
  fmp4_packet p;
  p.data = u.data;
  p.init = u.init;
  if (!u.init) {
    auto& track = init.tracks.at(u.fragment.track_id);
    p.video = track.video;
    p.keyframe = track.video && u.fragment.starts_with_sync;
  }
  return p;
}

}  // namespace

TEST_CASE("the splitter yields one init then moof+mdat fragments with track timing") {
  fmp4::stream_splitter splitter;
  auto units = split(splitter);
  REQUIRE(units.size() > 40);
  CHECK(units[0].init);
  REQUIRE(splitter.init().has_value());
  auto& init = *splitter.init();
  CHECK(init.mime().find("avc1.") != std::string::npos);
  CHECK(init.mime().find("mp4a.40.2") != std::string::npos);
  auto* video = init.video_track();
  REQUIRE(video != nullptr);
  std::map<std::uint32_t, std::uint64_t> next_time, total;
  int keyframes = 0;
  for (std::size_t i = 1; i < units.size(); ++i) {
    auto& f = units[i].fragment;
    CHECK_FALSE(units[i].init);
    CHECK(f.samples > 0);
    if (next_time.count(f.track_id))
      CHECK(f.decode_time == next_time[f.track_id]);  // fragments of a track are contiguous
    next_time[f.track_id] = f.decode_time + f.duration;
    total[f.track_id] += f.duration;
    if (f.track_id == video->id && f.starts_with_sync)
      ++keyframes;
  }
  CHECK(keyframes == 4);  // one per second of the 4 s stream
  double video_s = static_cast<double>(total[video->id]) / video->timescale;
  CHECK(video_s == doctest::Approx(4.0).epsilon(0.05));
}

TEST_CASE("malformed input is reported, not crashed on") {
  fmp4::bytes garbage(64, std::byte{0});
  garbage[3] = std::byte{4};  // box size 4 is smaller than its own header
  fmp4::stream_splitter splitter;
  CHECK_THROWS(splitter.feed(garbage));
  CHECK_FALSE(fmp4::parse_init(std::span{sample_fmp4()}.subspan(0, 40)).has_value());
  fmp4::init_info empty;
  CHECK_FALSE(fmp4::parse_fragment(std::span{sample_fmp4()}.subspan(0, 16), empty).has_value());
}

TEST_CASE("a late subscriber gets init then the GOP cache from the last keyframe") {
  fmp4::stream_splitter splitter;
  auto units = split(splitter);
  fmp4_hub hub;
  auto early = std::make_shared<recorder>();
  hub.subscribe(early);
  std::size_t half = units.size() / 2 + 3;
  for (std::size_t i = 0; i < half; ++i)
    hub.publish(packet_of(units[i], *splitter.init()));
  auto late = std::make_shared<recorder>();
  hub.subscribe(late);
  REQUIRE(late->packets.size() >= 2);
  CHECK(late->packets[0].init);
  CHECK(late->packets[1].keyframe);
  for (std::size_t i = 2; i < late->packets.size(); ++i)
    CHECK_FALSE(late->packets[i].keyframe);  // only the newest GOP
  CHECK(late->packets.size() == hub.cached_packets() + 1);
  for (std::size_t i = half; i < units.size(); ++i)
    hub.publish(packet_of(units[i], *splitter.init()));
  CHECK(early->packets.size() == units.size());
  CHECK(hub.subscribers() == 2);
  late.reset();
  CHECK(hub.subscribers() == 1);  // expired subscribers drop out
  hub.close();
  CHECK(early->ended);
}

TEST_CASE("a large audience gets whole bursts in batches of the interval; the newest never waits") {
  fmp4_hub hub{fmp4_hub::batching{200, 2}};
  auto data = std::make_shared<const fmp4::bytes>(16);
  auto burst = [&](double t, bool keyframe = false) {  // video then audio, cut together
    hub.publish({false, data, true, keyframe, t, 0, {}, false});
    hub.publish({false, data, false, false, t, 0, {}, true});
  };
  auto first = std::make_shared<recorder>();  // phase 0: batches end at 0.2, 0.4, 0.6…
  hub.subscribe(first);
  hub.publish({true, data, false, false, 0, 0, "video/mp4", false});
  CHECK(first->packets.size() == 1);  // an init goes at once
  burst(0.0, true);
  CHECK(first->packets.size() == 3);           // one subscriber: no batching
  auto second = std::make_shared<recorder>();  // phase 0.618: batches end at 0.12, 0.32, 0.52…
  hub.subscribe(second);
  CHECK(second->packets.size() == 3);  // init + GOP
  burst(0.1);
  CHECK(first->packets.size() == 3);  // held: its interval ends at 0.2
  CHECK(second->packets.size() == 3);
  burst(0.2);
  CHECK(first->packets.size() == 7);   // both bursts, the newest at once
  CHECK(second->packets.size() == 7);  // past 0.12
  burst(0.3);
  CHECK(first->packets.size() == 7);
  CHECK(second->packets.size() == 7);
  burst(0.4);  // both again
  CHECK(first->packets.size() == 11);
  CHECK(second->packets.size() == 11);
  hub.publish({false, data, true, false, 0.5, 0, {}, false});
  hub.publish({false, data, true, false, 0.6, 0, {}, false});
  CHECK(first->packets.size() == 11);  // a batch ends only with a burst
  auto third = std::make_shared<recorder>();
  hub.subscribe(third);  // the others' held packets are in its GOP and stay held for them
  CHECK(first->packets.size() == 11);
  CHECK(third->packets.size() == 13);
  hub.publish({false, data, true, false, 0.75, 0, {}, false});
  CHECK(first->packets.size() == 11);
  hub.publish({false, data, true, false, 1.1, 0, {}, false});
  // Never marked as a burst end: delivered once twice the interval is held.
  CHECK(first->packets.size() == 15);  // 0.5, 0.6, 0.75, 1.1 (held since 0.4)
  CHECK(third->packets.size() == 15);  // 0.75, 1.1 (held since 0.6)
  hub.publish({false, data, true, false, 1.2, 0, {}, false});
  hub.close();  // what is held goes out before the end
  for (auto* r : {first.get(), second.get(), third.get()}) {
    CHECK(r->packets.size() == 16);
    CHECK(r->packets.back().media_time_s == doctest::Approx(1.2));
    CHECK(r->ended);
  }
}

TEST_CASE("a large audience is spread over the interval: each burst goes to a share of it") {
  fmp4_hub::batching rule{200, 2, 500, 3};
  CHECK(rule.interval_for(1) == 0);
  CHECK(rule.interval_for(2) == 200);
  CHECK(rule.interval_for(3) == 500);
  fmp4_hub hub{rule};
  auto data = std::make_shared<const fmp4::bytes>(16);
  constexpr int audience_size = 200;
  std::vector<std::shared_ptr<recorder>> audience;
  for (int i = 0; i < audience_size; ++i) {
    audience.push_back(std::make_shared<recorder>());
    hub.subscribe(audience.back());
  }
  hub.publish({true, data, false, false, 0, 0, "video/mp4", false});
  std::vector<std::vector<double>> delivered_at(audience_size);  // media times of deliveries
  std::vector<std::size_t> seen(audience_size, 1);
  std::size_t busiest = 0;
  for (int i = 0; i <= 50; ++i) {  // 5 s of bursts 0.1 s apart
    double t = i * 0.1;
    hub.publish({false, data, true, i % 10 == 0, t, 0, {}, true});
    std::size_t reached = 0;
    for (int v = 0; v < audience_size; ++v) {
      auto& got = audience[v]->packets;
      if (got.size() == seen[v])
        continue;
      ++reached;
      CHECK(got.back().media_time_s == doctest::Approx(t));  // the newest never waits
      delivered_at[v].push_back(t);
      seen[v] = got.size();
    }
    if (i >= 10)
      busiest = std::max(busiest, reached);
  }
  // 500 ms batches over 100 ms bursts: about a fifth of the audience per burst, never all.
  CHECK(busiest <= audience_size * 3 / 10);
  for (int v = 0; v < audience_size; ++v) {
    CAPTURE(v);
    auto& got = audience[v]->packets;
    for (std::size_t k = 1; k < got.size(); ++k)  // every packet once, in order
      CHECK(got[k].media_time_s == doctest::Approx(static_cast<double>(k - 1) * 0.1));
    CHECK(got.size() >= 47);  // held at most one interval
    auto& at = delivered_at[v];
    for (std::size_t k = 2; k < at.size(); ++k)  // past the first two (rule changes, phase)
      CHECK(at[k] - at[k - 1] == doctest::Approx(0.5).epsilon(0.01));
  }
  audience.resize(2);  // two left once deliveries drop the gone ones: the 200 ms rule again
  for (int i = 51; i <= 60; ++i)
    hub.publish({false, data, true, false, i * 0.1, 0, {}, true});
  auto before = audience[0]->packets.size();
  hub.publish({false, data, true, false, 6.1, 0, {}, true});
  hub.publish({false, data, true, false, 6.2, 0, {}, true});
  hub.publish({false, data, true, false, 6.3, 0, {}, true});
  CHECK(audience[0]->packets.size() - before >= 2);  // at least one 200 ms batch in 0.3 s
  CHECK(hub.subscribers() == 2);
}

TEST_CASE("LL-HLS: playlist tags, part durations, blocking reload and end of stream") {
  fmp4::stream_splitter splitter;
  auto units = split(splitter);
  ll_hls_stream ll{ll_hls_options{}};
  CHECK_FALSE(ll.playlist().has_value());
  ll.set_init(units[0].data, *splitter.init());
  bool waiting_done = false;
  std::size_t i = 1;
  for (; i < units.size() / 2; ++i)
    ll.add_fragment(units[i].data, units[i].fragment,
                    1'700'000'000'000 + static_cast<std::int64_t>(i));
  auto text = ll.playlist();
  REQUIRE(text.has_value());
  auto parsed = parse_playlist(*text);
  INFO(*text);
  CHECK(parsed.errors.empty());
  for (auto& e : parsed.errors)
    MESSAGE(e);
  CHECK(parsed.tags.count("EXT-X-PROGRAM-DATE-TIME") == 1);
  REQUIRE(!parsed.segments.empty());
  for (auto& seg : parsed.segments) {
    CHECK(seg.duration == doctest::Approx(1.0).epsilon(0.02));
    if (!seg.parts.empty()) {
      CHECK(seg.parts.front().independent);
      CHECK(ll.media(fs::path{seg.parts.front().uri}.filename().string()).has_value());
    }
  }
  CHECK(ll.media(fs::path{parsed.segments.back().uri}.filename().string()).has_value());

  // Block on the hinted part: nothing yet, then the callback runs when it is written.
  auto hinted = ll_hls_stream::part_of(fs::path{parsed.preload_hint_uri}.filename().string());
  REQUIRE(hinted.has_value());
  CHECK(!ll.media(fs::path{parsed.preload_hint_uri}.filename().string()).has_value());
  ll.when_available(hinted->first, hinted->second, [&](ll_hls_stream::wait_result r) {
    CHECK(r == ll_hls_stream::wait_result::ready);
    waiting_done = true;
  });
  CHECK_FALSE(waiting_done);
  for (; i < units.size() && !waiting_done; ++i)
    ll.add_fragment(units[i].data, units[i].fragment, 1'700'000'000'000);
  CHECK(waiting_done);
  CHECK(ll.playlist()->find(parsed.preload_hint_uri) != std::string::npos);

  // Too far ahead is rejected at once; a pending wait learns that the stream ended.
  std::optional<ll_hls_stream::wait_result> far, pending;
  ll.when_available(hinted->first + 5, 0, [&](auto r) { far = r; });
  CHECK(far == ll_hls_stream::wait_result::bad_request);
  ll.when_available(hinted->first + 2, 0, [&](auto r) { pending = r; });
  CHECK_FALSE(pending.has_value());
  auto last_segment = fs::path{parsed.segments.back().uri}.filename().string();
  REQUIRE(ll.media(last_segment).has_value());
  ll.close();
  CHECK(pending == ll_hls_stream::wait_result::gone);
  // An ended stream lets go of its media at once, whoever still holds the stream.
  CHECK_FALSE(ll.media(last_segment).has_value());
  CHECK_FALSE(ll.playlist().has_value());
}

namespace {

std::string content(const ll_hls_stream::media_bytes& m) {
  if (m.file)
    return m.file->read(m.offset, m.size);
  std::string out;
  for (auto& c : m.chunks)
    out.append(reinterpret_cast<const char*>(c->data()), c->size());
  return out;
}

// Every part and segment of a stream fed the sample, by name, as served.
std::map<std::string, std::string> served_media(bool expect_files) {
  fmp4::stream_splitter splitter;
  auto units = split(splitter);
  ll_hls_stream ll{ll_hls_options{}};
  ll.set_init(units[0].data, *splitter.init());
  for (std::size_t i = 1; i < units.size(); ++i)
    ll.add_fragment(units[i].data, units[i].fragment, 1'700'000'000'000);
  auto parsed = parse_playlist(*ll.playlist());
  std::map<std::string, std::string> out;
  for (auto& seg : parsed.segments) {
    std::string joined;
    for (auto& part : seg.parts) {
      auto name = fs::path{part.uri}.filename().string();
      auto bytes = ll.media(name);
      REQUIRE(bytes.has_value());
      CHECK((bytes->file != nullptr) == expect_files);
      out[name] = content(*bytes);
      joined += out[name];
    }
    auto name = fs::path{seg.uri}.filename().string();
    auto bytes = ll.media(name);
    REQUIRE(bytes.has_value());
    CHECK((bytes->file != nullptr) == expect_files);
    out[name] = content(*bytes);
    CHECK(out[name].substr(4, 4) == "moof");
    if (!seg.parts.empty())
      CHECK(out[name] == joined);  // a segment is its parts, in order
  }
  return out;
}

}  // namespace

TEST_CASE("parts and segments are ranges of a memory file, or the fragments without one") {
  auto from_files = served_media(true);
  REQUIRE(from_files.size() > 3);
  // Out of descriptors: the same bytes, from the muxer's fragments.
  rlimit old{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &old) == 0);
  rlimit none = old;
  none.rlim_cur = 0;
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &none) == 0);
  auto from_fragments = served_media(false);
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &old) == 0);
  CHECK(from_fragments == from_files);
}

TEST_CASE("the playlist parser reports what breaks LL-HLS") {
  auto parsed = parse_playlist(
    "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n"
    "#EXT-X-MEDIA-SEQUENCE:4\n#EXTINF:2.5,\ns4.ts\n");
  CHECK_FALSE(parsed.errors.empty());
  auto bad = parse_playlist(
    "#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:1\n"
    "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.3\n"
    "#EXT-X-PART-INF:PART-TARGET=0.3\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-MAP:URI=\"i.mp4\"\n"
    "#EXT-X-PART:DURATION=0.5,URI=\"p0.0.m4s\"\n#EXTINF:1.0,\ns0.m4s\n"
    "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"p1.0.m4s\"\n");
  CHECK(bad.errors.size() == 2);  // hold-back below 2×part target, part longer than the target
  CHECK(bad.segments.size() == 1);
  CHECK(bad.preload_hint_uri == "p1.0.m4s");
}

TEST_CASE("HLS viewers: each id once, at most 64 ids per address, for 30 s after their last poll") {
  ll_hls_stream ll{ll_hls_options{}};
  const std::int64_t t0 = 1'000'000;
  ll.note_viewer("id:tab-a", "10.0.0.1", false, t0);
  ll.note_viewer("id:tab-a", "10.0.0.1", false, t0 + 500);  // the same tab polling again
  ll.note_viewer("id:tab-b", "10.0.0.1", true, t0);
  ll.note_viewer("ip:10.0.0.2", "10.0.0.2", false, t0);
  auto counts = ll.viewers(t0 + 1000);
  CHECK(counts.hls == 2);
  CHECK(counts.ll_hls == 1);

  // A client inventing an id per poll counts for 64 viewers at most.
  for (int i = 0; i < 500; ++i)
    ll.note_viewer("id:bot-" + std::to_string(i), "10.0.0.9", false, t0);
  CHECK(ll.viewers(t0 + 1000).hls == 2 + ll_hls_stream::max_ids_per_address);

  // tab-a polled last at t0 + 500; everyone else at t0.
  counts = ll.viewers(t0 + ll_hls_options{}.viewer_window_ms + 100);
  CHECK(counts.hls == 1);
  CHECK(counts.ll_hls == 0);
  CHECK(ll.viewers(t0 + ll_hls_options{}.viewer_window_ms + 600).hls == 0);
}
