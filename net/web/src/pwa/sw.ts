/// <reference lib="webworker" />
// The service worker (built by vite-plugin-pwa's injectManifest into /sw.js): Workbox precaches
// the app shell — index.html, the built JS/CSS and the icons — so the app starts offline; pages
// load from the network when it is there and fall back to the cached shell when it is not.
// Nothing else is cached: the API, WebSockets, live and recorded media, thumbnails and clips
// always go to the network (a cached playlist or segment would be stale live media).
// It also shows go-live web pushes (docs/mobile.md) and opens the channel when one is clicked.
import { cleanupOutdatedCaches, matchPrecache, precacheAndRoute } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { pushNotice, sitePath } from './pushNotice';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

/** Paths no route of this worker answers, navigations included (matched against the path). */
const NETWORK_ONLY = /^\/(api|ws|hls|llhls|vod|thumb|clips\/|embed|overlay|metrics|oauth\/token)/;

// A new worker takes over at once, but a page is controlled only from its next load: a page
// that is already playing keeps its requests off the worker.
self.skipWaiting();

// Where the browser supports static routing (Chromium 123+), media, API and socket paths never
// reach the worker at all, not even as a fetch event it ignores.
type RouterRule = { condition: { urlPattern: string }; source: 'network' };
self.addEventListener('install', (event) => {
  const e = event as ExtendableEvent & { addRoutes?: (rules: RouterRule[]) => Promise<void> };
  const prefixes = ['/api/*', '/ws*', '/hls/*', '/llhls*', '/vod/*', '/thumb/*', '/clips/*', '/embed/*', '/overlay/*'];
  if (e.addRoutes) e.waitUntil(e.addRoutes(prefixes.map((p) => ({ condition: { urlPattern: p }, source: 'network' }))).catch(() => undefined));
});
cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);

// No route answers NETWORK_ONLY paths (or anything else not precached): the worker leaves them
// to the browser, which fetches them itself as if there were no worker — no cache, and no
// worker in the path of media segments or LL-HLS blocking reloads.

// Navigations: the network first (server answers stay current), the cached shell offline.
registerRoute(
  ({ request, url }) => request.mode === 'navigate' && !NETWORK_ONLY.test(url.pathname),
  async ({ request }) => {
    try {
      return await fetch(request);
    } catch (offline) {
      const shell = await matchPrecache('/index.html');
      if (shell) return shell;
      throw offline;
    }
  },
);

self.addEventListener('push', (event: PushEvent) => {
  let data: unknown = null;
  try {
    data = event.data ? event.data.json() : null;
  } catch {
    data = null;
  }
  const notice = pushNotice(data);
  event.waitUntil(
    self.registration.showNotification(notice.title, {
      body: notice.body,
      icon: '/icons/icon-192.png',
      badge: '/icons/icon-192.png',
      tag: notice.tag,
      data: { url: notice.url },
    }),
  );
});

self.addEventListener('notificationclick', (event: NotificationEvent) => {
  event.notification.close();
  // The notice's own link, checked again: a path of this site.
  const url = sitePath((event.notification.data as { url?: unknown } | null)?.url);
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(async (windows) => {
      for (const w of windows) {
        if (new URL(w.url).pathname === url) return w.focus();
      }
      const first = windows[0];
      if (first) {
        await first.focus();
        return first.navigate(url);
      }
      return self.clients.openWindow(url);
    }),
  );
});
