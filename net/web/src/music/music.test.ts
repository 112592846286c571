import { describe, expect, it } from 'vitest';
import {
  applyPlay,
  dbToUnit,
  detectBeat,
  elapsedMs,
  emptyMusic,
  formatDuration,
  moveItem,
  nowPlayingText,
  parseAudioFrame,
  parseDurationText,
  parseMusic,
  parseNowPlayingFrame,
  playNextIds,
  progress,
  removeAt,
  timeInTrack,
  trackBody,
  type Play,
} from './model';
import { applyFrame, initialChat } from '../chat/chatModel';
import { importFormat, parseAudioStatus, parseImportResult, spotifyEmbedUrl } from './api';
import { draftToTrack } from './LibraryCard';
import { bandsFromFrame, foldBins } from './audioFeed';

const track = { id: 't1', title: 'Strobe', artist: 'deadmau5', album: 'For Lack', bpm: 128, key: '8A', duration_ms: 600_000, artwork: true, spotify_id: 'abc123' };
const play = { track, played_at_ms: 1_000_000, source: 'manual' };

describe('music answer and plays', () => {
  it('reads the GET answer as the contract gives it', () => {
    const m = parseMusic({ dj_mode: true, announce_in_chat: false, now_playing: play, queue: [track, { ...track, id: 't2', title: 'Ghosts' }], history: [play] });
    expect(m.djMode).toBe(true);
    expect(m.announceInChat).toBe(false);
    expect(m.nowPlaying?.track).toEqual({ id: 't1', title: 'Strobe', artist: 'deadmau5', album: 'For Lack', bpm: 128, key: '8A', durationMs: 600_000, artwork: true, spotifyId: 'abc123' });
    expect(m.queue.map((t) => t.id)).toEqual(['t1', 't2']);
    expect(m.history).toHaveLength(1);
    expect(parseMusic(null)).toEqual(emptyMusic);
    expect(parseMusic({ now_playing: null }).nowPlaying).toBeNull();
  });

  it('never lets a malformed Spotify id into the embed URL', () => {
    const m = parseMusic({ now_playing: { ...play, track: { ...track, spotify_id: '../x?y' } } });
    expect(m.nowPlaying?.track.spotifyId).toBe('');
    expect(spotifyEmbedUrl('4uLU6hMCjMI75M1A2tKUQC')).toBe('https://open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC');
  });

  it('tells the music now_playing frame from the overlays one', () => {
    expect(parseNowPlayingFrame({ type: 'now_playing', play })?.play?.track.title).toBe('Strobe');
    expect(parseNowPlayingFrame({ type: 'now_playing', play: null })).toEqual({ play: null });
    expect(parseNowPlayingFrame({ type: 'now_playing', title: 'Song', artist: 'Band', at_ms: 1 })).toBeNull();
    expect(parseNowPlayingFrame({ type: 'msg', play })).toBeNull();
  });

  it('a new play becomes now playing, heads the history and leaves the queue head', () => {
    const s = parseMusic({ dj_mode: true, queue: [{ ...track, id: 't2', title: 'Ghosts' }, track], history: [] });
    const p2 = parseNowPlayingFrame({ type: 'now_playing', play: { track: { ...track, id: 't2', title: 'Ghosts' }, played_at_ms: 5, source: 'manual' } })!.play!;
    const a = applyPlay(s, p2);
    expect(a.nowPlaying).toBe(p2);
    expect(a.history[0]).toBe(p2);
    expect(a.queue.map((t) => t.id)).toEqual(['t1']);
    // The same frame twice (a replay after reconnect) changes nothing.
    expect(applyPlay(a, { ...p2 })).toBe(a);
    expect(applyPlay(a, null).nowPlaying).toBeNull();
  });

  it('the chat shows a Now playing line for the music frame only', () => {
    const r = applyFrame(initialChat, { type: 'now_playing', play });
    const line = r.state.lines[0];
    expect(line?.kind === 'system' && line.text).toBe('Now playing: deadmau5 – Strobe');
    expect(line?.kind === 'system' && line.code).toBe('now_playing');
    expect(applyFrame(initialChat, { type: 'now_playing', title: 'x', artist: '' }).state.lines).toHaveLength(0);
    // A channel that does not announce plays in chat still sends the frame (for the DJ card).
    expect(applyFrame(initialChat, { type: 'now_playing', play, announce: false }).state.lines).toHaveLength(0);
    const p = parseMusic({ now_playing: { ...play, track: { ...track, artist: '' } } }).nowPlaying as Play;
    expect(nowPlayingText(p)).toBe('Now playing: Strobe');
  });
});

describe('time in track', () => {
  const p = parseMusic({ now_playing: play }).nowPlaying as Play;
  it('counts from played_at_ms, capped at the duration, never negative', () => {
    expect(elapsedMs(p, 1_000_000 + 83_000)).toBe(83_000);
    expect(timeInTrack(p, 1_000_000 + 83_000)).toBe('1:23 / 10:00');
    expect(timeInTrack(p, 1_000_000 + 9_999_000)).toBe('10:00 / 10:00');
    expect(timeInTrack(p, 900_000)).toBe('0:00 / 10:00');
    expect(progress(p, 1_000_000 + 300_000)).toBeCloseTo(0.5);
  });
  it('follows the server clock through the skew', () => {
    expect(elapsedMs(p, 1_000_000, 5_000)).toBe(5_000);
  });
  it('without a duration shows the elapsed time alone, with hours when long', () => {
    const ad = parseMusic({ now_playing: { ...play, track: { title: 'Live edit', duration_ms: 0 } } }).nowPlaying as Play;
    expect(timeInTrack(ad, 1_000_000 + 3_725_000)).toBe('1:02:05');
    expect(progress(ad, 2_000_000)).toBeNull();
  });
  it('formats and reads durations', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(59_999)).toBe('0:59');
    expect(formatDuration(-5)).toBe('0:00');
    expect(parseDurationText('4:05')).toBe(245_000);
    expect(parseDurationText('1:02:03')).toBe(3_723_000);
    expect(parseDurationText('245')).toBe(245_000);
    expect(parseDurationText('')).toBe(0);
    expect(parseDurationText('4m')).toBeNull();
  });
});

describe('queue edits', () => {
  it('moves, plays next and removes', () => {
    expect(moveItem(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, 9)).toEqual(['b', 'c', 'a']);
    expect(moveItem(['a', 'b', 'c'], 5, 0)).toEqual(['a', 'b', 'c']);
    expect(playNextIds(['a', 'b', 'c'], 'c')).toEqual(['c', 'a', 'b']);
    expect(playNextIds(['a'], 'z')).toEqual(['z', 'a']);
    expect(removeAt(['a', 'b', 'a'], 2)).toEqual(['a', 'b']);
  });
  it('sends track fields by the API names and checks a draft', () => {
    expect(trackBody({ title: 'X', durationMs: 1000, spotifyId: '' })).toEqual({ title: 'X', duration_ms: 1000, spotify_id: '' });
    expect(draftToTrack({ title: ' A ', artist: 'B', album: '', bpm: '128.25', key: '8A', duration: '3:30', spotify: '' })).toEqual({
      title: 'A',
      artist: 'B',
      album: '',
      bpm: 128.3,
      key: '8A',
      durationMs: 210_000,
      spotifyId: '',
    });
    expect(draftToTrack({ title: '', artist: '', album: '', bpm: '', key: '', duration: '', spotify: '' })).toMatch(/title/);
    expect(draftToTrack({ title: 'A', artist: '', album: '', bpm: '10', key: '', duration: '', spotify: '' })).toMatch(/BPM/);
  });
});

describe('audio frames', () => {
  const frame = { type: 'audio', t: 1234, peak_db: [-3.2, -4], rms_db: [-18, -19.5], bands_db: Array.from({ length: 32 }, (_, i) => -10 - i), lufs_m: -14, lufs_s: -15, lufs_i: -16.2, clipping: 3, beat: true };
  it('parses the WebSocket text frame', () => {
    const f = parseAudioFrame(JSON.stringify(frame))!;
    expect(f.t).toBe(1234);
    expect(f.peakDb).toEqual([-3.2, -4]);
    expect(f.rmsDb).toEqual([-18, -19.5]);
    expect(f.bandsDb).toHaveLength(32);
    expect(f.lufsI).toBe(-16.2);
    expect(f.clipping).toBe(3);
    expect(f.beat).toBe(true);
  });
  it('ignores other frames and junk; fills gaps', () => {
    expect(parseAudioFrame('{"type":"hello"}')).toBeNull();
    expect(parseAudioFrame('not json')).toBeNull();
    const f = parseAudioFrame({ type: 'audio', peak_db: [-6], lufs_i: null })!;
    expect(f.peakDb).toEqual([-6, -6]);
    expect(f.rmsDb).toEqual([-120, -120]);
    expect(f.lufsI).toBeNull();
    expect(f.beat).toBe(false);
  });
  it('maps dB to bars and folds bins on a log scale', () => {
    expect(dbToUnit(0)).toBe(1);
    expect(dbToUnit(-30)).toBe(0.5);
    expect(dbToUnit(-200)).toBe(0);
    expect(dbToUnit(Number.NEGATIVE_INFINITY)).toBe(0);
    const bars = bandsFromFrame(parseAudioFrame(frame)!);
    expect(bars).toHaveLength(32);
    expect(bars[0]!).toBeGreaterThan(bars[31]!);
    // A 1 kHz tone at 48 kHz in a 1024-bin analyser lands in one middle bar, not the lowest.
    const bins = new Uint8Array(1024);
    bins[Math.round((1000 / 24000) * 1024)] = 255;
    const folded = foldBins(bins, 48000);
    const top = folded.indexOf(Math.max(...folded));
    expect(top).toBeGreaterThan(8);
    expect(top).toBeLessThan(24);
  });
  it('finds a beat when the bass jumps above its average', () => {
    const st = { avg: 0, lastMs: -1000 };
    for (let i = 0; i < 20; i++) detectBeat(st, 0.2, i * 50);
    expect(detectBeat(st, 0.6, 1100)).toBe(true);
    expect(detectBeat(st, 0.6, 1150)).toBe(false); // too soon after the last
  });
  it('reads the audio status and import answers', () => {
    const s = parseAudioStatus({ live: true, codec: 'aac', channels: 1, sample_rate: 48000, bitrate_kbps: 96, peak_db: [-1, -2], rms_db: -20, lufs_i: -14, warnings: [{ code: 'mono', message: 'Mono' }] });
    expect(s.rmsDb).toEqual([-20, -20]);
    expect(s.warnings[0]?.code).toBe('mono');
    expect(parseImportResult({ imported: 2, skipped: 1, errors: [{ line: 3, error: 'title missing' }] })).toEqual({ imported: 2, skipped: 1, errors: [{ line: 3, error: 'title missing' }] });
    expect(importFormat('set.M3U8')).toBe('m3u');
    expect(importFormat('set.csv')).toBe('csv');
  });
});

describe('the OBS visualiser overlay', () => {
  it('is a route of its own', async () => {
    const { parseRoute } = await import('../router');
    expect(parseRoute('/overlay/djnova/visualiser')).toEqual({ kind: 'overlay', channel: 'djnova', widget: 'visualiser' });
  });
});
