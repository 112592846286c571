import { describe, expect, it } from 'vitest';
import { formatDuration, formatLikes, formatTenths, formatUptime, formatViewers, formatViews, maskStreamKey } from './format';

describe('maskStreamKey', () => {
  it('keeps prefix and last four characters', () => {
    expect(maskStreamKey('live_abcdef123456')).toBe('live_••••••••3456');
  });
  it('masks keys without a prefix', () => {
    expect(maskStreamKey('0123456789abcdef')).toBe('••••••••••••cdef');
  });
  it('fully masks short keys', () => {
    expect(maskStreamKey('abc')).toBe('•••');
    expect(maskStreamKey('live_12345678')).toBe('live_••••••••');
    expect(maskStreamKey('')).toBe('');
  });
  it('never reveals more than the tail', () => {
    const key = 'sk_' + 'Z'.repeat(40) + 'tail';
    const masked = maskStreamKey(key);
    expect(masked.length).toBe(key.length);
    expect(masked.endsWith('tail')).toBe(true);
    expect(masked).not.toContain('Z');
  });
});

describe('formatUptime', () => {
  it('formats minutes and hours', () => {
    expect(formatUptime(0, 0)).toBe('0:00');
    expect(formatUptime(0, 65_000)).toBe('1:05');
    expect(formatUptime(0, 3_723_000)).toBe('1:02:03');
    expect(formatUptime(10_000, 0)).toBe('0:00');
  });
});

describe('formatViewers', () => {
  it('pluralises and abbreviates', () => {
    expect(formatViewers(0)).toBe('0 viewers');
    expect(formatViewers(1)).toBe('1 viewer');
    expect(formatViewers(1500)).toBe('1.5K viewers');
    expect(formatViewers(2000)).toBe('2K viewers');
    expect(formatViewers(12_345)).toBe('12K viewers');
  });
});

describe('formatDuration', () => {
  it('is h:mm:ss, or m:ss in the short form under an hour', () => {
    expect(formatDuration(0)).toBe('0:00:00');
    expect(formatDuration(123.9)).toBe('0:02:03');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(123, false)).toBe('2:03');
    expect(formatDuration(3723, false)).toBe('1:02:03');
    expect(formatDuration(-5)).toBe('0:00:00');
    expect(formatDuration(Number.NaN, false)).toBe('0:00');
  });
  it('writes positions to the tenth', () => {
    expect(formatTenths(4)).toBe('0:04.0');
    expect(formatTenths(14.26)).toBe('0:14.3');
    expect(formatTenths(3723.5)).toBe('1:02:03.5');
    expect(formatTenths(59.96)).toBe('1:00.0');
    expect(formatTenths(Number.NaN)).toBe('0:00.0');
  });
  it('counts views and likes', () => {
    expect(formatViews(1)).toBe('1 view');
    expect(formatViews(2500)).toBe('2.5K views');
    expect(formatLikes(1)).toBe('1 like');
    expect(formatLikes(0)).toBe('0 likes');
  });
});
