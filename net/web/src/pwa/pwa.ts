// The installable app in the page: registers the service worker (sw.ts), keeps the browser's
// install prompt for the header's Install button, and subscribes this browser to go-live web
// pushes (docs/mobile.md).
import { request } from '../accountApi';

/** Registers /sw.js once the page has loaded (production builds only; dev has no worker). */
export function registerServiceWorker(env: { prod: boolean } = { prod: import.meta.env.PROD }): void {
  if (!env.prod || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  const register = () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}

interface InstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

let deferred: InstallPromptEvent | null = null;
const listeners = new Set<(available: boolean) => void>();

/** Keeps `beforeinstallprompt` (Chromium's install offer) until the user asks to install. */
export function watchInstallPrompt(): void {
  if (typeof window === 'undefined') return;
  window.addEventListener('beforeinstallprompt', (e) => {
    e.preventDefault();
    deferred = e as InstallPromptEvent;
    listeners.forEach((l) => l(true));
  });
  window.addEventListener('appinstalled', () => {
    deferred = null;
    listeners.forEach((l) => l(false));
  });
}

export function onInstallAvailable(listener: (available: boolean) => void): () => void {
  listeners.add(listener);
  listener(deferred !== null);
  return () => listeners.delete(listener);
}

export async function promptInstall(): Promise<boolean> {
  const e = deferred;
  if (!e) return false;
  deferred = null;
  listeners.forEach((l) => l(false));
  await e.prompt();
  return (await e.userChoice).outcome === 'accepted';
}

/** The browser can do web push here (a worker, PushManager, Notification). */
export function pushSupported(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    'serviceWorker' in navigator &&
    typeof window !== 'undefined' &&
    'PushManager' in window &&
    'Notification' in window
  );
}

/** base64url (the VAPID key as the node gives it) → the bytes PushManager wants. */
export function base64UrlToBytes(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

interface ListedSubscription {
  id: string;
  endpoint: string;
}

async function listed(token: string): Promise<ListedSubscription[]> {
  const body = (await request('GET', '/api/v1/me/push-subscriptions', { token })) as { subscriptions?: unknown };
  return Array.isArray(body.subscriptions) ? (body.subscriptions as ListedSubscription[]) : [];
}

/** Whether this browser's current subscription is registered with the account. */
export async function devicePushEnabled(token: string): Promise<boolean> {
  if (!pushSupported() || Notification.permission !== 'granted') return false;
  const reg = await navigator.serviceWorker.getRegistration('/');
  const sub = await reg?.pushManager.getSubscription();
  if (!sub) return false;
  return (await listed(token)).some((s) => s.endpoint === sub.endpoint);
}

/** Asks for permission, subscribes with the node's VAPID key and registers the subscription. */
export async function enableDevicePush(token: string): Promise<void> {
  if (!pushSupported()) throw new Error('This browser cannot receive push notifications.');
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new Error('Notifications are blocked for this site in the browser settings.');
  const reg = await navigator.serviceWorker.ready;
  const key = (await request('GET', '/api/v1/push/vapid-key')) as { public_key?: string };
  if (typeof key.public_key !== 'string') throw new Error('The server has no push key.');
  const sub =
    (await reg.pushManager.getSubscription()) ??
    (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(key.public_key) as BufferSource }));
  await request('POST', '/api/v1/me/push-subscriptions', { token, body: sub.toJSON() });
}

/** Removes this browser's subscription from the account and the browser. */
export async function disableDevicePush(token: string): Promise<void> {
  const reg = await navigator.serviceWorker.getRegistration('/');
  const sub = await reg?.pushManager.getSubscription();
  if (!sub) return;
  const mine = (await listed(token)).find((s) => s.endpoint === sub.endpoint);
  if (mine) await request('DELETE', `/api/v1/me/push-subscriptions/${encodeURIComponent(mine.id)}`, { token });
  await sub.unsubscribe();
}
