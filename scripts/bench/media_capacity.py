"""Media timing, HLS segment watching and the publisher capacity search of scripts/bench/latency
(imported by it; the rules are in its docstring). A capacity step's publishers and playlist
watchers run in one C++ process (capacity/load.cpp, built with g++ on first use), which follows
SegmentWatcher's rules and prints the same results. Otherwise Python 3 standard library only.
"""
import http.client, json, os, re, resource, struct, subprocess, sys, tempfile, threading, time
import urllib.parse

SEGMENT_SECONDS = 1.0   # both servers cut 1 s segments (nginx hls_fragment 1s, node default)
ON_TIME_LAG = 1.0       # a segment is on time when listed within this after its media end
MAX_LAG = 1.5           # seconds from a segment's media end to its appearance
MIN_ON_TIME = 0.95      # share of segments on time a healthy stream keeps
CAPACITY_POLL = 0.5     # playlist poll interval per stream in the capacity search
DEFAULT_STEPS = (8, 16, 24, 32, 48, 64, 96, 128, 160, 200, 240)

_children = set()  # every process started through spawn(), for stop_children()


def spawn(args, **kw):
    p = subprocess.Popen(args, **kw)
    _children.add(p)
    return p


def stop_process(p, timeout=10):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill(); p.wait()
    _children.discard(p)


def stop_children():
    """Stops whatever is still running (publishers, workers, servers): the exit path on errors."""
    for p in list(_children):
        stop_process(p, 5)


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def wait_for(fn, timeout):
    end = time.time() + timeout
    while time.time() < end:
        try:
            if fn():
                return True
        except Exception:
            pass
        time.sleep(0.1)
    return False


# --- process accounting ----------------------------------------------------------------------

def process_tree(pid):
    """pid and all its descendants (nginx: master + worker)."""
    kids = {}
    for d in os.listdir('/proc'):
        if d.isdigit():
            try:
                kids.setdefault(int(open(f'/proc/{d}/stat').read().rsplit(')', 1)[1].split()[1]), []).append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop(); out.append(p); todo += kids.get(p, [])
    return out


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            f = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
            total += (int(f[11]) + int(f[12])) / os.sysconf('SC_CLK_TCK')
        except (OSError, IndexError):
            pass
    return total


def rss_bytes(pids):
    """Resident memory, plus the in-memory files (memfd) the processes hold open: the node keeps
    live segments in such files (sent with sendfile), whose pages RSS does not count unmapped."""
    total, files = 0, set()
    for pid in pids:
        try:
            m = re.search(r'VmRSS:\s+(\d+) kB', open(f'/proc/{pid}/status').read())
            total += int(m.group(1)) * 1024 if m else 0
            for fd in os.listdir(f'/proc/{pid}/fd'):
                path = f'/proc/{pid}/fd/{fd}'
                try:
                    if os.readlink(path).startswith('/memfd:'):
                        st = os.stat(path)
                        if (st.st_dev, st.st_ino) not in files:
                            files.add((st.st_dev, st.st_ino))
                            total += st.st_blocks * 512
                except OSError:
                    pass  # closed meanwhile
        except OSError:
            pass
    return total


# --- publisher with T0 calibration ----------------------------------------------------------

# The benchmarks' 720p30 source: ~2.5 Mbit/s H.264 (noise keeps x264 honest), 1 s GOP, AAC.
def encode_clip(path):
    subprocess.run(['ffmpeg', '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i',
                    'testsrc=size=1280x720:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
                    '-t', '40', '-vf', 'noise=alls=8:allf=t', '-c:v', 'libx264', '-preset', 'veryfast',
                    '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-g', '30', '-keyint_min', '30',
                    '-sc_threshold', '0', '-b:v', '2500k', '-maxrate', '2500k', '-bufsize', '2500k',
                    '-c:a', 'aac', '-b:a', '128k', '-f', 'flv', path], check=True)
    return os.path.getsize(path) * 8 / 40 / 1e6


class Publisher:
    """ffmpeg -re -c copy of the clip; t0 = min over -progress reports of (wall - out_time)."""
    def __init__(self, clip, url, loop=False, stats_period=0.1):
        args = ['ffmpeg', '-hide_banner', '-loglevel', 'error', '-re']
        if loop:
            args += ['-stream_loop', '-1']
        args += ['-i', clip, '-c', 'copy', '-f', 'flv', '-progress', 'pipe:1', '-stats_period',
                 str(stats_period), url]
        self.t0 = None; self.speed = []; self.alive = True
        self.proc = spawn(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            now = time.time()
            if line.startswith('out_time_us='):
                try:
                    out = int(line.split('=')[1]) / 1e6
                except ValueError:
                    continue
                if out > 0:
                    t0 = now - out
                    self.t0 = t0 if self.t0 is None else min(self.t0, t0)
            elif line.startswith('speed='):
                m = re.match(r'speed=\s*([\d.]+)x', line)
                if m:
                    self.speed.append(float(m.group(1)))
        self.alive = False

    def stop(self):
        stop_process(self.proc)


# --- media time of fMP4 fragments and MPEG-TS segments -----------------------------------------

def boxes(data):
    at = 0
    while at + 8 <= len(data):
        size, kind = struct.unpack('>I4s', data[at:at + 8])
        if size < 8:
            return
        yield kind.decode('latin1'), data[at + 8:at + size]
        at += size


def video_track_info(init):
    """(track id, timescale, trex default sample duration) of the video track of an init segment."""
    for kind, moov in boxes(init):
        if kind != 'moov':
            continue
        found, defaults = None, {}
        for k, box in boxes(moov):
            if k == 'trak':
                t = dict(boxes(box)); mdia = dict(boxes(t['mdia']))
                if mdia['hdlr'][8:12] == b'vide':
                    tkhd, mdhd = t['tkhd'], mdia['mdhd']
                    tid = struct.unpack('>I', tkhd[12:16] if tkhd[0] == 0 else tkhd[20:24])[0]
                    ts = struct.unpack('>I', mdhd[12:16] if mdhd[0] == 0 else mdhd[20:24])[0]
                    found = (tid, ts)
            elif k == 'mvex':
                for kk, trex in boxes(box):
                    if kk == 'trex':
                        defaults[struct.unpack('>I', trex[4:8])[0]] = struct.unpack('>I', trex[12:16])[0]
        if found:
            return found[0], found[1], defaults.get(found[0], 0)
    return None


def video_track_of(init):
    info = video_track_info(init)
    return info[:2] if info else None


def fmp4_video_span(fragment, track_id, timescale, default_duration=0):
    """(start, end) media seconds of the video samples in a run of moof+mdat: start = tfdt of the
    first, end = tfdt + the sum of the sample durations (trun, else tfhd, else trex default)."""
    start = end = None
    for kind, moof in boxes(fragment):
        if kind != 'moof':
            continue
        for k, traf in boxes(moof):
            if k != 'traf':
                continue
            parts = dict(boxes(traf))
            tfhd, tfdt, trun = parts.get('tfhd'), parts.get('tfdt'), parts.get('trun')
            if not (tfhd and tfdt and trun) or struct.unpack('>I', tfhd[4:8])[0] != track_id:
                continue
            hflags, dur = struct.unpack('>I', tfhd[0:4])[0] & 0xffffff, default_duration
            if hflags & 0x08:
                at = 8 + (8 if hflags & 0x01 else 0) + (4 if hflags & 0x02 else 0)
                dur = struct.unpack('>I', tfhd[at:at + 4])[0]
            base = struct.unpack('>Q', tfdt[4:12])[0] if tfdt[0] == 1 else struct.unpack('>I', tfdt[4:8])[0]
            flags = struct.unpack('>I', trun[0:4])[0] & 0xffffff
            count = struct.unpack('>I', trun[4:8])[0]
            pos, total = 8 + (4 if flags & 1 else 0) + (4 if flags & 4 else 0), 0
            step = 4 * sum(1 for b in (0x100, 0x200, 0x400, 0x800) if flags & b)
            for _ in range(count):
                total += struct.unpack('>I', trun[pos:pos + 4])[0] if flags & 0x100 else dur
                pos += step
            s, e = base / timescale, (base + total) / timescale
            start = s if start is None else min(start, s)
            end = e if end is None else max(end, e)
    return (start, end) if start is not None else None


def video_start_time(fragment, video_track, timescale):
    """Media time (s) of the first video frame in a run of moof+mdat, or None."""
    span = fmp4_video_span(fragment, video_track, timescale)
    return span[0] if span else None


def _pts(b):
    return ((b[0] >> 1) & 7) << 30 | b[1] << 22 | (b[2] >> 1) << 15 | b[3] << 7 | b[4] >> 1


def ts_video_span(data):
    """(start, end) media seconds of the video in an MPEG-TS segment, from the PTS of its video
    PES headers (stream id 0xE0-0xEF): start = lowest PTS, end = highest PTS + one frame (the
    median PTS step), i.e. the start of the frame that follows the segment."""
    pts, pending = [], {}
    for i in range(0, len(data) - 187, 188):
        if data[i] != 0x47:
            continue
        pusi, pid = data[i + 1] & 0x40, (data[i + 1] & 0x1f) << 8 | data[i + 2]
        if not pusi and pid not in pending:
            continue
        afc, p = (data[i + 3] >> 4) & 3, i + 4
        if afc & 2:
            p += 1 + data[i + 4]
        if not afc & 1 or p >= i + 188:
            continue
        head = data[p:i + 188] if pusi else pending.pop(pid) + data[p:i + 188]
        if len(head) < 14:
            pending[pid] = head  # the PES header goes on in the next packet of this PID
            continue
        if head[0:3] == b'\x00\x00\x01' and 0xe0 <= head[3] <= 0xef and head[7] & 0x80:
            pts.append(_pts(head[9:14]))
    if not pts:
        return None
    first = pts[0]
    pts = sorted(p + (1 << 33) if p < first - (1 << 32) else p for p in pts)  # 33-bit wrap
    steps = sorted(b - a for a, b in zip(pts, pts[1:]) if b > a)
    frame = steps[len(steps) // 2] if steps else 0
    return pts[0] / 90000, (pts[-1] + frame) / 90000


# --- HLS playlists -----------------------------------------------------------------------------

def parse_playlist(text):
    """[(msn, uri, EXTINF, EXT-X-MAP uri or None)] of a media playlist."""
    if not text.startswith('#EXTM3U'):
        raise ValueError('not a playlist')
    seq, dur, map_uri, segs = 0, None, None, []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith('#EXT-X-MEDIA-SEQUENCE:'):
            seq = int(line.split(':', 1)[1])
        elif line.startswith('#EXT-X-MAP:'):
            m = re.search(r'URI="([^"]+)"', line)
            map_uri = m.group(1) if m else None
        elif line.startswith('#EXTINF:'):
            dur = float(line[8:].split(',')[0])
        elif line and not line.startswith('#'):
            segs.append((seq + len(segs), line, dur, map_uri)); dur = None
    return segs


class HttpClient:
    """One keep-alive connection; reconnects once when the server closed it."""
    def __init__(self, host, port, timeout=5):
        self.host, self.port, self.timeout, self.conn = host, port, timeout, None

    def get(self, path):
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request('GET', path)
                r = self.conn.getresponse()
                return r.status, r.read()
            except (OSError, http.client.HTTPException) as e:
                self.conn.close(); self.conn = None
                if attempt or isinstance(e, TimeoutError):
                    raise

    def close(self):
        if self.conn:
            self.conn.close(); self.conn = None


class SegmentWatcher:
    """Follows one HLS playlist. For each segment that appears it records [msn, seen, start, end,
    EXTINF, known]: seen = wall time the playlist answer listing it first arrived; start/end =
    its video media span (fMP4 when the playlist has EXT-X-MAP: init + segment; else MPEG-TS);
    known = the previous poll was answered (200 without it, or 404 before the stream was live),
    so it appeared within one poll interval before `seen`."""
    def __init__(self, url, timeout=5):
        u = urllib.parse.urlsplit(url)
        self.url, self.http = url, HttpClient(u.hostname, u.port, timeout)
        self.segs, self.errors, self.resets, self.inits = {}, [], [], {}
        self.answered, self.last, self.format = False, -1, None

    def _get(self, uri):
        u = urllib.parse.urlsplit(urllib.parse.urljoin(self.url, uri))
        return self.http.get(u.path + ('?' + u.query if u.query else ''))

    def poll(self):
        """Reads the playlist once; returns the msns that are new."""
        try:
            status, body = self._get(self.url)
            seen = time.time()
            segs = parse_playlist(body.decode('utf-8', 'replace')) if status == 200 else None
        except Exception:
            status, segs, seen = None, None, time.time()
        if segs is None:
            if status != 404:
                self.errors.append(seen)
            self.answered = status == 404
            return []
        known, self.answered = self.answered, True
        if segs and segs[-1][0] < self.last:  # the numbering started again
            self.resets.append(seen); self.last = -1
        new = []
        for msn, uri, dur, map_uri in segs:
            if msn > self.last:
                span = self.span(uri, map_uri)
                self.segs[msn] = [msn, seen, span and span[0], span and span[1], dur, known]
                self.last = msn; new.append(msn)
        return new

    def span(self, uri, map_uri):
        try:
            status, data = self._get(uri)
            if status != 200:
                return None
            if map_uri:
                self.format = 'fMP4'
                if map_uri not in self.inits:
                    st, init = self._get(map_uri)
                    if st != 200:
                        return None
                    self.inits[map_uri] = video_track_info(init)
                track = self.inits[map_uri]
                return fmp4_video_span(data, *track) if track else None
            self.format = 'TS'
            return ts_video_span(data)
        except Exception:
            return None

    def result(self):
        return {'url': self.url, 'format': self.format, 'segs': sorted(self.segs.values()),
                'errors': self.errors, 'resets': self.resets}


def follow(watchers, interval, deadline, stop=None):
    """Polls every watcher every `interval` s (phases spread) until deadline() or stop is set."""
    def run(w, offset):
        due = time.time() + offset
        while not (stop and stop.is_set()) and time.time() < deadline():
            wait = due - time.time()
            if wait > 0:
                time.sleep(min(wait, 0.25)); continue
            w.poll()
            while due <= time.time():
                due += interval  # skip the polls a slow answer made us miss
        w.http.close()
    threads = [threading.Thread(target=run, args=(w, interval * i / len(watchers)), daemon=True)
               for i, w in enumerate(watchers)]
    for t in threads:
        t.start()
    return threads


# --- judging what a watcher saw ------------------------------------------------------------------

def base_time(result):
    """Media start of segment 0: the publisher's media time 0 (the clip starts at 0)."""
    first = result['segs'][0] if result['segs'] else None
    return first[2] if first and first[0] == 0 and first[2] is not None else None


def delays(result, t0, field=3):
    """seen - (T0 + media end) of each segment known to be new (field=2: its start instead)."""
    base = base_time(result)
    if base is None or t0 is None:
        return []
    return [s[1] - (t0 + s[field] - base) for s in result['segs'] if s[5] and s[field] is not None]


def judge(result, t0, alive, a, b):
    """Health of one stream over the window [a, b): see the latency docstring."""
    segs = result['segs']
    by_msn = {s[0]: s for s in segs}
    win = [s for s in segs if a <= s[1] < b]
    base = base_time(result)
    problems = []
    gaps = sum(s[0] - p[0] - 1 for p, s in zip(segs, segs[1:]) if a <= s[1] < b and s[0] > p[0] + 1)
    gaps += sum(1 for t in result['resets'] if a <= t < b)
    # how much later than EXTINF after its predecessor each segment was seen (None: unreadable)
    excess = [s[1] - by_msn[s[0] - 1][1] - (s[4] or SEGMENT_SECONDS) if s[2] is not None else None
              for s in win if s[0] - 1 in by_msn]
    worst = max([e for e in excess if e is not None], default=None)
    expected = max(1, int((b - a) / SEGMENT_SECONDS) - 1)
    lags = [s[1] - (t0 + s[3] - base) for s in win if s[3] is not None] if base is not None and t0 else []
    # On time by lag, not by the interval since the previous segment: with playlists polled every
    # 0.5 s two segments 1 s apart can be seen 1.5 s apart, which says nothing about the server.
    on_time = sum(1 for x in lags if x <= ON_TIME_LAG)
    share = on_time / max(len(win), expected)
    lag = max(lags) if lags else None
    for bad, key in ((not alive, 'publisher stopped'), (base is None or t0 is None, 'no segment 0 or T0'),
                     (gaps, 'msn gaps'), (share < MIN_ON_TIME, f'< {100 * MIN_ON_TIME:.0f} % on time'),
                     (lag is None or lag > MAX_LAG, f'lag > {MAX_LAG} s')):
        if bad:
            problems.append(key)
    return {'ok': not problems, 'problems': problems, 'gaps': gaps, 'on_time': share, 'lag': lag,
            'late_by': worst, 'errors': sum(1 for t in result['errors'] if a <= t < b)}


# --- capacity search ---------------------------------------------------------------------------

LOAD_SOURCES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'capacity')
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(LOAD_SOURCES)))
LOAD_BINARY = os.path.join(REPO_ROOT, 'build', 'bench', 'capacity-load')


def build_load():
    """Compiles capacity/load.cpp (the publishers and watchers of a step) when a source is newer."""
    sources = [os.path.join(d, f) for d in (LOAD_SOURCES, os.path.join(LOAD_SOURCES, '..', 'common'))
               for f in os.listdir(d) if f.endswith(('.cpp', '.hpp'))]
    if os.path.exists(LOAD_BINARY) and os.path.getmtime(LOAD_BINARY) >= max(map(os.path.getmtime, sources)):
        return LOAD_BINARY
    os.makedirs(os.path.dirname(LOAD_BINARY), exist_ok=True)
    print('building the capacity load tool …', file=sys.stderr, flush=True)
    subprocess.run(['g++', '-O2', '-std=c++20', '-DBOOST_ASIO_NO_DEPRECATED', os.path.join(LOAD_SOURCES, 'load.cpp'),
                    '-o', LOAD_BINARY, '-lpthread'], check=True)
    return LOAD_BINARY


def run_step(server, clip, n, tag, window, log):
    """n publishers at once and a watcher on each stream's playlist (polled every CAPACITY_POLL
    s), all in one process of capacity/load.cpp: N ffmpeg processes and Python pollers filled
    this box at 120 publishers, before either server did."""
    names = [f'{tag}{n}x{i}' for i in range(n)]
    with tempfile.NamedTemporaryFile('w', suffix='.streams', delete=False) as listing:
        listing.write(''.join(f'{server.publish_url(name)} {server.hls(name)}\n' for name in names))
    load = None
    try:
        load = spawn([build_load(), '--clip', clip, '--streams', listing.name, '--poll', str(CAPACITY_POLL)],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        start = time.time()
        settled = load.stdout.readline().split()  # "settled <streaming> <failed>", within 30 s
        a = max(time.time() + 4, start + 6)  # every stream has its first segments by then
        b = a + window
        time.sleep(max(0, a - time.time()))
        pids = server.pids()
        c0, l0, w0 = cpu_seconds(pids), cpu_seconds([load.pid]), time.time()
        time.sleep(max(0, b - time.time()))
        pids = server.pids()
        c1, l1, w1, rss = cpu_seconds(pids), cpu_seconds([load.pid]), time.time(), rss_bytes(pids)
        extra = server.frame_report(names)
        try:
            out, _ = load.communicate(f'{b}\n', timeout=60)
            streams = json.loads(out)
        except (subprocess.TimeoutExpired, ValueError):
            streams = [None] * n
    finally:
        if load:
            stop_process(load)
        os.unlink(listing.name)
    if len(settled) == 3 and settled[2] != '0':
        failed = [s['error'] for s in streams if s and s['t0'] is None]
        log(f'  {tag}: {settled[2]} of {n} publishers did not start' + (f' (first: {failed[0]})' if failed else ''))
    verdicts = [judge(s['result'], s['t0'], s['alive'], a, b) if s else
                {'ok': False, 'problems': ['load tool failed'], 'gaps': 0, 'on_time': 0, 'lag': None,
                 'late_by': None, 'errors': 0}
                for s in streams]
    lags = [v['lag'] for v in verdicts if v['lag'] is not None]
    late_by = [v['late_by'] for v in verdicts if v['late_by'] is not None]
    problems = {}
    for v in verdicts:
        for key in v['problems']:
            problems[key] = problems.get(key, 0) + 1
    step = {'n': n, 'healthy': all(v['ok'] for v in verdicts), 'ok_streams': sum(v['ok'] for v in verdicts),
            'on_time': min(v['on_time'] for v in verdicts), 'lag': max(lags) if lags else None,
            'late_by': max(late_by) if late_by else None,
            'gaps': sum(v['gaps'] for v in verdicts), 'errors': sum(v['errors'] for v in verdicts),
            'cpu': 100 * (c1 - c0) / (w1 - w0), 'load_cpu': 100 * (l1 - l0) / (w1 - w0), 'rss': rss, 'extra': extra,
            'problems': ', '.join(f'{c} streams {k}' for k, c in problems.items())}
    log(f'  {tag}: {n} publishers: ' + ('healthy' if step['healthy'] else 'not healthy: ' + step['problems'])
        + f", worst on time {100 * step['on_time']:.0f} %, max lag "
        + ('n/a' if step['lag'] is None else f"{step['lag']:.2f} s")
        + f", CPU {step['cpu']:.0f} %, RSS {rss / 2**20:.0f} MiB (load tool CPU {step['load_cpu']:.0f} %)")
    time.sleep(3)  # the server tears the streams down before the next step
    return step


def capacity_curve(server, clip, steps, tag, window, log):
    """Runs the steps in order and stops at the first one that is not healthy."""
    curve = []
    for n in steps:
        curve.append(run_step(server, clip, n, tag, window, log))
        if not curve[-1]['healthy']:
            break
    return curve


def largest_healthy(curve):
    return max([s['n'] for s in curve if s['healthy']], default=0)


def held(curve, steps):
    """The breaking point as text: '96', '≥ 240' (passed every step) or '< 8' (failed the first)."""
    best = largest_healthy(curve)
    return f'≥ {best}' if best >= max(steps) else (str(best) if best else f'< {steps[0]}')


def capacity_report(curves, steps, cpu_one):
    """Markdown: the per-step table, breaking points, ratios, CPU per copy-publisher."""
    sec = lambda v: 'n/a' if v is None else f'{v:.2f} s'
    lines = ['\n| server | publishers | healthy streams | on time (worst stream) | max interval - EXTINF '
             '| max lag | msn gaps | poll errors | server CPU | CPU / publisher | RSS | own frame counters '
             '| load tool CPU |', '|' + '---|' * 13]
    for name, curve in curves.items():
        for s in curve:
            lines.append(f"| {name} | {s['n']} | {s['ok_streams']}/{s['n']}"
                         + ('' if s['healthy'] else f" ({s['problems']})")
                         + f" | {100 * s['on_time']:.0f} % | {sec(s['late_by'])} | {sec(s['lag'])}"
                         + f" | {s['gaps']} | {s['errors']} | {s['cpu']:.0f} % | {s['cpu'] / s['n']:.2f} % "
                         + f"| {s['rss'] / 2**20:.0f} MiB | {s['extra'] or '—'} | {s['load_cpu']:.0f} % |")
    best = {k: largest_healthy(c) for k, c in curves.items()}
    top = max(steps)
    lines.append('\nlargest healthy publisher count: '
                 + ', '.join(f'{k} {held(c, steps)}' for k, c in curves.items()))
    node, nginx = best.get('aethex'), best.get('nginx-rtmp')
    if node is not None and nginx is not None:
        lines.append('ratio aethex / nginx-rtmp (largest healthy): '
                     + (f'{node / nginx:.2f}' if nginx else 'n/a (nginx-rtmp held no step)')
                     + (' (a bound only: a server passed every step)' if top in (node, nginx) else ''))
    lines.append('CPU per copy-publisher (one stream, no viewer, 10 s): '
                 + ', '.join(f'{k} {v:.2f} %' for k, v in cpu_one.items())
                 + (f"; ratio aethex / nginx-rtmp {cpu_one['aethex'] / cpu_one['nginx-rtmp']:.2f}"
                    if cpu_one.get('nginx-rtmp') else ''))
    common = min(best.get('aethex', 0), best.get('nginx-rtmp', 0))
    if common:
        per = {k: next(s['cpu'] / s['n'] for s in c if s['n'] == common) for k, c in curves.items()}
        lines.append(f'CPU per copy-publisher at {common} publishers (largest common healthy step, playlists '
                     f'and segments fetched every {CAPACITY_POLL} s / as they appear): '
                     + ', '.join(f'{k} {v:.2f} %' for k, v in per.items())
                     + (f"; ratio aethex / nginx-rtmp {per['aethex'] / per['nginx-rtmp']:.2f}"
                        if per.get('nginx-rtmp') else ''))
    return '\n'.join(lines)
