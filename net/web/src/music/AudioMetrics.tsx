// The dashboard's audio metrics (docs/music.md): what the node measures of the live stream's
// audio. GET channels/{c}/audio every 5 s for the format, integrated loudness, clipping total
// and warnings; the audio WebSocket's ~20 Hz frames for the peak/RMS meters per channel,
// momentary and short-term loudness and the 32-band spectrum (the EQ view).
import { useEffect, useRef, useState } from 'preact/hooks';
import { fetchAudioStatus, type AudioStatus } from './api';
import { AudioFeed } from './audioFeed';
import { bandHue, fitCanvas } from './canvas';
import { dbToUnit, type AudioFrame } from './model';
import { errorText } from './LibraryCard';

const STATUS_MS = 5000;

const db = (v: number | null, unit = 'dB') => (v === null || v <= -120 ? '–' : `${v.toFixed(1)} ${unit}`);

export function AudioMetrics({ channel, token }: { channel: string; token: string }) {
  const [status, setStatus] = useState<AudioStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [frame, setFrame] = useState<AudioFrame | null>(null);
  const [clipRecent, setClipRecent] = useState(0);
  const eq = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    let current = true;
    const load = () =>
      fetchAudioStatus(channel, token)
        .then((s) => {
          if (!current) return;
          setStatus(s);
          setError(null);
        })
        .catch((e) => current && setError(errorText(e)));
    load();
    const t = setInterval(load, STATUS_MS);
    return () => {
      current = false;
      clearInterval(t);
    };
  }, [channel, token]);

  const live = status?.live === true;
  useEffect(() => {
    if (!live) return;
    const feed = new AudioFeed(channel, null, { allowWebAudio: false, alwaysSocket: true });
    let clipped: number[] = [];
    let lastT = -1;
    const t = setInterval(() => {
      const f = feed.frame();
      if (!f || f.t === lastT) return;
      lastT = f.t;
      setFrame(f);
      // Clipped samples over the last ~5 s (100 frames at 20 Hz).
      clipped = [...clipped.slice(-99), f.clipping];
      setClipRecent(clipped.reduce((a, b) => a + b, 0));
      if (eq.current) paintEq(eq.current, f);
    }, 50);
    return () => {
      clearInterval(t);
      feed.dispose();
    };
  }, [channel, live]);

  const peak = frame?.peakDb ?? status?.peakDb ?? null;
  const rms = frame?.rmsDb ?? status?.rmsDb ?? null;
  return (
    <section class="dash-card" data-testid="music-audio" data-live={live ? 'true' : 'false'} data-frames={frame ? 'true' : 'false'}>
      <h2>Audio</h2>
      {error && <p class="form-error">{error}</p>}
      {status && !live && <p class="muted">The meters show while the channel is live.</p>}
      {status && live && (
        <>
          <p class="muted" data-testid="music-audio-format">
            {status.codec.toUpperCase() || 'Audio'} · {status.channels === 1 ? 'mono' : status.channels === 2 ? 'stereo' : `${status.channels} channels`} ·{' '}
            {status.sampleRate ? `${(status.sampleRate / 1000).toFixed(1)} kHz` : '–'} · {status.bitrateKbps ? `${Math.round(status.bitrateKbps)} kbit/s` : '–'}
          </p>
          {status.warnings.map((w) => (
            <p class="audio-warning" key={w.code} data-code={w.code}>
              ⚠ {w.message}
            </p>
          ))}
          {clipRecent > 0 && !status.warnings.some((w) => w.code === 'clipping') && (
            <p class="audio-warning" data-code="clipping">
              ⚠ Clipping: {clipRecent} samples in the last 5 s. Turn the master down.
            </p>
          )}
        </>
      )}
      {live && peak && rms && (
        <div class="audio-meters">
          {(['L', 'R'] as const).map((side, i) => (
            <div class="meter" key={side} data-testid={`music-meter-${side}`}>
              <span>
                {side}: peak {db(peak[i] ?? null)} · RMS {db(rms[i] ?? null)}
              </span>
              <div class="meter-bar">
                <span class="rms" style={{ width: `${dbToUnit(rms[i] ?? -120) * 100}%` }} />
                <span class="peak" style={{ left: `${dbToUnit(peak[i] ?? -120) * 100}%` }} />
              </div>
            </div>
          ))}
        </div>
      )}
      {live && (
        <>
          <div class="audio-figures">
            <span>
              <strong data-testid="music-lufs-i">{db(frame?.lufsI ?? status?.lufsI ?? null, 'LUFS')}</strong>integrated
            </span>
            <span>
              <strong>{db(frame?.lufsS ?? status?.lufsS ?? null, 'LUFS')}</strong>short-term
            </span>
            <span>
              <strong>{db(frame?.lufsM ?? null, 'LUFS')}</strong>momentary
            </span>
            <span>
              <strong>{status?.clippingTotal ?? 0}</strong>clipped samples
            </span>
          </div>
          <canvas ref={eq} class="dj-visualiser compact" data-testid="music-eq" aria-label="Spectrum, 0 to 24 kHz" role="img" />
        </>
      )}
    </section>
  );
}

/** The node's 32 bands (0–24 kHz, linear) as bars over a -90..0 dB scale with grid lines. */
function paintEq(el: HTMLCanvasElement, f: AudioFrame): void {
  const fitted = fitCanvas(el);
  if (!fitted) return;
  const { g, w, h } = fitted;
  g.strokeStyle = 'rgba(255,255,255,0.12)';
  for (let d = -80; d < 0; d += 20) {
    const y = h * (-d / 90);
    g.beginPath();
    g.moveTo(0, y);
    g.lineTo(w, y);
    g.stroke();
  }
  const n = f.bandsDb.length || 1;
  const bw = w / n;
  for (let i = 0; i < f.bandsDb.length; i++) {
    const v = dbToUnit(f.bandsDb[i] ?? -120, -90);
    g.fillStyle = `hsl(${bandHue(i, n)}, 80%, 55%)`;
    g.fillRect(i * bw + 1, h - v * h, Math.max(1, bw - 2), v * h);
  }
}
