// Where each match card of an elimination bracket goes, as pure geometry (the SVG in
// Bracket.tsx only draws it). Why hand-written rather than an npm bracket viewer: the layout
// with the losers bracket's drop-ins is a few dozen lines of arithmetic, the viewers on npm
// render HTML (not a zoomable SVG that fits 64 entrants on a laptop screen) and bring their own
// data model, while ours is the node's match list with `winner_to` links (docs/esports.md).
//
// Layout: one column per round; the winners bracket on top, the losers bracket below it, the
// grand final (and its reset) in the columns after the wider of the two, the third-place match
// under the final. Within a section, columns are placed right to left: the last round's match
// at the middle, each match's feeders (same section, previous round, `winner_to` = it) beside
// it: two feeders at a quarter of its span above and below, one feeder level with it. Spans are
// then scaled so the closest two cards of any column are one row apart, so cards never overlap
// and every connector is a short elbow. A section whose links are missing (an older node) falls
// back to evenly spaced columns, which cannot overlap either.

export interface LayoutMatch {
  id: string;
  round: number;
  bracket: string;
  winner_to?: string;
  opponents?: readonly [string | null, string | null];
}

export interface Box {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
  section: Section;
}

export interface Connector {
  from: string;
  to: string;
  /** Polyline points, from the right edge of `from` to the left edge of `to`. */
  points: [number, number][];
}

export interface Label {
  text: string;
  x: number;
  y: number;
}

export type Section = 'winners' | 'losers' | 'grand_final' | 'third_place';

export interface BracketLayout {
  boxes: Box[];
  connectors: Connector[];
  labels: Label[];
  width: number;
  height: number;
}

/** Card and spacing sizes in SVG units (px at zoom 1). */
export const CARD = { w: 156, h: 38, rowGap: 8, colGap: 34, pad: 10, header: 22, sectionGap: 26 } as const;
const ROW = CARD.h + CARD.rowGap;
const COL = CARD.w + CARD.colGap;

export function sectionOf(bracket: string): Section {
  if (bracket === 'losers') return 'losers';
  if (bracket === 'grand_final') return 'grand_final';
  if (bracket === 'third_place') return 'third_place';
  return 'winners';
}

/** The match's number within its round ("W2-3" → 3), for the top-to-bottom order. */
function ordinal(id: string): number {
  const m = /-(\d+)$/.exec(id);
  return m ? Number(m[1]) : 0;
}

/** Rows (in units of one row) of a section's matches, top at 0; the section's height in rows. */
function placeSection(matches: readonly LayoutMatch[]): { rows: Map<string, number>; columns: LayoutMatch[][]; height: number } {
  const rounds = [...new Set(matches.map((m) => m.round))].sort((a, b) => a - b);
  const columns = rounds.map((r) =>
    matches
      .filter((m) => m.round === r)
      .map((m, i) => ({ m, i }))
      .sort((a, b) => ordinal(a.m.id) - ordinal(b.m.id) || a.i - b.i)
      .map((x) => x.m),
  );
  const rows = new Map<string, number>();
  if (!columns.length) return { rows, columns, height: 0 };
  return linked(columns, rows) ?? evenly(columns, rows);
}

function evenly(columns: LayoutMatch[][], rows: Map<string, number>) {
  const height = Math.max(...columns.map((c) => c.length));
  for (const col of columns) col.forEach((m, i) => rows.set(m.id, (i + 0.5) * (height / col.length) - 0.5));
  return { rows, columns, height };
}

/** Right-to-left placement along the `winner_to` links; null when a link is missing. */
function linked(columns: LayoutMatch[][], rows: Map<string, number>) {
  const pos = new Map<string, { y: number; span: number }>();
  const last = columns[columns.length - 1]!;
  last.forEach((m, i) => pos.set(m.id, { y: i, span: 1 }));
  for (let c = columns.length - 2; c >= 0; c--) {
    const col = columns[c]!;
    const next = new Set(columns[c + 1]!.map((m) => m.id));
    const feeders = new Map<string, LayoutMatch[]>();
    for (const m of col) {
      if (!m.winner_to || !next.has(m.winner_to)) return null;
      feeders.set(m.winner_to, [...(feeders.get(m.winner_to) ?? []), m]);
    }
    for (const target of columns[c + 1]!) {
      const t = pos.get(target.id)!;
      const fs = feeders.get(target.id) ?? [];
      if (fs.length > 2) return null;
      if (fs.length === 2) {
        pos.set(fs[0]!.id, { y: t.y - t.span / 4, span: t.span / 2 });
        pos.set(fs[1]!.id, { y: t.y + t.span / 4, span: t.span / 2 });
      } else if (fs.length === 1) {
        // One feeder (the other side drops in from the winners bracket, or a bye): level with it.
        pos.set(fs[0]!.id, { y: t.y, span: t.span });
      }
    }
  }
  // Scale so the closest neighbours in any column are one row apart.
  let gap = Infinity;
  for (const col of columns) {
    const ys = col.map((m) => pos.get(m.id)!.y).sort((a, b) => a - b);
    for (let i = 1; i < ys.length; i++) gap = Math.min(gap, ys[i]! - ys[i - 1]!);
  }
  if (gap <= 1e-9) return null;
  const scale = Number.isFinite(gap) ? 1 / gap : 1;
  const all = [...pos.values()].map((p) => p.y * scale);
  const top = Math.min(...all);
  for (const [id, p] of pos) rows.set(id, p.y * scale - top);
  return { rows, columns, height: Math.max(...all) - top + 1 };
}

/**
 * The matches with `winner_to` filled in where the node left it out: from results first (the
 * winner of a settled match plays the next match of their section that names them; a
 * section's last match leads to the grand final), else from the standard shape (a round of
 * twice the next one's size halves into it, a round of equal size leads straight across).
 */
export function inferLinks<M extends LayoutMatch & { winner?: string | null }>(matches: readonly M[]): M[] {
  if (matches.every((m) => m.winner_to !== undefined)) return [...matches];
  const ids = new Set(matches.map((m) => m.id));
  const count = new Map<string, number>();
  const key = (m: LayoutMatch, round = m.round) => `${sectionOf(m.bracket)}/${round}`;
  for (const m of matches) count.set(key(m), (count.get(key(m)) ?? 0) + 1);
  const lastRound = (section: Section) => Math.max(0, ...matches.filter((m) => sectionOf(m.bracket) === section).map((m) => m.round));
  const prefix: Partial<Record<Section, string>> = { winners: 'W', losers: 'L' };
  return matches.map((m) => {
    if (m.winner_to !== undefined) return m;
    const section = sectionOf(m.bracket);
    if (section === 'grand_final') return { ...m, winner_to: m.id === 'GF1' && ids.has('GF2') ? 'GF2' : '' };
    if (section === 'third_place') return { ...m, winner_to: '' };
    if (m.round === lastRound(section)) return { ...m, winner_to: ids.has('GF1') ? 'GF1' : '' };
    if (m.winner) {
      const next = matches
        .filter((x) => sectionOf(x.bracket) === section && x.round > m.round && x.opponents?.includes(m.winner!))
        .sort((a, b) => a.round - b.round)[0];
      if (next) return { ...m, winner_to: next.id };
    }
    const n = ordinal(m.id);
    const here = count.get(key(m)) ?? 0;
    const there = count.get(key(m, m.round + 1)) ?? 0;
    const p = prefix[section];
    if (!p || !n || !there) return { ...m, winner_to: '' };
    const to = here === 2 * there ? Math.ceil(n / 2) : here === there ? n : 0;
    return { ...m, winner_to: to ? `${p}${m.round + 1}-${to}` : '' };
  });
}

/** Lays out an elimination bracket's matches (round robin and Swiss are tables, not this). */
export function layoutBracket(input: readonly LayoutMatch[]): BracketLayout {
  const matches = inferLinks(input);
  const by = (s: Section) => matches.filter((m) => sectionOf(m.bracket) === s);
  const winners = placeSection(by('winners'));
  const losers = placeSection(by('losers'));
  const boxes: Box[] = [];
  const labels: Label[] = [];
  const at = new Map<string, Box>();
  const put = (id: string, x: number, y: number, section: Section) => {
    const b = { id, x, y, w: CARD.w, h: CARD.h, section };
    boxes.push(b);
    at.set(id, b);
  };

  const hasLosers = losers.columns.length > 0;
  let top = CARD.pad;
  const placeRows = (placed: ReturnType<typeof placeSection>, section: Section, prefix: string, title: string) => {
    if (!placed.columns.length) return;
    labels.push({ text: title, x: CARD.pad, y: top + 14 });
    top += CARD.header;
    placed.columns.forEach((col, c) => {
      labels.push({ text: `${prefix}${col[0]?.round ?? c + 1}`, x: CARD.pad + c * COL, y: top + 12 });
      for (const m of col) put(m.id, CARD.pad + c * COL, top + CARD.header + placed.rows.get(m.id)! * ROW, section);
    });
    top += CARD.header + placed.height * ROW + CARD.sectionGap;
  };
  placeRows(winners, 'winners', hasLosers ? 'Round ' : 'Round ', hasLosers ? 'Winners bracket' : 'Bracket');
  const winnersBottom = top;
  placeRows(losers, 'losers', 'Losers round ', 'Losers bracket');

  // The third-place match sits under the final, in the final's column.
  const finalCol = winners.columns.length - 1;
  for (const m of by('third_place')) {
    const final = winners.columns[finalCol]?.[0];
    const fb = final ? at.get(final.id) : undefined;
    const x = CARD.pad + Math.max(0, finalCol) * COL;
    const y = fb ? fb.y + CARD.h + 2.5 * ROW : winnersBottom;
    labels.push({ text: 'Third place', x, y: y - 6 });
    put(m.id, x, y, 'third_place');
  }

  // The grand final (and the reset) after the wider bracket, between the two finals.
  const gf = by('grand_final').sort((a, b) => a.id.localeCompare(b.id));
  if (gf.length) {
    const cols = Math.max(winners.columns.length, losers.columns.length);
    const feeders = boxes.filter((b) => matches.find((m) => m.id === b.id)?.winner_to === gf[0]!.id);
    const ys = feeders.length ? feeders.map((b) => b.y) : [CARD.pad + CARD.header * 2];
    const y = (Math.min(...ys) + Math.max(...ys)) / 2;
    gf.forEach((m, i) => {
      const x = CARD.pad + (cols + i) * COL;
      labels.push({ text: i === 0 ? 'Grand final' : 'Reset', x, y: y - 6 });
      put(m.id, x, y, 'grand_final');
    });
  }

  const connectors: Connector[] = [];
  for (const m of matches) {
    const from = at.get(m.id);
    const to = m.winner_to ? at.get(m.winner_to) : undefined;
    if (!from || !to || to.x <= from.x) continue;
    const x1 = from.x + from.w;
    const y1 = from.y + from.h / 2;
    const x2 = to.x;
    const y2 = to.y + to.h / 2;
    const mid = x2 - CARD.colGap / 2;
    connectors.push({ from: m.id, to: to.id, points: [[x1, y1], [mid, y1], [mid, y2], [x2, y2]] });
  }

  const width = boxes.length ? Math.max(...boxes.map((b) => b.x + b.w)) + CARD.pad : 0;
  const height = boxes.length ? Math.max(...boxes.map((b) => b.y + b.h)) + CARD.pad : 0;
  return { boxes, connectors, labels, width, height };
}

/** Zoom that shows the whole bracket inside `box` (never above 1: cards stay their size at most). */
export function fitScale(layout: Pick<BracketLayout, 'width' | 'height'>, box: { width: number; height: number }): number {
  if (layout.width <= 0 || layout.height <= 0) return 1;
  return floor3(Math.min(1, box.width / layout.width, box.height / layout.height));
}

/** Zoom that fills `width` (the page's default: readable cards, scroll down for the rest). */
export function fitWidthScale(layout: Pick<BracketLayout, 'width'>, width: number): number {
  if (layout.width <= 0) return 1;
  return floor3(Math.min(1, width / layout.width));
}

/** Rounded down to 1/1000, so the zoomed size never exceeds the box by a rounding error. */
const floor3 = (x: number) => Math.floor(x * 1000) / 1000;

/** True when two boxes share any area (the layout's invariant is that none do). */
export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}
