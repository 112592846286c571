#!/usr/bin/env node
// The creator dashboard in headless Chromium, while the channel is live (ffmpeg started by the
// caller), two people in one browser (a context each): the owner (signed in with --token) and
// an anonymous viewer.
// - Stream manager: the status says LIVE, the go-live checklist shows the node's real RTMP URL
//   (--rtmp-port) and SRT URL (--srt-port, when given), and the health graphs (bitrate, fps,
//   keyframe interval, viewers) are uPlot canvases with samples drawn on them.
// - Watch beats: the viewer opens /c/NAME?src=search; its player sends a beat when playback
//   starts and another 15 s later (window.__aethexBeats counts them).
// - Analytics: the owner's Analytics tab ("This stream") lists "search" among the traffic
//   sources (refreshed until it does) and draws the viewers chart; the sources CSV downloads
//   through a Blob URL and names search; the API answers the same.
// - Admin (with --admin-token): /admin takes the token and lists the node's load.
// - End stream: with "Also reset the stream key" checked and the confirm accepted, the stream
//   ends (the status turns offline) and the new key shows revealed (new_key).
// Screenshots: dashboard-stream.png (the stream manager with its graphs), dashboard-analytics.png,
// admin.png. Waits are on the pages' own state, never on fixed sleeps.
// Usage: node tests/e2e/browser/dashboard.mjs --url http://127.0.0.1:PORT --channel NAME --user NAME
//          --token TOKEN --rtmp-port N [--srt-port N] [--admin-token T] --out DIR [--timeout 60]
import fs from 'node:fs';
import path from 'node:path';
import { fail, launchOrExit, newPersonPage, report, scriptArgs } from './lib.mjs';

const USAGE =
  'usage: dashboard.mjs --url BASE --channel NAME --user NAME --token TOKEN --rtmp-port N [--srt-port N] [--admin-token T] --out DIR [--timeout SECONDS]';
const args = scriptArgs(USAGE, {
  options: ['url', 'channel', 'user', 'token', 'rtmp-port', 'srt-port', 'admin-token'],
  required: ['url', 'channel', 'user', 'token', 'rtmp-port'],
  defaults: { timeout: '60' },
});
const { timeoutMs } = args;
const base = args.url.replace(/\/$/, '');
const channel = args.channel;
const shots = {
  stream: path.join(args.out, 'dashboard-stream.png'),
  analytics: path.join(args.out, 'dashboard-analytics.png'),
  admin: path.join(args.out, 'admin.png'),
  failure: path.join(args.out, 'dashboard_failure.png'),
};

const browser = await launchOrExit();
const errors = [];
// Players may log a 404 while a stream starts; a keepalive beat may be cut when a page closes.
const ignore = /404|hls|m3u8|media|\/watch/i;
const person = (name, session) => newPersonPage(browser, { name, timeoutMs, errors, origin: base, session, ignore });

/** A chart's points (data-points) and how many of its canvas pixels are drawn on. */
const chartInfo = (page, id) =>
  page.evaluate((id) => {
    const fig = document.querySelector(`[data-testid="chart-${id}"]`);
    const canvas = fig?.querySelector('canvas');
    if (!fig || !canvas) return { points: 0, canvas: false, drawn: 0 };
    const ctx = canvas.getContext('2d');
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let drawn = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) drawn++;
    return { points: Number(fig.getAttribute('data-points')), canvas: true, width: canvas.width, height: canvas.height, drawn };
  }, id);

const waitChart = (page, id, minPoints) =>
  page.waitForFunction(
    ({ id, minPoints }) => {
      const fig = document.querySelector(`[data-testid="chart-${id}"]`);
      return !!fig?.querySelector('canvas') && Number(fig.getAttribute('data-points')) >= minPoints;
    },
    { id, minPoints },
  );

let step = 'opening pages';
let current = null;
const out = {};
const checks = {};
try {
  const owner = await person('owner', { token: args.token, username: args.user });
  const viewer = await person('viewer');

  step = 'the owner opens the dashboard';
  current = owner;
  await owner.goto(`${base}/dashboard`, { waitUntil: 'domcontentloaded' });
  await owner.locator('#dash-tab-stream[aria-selected="true"]').waitFor();
  await owner.locator('#stream-status[data-live="true"]').waitFor({ timeout: Math.max(timeoutMs, 45_000) });
  out.status_badge = (await owner.locator('#dash-live-badge').innerText()).trim();
  out.uptime = (await owner.locator('#dash-uptime').innerText()).trim();
  checks.live = out.status_badge === 'LIVE';

  step = 'the checklist shows the ingest URLs';
  await owner.waitForFunction(() => document.querySelector('#rtmp-url')?.getAttribute('data-port') !== '');
  out.rtmp_url = (await owner.locator('#rtmp-url').innerText()).trim();
  checks.rtmp_url = new RegExp(`^rtmp://[^/]+:${args['rtmp-port']}/live$`).test(out.rtmp_url);
  out.srt_url = (await owner.locator('#srt-url').innerText()).trim();
  if (args['srt-port']) checks.srt_url = out.srt_url.startsWith('srt://') && out.srt_url.includes(`:${args['srt-port']}?streamid=`);
  checks.key_masked = (await owner.locator('#stream-key').getAttribute('data-revealed')) === 'false';
  checks.end_stream_enabled = await owner.locator('#end-stream').isEnabled();

  step = 'the health graphs fill';
  for (const id of ['bitrate', 'fps', 'keyframe', 'live-viewers']) await waitChart(owner, id, 2);
  out.health_charts = {};
  for (const id of ['bitrate', 'fps', 'keyframe', 'live-viewers']) out.health_charts[id] = await chartInfo(owner, id);
  checks.health_charts_drawn = Object.values(out.health_charts).every((c) => c.canvas && c.points >= 2 && c.drawn > 100);
  out.health_warnings = await owner.$$eval('[data-testid="health-warning"]', (ws) => ws.map((w) => w.getAttribute('data-kind')));

  step = 'a viewer watches from search';
  current = viewer;
  await viewer.goto(`${base}/c/${channel}?src=search`, { waitUntil: 'domcontentloaded' });
  await viewer.locator('#player-container[data-state="playing"]').waitFor({ timeout: Math.max(timeoutMs, 45_000) });
  await viewer.waitForFunction(() => (window.__aethexBeats?.sent ?? 0) >= 2, null, { timeout: Math.max(timeoutMs, 40_000) });
  out.beats = await viewer.evaluate(() => window.__aethexBeats);
  checks.beats_source = out.beats?.source === 'search' && out.beats?.active === true;

  step = 'the stream manager with graphs (screenshot)';
  current = owner;
  await waitChart(owner, 'chat-activity', 0);
  await owner.evaluate(() => window.scrollTo(0, 0));
  await owner.screenshot({ path: shots.stream, fullPage: true });

  step = 'analytics list the search source';
  await owner.click('#dash-tab-analytics');
  await owner.locator('#analytics[data-state="ready"]').waitFor();
  const searchRow = owner.locator('[data-testid="source-row"][data-source="search"]');
  const deadline = Date.now() + Math.max(timeoutMs, 40_000);
  while (!(await searchRow.count())) {
    if (Date.now() > deadline) throw new Error('the sources table never listed "search"');
    await owner.waitForTimeout(2000);
    await owner.click('#analytics-refresh');
    await owner.locator('#analytics[data-state="ready"]').waitFor();
  }
  out.sources = await owner.$$eval('[data-testid="source-row"]', (rows) =>
    rows.map((r) => ({ source: r.getAttribute('data-source'), text: r.textContent.replace(/\s+/g, ' ').trim() })),
  );
  await waitChart(owner, 'viewers', 1);
  out.analytics_chart = await chartInfo(owner, 'viewers');
  checks.analytics_chart_drawn = out.analytics_chart.canvas && out.analytics_chart.points >= 1 && out.analytics_chart.drawn > 100;
  out.totals_views = Number(await owner.locator('[data-testid="total-views"]').getAttribute('data-value'));
  checks.views_counted = out.totals_views >= 1;
  out.revenue = (await owner.locator('#revenue-panel').innerText()).replace(/\s+/g, ' ').trim();
  checks.revenue_placeholder = /no revenue in this range|appears when monetization is enabled/i.test(out.revenue);

  step = 'the sources CSV downloads';
  const [download] = await Promise.all([owner.waitForEvent('download'), owner.click('[data-testid="csv-sources"]')]);
  out.csv_name = download.suggestedFilename();
  const csvPath = path.join(args.out, out.csv_name);
  await download.saveAs(csvPath);
  out.csv = fs.readFileSync(csvPath, 'utf8').slice(0, 400);
  checks.csv = out.csv_name.endsWith('.csv') && /search/.test(out.csv);

  step = 'the analytics API agrees';
  out.api_sources = await owner.evaluate(
    async ({ channel, token }) => {
      const to = Date.now();
      const res = await fetch(`/api/v1/channels/${channel}/analytics?from=${to - 3_600_000}&to=${to}&bucket=minute`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      return (await res.json()).sources;
    },
    { channel, token: args.token },
  );
  checks.api_search = Array.isArray(out.api_sources) && out.api_sources.some((s) => s.source === 'search' && s.views >= 1);
  await owner.evaluate(() => window.scrollTo(0, 0));
  await owner.screenshot({ path: shots.analytics, fullPage: true });

  step = 'the viewer leaves';
  current = viewer;
  await viewer.goto(`${base}/`, { waitUntil: 'domcontentloaded' });

  if (args['admin-token']) {
    step = 'the admin overview';
    const admin = await person('admin');
    current = admin;
    await admin.goto(`${base}/admin`, { waitUntil: 'domcontentloaded' });
    await admin.fill('#admin-token', args['admin-token']);
    await admin.click('#admin-token-submit');
    await admin.locator('#admin-overview[data-state="ready"]').waitFor();
    await admin.waitForFunction(
      () => Number(document.querySelector('[data-testid="admin-totals"] [data-col="live_channels"]')?.textContent ?? 0) >= 1,
    );
    out.admin_members = await admin.$$eval('[data-testid="admin-member"]', (rows) => rows.map((r) => r.getAttribute('data-node')));
    out.admin_totals = (await admin.locator('[data-testid="admin-totals"]').innerText()).replace(/\s+/g, ' ').trim();
    checks.admin_members = out.admin_members.length >= 1;
    await admin.screenshot({ path: shots.admin, fullPage: true });
  }

  step = 'the owner ends the stream, resetting the key';
  current = owner;
  await owner.click('#dash-tab-stream');
  await owner.locator('#stream-status[data-live="true"]').waitFor();
  await owner.check('#end-rotate-key');
  owner.once('dialog', (d) => void d.accept());
  await owner.click('#end-stream');
  await owner.locator('#end-stream-status.form-ok').waitFor();
  out.end_status = (await owner.locator('#end-stream-status').innerText()).trim();
  await owner.locator('#stream-status[data-live="false"]').waitFor();
  await owner.waitForFunction(() => document.querySelector('#stream-key')?.getAttribute('data-revealed') === 'true');
  out.new_key = (await owner.locator('#stream-key').innerText()).trim();
  checks.ended = /key was replaced/.test(out.end_status) && out.new_key.startsWith(`live_${channel}_`);
  checks.end_disabled_offline = await owner.locator('#end-stream').isDisabled();

  checks.no_page_errors = errors.length === 0;
  report(checks, { ...out, screenshots: Object.values(shots).filter((s) => s !== shots.failure) }, errors);
} catch (e) {
  await current?.screenshot({ path: shots.failure }).catch(() => {});
  fail(`${step}: ${e.message.split('\n')[0]}`, { url: current?.url(), screenshot: shots.failure, ...out, checks, errors });
} finally {
  await browser.close().catch(() => {});
}
