// The bracket of a tournament: an SVG for elimination formats (layout in bracketLayout.ts),
// group tables for round robin, round lists and standings for Swiss. Every match is a
// `.match-card[data-match][data-status]` that opens the match panel (click, Enter or Space).
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { CARD, fitScale, fitWidthScale, layoutBracket } from './bracketLayout';
import { decidingMatch, groupTables, type Match, type Tournament } from './model';

interface Props {
  tournament: Tournament;
  selected: string | null;
  onSelect(id: string): void;
  /** Spectator mode: the whole bracket fits its box. */
  compact?: boolean;
}

export function BracketView(p: Props) {
  if (p.tournament.matches.length === 0)
    return (
      <p class="muted" id="bracket-empty">
        The bracket appears when the tournament starts.
      </p>
    );
  if (p.tournament.format === 'round_robin') return <GroupTables {...p} />;
  if (p.tournament.format === 'swiss') return <SwissRounds {...p} />;
  return <EliminationSvg {...p} />;
}

type Zoom = 'width' | 'fit' | 'full';

function EliminationSvg({ tournament, selected, onSelect, compact }: Props) {
  const layout = useMemo(() => layoutBracket(tournament.matches), [tournament.matches]);
  const byId = useMemo(() => new Map(tournament.matches.map((m) => [m.id, m])), [tournament.matches]);
  const box = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 1000, height: 600 });
  const [zoom, setZoom] = useState<Zoom>(compact ? 'fit' : 'width');

  // Follow the box's width and the room below its top: "Whole bracket" fits what a page at its
  // top shows of the box (the box's own height follows its content, so it cannot be the
  // measure); the compact box has a fixed height.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => {
      const top = el.getBoundingClientRect().top + window.scrollY;
      const height = compact ? el.clientHeight : Math.max(160, window.innerHeight - top - 12);
      setSize({ width: el.clientWidth, height });
    };
    measure();
    window.addEventListener('resize', measure);
    const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure);
    ro?.observe(el);
    return () => {
      window.removeEventListener('resize', measure);
      ro?.disconnect();
    };
  }, [compact]);

  const scale = zoom === 'full' ? 1 : zoom === 'fit' ? fitScale(layout, size) : fitWidthScale(layout, size.width);
  const decided = tournament.champion ? decidingMatch(tournament.matches, tournament.champion) : null;
  const champion = decided ? { match: decided } : null;
  return (
    <div class={`bracket ${compact ? 'bracket-compact' : ''}`} id="bracket" data-matches={tournament.matches.length}>
      <div class="bracket-zoom" role="group" aria-label="Zoom">
        {(
          [
            ['width', 'Fit width'],
            ['fit', 'Whole bracket'],
            ['full', '100%'],
          ] as const
        ).map(([z, label]) => (
          <button type="button" class="btn-chip" aria-pressed={zoom === z} data-zoom={z} onClick={() => setZoom(z)}>
            {label}
          </button>
        ))}
      </div>
      <div class="bracket-scroll" ref={box}>
        <svg
          class="bracket-svg"
          width={Math.ceil(layout.width * scale)}
          height={Math.ceil(layout.height * scale)}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          role="group"
          aria-label={`Bracket of ${tournament.name}`}
          data-scale={scale}
        >
          {layout.labels.map((l) => (
            <text class="bracket-label" x={l.x} y={l.y}>
              {l.text}
            </text>
          ))}
          {layout.connectors.map((c) => (
            <polyline class={`bracket-link ${byId.get(c.from)?.status === 'done' ? 'bracket-link-done' : ''}`} data-from={c.from} data-to={c.to} points={c.points.map((pt) => pt.join(',')).join(' ')} />
          ))}
          {layout.boxes.map((b) => {
            const m = byId.get(b.id);
            return m ? <SvgCard m={m} x={b.x} y={b.y} selected={selected === m.id} champion={champion} onSelect={onSelect} /> : null;
          })}
        </svg>
      </div>
    </div>
  );
}

const clip = (s: string, n = 17) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function cardLabel(m: Match): string {
  const [a, b] = m.opponents;
  const score = m.score && m.status === 'done' ? `, ${m.score[0]}–${m.score[1]}` : '';
  return `${m.id}: ${a ?? 'to be decided'} vs ${b ?? 'to be decided'}, ${m.status}${m.winner ? `, won by ${m.winner}` : ''}${score}`;
}

function activate(e: KeyboardEvent, fn: () => void) {
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    fn();
  }
}

function SvgCard({ m, x, y, selected, champion, onSelect }: { m: Match; x: number; y: number; selected: boolean; champion: { match: string } | null; onSelect(id: string): void }) {
  const rowH = CARD.h / 2;
  return (
    <g
      class={`match-card status-${m.status} ${selected ? 'selected' : ''}`}
      data-match={m.id}
      data-status={m.status}
      data-winner={m.winner ?? ''}
      transform={`translate(${x},${y})`}
      role="button"
      tabIndex={0}
      aria-label={cardLabel(m)}
      onClick={() => onSelect(m.id)}
      onKeyDown={(e) => activate(e, () => onSelect(m.id))}
    >
      <rect class="mc-bg" width={CARD.w} height={CARD.h} rx={4} />
      <line class="mc-sep" x1={0} x2={CARD.w} y1={rowH} y2={rowH} />
      {m.opponents.map((o, i) => {
        const won = m.winner !== null && o === m.winner;
        const lost = m.winner !== null && o !== null && o !== m.winner;
        return (
          <g class={`mc-side ${won ? 'mc-won' : ''} ${lost ? 'mc-lost' : ''}`}>
            <text class="mc-name" x={6} y={rowH * i + rowH / 2 + 4}>
              {o === null ? '—' : `${champion && m.id === champion.match && won ? '★ ' : ''}${clip(o)}`}
            </text>
            <text class="mc-score" x={CARD.w - 6} y={rowH * i + rowH / 2 + 4} text-anchor="end">
              {m.score && m.status === 'done' ? (m.forfeit && lost ? 'FF' : m.score[i]) : ''}
            </text>
          </g>
        );
      })}
      <text class="mc-id" x={CARD.w - 2} y={-2} text-anchor="end">
        {m.id}
      </text>
    </g>
  );
}

function HtmlCard({ m, selected, onSelect }: { m: Match; selected: boolean; onSelect(id: string): void }) {
  return (
    <button type="button" class={`match-card match-card-html status-${m.status} ${selected ? 'selected' : ''}`} data-match={m.id} data-status={m.status} data-winner={m.winner ?? ''} aria-label={cardLabel(m)} onClick={() => onSelect(m.id)}>
      <span class="mc-id">{m.id}</span>
      {m.opponents.map((o, i) => (
        <span class={`mc-row ${m.winner && o === m.winner ? 'mc-won' : ''}`}>
          <span>{o ?? '—'}</span>
          <span>{m.score && m.status === 'done' ? m.score[i] : ''}</span>
        </span>
      ))}
    </button>
  );
}

function GroupTables({ tournament, selected, onSelect }: Props) {
  const groups = groupTables(tournament.matches);
  return (
    <div class="bracket bracket-groups" id="bracket" data-matches={tournament.matches.length}>
      {groups.map((g) => (
        <section class="es-card group-table" data-group={g.group} aria-labelledby={`group-${g.group}`}>
          <h3 id={`group-${g.group}`}>Group {g.group}</h3>
          <table class="es-table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Entrant</th>
                <th scope="col">W</th>
                <th scope="col">L</th>
                <th scope="col">Games</th>
              </tr>
            </thead>
            <tbody>
              {g.rows.map((r, i) => (
                <tr>
                  <td>{i + 1}</td>
                  <td>{r.entrant}</td>
                  <td>{r.wins}</td>
                  <td>{r.losses}</td>
                  <td>
                    {r.game_wins}–{r.game_losses}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="match-grid">
            {g.matches.map((m) => (
              <HtmlCard m={m} selected={selected === m.id} onSelect={onSelect} />
            ))}
          </div>
        </section>
      ))}
    </div>
  );
}

function SwissRounds({ tournament, selected, onSelect }: Props) {
  const rounds = [...new Set(tournament.matches.map((m) => m.round))].sort((a, b) => a - b);
  return (
    <div class="bracket bracket-swiss" id="bracket" data-matches={tournament.matches.length}>
      {rounds.map((r) => (
        <section class="es-card swiss-round" data-round={r} aria-label={`Round ${r}`}>
          <h3>Round {r}</h3>
          <div class="match-grid">
            {tournament.matches
              .filter((m) => m.round === r)
              .map((m) => (
                <HtmlCard m={m} selected={selected === m.id} onSelect={onSelect} />
              ))}
          </div>
        </section>
      ))}
    </div>
  );
}
