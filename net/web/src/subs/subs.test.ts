import { describe, expect, it } from 'vitest';
import { emoteLocked, formatPrice, giftedTo, parseStatus, parseSubBadge, parseTiers, statusLine, subBadgeTitle } from './subsApi';

describe('subscriptions', () => {
  it('reads tiers, skipping malformed ones', () => {
    const t = parseTiers({
      currency: 'EUR',
      tiers: [{ tier: 1, id: 'basic', name: 'Basic', price: 499, enabled: true }, { tier: 9 }, { tier: 3, id: 'vip', price: 2499, enabled: false }],
    });
    expect(t.currency).toBe('EUR');
    expect(t.tiers.map((x) => x.tier)).toEqual([1, 3]);
    expect(t.tiers[1]).toMatchObject({ name: 'Tier 3', enabled: false });
    expect(() => parseTiers({})).toThrow();
  });

  it('reads a status and says it in a line', () => {
    const s = parseStatus({ subscribed: true, tier: 2, tier_name: 'Premium', months: 3, status: 'active', renews_at_ms: 5, ends_at_ms: null, gifted_by: null });
    expect(s.renewsAtMs).toBe(5);
    expect(s.endsAtMs).toBeNull();
    expect(statusLine(s)).toBe('Subscribed (Premium, 3 months)');
    expect(statusLine({ ...s, status: 'past_due', months: 1 })).toBe('Subscribed (Premium, 1 month): the last payment failed');
    expect(statusLine(parseStatus({ status: 'weird' }))).toBe('Not subscribed');
  });

  it('parses the chat badge and titles it', () => {
    expect(parseSubBadge('subscriber/2/14')).toEqual({ tier: 2, months: 14 });
    expect(parseSubBadge('subscriber/4/1')).toBeNull();
    expect(parseSubBadge('moderator')).toBeNull();
    expect(subBadgeTitle({ tier: 1, months: 1 })).toBe('Tier 1 subscriber, 1 month');
  });

  it('locks sub emotes below their tier', () => {
    expect(emoteLocked(0, 0)).toBe(false);
    expect(emoteLocked(2, 1)).toBe(true);
    expect(emoteLocked(2, 3)).toBe(false);
  });

  it('formats prices in minor units', () => {
    expect(formatPrice(499, 'USD')).toBe('$4.99');
    expect(formatPrice(2499, 'XXX1')).toBe('24.99 XXX1');
  });

  it('notices gifted subs naming the viewer', () => {
    const gift = { type: 'gift', from: null, to: ['vera', 'nate'], item: 'sub', detail: { tier: 1 } };
    expect(giftedTo(gift, 'vera')).toBe(true);
    expect(giftedTo([{ type: 'msg' }, gift], 'nate')).toBe(true);
    expect(giftedTo(gift, 'omar')).toBe(false);
    expect(giftedTo({ ...gift, item: 'points' }, 'vera')).toBe(false);
  });
});
