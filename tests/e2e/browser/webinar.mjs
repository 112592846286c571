// A webinar in the browser (docs/webinars.md), presenter and viewer in one Chromium:
// - the presenter's page uploads the PDF through its "Upload PDF" input and waits for page 1;
// - the viewer (registered) opens the webinar page and shows page 1;
// - the presenter steps through the deck N times (next, and back at the end); after each click
//   the viewer's page reports (window.__slideShows) when the new page's image was shown, and the
//   time from the click to that moment is the slide sync latency;
// - a screenshot of each page, and the viewer's at 360 px with no sideways scroll.
// Waits are on the pages' own state (data-page, window.__slideShows), never fixed sleeps.
// Usage: node tests/e2e/browser/webinar.mjs --url BASE --webinar ID --presenter-token T
//          --presenter NAME --viewer-token T --viewer NAME --pdf FILE --out DIR [--steps 8]
//          [--timeout 20]
import path from 'node:path';
import { fail, launchOrExit, newPersonPage, report, scriptArgs } from './lib.mjs';

const USAGE =
  'usage: webinar.mjs --url BASE --webinar ID --presenter-token T --presenter NAME --viewer-token T --viewer NAME --pdf FILE --out DIR [--steps N] [--timeout SECONDS]';
const args = scriptArgs(USAGE, {
  options: ['url', 'webinar', 'presenter-token', 'presenter', 'viewer-token', 'viewer', 'pdf', 'steps'],
  required: ['url', 'webinar', 'presenter-token', 'presenter', 'viewer-token', 'viewer', 'pdf'],
  defaults: { timeout: '20', steps: '8' },
});
const { timeoutMs } = args;
const base = args.url.replace(/\/$/, '');
const page = `${base}/webinars/${args.webinar}`;
const steps = Number(args.steps);
const shot = (name) => path.join(args.out, `${name}.png`);

const browser = await launchOrExit();
const errors = [];
// The channel is offline: the player's playlist requests fail, as on any offline channel page.
const ignore = /404|hls|m3u8|media|\/thumb|WebSocket/i;
const person = (name, session) => newPersonPage(browser, { name, timeoutMs, errors, origin: base, session, ignore });

let step = 'opening the presenter page';
let current = null;
const out = {};
const checks = {};
const t0 = Date.now();
const shows = (p) => p.evaluate(() => window.__slideShows ?? []);

try {
  const presenter = await person('presenter', { token: args['presenter-token'], username: args.presenter });
  current = presenter;
  await presenter.goto(page, { waitUntil: 'domcontentloaded' });
  await presenter.locator('[data-testid="presenter-controls"]').waitFor();

  step = 'uploading the PDF';
  await presenter.setInputFiles('[data-testid="slide-upload"]', args.pdf);
  await presenter.locator('[data-testid="slide-image"][data-page="1"]').waitFor();
  out.upload_ms = Date.now() - t0;
  checks.uploaded = true;

  step = 'opening the viewer page';
  const viewer = await person('viewer', { token: args['viewer-token'], username: args.viewer });
  current = viewer;
  await viewer.goto(page, { waitUntil: 'domcontentloaded' });
  await viewer.waitForFunction(() => (window.__slideShows ?? []).some((s) => s.page === 1));
  checks.viewer_sees_slides = true;

  step = 'stepping through the deck';
  const pages = Number((await presenter.locator('[data-testid="slide-image"]').getAttribute('alt')).match(/of (\d+)/)[1]);
  const latencies = [];
  let at = 1;
  let dir = 1;
  for (let i = 0; i < steps; ++i) {
    if (at + dir < 1 || at + dir > pages) dir = -dir;
    const want = at + dir;
    const seen = (await shows(viewer)).length;
    const button = presenter.locator(`[data-testid="${dir > 0 ? 'slide-next' : 'slide-prev'}"]`);
    await button.waitFor();
    const clicked = Date.now();
    await button.click();
    const shown = await viewer.waitForFunction(
      ([n, p]) => {
        const list = window.__slideShows ?? [];
        return list.length > n && list[list.length - 1].page === p ? list[list.length - 1].at : false;
      },
      [seen, want],
      { polling: 'raf' },
    );
    latencies.push((await shown.jsonValue()) - clicked);
    // The presenter's own view follows the same frame before the next click.
    await presenter.locator(`[data-testid="slide-image"][data-page="${want}"]`).waitFor();
    at = want;
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  out.pages = pages;
  out.latencies_ms = latencies;
  out.median_ms = sorted[Math.floor(sorted.length / 2)];
  out.max_ms = sorted[sorted.length - 1];
  checks.all_steps_seen = latencies.length === steps;
  checks.each_under_1s = latencies.every((l) => l < 1000);
  await presenter.screenshot({ path: shot('webinar-presenter'), fullPage: true });
  await viewer.screenshot({ path: shot('webinar-viewer'), fullPage: true });

  step = 'the viewer page at 360 px';
  await viewer.setViewportSize({ width: 360, height: 740 });
  await viewer.locator('[data-testid="slide-image"]').waitFor();
  checks.fits_360 = await viewer.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
  await viewer.screenshot({ path: shot('webinar-viewer-phone'), fullPage: true });

  checks.no_page_errors = errors.length === 0;
  out.wall_ms = Date.now() - t0;
  report(checks, out, errors);
} catch (e) {
  await current?.screenshot({ path: shot('webinar_failure') }).catch(() => {});
  fail(`${step}: ${e.message.split('\n')[0]}`, { checks, ...out, errors });
} finally {
  await browser.close();
}
