import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchPoll, fetchPrediction } from './api';

/** Every fetch answers `status` with `body` (raw text). */
const answer = (status: number, body: string) =>
  vi.stubGlobal('fetch', vi.fn(async () => new Response(body, { status, headers: { 'Content-Type': 'application/json' } })));

describe('the "current" reads', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('read the body null as "none"', async () => {
    answer(200, 'null');
    await expect(fetchPoll('nova', null)).resolves.toBeNull();
    await expect(fetchPrediction('nova', 'tok')).resolves.toBeNull();
  });

  it("still read an older node's 404 as \"none\"", async () => {
    answer(404, '{"error":{"code":"not_found","message":"no poll"}}');
    await expect(fetchPoll('nova', null)).resolves.toBeNull();
    await expect(fetchPrediction('nova', null)).resolves.toBeNull();
  });

  it('parse what runs, and throw other errors', async () => {
    answer(200, JSON.stringify({ id: 'p1', title: 'Map?', choices: [{ title: 'A', votes: 1 }], state: 'active' }));
    await expect(fetchPoll('nova', null)).resolves.toMatchObject({ id: 'p1', title: 'Map?' });
    answer(500, '{"error":{"code":"internal","message":"boom"}}');
    await expect(fetchPoll('nova', null)).rejects.toMatchObject({ status: 500 });
  });
});
