import { describe, expect, it } from 'vitest';
import { parseSession } from './auth';
import { parseManagedChannel, parseTags } from './accountApi';
import { parseRoute } from './router';
import { authProblem } from './pages/Auth';
import { rtmpServerUrl } from './pages/Dashboard';

const TOKEN = 'a'.repeat(64);

describe('parseSession', () => {
  it('accepts a stored session', () => {
    expect(parseSession(JSON.stringify({ token: TOKEN, username: 'alice' }))).toEqual({ token: TOKEN, username: 'alice' });
  });
  it('rejects malformed sessions', () => {
    expect(parseSession(null)).toBeNull();
    expect(parseSession('{')).toBeNull();
    expect(parseSession(JSON.stringify({ token: 'short', username: 'alice' }))).toBeNull();
    expect(parseSession(JSON.stringify({ token: TOKEN }))).toBeNull();
  });
});

describe('account helpers', () => {
  it('splits tags', () => {
    expect(parseTags(' speedrun, retro ,,co-op ')).toEqual(['speedrun', 'retro', 'co-op']);
    expect(parseTags('')).toEqual([]);
  });
  it('normalises channels', () => {
    expect(parseManagedChannel({ name: 'a', tags: ['x', 1], live: true })).toEqual({
      name: 'a', title: '', category: '', tags: ['x'], owner: '', live: true,
    });
    expect(() => parseManagedChannel({})).toThrow();
  });
  it('checks credentials like the server', () => {
    expect(authProblem('signup', 'alice', 'long-enough')).toBeNull();
    expect(authProblem('signup', 'Alice', 'long-enough')).not.toBeNull();
    expect(authProblem('signup', 'alice', 'short')).not.toBeNull();
    expect(authProblem('login', 'alice', 'short')).toBeNull();
    expect(authProblem('login', 'alice', '')).not.toBeNull();
  });
  it('builds the RTMP server URL', () => {
    expect(rtmpServerUrl('example.org')).toBe('rtmp://example.org:1935/live');
  });
});

describe('account routes', () => {
  it('parses sign-up, log-in and dashboard', () => {
    expect(parseRoute('/signup')).toEqual({ kind: 'signup' });
    expect(parseRoute('/login?next=1')).toEqual({ kind: 'login' });
    expect(parseRoute('/dashboard/')).toEqual({ kind: 'dashboard' });
    expect(parseRoute('/dashboard/x').kind).toBe('not_found');
  });
});
