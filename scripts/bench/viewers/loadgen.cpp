// Viewer load generator: N WebSocket media viewers (/ws/media/<ch>) and M HLS players polling one
// playlist and fetching its segments, against one live stream. Loopback only; bounded in time.
//
// usage: loadgen [--host 127.0.0.1] --port P (--channel C | --playlist-url-path /hls/x/index.m3u8)
//                [--ws N] [--hls M] [--seconds T] [--warmup W] [--drain D] [--poll-ms 1000]
//                [--batch 100] [--batch-ms 100] [--threads 2] [--vid-prefix v]
//                [--fetch-limit 1.0] [--ws-gap 1.5] [--min-share 0.9]
//
// Timeline: players are started in batches (--batch every --batch-ms, so a thousand sockets do not
// hit the listen backlog at once); once every player has answered (WS handshake, first playlist)
// or failed, W seconds of warm-up; then the judged window of T seconds, announced on stdout as the
// lines "WINDOW START" and "WINDOW END" (the run script samples the server's CPU there); then D
// seconds of drain in which players go on fetching (segments listed just before the end still
// count) but nothing more is judged; then one JSON line with the results.
//
// HLS player (like hls.js on a 1 s segment stream): one keep-alive connection; GET the playlist
// (with ?vid=<prefix><index>, each player its own id, as the node counts HLS viewers by it) every
// --poll-ms (random first phase; an overdue poll runs at once); the first answer starts it at the
// last listed segment, later answers queue every segment with a higher media sequence number;
// the EXT-X-MAP init is fetched when it changes; segments are fetched one after the other.
// Healthy when, for the window:
//   - it fetched >= --min-share of the segments the stream produced in the window (those first
//     listed to any player inside it; at least window / mean EXTINF - 1 of them, so a stream
//     that stalls for everybody fails too), fetches completing up to the end of the drain;
//   - every request started in the window (playlist, init, segment; connecting included) was
//     answered with 200 in < --fetch-limit s, and none failed.
// WebSocket viewer: healthy when it received the text init message and the binary init, was not
// closed before the window ended, got no {"type":"skip"} in the window (the node dropped its
// queue) and no gap between binary frames (fMP4 fragments) inside the window exceeded --ws-gap s
// (counting from the window start and up to its end).
//
// Players are spread over K threads (default 2), one io_context each, like the chat loadgen.
// HLS segment bodies of known length are discarded in the kernel (recv with MSG_TRUNC: the server
// sends and the socket drains as for any player, minus the copy); WebSocket fragments are read by
// Beast and counted. Neither is kept.
#include "hls_player.hpp"
#include "ws_viewer.hpp"

namespace {

config parse(int argc, char** argv) {
  config c;
  bench::read_options(argc, argv, [&c](const std::string& k, const std::string& v) {
    if (k == "--host")
      c.host = v;
    else if (k == "--port")
      c.port = static_cast<unsigned short>(std::stoi(v));
    else if (k == "--channel")
      c.channel = v;
    else if (k == "--playlist-url-path")
      c.playlist = v;
    else if (k == "--ws")
      c.ws = std::stoi(v);
    else if (k == "--hls")
      c.hls = std::stoi(v);
    else if (k == "--seconds")
      c.seconds = std::stod(v);
    else if (k == "--warmup")
      c.warmup = std::stod(v);
    else if (k == "--drain")
      c.drain = std::stod(v);
    else if (k == "--poll-ms")
      c.poll_ms = std::max(1, std::stoi(v));
    else if (k == "--batch")
      c.batch = std::max(1, std::stoi(v));
    else if (k == "--batch-ms")
      c.batch_ms = std::max(0, std::stoi(v));
    else if (k == "--threads")
      c.threads = std::max(1, std::stoi(v));
    else if (k == "--vid-prefix")
      c.vid_prefix = v;
    else if (k == "--fetch-limit")
      c.fetch_limit = std::stod(v);
    else if (k == "--ws-gap")
      c.ws_gap = std::stod(v);
    else if (k == "--min-share")
      c.min_share = std::stod(v);
    else if (k == "--request-timeout")
      c.request_timeout = std::stod(v);
    else
      throw std::runtime_error("unknown option " + k);
  });
  if (c.playlist.empty())
    c.playlist = "/hls/" + c.channel + "/index.m3u8";
  return c;
}

// (user, system) CPU seconds of this process, all threads.
std::pair<double, double> cpu_seconds_self() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return {static_cast<double>(ru.ru_utime.tv_sec) + static_cast<double>(ru.ru_utime.tv_usec) / 1e6,
          static_cast<double>(ru.ru_stime.tv_sec) + static_cast<double>(ru.ru_stime.tv_usec) / 1e6};
}

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20)
      out += c;
  }
  return out;
}

void sleep_until_s(double t) {
  auto d = t - now_s();
  if (d > 0)
    std::this_thread::sleep_for(std::chrono::duration<double>(d));
}

}  // namespace

int main(int argc, char** argv) {
  config cfg;
  try {
    cfg = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  getrlimit(RLIMIT_NOFILE, &rl);
  if (static_cast<rlim_t>(cfg.ws + cfg.hls + 64) > rl.rlim_cur)
    std::cerr << "warning: " << cfg.ws + cfg.hls << " players but only " << rl.rlim_cur
              << " file descriptors\n";

  auto threads = static_cast<std::size_t>(cfg.threads);
  bench::io_threads ios{threads};
  std::vector<std::unique_ptr<stats>> per_thread;
  for (std::size_t t = 0; t < threads; ++t)
    per_thread.push_back(std::make_unique<stats>());

  // Start everybody in batches, WS and HLS interleaved.
  std::vector<std::shared_ptr<ws_viewer>> wss;
  std::vector<std::shared_ptr<hls_player>> hlss;
  std::atomic<int> answered{0}, failed{0};
  auto total = cfg.ws + cfg.hls;
  auto ramp_start = now_s();
  for (int i = 0, w = 0, h = 0; i < total; ++i) {
    if (i > 0 && i % cfg.batch == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(cfg.batch_ms));
    // One counter for both kinds: with a half-and-half mix on two threads, every WebSocket viewer
    // lands on one thread and every HLS player on the other. Kept so: a thread that also reads
    // ~2 GB/s of WebSocket media delays the HLS answers it times (the node's 13,000-viewer step
    // went from p50 ~100 ms to ~800 ms with the kinds spread over both threads).
    auto t = static_cast<std::size_t>(i) % threads;
    auto on_ready = [&answered, &failed](bool ok) { ok ? ++answered : ++failed; };
    bool is_ws = static_cast<std::int64_t>(i + 1) * cfg.ws / std::max(1, total) >
                 static_cast<std::int64_t>(i) * cfg.ws / std::max(1, total);
    if (is_ws) {
      auto c = std::make_shared<ws_viewer>(ios[t], cfg);
      wss.push_back(c);
      ++w;
      asio::post(ios[t], [c, on_ready] { c->start(on_ready); });
    } else {
      auto c = std::make_shared<hls_player>(ios[t], cfg, *per_thread[t], h++);
      hlss.push_back(c);
      asio::post(ios[t], [c, on_ready] { c->start(on_ready); });
    }
  }
  auto posted = now_s();
  while (answered + failed < total && now_s() < posted + 30 + cfg.poll_ms / 1000.0)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  auto ramp_s = now_s() - ramp_start;

  sleep_until_s(now_s() + cfg.warmup);
  auto a = now_s();
  auto cpu_a = cpu_seconds_self();
  win_b = a + cfg.seconds;
  win_a = a;
  std::printf("WINDOW START %d answered %d failed\n", answered.load(), failed.load());
  std::fflush(stdout);
  sleep_until_s(a + cfg.seconds);
  auto b = now_s();
  auto cpu_b = cpu_seconds_self();
  std::printf("WINDOW END\n");
  std::fflush(stdout);
  sleep_until_s(b + cfg.drain);
  stopping = true;
  ios.stop();

  // --- judging ---------------------------------------------------------------------------------
  stats st;
  for (auto& p : per_thread) {
    st.playlist_ms.merge(p->playlist_ms);
    st.segment_ms.merge(p->segment_ms);
    for (auto& [msn, t] : p->first_listed) {
      auto [it, fresh] = st.first_listed.try_emplace(msn, t);
      if (!fresh)
        it->second = std::min(it->second, t);
    }
    st.extinf_sum += p->extinf_sum;
    st.extinf_count += p->extinf_count;
  }
  std::unordered_map<std::int64_t, double> produced;  // msn -> first listed, inside the window
  for (auto& [msn, t] : st.first_listed)
    if (t >= a && t < b)
      produced.emplace(msn, t);
  auto mean_extinf = st.extinf_count ? st.extinf_sum / static_cast<double>(st.extinf_count) : 1.0;
  auto expected = std::max<std::int64_t>(
    static_cast<std::int64_t>(produced.size()),
    static_cast<std::int64_t>(std::floor(cfg.seconds / mean_extinf)) - 1);
  expected = std::max<std::int64_t>(expected, 1);

  int hls_ok = 0, missed = 0, errored = 0, slow = 0, hls_resets = 0;
  double min_share = 1;
  std::uint64_t hls_bytes = 0, hls_bytes_window = 0, hls_segments = 0, hls_requests = 0,
                errors_window = 0, errors_other = 0;
  std::uint64_t late = 0, ready_count = 0;
  std::string first_error;
  for (auto& p : hlss) {
    std::int64_t got = 0;
    for (auto& [msn, t] : p->fetched)
      if (auto it = produced.find(msn); it != produced.end()) {
        ++got;
        auto ready = t - it->second;  // from first listed (to anybody) to its bytes complete
        st.ready_ms.add_seconds(ready);
        ++ready_count;
        if (ready > mean_extinf + cfg.fetch_limit)
          ++late;
      }
    auto share = static_cast<double>(got) / static_cast<double>(expected);
    min_share = std::min(min_share, share);
    bool ok_share = share >= cfg.min_share, ok_err = p->errors_window == 0,
         ok_slow = p->slow_window == 0;
    missed += !ok_share;
    errored += !ok_err;
    slow += !ok_slow;
    hls_ok += ok_share && ok_err && ok_slow;
    hls_bytes += p->bytes;
    hls_bytes_window += p->bytes_window;
    hls_segments += p->segments;
    hls_requests += p->requests;
    errors_window += static_cast<std::uint64_t>(p->errors_window);
    errors_other += static_cast<std::uint64_t>(p->errors_other);
    hls_resets += p->resets;
    if (first_error.empty() && !p->first_error.empty())
      first_error = p->first_error;
  }
  if (hlss.empty())
    min_share = 0;

  int ws_ok = 0, ws_connected = 0, ws_init = 0, ws_closed = 0, ws_gap = 0, ws_skipped = 0;
  std::uint64_t ws_bytes = 0, ws_bytes_window = 0, ws_fragments = 0;
  std::string ws_error;
  std::vector<double> gaps;
  for (auto& v : wss) {
    if (v->connected)
      v->gap_until(b);  // the stretch from the last frame to the window end
    ws_connected += v->connected;
    bool init = v->init_text && v->init_bin, open = v->connected && v->closed_at >= b;
    bool smooth = v->connected && v->max_gap <= cfg.ws_gap, unskipped = v->skips_window == 0;
    ws_init += init;
    ws_closed += !open;
    ws_gap += !smooth;
    ws_skipped += !unskipped;
    ws_ok += init && open && smooth && unskipped;
    ws_bytes += v->bytes;
    ws_bytes_window += v->bytes_window;
    ws_fragments += v->fragments;
    if (v->connected)
      gaps.push_back(v->max_gap);
    if (ws_error.empty() && !v->error.empty())
      ws_error = v->error;
  }
  std::sort(gaps.begin(), gaps.end());
  auto gap_pct = [&](double p) {
    return gaps.empty()
             ? 0.0
             : 1000 *
                 gaps[std::min(gaps.size() - 1,
                               static_cast<std::size_t>(p * static_cast<double>(gaps.size())))];
  };
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);

  std::printf(
    "{\"window_s\":%.2f,\"ramp_s\":%.2f,\"answered\":%d,\"failed_start\":%d,"
    "\"loadgen_cpu_pct\":%.1f,\"loadgen_sys_pct\":%.1f,\"loadgen_rss_kib\":%ld,\"threads\":%d,"
    "\"ws\":{\"total\":%zu,\"healthy\":%d,\"connected\":%d,\"init\":%d,\"closed\":%d,\"gap_over\":%"
    "d,"
    "\"skipped\":%d,\"max_gap_ms_p50\":%.0f,\"max_gap_ms_p99\":%.0f,\"max_gap_ms_max\":%.0f,"
    "\"bytes\":%llu,\"fragments\":%llu,\"mbit_s\":%.1f,\"first_error\":\"%s\"},"
    "\"hls\":{\"total\":%zu,\"healthy\":%d,\"missed_segments\":%d,\"failed_requests\":%d,\"slow_"
    "requests\":%d,"
    "\"segments_produced\":%zu,\"segments_expected\":%lld,\"mean_extinf\":%.3f,\"min_fetched_"
    "share\":%.3f,"
    "\"errors_window\":%llu,\"errors_outside\":%llu,\"resets\":%d,\"requests\":%llu,"
    "\"playlist_ms\":{\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f},"
    "\"segment_ms\":{\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f,\"count\":%llu},"
    "\"ready_ms\":{\"p50\":%.0f,\"p99\":%.0f,\"max\":%.0f},\"late_segments\":%llu,\"judged_"
    "segments\":%llu,"
    "\"bytes\":%llu,\"segments\":%llu,\"mbit_s\":%.1f,\"first_error\":\"%s\"}}\n",
    b - a, ramp_s, answered.load(), failed.load(),
    100 * (cpu_b.first + cpu_b.second - cpu_a.first - cpu_a.second) / (b - a),
    100 * (cpu_b.second - cpu_a.second) / (b - a), ru.ru_maxrss, cfg.threads, wss.size(), ws_ok,
    ws_connected, ws_init, ws_closed, ws_gap, ws_skipped, gap_pct(0.5), gap_pct(0.99), gap_pct(1.0),
    static_cast<unsigned long long>(ws_bytes), static_cast<unsigned long long>(ws_fragments),
    static_cast<double>(ws_bytes_window) * 8 / 1e6 / (b - a), json_escape(ws_error).c_str(),
    hlss.size(), hls_ok, missed, errored, slow, produced.size(), static_cast<long long>(expected),
    mean_extinf, min_share, static_cast<unsigned long long>(errors_window),
    static_cast<unsigned long long>(errors_other), hls_resets,
    static_cast<unsigned long long>(hls_requests), st.playlist_ms.percentile_ms(0.5),
    st.playlist_ms.percentile_ms(0.99), st.playlist_ms.max * 1000, st.segment_ms.percentile_ms(0.5),
    st.segment_ms.percentile_ms(0.99), st.segment_ms.max * 1000,
    static_cast<unsigned long long>(st.segment_ms.count), st.ready_ms.percentile_ms(0.5),
    st.ready_ms.percentile_ms(0.99), st.ready_ms.max * 1000, static_cast<unsigned long long>(late),
    static_cast<unsigned long long>(ready_count), static_cast<unsigned long long>(hls_bytes),
    static_cast<unsigned long long>(hls_segments),
    static_cast<double>(hls_bytes_window) * 8 / 1e6 / (b - a), json_escape(first_error).c_str());
  std::fflush(stdout);
  std::_Exit(0);  // thousands of sockets: let the kernel close them
}
