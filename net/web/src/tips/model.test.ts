import { describe, expect, it } from 'vitest';
import { AlertQueue, campaignPercent, describeGift, formatAmount, giftPrice, parseAmountInput, parseCampaign, parseGiftFrame, parseTipFrame, type TipAlert } from './model';

const alert = (id: string, durationS = 5): TipAlert => ({ id, from: 'bob', amount: 500, currency: 'USD', message: 'hi', tts: false, durationS });

describe('tips model', () => {
  it('formats amounts in minor units', () => {
    expect(formatAmount(500, 'USD')).toBe('$5.00');
    expect(formatAmount(123456, 'USD')).toBe('$1,234.56');
    expect(formatAmount(1250, 'EUR')).toBe('€12.50');
    expect(formatAmount(100, 'NOPE!')).toBe('1.00 NOPE!');
  });

  it('reads typed amounts', () => {
    expect(parseAmountInput('5')).toBe(500);
    expect(parseAmountInput('$5.5')).toBe(550);
    expect(parseAmountInput('12,05')).toBe(1205);
    expect(parseAmountInput('5.555')).toBeNull();
    expect(parseAmountInput('-5')).toBeNull();
    expect(parseAmountInput('')).toBeNull();
  });

  it('parses tip frames', () => {
    const a = parseTipFrame({ type: 'tip', id: 'pay_1', from: null, amount: 500, currency: 'USD', message: 'yo', tts: true, duration_s: 8 });
    expect(a).toEqual({ id: 'pay_1', from: null, amount: 500, currency: 'USD', message: 'yo', tts: true, durationS: 8 });
    // No message: nothing to speak, whatever the flag says.
    expect(parseTipFrame({ type: 'tip', id: 'p', amount: 100, message: null, tts: true })?.tts).toBe(false);
    expect(parseTipFrame({ type: 'tip', id: 'p', amount: 100 })?.durationS).toBe(8);
    expect(parseTipFrame({ type: 'tip', amount: 100 })).toBeNull();
    expect(parseTipFrame({ type: 'msg', id: 'p', amount: 100 })).toBeNull();
  });

  it('parses campaigns and gifts', () => {
    const c = parseCampaign({ type: 'campaign', id: 'c1', title: 'Camera', goal: 1000, raised: 250, ends_at_ms: null, status: 'active' });
    expect(c).toEqual({ id: 'c1', title: 'Camera', goal: 1000, raised: 250, endsAtMs: null, status: 'active' });
    expect(campaignPercent(c!)).toBe(25);
    expect(campaignPercent({ ...c!, raised: 5000 })).toBe(100);
    expect(parseCampaign(null)).toBeNull();
    const g = parseGiftFrame({ type: 'gift', from: 'bob', to: ['carol'], item: 'points', detail: { points: 1000 } });
    expect(g && describeGift(g)).toBe('1,000 channel points');
    expect(parseGiftFrame({ type: 'gift', from: 'bob', to: [], item: 'sub' })).toBeNull();
  });

  it('queues alerts one at a time, bounded, once each', () => {
    const q = new AlertQueue(2);
    q.push(alert('a'));
    q.push(alert('a'));
    q.push(alert('b'));
    expect(q.tick(0)?.id).toBe('a');
    expect(q.pending).toBe(1);
    expect(q.tick(4999)?.id).toBe('a');
    expect(q.tick(5000)?.id).toBe('b');
    q.push(alert('c'));
    q.push(alert('d'));
    q.push(alert('e')); // over the bound: 'c' goes
    expect(q.tick(10000)?.id).toBe('d');
    expect(q.tick(15000)?.id).toBe('e');
    expect(q.tick(20000)).toBeNull();
  });
});

describe('giftPrice', () => {
  it('prices bundles as the node does', () => {
    expect(giftPrice('points', 1000)).toBe(100);
    expect(giftPrice('points', 25_000)).toBe(2500);
    expect(giftPrice('emote')).toBe(299);
    expect(giftPrice('badge')).toBe(499);
  });
  it('refuses points bundles the node refuses', () => {
    expect(giftPrice('points', 500)).toBeNull();
    expect(giftPrice('points', 1500)).toBeNull();
    expect(giftPrice('points', 101_000)).toBeNull();
  });
});
