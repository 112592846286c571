// The dashboard's Analytics tab: a range (this stream, 24 h, 7 / 30 days, custom) and bucket,
// totals, charts of viewers, watch time, chat and follower growth, traffic sources, stream
// sessions, a CSV download per table, and the revenue panel (empty until monetization).
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, fetchChannel } from '../api';
import {
  BUCKETS,
  RANGE_PRESETS,
  bucketFits,
  analyticsCsvUrl,
  fetchAnalytics,
  rangeFor,
  type Analytics,
  type AnalyticsQuery,
  type Bucket,
  type CsvTable,
  type RangePreset,
} from '../analyticsApi';
import { chatPerMinute, followerGrowth, toColumns, watchHours } from '../charts';
import { csvFilename, downloadCsv } from '../csvDownload';
import { formatDate, formatDuration } from '../format';
import { Chart } from './Chart';
import { useAlive } from './useAlive';
import { formatMoney, parseRevenue } from '../payouts/payoutsApi';

export const ANALYTICS_REFRESH_MS = 30_000;

const errorText = (e: unknown) => (e instanceof ApiError ? e.message : 'Could not reach the server.');
const toLocalInput = (ms: number) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
const fromLocalInput = (v: string) => (v ? new Date(v).getTime() : NaN);

export function AnalyticsPanel({ name, token }: { name: string; token: string }) {
  const [preset, setPreset] = useState<RangePreset>('stream');
  const [bucket, setBucket] = useState<Bucket>('auto');
  const [custom, setCustom] = useState(() => ({ from: toLocalInput(Date.now() - 86_400_000), to: toLocalInput(Date.now()) }));
  // "This stream": the live session, else the newest one of the last 30 days (null: none).
  const [stream, setStream] = useState<{ from: number; to: number | null; session?: string } | null | undefined>(undefined);
  const [data, setData] = useState<Analytics | null>(null);
  const [query, setQuery] = useState<AnalyticsQuery | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const alive = useAlive();

  useEffect(() => {
    const newest = async () => {
      const c = await fetchChannel(name);
      if (c.live && c.started_at_ms !== null) return { from: c.started_at_ms, to: null };
      const to = Date.now();
      const s = (await fetchAnalytics(token, name, { from: to - 30 * 86_400_000, to, bucket: 'day' })).sessions[0];
      return s ? { from: s.started_at_ms, to: s.ended_at_ms, session: s.id } : null;
    };
    newest()
      .then((s) => alive.current && setStream(s))
      .catch(() => alive.current && setStream(null));
  }, [name, token]);

  useEffect(() => {
    if (stream === undefined) return;
    const c = { from: fromLocalInput(custom.from), to: fromLocalInput(custom.to) };
    if (preset === 'custom' && (!Number.isFinite(c.from) || !Number.isFinite(c.to))) return setError('Pick a start and an end.');
    const now = Date.now();
    const range =
      preset === 'stream' && stream ? { from: stream.from, to: stream.to ?? now, session: stream.session } : rangeFor(preset, now, null, c);
    // Too many buckets for the range (per minute over weeks): the node picks instead.
    const q: AnalyticsQuery = { ...range, bucket: bucketFits(bucket, range.from, range.to) ? bucket : 'auto' };
    let current = true;
    setError(null);
    fetchAnalytics(token, name, q)
      .then((a) => {
        if (!current) return;
        setData(a);
        setQuery(q);
      })
      .catch((e) => current && setError(errorText(e)));
    // Ranges that end now follow along.
    const timer = preset === 'custom' || (preset === 'stream' && stream?.to) ? null : setTimeout(() => setTick((t) => t + 1), ANALYTICS_REFRESH_MS);
    return () => {
      current = false;
      if (timer) clearTimeout(timer);
    };
  }, [name, token, preset, bucket, custom.from, custom.to, stream, tick]);

  const charts = useMemo(
    () =>
      data && {
        viewers: toColumns(data.series, [(p) => p.viewers, (p) => p.views]),
        watch: watchHours(data.series),
        chat: chatPerMinute(data.series, data.bucket),
        followers: followerGrowth(data.series),
      },
    [data],
  );

  return (
    <div id="analytics" data-state={data ? 'ready' : error ? 'error' : 'loading'} data-bucket={data?.bucket ?? ''}>
      <section class="dash-card analytics-controls" aria-label="Range">
        <div class="dash-row">
          <label class="inline-label">
            Range{' '}
            <select id="analytics-range" value={preset} onChange={(e) => setPreset((e.target as HTMLSelectElement).value as RangePreset)}>
              {RANGE_PRESETS.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label}
                </option>
              ))}
            </select>
          </label>
          {preset === 'custom' && (
            <>
              <label class="inline-label">
                From <input type="datetime-local" id="analytics-from" value={custom.from} onChange={(e) => setCustom({ ...custom, from: (e.target as HTMLInputElement).value })} />
              </label>
              <label class="inline-label">
                To <input type="datetime-local" id="analytics-to" value={custom.to} onChange={(e) => setCustom({ ...custom, to: (e.target as HTMLInputElement).value })} />
              </label>
            </>
          )}
          <label class="inline-label">
            Bucket{' '}
            <select id="analytics-bucket" value={bucket} onChange={(e) => setBucket((e.target as HTMLSelectElement).value as Bucket)}>
              {BUCKETS.map((b) => (
                <option key={b} value={b}>
                  {b === 'auto' ? 'Auto' : `Per ${b}`}
                </option>
              ))}
            </select>
          </label>
          <button class="btn" type="button" id="analytics-refresh" onClick={() => setTick((t) => t + 1)}>
            Refresh
          </button>
        </div>
        {preset === 'stream' && stream === null && <p class="muted">No stream in the last 30 days: showing the last 24 hours.</p>}
        {preset === 'stream' && stream && stream.to !== null && (
          <p class="muted" id="analytics-last-stream">
            Not live now: showing your last stream ({new Date(stream.from).toLocaleString()}).
          </p>
        )}
        {data && query && query.bucket !== bucket && (
          <p class="muted" id="analytics-bucket-note">
            Per {bucket} is too fine for this range: showing per {data.bucket}.
          </p>
        )}
        {error && (
          <p class="form-error" role="alert" id="analytics-error">
            {error}
          </p>
        )}
      </section>
      {data && query && charts && (
        <>
          <Totals data={data} csv={<CsvButton table="totals" name={name} token={token} q={query} />} />
          <div class="dash-row card-head">
            <h2>Over time</h2>
            <CsvButton table="series" name={name} token={token} q={query} />
          </div>
          <div class="chart-grid">
            <Chart id="viewers" title="Viewers and views" data={charts.viewers} series={[{ label: 'Viewers', stroke: '#bf94ff', fill: 'rgba(145,71,255,0.15)' }, { label: 'Views', stroke: '#00c8af', steps: true }]} />
            <Chart id="watch-time" title="Watch time (hours)" unit="h" data={charts.watch} series={[{ label: 'Hours watched', stroke: '#f5a623', steps: true }]} />
            <Chart id="chat" title="Chat messages per minute" data={charts.chat} series={[{ label: 'Messages / min', stroke: '#bf94ff', steps: true }]} />
            <Chart id="followers" title="Follower growth" data={charts.followers} series={[{ label: 'New followers', stroke: '#00c8af' }]} />
          </div>
          <div class="dash-columns">
            <Sources data={data} csv={<CsvButton table="sources" name={name} token={token} q={query} />} />
            <Followers data={data} csv={<CsvButton table="recent_followers" name={name} token={token} q={query} />} />
          </div>
          <Sessions data={data} csv={<CsvButton table="sessions" name={name} token={token} q={query} />} />
          <section class="dash-card" id="revenue-panel" aria-label="Revenue" data-enabled={data.revenue === null ? 'false' : 'true'}>
            <h2>Revenue</h2>
            <Revenue revenue={data.revenue} />
          </section>
        </>
      )}
    </div>
  );
}

// Net earnings from the ledger (actors/payouts), per bucket and product.
function Revenue({ revenue }: { revenue: unknown }) {
  const r = parseRevenue(revenue);
  if (r === null) return <p class="muted">Revenue appears when monetization is enabled.</p>;
  if (r.rows.length === 0) return <p class="muted">No revenue in this range.</p>;
  return (
    <>
      <p data-testid="revenue-total">Net: {r.totals.map((t) => formatMoney(t.amount, t.currency)).join(', ')}</p>
      <table class="payout-table" data-testid="revenue-table">
        <thead>
          <tr>
            <th>From</th>
            <th>Product</th>
            <th>Net</th>
          </tr>
        </thead>
        <tbody>
          {r.rows.map((row) => (
            <tr key={`${row.t}-${row.product}-${row.currency}`}>
              <td>{formatDate(row.t)}</td>
              <td>{row.product}</td>
              <td>{formatMoney(row.amount, row.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

const TOTALS: [keyof Analytics['totals'], string, (n: number) => string][] = [
  ['views', 'Views', String],
  ['unique_viewers', 'Unique viewers', String],
  ['peak_viewers', 'Peak viewers', String],
  ['watch_time_s', 'Watch time', (s) => formatDuration(s)],
  ['avg_watch_time_s', 'Average watch time', (s) => formatDuration(s)],
  ['chat_messages', 'Chat messages', String],
  ['unique_chatters', 'Chatters', String],
  ['new_followers', 'New followers', String],
  ['lost_followers', 'Unfollows', String],
  ['follower_growth', 'Follower growth', (n) => (n > 0 ? `+${n}` : String(n))],
];

function Totals({ data, csv }: { data: Analytics; csv: ComponentChildren }) {
  return (
    <section class="dash-card" aria-label="Totals">
      <div class="dash-row card-head">
        <h2>Totals</h2>
        {csv}
      </div>
      <dl class="totals-grid" id="analytics-totals">
        {TOTALS.map(([k, label, f]) => (
          <div class="total-card" key={k}>
            <dt>{label}</dt>
            <dd data-testid={`total-${k}`} data-value={data.totals[k]}>
              {f(data.totals[k])}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function Sources({ data, csv }: { data: Analytics; csv: ComponentChildren }) {
  return (
    <section class="dash-card" aria-label="Traffic sources">
      <div class="dash-row card-head">
        <h2>Traffic sources</h2>
        {csv}
      </div>
      {data.sources.length === 0 && <p class="muted">No views in this range.</p>}
      <table class="dash-table" id="analytics-sources">
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col">Views</th>
            <th scope="col">Share</th>
          </tr>
        </thead>
        <tbody>
          {data.sources.map((s) => (
            <tr key={s.source} data-testid="source-row" data-source={s.source}>
              <td>{s.source}</td>
              <td>{s.views}</td>
              <td>
                <span class="share-bar" style={{ width: `${Math.round(s.share * 100)}%` }} aria-hidden="true" /> {Math.round(s.share * 100)}%
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Followers({ data, csv }: { data: Analytics; csv: ComponentChildren }) {
  return (
    <section class="dash-card" aria-label="Recent followers">
      <div class="dash-row card-head">
        <h2>Recent followers</h2>
        {csv}
      </div>
      {data.recent_followers.length === 0 && <p class="muted">No new followers in this range.</p>}
      <ul class="recent-list" id="analytics-followers">
        {data.recent_followers.map((f) => (
          <li key={`${f.user}@${f.at_ms}`} data-user={f.user}>
            {f.user} <span class="muted">{formatDate(f.at_ms)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Sessions({ data, csv }: { data: Analytics; csv: ComponentChildren }) {
  return (
    <section class="dash-card" aria-label="Streams">
      <div class="dash-row card-head">
        <h2>Streams</h2>
        {csv}
      </div>
      {data.sessions.length === 0 && <p class="muted">No streams in this range.</p>}
      <table class="dash-table" id="analytics-sessions">
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Length</th>
            <th scope="col">Peak viewers</th>
            <th scope="col">Views</th>
            <th scope="col">Watch time</th>
          </tr>
        </thead>
        <tbody>
          {data.sessions.map((s) => (
            <tr key={s.id} data-testid="session-row" data-session={s.id}>
              <td>{new Date(s.started_at_ms).toLocaleString()}</td>
              <td>{s.ended_at_ms === null ? 'live' : formatDuration((s.ended_at_ms - s.started_at_ms) / 1000)}</td>
              <td>{s.peak_viewers}</td>
              <td>{s.views}</td>
              <td>{formatDuration(s.watch_time_s)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function CsvButton({ table, name, token, q, label = 'CSV' }: { table: CsvTable; name: string; token: string; q: AnalyticsQuery; label?: string }) {
  const [error, setError] = useState<string | null>(null);
  const save = () => {
    setError(null);
    downloadCsv(analyticsCsvUrl(name, table, q), token, csvFilename(name, table, q.from, q.to)).catch((e) => setError(errorText(e)));
  };
  return (
    <>
      <button class="btn btn-small" type="button" data-testid={`csv-${table}`} aria-label={`Download ${table.replace('_', ' ')} as CSV`} onClick={save}>
        {label}
      </button>
      {error && (
        <span class="form-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
