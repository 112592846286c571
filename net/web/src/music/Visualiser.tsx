// The audio-reactive canvas of DJ mode: 32 spectrum bars, the waveform across them and a pulse
// on every beat, drawn each animation frame from an AudioFeed (WebAudio on the player while the
// viewer listens, else the node's frames). Low-power clients draw at 10 fps from the node's
// frames only. `data-source` tells which feeds it (webaudio|server|none). The OBS overlay
// (/overlay/<channel>/visualiser) draws the node's frames on a transparent page.
import { useEffect, useRef, useState } from 'preact/hooks';
import { AudioFeed, lowPower, type AudioSample, type FeedSource } from './audioFeed';
import { bandHue, fitCanvas } from './canvas';
import './music.css';

export function Visualiser({ channel, media, live, compact = false, overlay = false }: { channel: string; media: HTMLMediaElement | null; live: boolean; compact?: boolean; overlay?: boolean }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [source, setSource] = useState<FeedSource>('none');
  useEffect(() => {
    const el = canvas.current;
    if (!el || !live) return;
    const slow = lowPower();
    const feed = new AudioFeed(channel, media, { allowWebAudio: !slow });
    const pulse = { value: 0 };
    const peaks = new Array<number>(32).fill(0);
    let raf = 0;
    let lastDraw = 0;
    let shown: FeedSource = 'none';
    const draw = (now: number) => {
      raf = requestAnimationFrame(draw);
      if (slow && now - lastDraw < 100) return;
      lastDraw = now;
      const s = feed.sample(now);
      if (s.source !== shown) {
        shown = s.source;
        setSource(shown);
      }
      paint(el, s, pulse, peaks);
    };
    raf = requestAnimationFrame(draw);
    return () => {
      cancelAnimationFrame(raf);
      feed.dispose();
    };
  }, [channel, media, live]);
  return <canvas ref={canvas} class={`dj-visualiser${compact ? ' compact' : ''}${overlay ? ' overlay-vis' : ''}`} data-testid="dj-visualiser" data-source={source} aria-label="Audio visualiser" role="img" />;
}

function paint(el: HTMLCanvasElement, s: AudioSample, pulse: { value: number }, peaks: number[]): void {
  const fitted = fitCanvas(el);
  if (!fitted) return;
  const { g, w, h, dpr } = fitted;
  // The beat pulse: a glow from the centre that jumps on a beat and fades over ~300 ms.
  pulse.value = s.beat ? 1 : pulse.value * 0.9;
  if (pulse.value > 0.02) {
    const r = Math.max(w, h) * (0.3 + 0.25 * pulse.value);
    const grad = g.createRadialGradient(w / 2, h / 2, 0, w / 2, h / 2, r);
    grad.addColorStop(0, `rgba(145, 70, 255, ${0.45 * pulse.value})`);
    grad.addColorStop(1, 'rgba(145, 70, 255, 0)');
    g.fillStyle = grad;
    g.fillRect(0, 0, w, h);
  }
  const n = s.bands.length;
  const gap = Math.max(1, Math.round(w / n / 6));
  const bw = (w - gap * (n - 1)) / n;
  for (let i = 0; i < n; i++) {
    const v = s.bands[i] ?? 0;
    peaks[i] = Math.max(v, (peaks[i] ?? 0) - 0.01);
    const bh = Math.max(2 * dpr, v * h * 0.9);
    const x = i * (bw + gap);
    const hue = bandHue(i, n);
    g.fillStyle = `hsl(${hue}, 85%, ${50 + 15 * pulse.value}%)`;
    g.fillRect(x, h - bh, bw, bh);
    g.fillStyle = 'rgba(255,255,255,0.8)';
    g.fillRect(x, h - (peaks[i] ?? 0) * h * 0.9 - 2 * dpr, bw, 2 * dpr);
  }
  if (s.wave.length > 1) {
    g.strokeStyle = 'rgba(255,255,255,0.85)';
    g.lineWidth = 2 * dpr;
    g.beginPath();
    for (let i = 0; i < s.wave.length; i++) {
      const x = (i / (s.wave.length - 1)) * w;
      const y = h / 2 - (s.wave[i] ?? 0) * h * 0.4;
      if (i === 0) g.moveTo(x, y);
      else g.lineTo(x, y);
    }
    g.stroke();
  }
}
