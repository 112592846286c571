// Tips, campaigns and gifts as the web UI sees them (docs/monetization.md#tips): the frames the
// chat room relays, amounts in minor units, and the overlay's bounded queue of alerts. Pure.

export interface TipAlert {
  id: string;
  /** null: the viewer tipped anonymously. */
  from: string | null;
  /** Minor units (100 = 1.00). */
  amount: number;
  currency: string;
  /** null: no message, or the channel's AutoMod would hold it. */
  message: string | null;
  /** Speak the message (the channel's TTS minimum reached). */
  tts: boolean;
  /** How long the alert shows, in seconds. */
  durationS: number;
}

export interface Campaign {
  id: string;
  title: string;
  goal: number;
  raised: number;
  endsAtMs: number | null;
  status: 'active' | 'reached' | 'ended' | 'canceled';
}

export interface GiftEvent {
  from: string;
  to: string[];
  item: string;
  detail: Record<string, unknown>;
}

/** Amount presets of the Donate dialog (minor units). */
export const TIP_PRESETS: readonly number[] = [300, 500, 1000, 2500];
export const TIP_MIN = 100;
export const TIP_MAX = 50_000_000;
export const TIP_MESSAGE_MAX = 300;
export const DEFAULT_ALERT_S = 8;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** "$5.00", "€12.50"; an unknown currency code falls back to "12.50 XYZ". */
export function formatAmount(minor: number, currency: string): string {
  const value = minor / 100;
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency || 'USD' }).format(value);
  } catch {
    return `${value.toFixed(2)} ${currency}`;
  }
}

/** "5", "5.5", "5.50" typed by a viewer → minor units; null when it is not an amount. */
export function parseAmountInput(text: string): number | null {
  const t = text.trim().replace(/^\$/, '');
  if (!/^\d{1,7}([.,]\d{1,2})?$/.test(t)) return null;
  const [whole, frac = ''] = t.split(/[.,]/);
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

/** A {"type":"tip"} frame of the chat room, or null. */
export function parseTipFrame(f: Record<string, unknown>): TipAlert | null {
  if (f.type !== 'tip') return null;
  const id = str(f.id);
  const amount = num(f.amount);
  if (!id || amount === null) return null;
  const duration = num(f.duration_s);
  return {
    id,
    from: str(f.from),
    amount,
    currency: str(f.currency) ?? 'USD',
    message: str(f.message),
    tts: f.tts === true && str(f.message) !== null,
    durationS: duration !== null && duration > 0 ? Math.min(duration, 60) : DEFAULT_ALERT_S,
  };
}

/** A campaign (GET …/campaign or a {"type":"campaign"} frame); null for none. */
export function parseCampaign(v: unknown): Campaign | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const id = str(o.id);
  const goal = num(o.goal);
  if (!id || goal === null || goal <= 0) return null;
  const status = str(o.status);
  return {
    id,
    title: str(o.title) ?? '',
    goal,
    raised: Math.max(0, num(o.raised) ?? 0),
    endsAtMs: num(o.ends_at_ms),
    status: status === 'reached' || status === 'ended' || status === 'canceled' ? status : 'active',
  };
}

/** A {"type":"gift"} frame (tips' gift bundles and gifted subs send the same shape), or null. */
export function parseGiftFrame(f: Record<string, unknown>): GiftEvent | null {
  if (f.type !== 'gift') return null;
  const to = Array.isArray(f.to) ? f.to.filter((x): x is string => typeof x === 'string') : [];
  const item = str(f.item);
  if (!item || to.length === 0) return null;
  const detail = typeof f.detail === 'object' && f.detail !== null ? (f.detail as Record<string, unknown>) : {};
  return { from: str(f.from) ?? 'Someone', to, item, detail };
}

/** What a gift is, in words: "1,000 channel points", "the :hype: emote", "a heart badge", "a sub". */
export function describeGift(g: GiftEvent): string {
  const points = num(g.detail.points);
  if (g.item === 'points' && points !== null) return `${points.toLocaleString('en-US')} channel points`;
  if (g.item === 'emote' && str(g.detail.code)) return `the :${str(g.detail.code)}: emote`;
  if (g.item === 'badge') return `a ${str(g.detail.badge) ?? 'supporter'} badge`;
  if (g.item === 'sub') return 'a sub';
  return g.item;
}

/** Percent of the goal raised, 0–100. */
export function campaignPercent(c: Campaign): number {
  return Math.max(0, Math.min(100, Math.floor((c.raised * 100) / c.goal)));
}

/**
 * The overlay's alerts: one shows at a time, the others wait in order. Bounded: beyond `max`
 * waiting, the oldest waiting alert is dropped (a flood must not keep the overlay busy for an
 * hour). A tip seen twice (a reconnect) is shown once.
 */
export class AlertQueue {
  private waiting: TipAlert[] = [];
  private seen: string[] = [];
  current: TipAlert | null = null;
  private currentUntil = 0;

  constructor(private readonly max = 20) {}

  push(a: TipAlert): void {
    if (this.seen.includes(a.id)) return;
    this.seen.push(a.id);
    if (this.seen.length > 200) this.seen.shift();
    this.waiting.push(a);
    if (this.waiting.length > this.max) this.waiting.shift();
  }

  /** Advances to `now`: ends the current alert when its time is up, starts the next. */
  tick(now: number): TipAlert | null {
    if (this.current && now >= this.currentUntil) this.current = null;
    if (!this.current) {
      const next = this.waiting.shift();
      if (next) {
        this.current = next;
        this.currentUntil = now + next.durationS * 1000;
      }
    }
    return this.current;
  }

  get pending(): number {
    return this.waiting.length;
  }
}

/** Gift bundle prices in minor units, as the node charges them (actors/tips/tips.hpp gift_catalog). */
export const GIFT_PRICES = { per1000Points: 100, emote: 299, badge: 499 } as const;
export const GIFT_POINTS_MIN = 1000;
export const GIFT_POINTS_MAX = 100_000;

/** What a gift costs; null when a points bundle is not a multiple of 1,000 within its bounds. */
export function giftPrice(item: 'points' | 'emote' | 'badge', points = GIFT_POINTS_MIN): number | null {
  if (item === 'emote') return GIFT_PRICES.emote;
  if (item === 'badge') return GIFT_PRICES.badge;
  if (!Number.isInteger(points) || points < GIFT_POINTS_MIN || points > GIFT_POINTS_MAX || points % 1000 !== 0) return null;
  return (points / 1000) * GIFT_PRICES.per1000Points;
}
