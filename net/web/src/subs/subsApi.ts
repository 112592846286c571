// Paid subscriptions (docs/monetization.md, "Subscriptions"): a channel's tiers, the viewer's
// own subscription, the creator's list, the chat badge "subscriber/<tier>/<months>" and sub
// emotes' locks. Parsing is pure, so it is unit-tested; the REST calls are thin.
import { ApiError } from '../api';
import { request } from '../accountApi';
import { isCheckoutUrl } from '../pay/payApi';

export interface SubTier {
  tier: number;
  id: string;
  name: string;
  /** Minor units of `currency`. */
  price: number;
  enabled: boolean;
}

export interface SubTiers {
  currency: string;
  tiers: SubTier[];
}

export interface SubStatus {
  user: string;
  subscribed: boolean;
  tier: number;
  tierName: string;
  months: number;
  status: 'none' | 'active' | 'past_due' | 'ended';
  cancelAtPeriodEnd: boolean;
  renewsAtMs: number | null;
  endsAtMs: number | null;
  giftedBy: string | null;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null);
const num = (v: unknown, fallback = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const numOrNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function parseTiers(v: unknown): SubTiers {
  const o = obj(v);
  if (!o || !Array.isArray(o.tiers)) throw new ApiError(0, 'bad_response', 'tiers missing');
  const tiers: SubTier[] = [];
  for (const x of o.tiers) {
    const t = obj(x);
    const tier = num(t?.tier);
    if (!t || tier < 1 || tier > 3) continue;
    tiers.push({ tier, id: str(t.id), name: str(t.name) || `Tier ${tier}`, price: num(t.price), enabled: t.enabled !== false });
  }
  return { currency: str(o.currency) || 'USD', tiers };
}

const STATUSES = ['none', 'active', 'past_due', 'ended'] as const;

export function parseStatus(v: unknown): SubStatus {
  const o = obj(v);
  if (!o) throw new ApiError(0, 'bad_response', 'subscription missing');
  const status = STATUSES.find((s) => s === o.status) ?? 'none';
  return {
    user: str(o.user),
    subscribed: o.subscribed === true,
    tier: num(o.tier),
    tierName: str(o.tier_name),
    months: num(o.months),
    status,
    cancelAtPeriodEnd: o.cancel_at_period_end === true,
    renewsAtMs: numOrNull(o.renews_at_ms),
    endsAtMs: numOrNull(o.ends_at_ms),
    giftedBy: typeof o.gifted_by === 'string' ? o.gifted_by : null,
  };
}

export function parseSubscribers(v: unknown): SubStatus[] {
  const list = obj(v)?.subscribers;
  if (!Array.isArray(list)) throw new ApiError(0, 'bad_response', 'subscribers missing');
  return list.map(parseStatus);
}

/** 499 USD -> "$4.99"; other currencies by their code. */
export function formatPrice(minor: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(minor / 100);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}

/** The chat badge "subscriber/<tier>/<months>" as numbers; null for any other badge. */
export function parseSubBadge(badge: string): { tier: number; months: number } | null {
  const m = /^subscriber\/([1-3])\/(\d{1,5})$/.exec(badge);
  return m ? { tier: Number(m[1]), months: Number(m[2]) } : null;
}

/** The badge's tooltip: "Tier 2 subscriber, 5 months". */
export function subBadgeTitle(b: { tier: number; months: number }): string {
  return `Tier ${b.tier} subscriber, ${b.months} month${b.months === 1 ? '' : 's'}`;
}

/** A sub emote (tier 1-3) is locked unless the viewer is subscribed at that tier or higher. */
export function emoteLocked(emoteTier: number, viewerTier: number): boolean {
  return emoteTier > 0 && viewerTier < emoteTier;
}

/** "Subscribed (Premium, 3 months)" and what happens next, for the channel page. */
export function statusLine(s: SubStatus): string {
  if (!s.subscribed) return 'Not subscribed';
  const head = `Subscribed (${s.tierName || `Tier ${s.tier}`}, ${s.months} month${s.months === 1 ? '' : 's'})`;
  if (s.status === 'past_due') return `${head}: the last payment failed`;
  return head;
}

const base = (c: string) => `/api/v1/channels/${encodeURIComponent(c)}`;

export async function fetchTiers(channel: string): Promise<SubTiers> {
  return parseTiers(await request('GET', `${base(channel)}/subscription-tiers`));
}

export async function saveTiers(channel: string, token: string, tiers: Partial<SubTier>[]): Promise<SubTiers> {
  const body = { tiers: tiers.map((t) => ({ tier: t.tier, name: t.name, price: t.price, enabled: t.enabled })) };
  return parseTiers(await request('PUT', `${base(channel)}/subscription-tiers`, { token, body }));
}

export async function fetchMySub(channel: string, token: string): Promise<SubStatus> {
  return parseStatus(await request('GET', `${base(channel)}/subscriptions/me`, { token }));
}

/** Starts a checkout: the pay page's path to go to. */
export async function subscribe(channel: string, token: string, tier: string): Promise<string> {
  const answer = obj(await request('POST', `${base(channel)}/subscriptions`, { token, body: { tier } }));
  const url = str(answer?.url);
  if (!isCheckoutUrl(url)) throw new ApiError(0, 'bad_response', 'checkout url missing');
  return url;
}

/** Gifts `count` subscriptions to random followers who are not subscribed: the pay page's path. */
export async function giftSubs(channel: string, token: string, tier: string, count: number): Promise<string> {
  const answer = obj(await request('POST', `${base(channel)}/subscriptions/gift`, { token, body: { tier, count } }));
  const url = str(answer?.url);
  if (!isCheckoutUrl(url)) throw new ApiError(0, 'bad_response', 'checkout url missing');
  return url;
}

export async function setCancel(channel: string, token: string, cancel: boolean): Promise<SubStatus> {
  return parseStatus(await request(cancel ? 'POST' : 'DELETE', `${base(channel)}/subscriptions/cancel`, { token }));
}

export async function fetchSubscribers(channel: string, token: string): Promise<SubStatus[]> {
  return parseSubscribers(await request('GET', `${base(channel)}/subscriptions`, { token }));
}

/** True when a room frame (or a batch of them) is a gift of subs naming `user` as a recipient. */
export function giftedTo(frame: unknown, user: string): boolean {
  if (Array.isArray(frame)) return frame.some((f) => giftedTo(f, user));
  const o = obj(frame);
  return !!o && o.type === 'gift' && o.item === 'sub' && Array.isArray(o.to) && o.to.includes(user);
}
