// Which rendition the WebSocket player asks for first (docs/music.md, "FLAC rendition"): the
// lossless `flac` one (the source's picture with FLAC audio) for a channel in DJ mode when this
// browser's Media Source Extensions play FLAC in MP4, else the source with its AAC. The node
// answers a request for `flac` with the source while the channel has no FLAC rendition, so a
// wrong guess costs nothing; and the WebSocket ABR's steps down are the AAC renditions.

/** The type a browser must accept for the FLAC rendition (its audio track is a 'fLaC' entry). */
export const FLAC_MSE_TYPE = 'audio/mp4; codecs="flac"';

/** Whether Media Source Extensions here can play FLAC in fMP4. */
export function canPlayFlac(ms: { isTypeSupported(type: string): boolean } | undefined = globalThis.MediaSource): boolean {
  try {
    return !!ms && ms.isTypeSupported(FLAC_MSE_TYPE);
  } catch {
    return false;
  }
}

/** How long the player waits for the channel's DJ mode before starting with the source. */
const DJ_MODE_WAIT_MS = 1500;

/**
 * "flac" when the channel is in DJ mode (`GET /api/v1/channels/{c}/music` → `dj_mode`) and FLAC
 * plays here; "source" otherwise, on any error, or when the answer takes longer than 1.5 s.
 */
export async function firstRendition(
  channel: string,
  fetchImpl: typeof fetch = fetch,
  playsFlac: boolean = canPlayFlac(),
  waitMs = DJ_MODE_WAIT_MS,
): Promise<'flac' | 'source'> {
  if (!playsFlac || !channel) return 'source';
  const abort = typeof AbortController !== 'undefined' ? new AbortController() : null;
  const timer = setTimeout(() => abort?.abort(), waitMs);
  try {
    const res = await fetchImpl(`/api/v1/channels/${encodeURIComponent(channel)}/music`, {
      headers: { Accept: 'application/json' },
      signal: abort?.signal,
    });
    if (!res.ok) return 'source';
    const body = (await res.json()) as { dj_mode?: unknown };
    return body.dj_mode === true ? 'flac' : 'source';
  } catch {
    return 'source';
  } finally {
    clearTimeout(timer);
  }
}
