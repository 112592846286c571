// REST calls of a channel's webhooks (docs/api.md#webhooks, docs/webhooks.md): the owner lists,
// creates (the secret is shown once) and deletes subscriptions, reads a subscription's delivery
// log and sends a logged notification again.
import { request } from '../accountApi';

const base = (c: string) => `/api/v1/channels/${encodeURIComponent(c)}/webhooks`;

export type WebhookStatus = 'verification_pending' | 'enabled' | 'verification_failed' | 'disabled';
const STATUSES: readonly WebhookStatus[] = ['verification_pending', 'enabled', 'verification_failed', 'disabled'];

export interface Webhook {
  id: string;
  type: string;
  url: string;
  status: WebhookStatus;
  createdAtMs: number;
  failingSinceMs: number;
}

export interface CreatedWebhook extends Webhook {
  /** Shown once: the server keeps it only to sign deliveries. */
  secret: string;
}

export interface Delivery {
  id: number;
  messageId: string;
  messageType: string;
  eventType: string;
  attempt: number;
  status: number;
  latencyMs: number;
  error: string;
  atMs: number;
  outcome: string;
}

export interface CatalogueType {
  type: string;
  description: string;
}

const str = (v: unknown, d = '') => (typeof v === 'string' ? v : d);
const num = (v: unknown, d = 0) => (typeof v === 'number' ? v : d);
const list = (v: unknown) => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);
const obj = (v: unknown) => (v ?? {}) as Record<string, unknown>;

export function parseWebhook(v: unknown): Webhook {
  const o = obj(v);
  const status = str(o.status);
  return {
    id: str(o.id),
    type: str(o.type),
    url: str(o.url),
    status: (STATUSES.includes(status as WebhookStatus) ? status : 'verification_pending') as WebhookStatus,
    createdAtMs: num(o.created_at_ms),
    failingSinceMs: num(o.failing_since_ms),
  };
}

export const parseWebhooks = (v: unknown): Webhook[] => list(obj(v).webhooks).map(parseWebhook);

export function parseCreated(v: unknown): CreatedWebhook {
  return { ...parseWebhook(v), secret: str(obj(v).secret) };
}

export function parseDeliveries(v: unknown): Delivery[] {
  return list(obj(v).deliveries).map((d) => ({
    id: num(d.id),
    messageId: str(d.message_id),
    messageType: str(d.message_type),
    eventType: str(d.event_type),
    attempt: num(d.attempt),
    status: num(d.status),
    latencyMs: num(d.latency_ms),
    error: str(d.error),
    atMs: num(d.at_ms),
    outcome: str(d.outcome),
  }));
}

export const parseCatalogue = (v: unknown): CatalogueType[] =>
  list(obj(v).types).map((t) => ({ type: str(t.type), description: str(t.description) }));

/** A URL the server may accept (it also checks the host's addresses): http(s), no spaces. */
export function plausibleUrl(url: string): boolean {
  if (url.length > 2048 || /[\s\u0000-\u001f\u007f]/.test(url)) return false;
  try {
    const u = new URL(url);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** Only notifications can be sent again, and not while they still wait for a retry. */
export const canRedeliver = (d: Delivery) => d.messageType === 'notification' && d.outcome !== 'retrying';

/** A delivery's status cell: the HTTP status, or the transport's error when none came. */
export const deliveryStatusText = (d: Delivery) => (d.status > 0 ? String(d.status) : d.error || 'no answer');

export async function fetchCatalogue(): Promise<CatalogueType[]> {
  return parseCatalogue(await request('GET', '/api/v1/webhooks/catalogue'));
}

export async function fetchWebhooks(token: string, channel: string): Promise<Webhook[]> {
  return parseWebhooks(await request('GET', base(channel), { token }));
}

export async function createWebhook(token: string, channel: string, type: string, url: string): Promise<CreatedWebhook> {
  return parseCreated(await request('POST', base(channel), { token, body: { type, url } }));
}

export async function deleteWebhook(token: string, channel: string, id: string): Promise<void> {
  await request('DELETE', `${base(channel)}/${encodeURIComponent(id)}`, { token });
}

export async function fetchDeliveries(token: string, channel: string, id: string): Promise<Delivery[]> {
  return parseDeliveries(await request('GET', `${base(channel)}/${encodeURIComponent(id)}/deliveries`, { token }));
}

export async function redeliver(token: string, channel: string, id: string, delivery: number): Promise<void> {
  await request('POST', `${base(channel)}/${encodeURIComponent(id)}/deliveries/${delivery}/redeliver`, { token });
}
