// What a push shows. The decrypted message is JSON (actors/push/push_sender.cpp): a go-live
// {"type": "live", "id", "channel", "title", "url"}, or a personal notice — a course's lesson
// reminder, an org invitation — {"type": <its kind>, "id", "title", "url"}; anything else shows a
// plain notice. Links stay on this site: a path of our own pages, never another origin.
export interface PushNotice {
  title: string;
  body: string;
  tag: string;
  url: string;
}

const CHANNEL_NAME = /^[A-Za-z0-9_-]{1,64}$/; // router.ts CHANNEL_NAME_RE (the worker bundles no router)
// One path of this site: no scheme, no "//" host, no dot segments, no backslashes.
const SITE_PATH = /^\/(?!\/)[A-Za-z0-9_\-/]{0,200}$/;

/** `url` when it is a path of this site, else the home page. */
export function sitePath(url: unknown): string {
  return typeof url === 'string' && SITE_PATH.test(url) ? url : '/';
}

export function pushNotice(data: unknown): PushNotice {
  const d = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const channel = typeof d.channel === 'string' && CHANNEL_NAME.test(d.channel) ? d.channel : '';
  const title = typeof d.title === 'string' ? d.title.slice(0, 200) : '';
  const tag = typeof d.id === 'string' && d.id ? d.id.slice(0, 100) : channel || 'aethex';
  const live = !d.type || d.type === 'live';
  if (!live && title) {
    return { title: 'AeThex LIVE', body: title, tag, url: sitePath(d.url) };
  }
  const fromUrl = typeof d.url === 'string' && /^\/c\/[A-Za-z0-9_-]{1,64}$/.test(d.url) ? d.url : '';
  const url = fromUrl || (channel ? `/c/${channel}` : '/');
  return {
    title: channel ? `${channel} is live` : 'AeThex LIVE',
    body: title || (channel ? `Watch ${channel} now on AeThex LIVE` : 'Something new on AeThex LIVE'),
    tag,
    url,
  };
}
