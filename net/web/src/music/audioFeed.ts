// Where the visualiser's numbers come from (docs/music.md): the browser's own WebAudio
// AnalyserNode on the playing media element while the viewer listens, else the node's analysis
// over GET channels/{c}/audio/ws (~20 Hz), which also serves muted players, overlays and
// low-power clients. A sample is the same shape from either: 32 bands 0–1, a waveform (-1..1),
// a level and a beat.
import { BANDS, dbToUnit, detectBeat, parseAudioFrame, type AudioFrame } from './model';
import { audioSocketUrl } from './api';

export type FeedSource = 'webaudio' | 'server' | 'none';

export interface AudioSample {
  source: FeedSource;
  bands: number[];
  wave: number[];
  level: number;
  beat: boolean;
  frame: AudioFrame | null;
}

interface Graph {
  ctx: AudioContext;
  analyser: AnalyserNode;
}

// createMediaElementSource may be called once per element, for the element's life: the graph
// is kept on the element, so a visualiser mounted again (DJ mode off and on) reuses it.
type WithGraph = HTMLMediaElement & { __aethexAudioGraph?: Graph | null };

const SILENT_MS = 3000;
const RECONNECT_MS = 3000;
const WAVE_POINTS = 128;
/** The WebAudio waveform: 256 points over the first 1024 samples (~21 ms), fine enough not to alias. */
const SCOPE_POINTS = 256;
const SCOPE_SAMPLES = 1024;

/** Low power: the browser asks to save data or motion; WebAudio's FFT stays off then. */
export function lowPower(): boolean {
  const nav = navigator as Navigator & { connection?: { saveData?: boolean } };
  return nav.connection?.saveData === true || (typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches);
}

/** Server bands (dB) as 0–1 bars; the node's floor is far below the music's, so -70 dB is the bottom. */
export function bandsFromFrame(f: AudioFrame): number[] {
  const out = new Array<number>(BANDS).fill(0);
  if (f.bandsDb.length === 0) return out;
  for (let i = 0; i < BANDS; i++) out[i] = dbToUnit(f.bandsDb[Math.floor((i * f.bandsDb.length) / BANDS)] ?? -120, -70);
  return out;
}

/**
 * An analyser's FFT bins folded into 32 bars on a log scale (low bins are few hertz apart, so a
 * linear split would give the bass one bar), 0–1.
 */
export function foldBins(bins: Uint8Array, sampleRate: number): number[] {
  const out = new Array<number>(BANDS).fill(0);
  const n = bins.length;
  if (n === 0) return out;
  const nyquist = sampleRate / 2;
  const lo = Math.log(30);
  const hi = Math.log(Math.min(16000, nyquist));
  for (let b = 0; b < BANDS; b++) {
    const f0 = Math.exp(lo + ((hi - lo) * b) / BANDS);
    const f1 = Math.exp(lo + ((hi - lo) * (b + 1)) / BANDS);
    const i0 = Math.min(n - 1, Math.floor((f0 / nyquist) * n));
    const i1 = Math.min(n, Math.max(i0 + 1, Math.ceil((f1 / nyquist) * n)));
    let max = 0;
    for (let i = i0; i < i1; i++) max = Math.max(max, bins[i] ?? 0);
    out[b] = max / 255;
  }
  return out;
}

export class AudioFeed {
  private ws: WebSocket | null = null;
  private wsTimer: number | null = null;
  private last: AudioFrame | null = null;
  private lastAtMs = 0;
  private levels: number[] = [];
  private silentSinceMs: number | null = null;
  private beatState = { avg: 0, lastMs: 0 };
  private freq: Uint8Array<ArrayBuffer> | null = null;
  private time: Uint8Array<ArrayBuffer> | null = null;
  private disposed = false;
  private lastWebMs = Number.NEGATIVE_INFINITY;
  private readonly onVolume = () => this.tryWebAudio();

  constructor(
    private readonly channel: string,
    private readonly media: HTMLMediaElement | null,
    private readonly opts: { allowWebAudio: boolean; alwaysSocket?: boolean; openSocket?: (url: string) => WebSocket } = { allowWebAudio: true },
  ) {
    media?.addEventListener('volumechange', this.onVolume);
    media?.addEventListener('playing', this.onVolume);
    this.tryWebAudio();
    this.openSocket();
  }

  /**
   * The node's frames are only fetched while they are needed: WebAudio gives nothing (muted, no
   * graph) or only silence, or a caller reads frame() (opts.alwaysSocket).
   */
  private wantSocket(nowMs: number): void {
    const want = this.opts.alwaysSocket === true || nowMs - this.lastWebMs > 2000 || (this.silentSinceMs !== null && nowMs - this.silentSinceMs > 1000);
    if (want && !this.ws && this.wsTimer === null) this.openSocket();
    if (!want && this.ws) {
      this.ws.onclose = null;
      this.ws.close();
      this.ws = null;
      this.last = null;
    }
  }

  dispose(): void {
    this.disposed = true;
    this.media?.removeEventListener('volumechange', this.onVolume);
    this.media?.removeEventListener('playing', this.onVolume);
    if (this.wsTimer !== null) window.clearTimeout(this.wsTimer);
    if (this.ws) {
      this.ws.onclose = null;
      this.ws.close();
    }
    this.ws = null;
  }

  /** The latest server frame (for meters that want the node's dB figures). */
  frame(): AudioFrame | null {
    return this.last;
  }

  private graph(): Graph | null {
    return (this.media as WithGraph | null)?.__aethexAudioGraph ?? null;
  }

  /**
   * Routes the element through an analyser once the viewer listens (unmuted, playing): before
   * that the context could not start without a gesture, and an element routed into a suspended
   * context goes silent. The volumechange of unmuting is such a gesture.
   */
  private tryWebAudio(): void {
    const el = this.media as WithGraph | null;
    if (!el || !this.opts.allowWebAudio || el.muted || el.volume === 0) return;
    if (el.__aethexAudioGraph === undefined) {
      const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
      if (!Ctx) {
        el.__aethexAudioGraph = null;
        return;
      }
      try {
        const ctx = new Ctx();
        const source = ctx.createMediaElementSource(el);
        const analyser = ctx.createAnalyser();
        analyser.fftSize = 2048;
        analyser.smoothingTimeConstant = 0.75;
        source.connect(analyser);
        analyser.connect(ctx.destination);
        el.__aethexAudioGraph = { ctx, analyser };
      } catch {
        // Already routed elsewhere, or no audio device: the server's frames serve.
        el.__aethexAudioGraph = null;
        return;
      }
    }
    const g = el.__aethexAudioGraph;
    if (g && g.ctx.state === 'suspended') g.ctx.resume().catch(() => undefined);
  }

  private openSocket(): void {
    if (this.disposed || this.ws) return;
    let ws: WebSocket;
    try {
      ws = (this.opts.openSocket ?? ((u) => new WebSocket(u)))(audioSocketUrl(this.channel));
    } catch {
      return;
    }
    this.ws = ws;
    ws.onmessage = (ev) => {
      const f = parseAudioFrame(ev.data);
      if (!f) return;
      this.last = f;
      this.lastAtMs = performance.now();
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      // Not live yet, or the node went away: try again a little later.
      if (!this.disposed) this.wsTimer = window.setTimeout(() => {
        this.wsTimer = null;
        this.openSocket();
      }, RECONNECT_MS);
    };
  }

  /** One sample for a drawn frame at `nowMs` (performance.now()). */
  sample(nowMs: number): AudioSample {
    const web = this.webAudioSample(nowMs);
    if (web) this.lastWebMs = nowMs;
    this.wantSocket(nowMs);
    if (web) return web;
    const f = this.last && nowMs - this.lastAtMs < 1000 ? this.last : null;
    if (!f) return { source: 'none', bands: new Array<number>(BANDS).fill(0), wave: [], level: 0, beat: false, frame: null };
    const level = dbToUnit(Math.max(f.rmsDb[0], f.rmsDb[1]));
    // No samples come from the node: the waveform is the level's recent history, mirrored.
    if (this.levels[this.levels.length - 1] !== level || this.levels.length === 0) {
      this.levels.push(level);
      if (this.levels.length > WAVE_POINTS) this.levels.shift();
    }
    const wave = this.levels.map((l, i) => (i % 2 === 0 ? l : -l));
    return { source: 'server', bands: bandsFromFrame(f), wave, level, beat: f.beat, frame: f };
  }

  private webAudioSample(nowMs: number): AudioSample | null {
    const g = this.graph();
    const el = this.media;
    if (!g || !el || el.muted || el.paused || g.ctx.state !== 'running') return null;
    const a = g.analyser;
    if (!this.freq || this.freq.length !== a.frequencyBinCount) this.freq = new Uint8Array(a.frequencyBinCount);
    if (!this.time || this.time.length !== a.fftSize) this.time = new Uint8Array(a.fftSize);
    a.getByteFrequencyData(this.freq);
    a.getByteTimeDomainData(this.time);
    let sum = 0;
    let loud = false;
    const step = Math.min(SCOPE_SAMPLES, this.time.length) / SCOPE_POINTS;
    const wave: number[] = [];
    for (let i = 0; i < this.time.length; i++) {
      const x = ((this.time[i] ?? 128) - 128) / 128;
      sum += x * x;
      if (Math.abs(x) > 0.004) loud = true;
    }
    for (let i = 0; i < SCOPE_POINTS; i++) wave.push(((this.time[Math.floor(i * step)] ?? 128) - 128) / 128);
    // All zeros for a while while playing: a cross-origin source the browser will not let us
    // read (CORS), or simply silence; the node's frames say which, so they take over.
    if (!loud) {
      this.silentSinceMs ??= nowMs;
      if (nowMs - this.silentSinceMs > SILENT_MS && this.last && nowMs - this.lastAtMs < 1000) return null;
    } else this.silentSinceMs = null;
    const bands = foldBins(this.freq, g.ctx.sampleRate);
    const bass = (bands[0]! + bands[1]! + bands[2]! + bands[3]!) / 4;
    const beat = detectBeat(this.beatState, bass, nowMs);
    return { source: 'webaudio', bands, wave, level: Math.min(1, Math.sqrt(sum / this.time.length) * 2), beat, frame: this.last };
  }
}
