// Shared helpers for the browser end-to-end scripts: argument parsing and a
// headless Debian Chromium driven by playwright-core from net/web.
import { createRequire } from 'node:module';
import fs from 'node:fs';

const require = createRequire(new URL('../../../net/web/package.json', import.meta.url));

export const CHROMIUM = process.env.AETHEX_CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-quic',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

/** Parses `--key value` / `--flag` arguments. */
export function parseArgs(argv, spec) {
  const out = { ...spec.defaults };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument: ${a}`);
    const key = a.slice(2);
    if (spec.flags?.includes(key)) {
      out[key] = true;
    } else if (spec.options?.includes(key)) {
      if (i + 1 >= argv.length) throw new Error(`missing value for ${a}`);
      out[key] = argv[++i];
    } else {
      throw new Error(`unknown option: ${a}`);
    }
  }
  for (const r of spec.required ?? []) if (out[r] === undefined) throw new Error(`--${r} is required`);
  return out;
}

/**
 * The command line of a browser script: `spec` as for parseArgs, plus `--out DIR` (created) and
 * `--timeout SECONDS` (default 30, also returned as `timeoutMs`). Exits with status 2 and
 * `usage` on a bad command line.
 */
export function scriptArgs(usage, spec) {
  let args;
  try {
    args = parseArgs(process.argv.slice(2), {
      ...spec,
      options: [...(spec.options ?? []), 'out', 'timeout'],
      required: [...(spec.required ?? []), 'out'],
      defaults: { timeout: '30', ...spec.defaults },
    });
  } catch (e) {
    console.error(`${e.message}\n${usage}`);
    process.exit(2);
  }
  ensureDir(args.out);
  return { ...args, timeoutMs: Math.max(1, Number(args.timeout)) * 1000 };
}

export function loadPlaywright() {
  try {
    return require('playwright-core');
  } catch (e) {
    throw new Error(`playwright-core not found under net/web/node_modules (run: cd net/web && npm ci): ${e.message}`);
  }
}

/**
 * Launches Chromium, opens a page, and records console errors and page errors.
 * `beforeGoto(page)` runs before navigation (to attach request listeners).
 * Returns { browser, page, errors }.
 */
export async function openPage(url, { timeoutMs, beforeGoto }) {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM} (apt-get install -y chromium)`);
  const { chromium } = loadPlaywright();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  page.setDefaultTimeout(timeoutMs);
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => {
    const f = req.failure()?.errorText ?? 'failed';
    if (f !== 'net::ERR_ABORTED') errors.push(`requestfailed: ${req.url()} ${f}`);
  });
  if (beforeGoto) beforeGoto(page);
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  return { browser, page, errors };
}

export function ensureDir(dir) {
  fs.mkdirSync(dir, { recursive: true });
}

export async function playerState(page) {
  return page
    .evaluate(() => document.querySelector('[data-state]#player-container')?.getAttribute('data-state') ?? null)
    .catch(() => null);
}

/** Prints the failure with console errors and exits 1. */
export function fail(message, extra = {}) {
  console.error(`FAIL: ${message}`);
  if (extra.errors?.length) {
    console.error('page errors:');
    for (const e of extra.errors) console.error(`  ${e}`);
  }
  console.log(JSON.stringify({ ok: false, error: message, ...extra }));
  process.exitCode = 1;
}

/**
 * Prints a script's verdict: `{ ok, checks, ...fields }`, ok when every check holds; otherwise
 * fails naming the checks that did not (with `errors`, the page's console errors).
 */
export function report(checks, fields, errors) {
  const result = { ok: Object.values(checks).every(Boolean), checks, ...fields };
  if (!result.ok) {
    const failed = Object.entries(checks).filter(([, ok]) => !ok).map(([k]) => k);
    fail(`checks failed: ${failed.join(', ')}`, { ...result, errors });
  } else {
    console.log(JSON.stringify(result));
  }
}

/** One reading of the page's <video> and its player (window.__aethexPlayer). */
export function samplePlayer(page) {
  return page.evaluate(() => {
    const v = document.querySelector('video');
    const p = window.__aethexPlayer;
    const b = v ? v.buffered : null;
    const bufferedEnd = b && b.length ? b.end(b.length - 1) : null;
    const hlsLatency = p && p.hls && Number.isFinite(p.hls.latency) ? p.hls.latency : null;
    const playerLatency = p ? p.latency : null;
    return {
      currentTime: v ? v.currentTime : 0,
      bufferedEnd,
      paused: v ? v.paused : true,
      readyState: v ? v.readyState : 0,
      videoSize: v ? `${v.videoWidth}x${v.videoHeight}` : null,
      mode: p ? p.mode : null,
      tried: p ? [...p.tried] : [],
      hlsLatency,
      latency: playerLatency ?? (bufferedEnd !== null && v ? bufferedEnd - v.currentTime : null),
      latencySource: playerLatency !== null ? 'player' : 'buffered',
      latencyText: document.querySelector('#latency')?.textContent ?? null,
      stalls: p ? p.stalls : null,
      audioOnly: p ? p.audioOnly : null,
      wsSkips: p ? p.wsSkips : null,
    };
  });
}

/** Waits until the video element renders frames (readyState >= 2, currentTime > 0, playing). */
export async function waitForFirstFrame(page, timeoutMs) {
  await page.waitForFunction(
    () => {
      const v = document.querySelector('video');
      return !!v && v.readyState >= 2 && v.currentTime > 0 && !v.paused;
    },
    null,
    { timeout: Math.max(1000, timeoutMs), polling: 100 },
  );
}

/**
 * Samples the player every `everyMs` for `windowMs` and returns the samples (each with t_ms
 * since the first) plus the video's advance and the wall time between first and last.
 */
export async function sampleWindow(page, { windowMs = 4000, everyMs = 500 } = {}) {
  const samples = [];
  const start = Date.now();
  while (true) {
    samples.push({ t_ms: Date.now() - start, ...(await samplePlayer(page)) });
    if (Date.now() - start >= windowMs) break;
    await page.waitForTimeout(everyMs);
  }
  const first = samples[0];
  const last = samples[samples.length - 1];
  return {
    samples,
    first,
    last,
    advance: last.currentTime - first.currentTime,
    wall: (last.t_ms - first.t_ms) / 1000,
  };
}

/** Rounds a number to milliseconds (null stays null). */
export function round3(x) {
  return x === null || x === undefined || !Number.isFinite(x) ? null : Number(x.toFixed(3));
}

/** Chromium on about:blank for a script; when it cannot start, prints the verdict and exits 1. */
export async function openBlankOrExit(timeoutMs) {
  try {
    return await openPage('about:blank', { timeoutMs });
  } catch (e) {
    fail(`could not start the browser: ${e.message}`);
    process.exit(1);
  }
}

/** Launches Chromium for a script that opens several pages; on failure prints the verdict and exits 1. */
export async function launchOrExit() {
  try {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM} (apt-get install -y chromium)`);
    const { chromium } = loadPlaywright();
    return await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  } catch (e) {
    fail(`could not start the browser: ${e.message}`);
    process.exit(1);
  }
}

/**
 * A page in a fresh context of `browser` (its own storage, so one person per context). With
 * `session` ({ token, username }) and `origin`, the context starts signed in as the web UI's
 * log-in leaves it (localStorage `aethex.session`). Page errors, failed requests and console
 * errors not matching `ignore` are pushed to `errors`, prefixed with `name`.
 */
export async function newPersonPage(browser, { name, timeoutMs, errors, origin, session, ignore = /$^/ }) {
  const storageState = session
    ? { cookies: [], origins: [{ origin, localStorage: [{ name: 'aethex.session', value: JSON.stringify(session) }] }] }
    : undefined;
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, storageState });
  const page = await context.newPage();
  page.setDefaultTimeout(timeoutMs);
  page.on('pageerror', (err) => errors.push(`${name}: pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !ignore.test(msg.text())) errors.push(`${name}: console: ${msg.text()}`);
  });
  page.on('requestfailed', (req) => {
    const f = req.failure()?.errorText ?? 'failed';
    if (f !== 'net::ERR_ABORTED' && !ignore.test(req.url())) errors.push(`${name}: requestfailed: ${req.url()} ${f}`);
  });
  return page;
}

/** Marks the page's document; `sameDocument` is true until a reload or a full navigation. */
export const markDocument = (page) => page.evaluate(() => (window.__sameDocument = true));
export const sameDocument = (page) => page.evaluate(() => window.__sameDocument === true);
