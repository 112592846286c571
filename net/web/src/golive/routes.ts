// The "Go live from the browser" page's path (pure): router.ts asks here.
//   /golive/<channel>   publish screen and/or camera + microphone over WHIP (docs/ingest.md)
export type GoLiveRoute = { kind: 'golive'; channel: string };

const NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;

export function parseGoLiveRoute(parts: readonly string[]): GoLiveRoute | null {
  if (parts.length !== 2 || parts[0] !== 'golive') return null;
  let channel: string;
  try {
    channel = decodeURIComponent(parts[1] ?? '');
  } catch {
    return null;
  }
  return NAME_RE.test(channel) ? { kind: 'golive', channel } : null;
}

export function goLivePath(channel: string): string {
  return `/golive/${encodeURIComponent(channel)}`;
}
