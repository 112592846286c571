// A WHIP client (RFC 9725): one sendonly RTCPeerConnection whose offer, with every ICE candidate
// gathered, is POSTed to the node's /whip/<channel>; DELETE on the returned Location ends it.
// Video order matters: the node treats the first video track as the screen, the second as the
// camera (media/webrtc_ingest.hpp).
export type Layout = 'screen' | 'camera' | 'screen+camera' | 'side-by-side';
export const LAYOUTS: readonly { id: Layout; label: string }[] = [
  { id: 'screen', label: 'Screen only' },
  { id: 'camera', label: 'Camera only' },
  { id: 'screen+camera', label: 'Screen with camera in the corner' },
  { id: 'side-by-side', label: 'Side by side' },
];

export interface Tracks {
  audio?: MediaStreamTrack | null;
  screen?: MediaStreamTrack | null;
  camera?: MediaStreamTrack | null;
}

export class WhipError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The endpoint URL of a channel with its layout. */
export function whipUrl(origin: string, channel: string, layout: Layout): string {
  return `${origin}/whip/${encodeURIComponent(channel)}?layout=${encodeURIComponent(layout)}`;
}

/** Human text for a refused publish (the node answers JSON errors). */
export function whipErrorText(status: number, body: string): string {
  try {
    const message = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === 'string' && message) return message;
  } catch {
    // not JSON: fall through
  }
  if (status === 401) return 'The stream key was refused.';
  if (status === 409) return 'The channel is already live from another encoder.';
  return `The node refused the stream (HTTP ${status}).`;
}

/** Resolves when ICE gathering completes, or after `ms` (then with what was gathered). */
export function gatheringDone(pc: RTCPeerConnection, ms: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    }
    function check() {
      if (pc.iceGatheringState === 'complete') done();
    }
    pc.addEventListener('icegatheringstatechange', check);
  });
}

export class WhipSession {
  private constructor(
    readonly pc: RTCPeerConnection,
    readonly location: string,
    private readonly key: string,
  ) {}

  /** Publishes `tracks`; throws WhipError when the node refuses. */
  static async publish(endpoint: string, key: string, tracks: Tracks, fetchImpl: typeof fetch = fetch): Promise<WhipSession> {
    const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
    try {
      for (const t of [tracks.audio, tracks.screen, tracks.camera]) if (t) pc.addTransceiver(t, { direction: 'sendonly' });
      await pc.setLocalDescription(await pc.createOffer());
      await gatheringDone(pc, 2000);
      const res = await fetchImpl(endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${key}` },
        body: pc.localDescription?.sdp ?? '',
      });
      const body = await res.text();
      if (res.status !== 201) throw new WhipError(res.status, whipErrorText(res.status, body));
      const location = new URL(res.headers.get('Location') ?? '', endpoint).toString();
      await pc.setRemoteDescription({ type: 'answer', sdp: body });
      return new WhipSession(pc, location, key);
    } catch (e) {
      pc.close();
      throw e;
    }
  }

  /** Ends the stream on the node (DELETE) and closes the connection. */
  async stop(fetchImpl: typeof fetch = fetch): Promise<void> {
    try {
      await fetchImpl(this.location, { method: 'DELETE', headers: { Authorization: `Bearer ${this.key}` } });
    } finally {
      this.pc.close();
    }
  }
}
