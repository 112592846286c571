// What a go-live push shows: the decrypted message is JSON {"type": "live", "id", "channel",
// "title", "url"} (actors/push/push_sender.cpp); anything else shows a plain notice. The link
// stays on this site: only a channel path is followed.
export interface PushNotice {
  title: string;
  body: string;
  tag: string;
  url: string;
}

const CHANNEL_NAME = /^[A-Za-z0-9_-]{1,64}$/; // router.ts CHANNEL_NAME_RE (the worker bundles no router)

export function pushNotice(data: unknown): PushNotice {
  const d = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const channel = typeof d.channel === 'string' && CHANNEL_NAME.test(d.channel) ? d.channel : '';
  const title = typeof d.title === 'string' ? d.title.slice(0, 200) : '';
  const fromUrl = typeof d.url === 'string' && /^\/c\/[A-Za-z0-9_-]{1,64}$/.test(d.url) ? d.url : '';
  const url = fromUrl || (channel ? `/c/${channel}` : '/');
  return {
    title: channel ? `${channel} is live` : 'AeThex LIVE',
    body: title || (channel ? `Watch ${channel} now on AeThex LIVE` : 'Something new on AeThex LIVE'),
    tag: typeof d.id === 'string' && d.id ? d.id.slice(0, 100) : channel || 'aethex',
    url,
  };
}
