import { describe, expect, it } from 'vitest';
import { CARD, fitScale, fitWidthScale, inferLinks, layoutBracket, overlaps, type BracketLayout, type LayoutMatch } from './bracketLayout';

/** A single-elimination bracket of `size` (a power of two) with `byes` first-round matches missing at the top. */
function single(size: number, opts: { byes?: number; third?: boolean } = {}): LayoutMatch[] {
  const out: LayoutMatch[] = [];
  const rounds = Math.log2(size);
  for (let r = 1; r <= rounds; r++) {
    const count = size / 2 ** r;
    for (let n = 1; n <= count; n++) {
      // Byes: the first round's top matches do not exist; the rest keep their place's number.
      if (r === 1 && n <= (opts.byes ?? 0)) continue;
      out.push({ id: `W${r}-${n}`, round: r, bracket: 'winners', winner_to: r < rounds ? `W${r + 1}-${Math.ceil(n / 2)}` : '' });
    }
  }
  if (opts.third) out.push({ id: '3P', round: rounds, bracket: 'third_place', winner_to: '' });
  // The server numbers each round from 1: renumber round 1 after the byes.
  const r1 = out.filter((m) => m.round === 1);
  r1.forEach((m, i) => (m.id = `W1-${i + 1}`));
  return out;
}

/** A full double-elimination bracket of n = 2^k entrants with grand final and reset. */
function double(n: number): LayoutMatch[] {
  const k = Math.log2(n);
  const out: LayoutMatch[] = [];
  for (let r = 1; r <= k; r++)
    for (let i = 1; i <= n / 2 ** r; i++) out.push({ id: `W${r}-${i}`, round: r, bracket: 'winners', winner_to: r < k ? `W${r + 1}-${Math.ceil(i / 2)}` : 'GF1' });
  const lRounds = 2 * (k - 1);
  const lCount = (r: number) => (r === 1 ? n / 4 : r % 2 === 0 ? n / 2 ** (r / 2 + 1) : n / 2 ** ((r + 1) / 2 + 1));
  for (let r = 1; r <= lRounds; r++)
    for (let i = 1; i <= lCount(r); i++) {
      // Odd rounds (after the first) halve; the others meet the winners bracket's drop-ins one to one.
      const to = r === lRounds ? 'GF1' : r % 2 === 0 ? `L${r + 1}-${Math.ceil(i / 2)}` : `L${r + 1}-${i}`;
      out.push({ id: `L${r}-${i}`, round: r, bracket: 'losers', winner_to: to });
    }
  out.push({ id: 'GF1', round: 1, bracket: 'grand_final', winner_to: 'GF2' });
  out.push({ id: 'GF2', round: 2, bracket: 'grand_final', winner_to: '' });
  return out;
}

function noOverlap(l: BracketLayout) {
  for (let i = 0; i < l.boxes.length; i++)
    for (let j = i + 1; j < l.boxes.length; j++) {
      const a = l.boxes[i]!;
      const b = l.boxes[j]!;
      if (overlaps(a, b)) throw new Error(`${a.id} overlaps ${b.id}`);
    }
}

describe('layoutBracket', () => {
  it('places every match once and no two cards overlap', () => {
    for (const matches of [double(16), double(64), double(4), single(8, { third: true }), single(16, { byes: 4 }), single(2)]) {
      const l = layoutBracket(matches);
      expect(l.boxes.map((b) => b.id).sort()).toEqual(matches.map((m) => m.id).sort());
      noOverlap(l);
      for (const b of l.boxes) {
        expect(b.x).toBeGreaterThanOrEqual(0);
        expect(b.y).toBeGreaterThanOrEqual(0);
        expect(b.x + b.w).toBeLessThanOrEqual(l.width);
        expect(b.y + b.h).toBeLessThanOrEqual(l.height);
      }
    }
  });

  it('a double-elimination bracket of 64 fits a 1366×768 laptop screen when zoomed to fit', () => {
    const l = layoutBracket(double(64));
    expect(l.boxes).toHaveLength(2 * 64 - 1);
    const s = fitScale(l, { width: 1366, height: 768 });
    expect(l.width * s).toBeLessThanOrEqual(1366);
    expect(l.height * s).toBeLessThanOrEqual(768);
    // Not a postage stamp: a card keeps at least a third of its size.
    expect(s).toBeGreaterThan(0.3);
    // The default view fills the width and scrolls down.
    expect(l.width * fitWidthScale(l, 1366)).toBeLessThanOrEqual(1366);
  });

  it('puts the winners bracket above the losers bracket and the grand final to the right of both', () => {
    const l = layoutBracket(double(16));
    const box = (id: string) => l.boxes.find((b) => b.id === id)!;
    const maxWinners = Math.max(...l.boxes.filter((b) => b.section === 'winners').map((b) => b.y + b.h));
    const minLosers = Math.min(...l.boxes.filter((b) => b.section === 'losers').map((b) => b.y));
    expect(minLosers).toBeGreaterThan(maxWinners);
    const rightmost = Math.max(...l.boxes.filter((b) => b.section !== 'grand_final').map((b) => b.x + b.w));
    expect(box('GF1').x).toBeGreaterThan(rightmost);
    expect(box('GF2').x).toBeGreaterThan(box('GF1').x);
    // Rounds go left to right.
    expect(box('W2-1').x).toBeGreaterThan(box('W1-1').x);
    expect(box('L3-1').x).toBeGreaterThan(box('L2-1').x);
  });

  it('draws a connector from each match to the match its winner goes to', () => {
    const matches = double(16);
    const l = layoutBracket(matches);
    const box = (id: string) => l.boxes.find((b) => b.id === id)!;
    const linked = matches.filter((m) => m.winner_to);
    expect(l.connectors).toHaveLength(linked.length);
    for (const c of l.connectors) {
      const m = matches.find((x) => x.id === c.from)!;
      expect(c.to).toBe(m.winner_to);
      const [x1, y1] = c.points[0]!;
      const [x2, y2] = c.points[c.points.length - 1]!;
      expect(x1).toBe(box(c.from).x + CARD.w);
      expect(y1).toBe(box(c.from).y + CARD.h / 2);
      expect(x2).toBe(box(c.to).x);
      expect(y2).toBe(box(c.to).y + CARD.h / 2);
    }
  });

  it('centres a match between its two feeders', () => {
    const l = layoutBracket(single(8));
    const y = (id: string) => l.boxes.find((b) => b.id === id)!.y;
    expect(y('W2-1')).toBeCloseTo((y('W1-1') + y('W1-2')) / 2);
    expect(y('W3-1')).toBeCloseTo((y('W2-1') + y('W2-2')) / 2);
  });

  it('infers the links a node leaves out from the standard shape', () => {
    const full = double(16);
    const inferred = inferLinks(full.map((m) => ({ ...m, winner_to: undefined })));
    expect(inferred.map((m) => m.winner_to)).toEqual(full.map((m) => m.winner_to));
  });

  it('infers a link from a result: the winner plays the next match naming them', () => {
    const ms: (LayoutMatch & { winner?: string })[] = [
      { id: 'L1-1', round: 1, bracket: 'losers', winner: 'x', opponents: ['x', 'y'] },
      { id: 'L1-2', round: 1, bracket: 'losers', winner: 'z', opponents: ['z', 'w'] },
      { id: 'L2-1', round: 2, bracket: 'losers', opponents: ['q', 'z'] },
      { id: 'L2-2', round: 2, bracket: 'losers', opponents: ['x', 'r'] },
      { id: 'L3-1', round: 3, bracket: 'losers' },
    ];
    expect(inferLinks(ms).map((m) => m.winner_to)).toEqual(['L2-2', 'L2-1', 'L3-1', 'L3-1', '']);
  });

  it('falls back to evenly spaced columns when no link is known, still without overlaps', () => {
    const matches = double(16).map((m) => ({ ...m, winner_to: '' }));
    const l = layoutBracket(matches);
    noOverlap(l);
    expect(l.connectors).toHaveLength(0);
    expect(l.boxes).toHaveLength(matches.length);
  });

  it('lays out nothing for no matches', () => {
    const l = layoutBracket([]);
    expect(l.boxes).toHaveLength(0);
    expect(fitScale(l, { width: 100, height: 100 })).toBe(1);
  });
});
