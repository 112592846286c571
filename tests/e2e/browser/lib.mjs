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

export function loadPlaywright() {
  try {
    return require('playwright-core');
  } catch (e) {
    throw new Error(`playwright-core not found under net/web/node_modules (run: cd net/web && npm ci): ${e.message}`);
  }
}

/**
 * Launches Chromium, opens a page, and records console errors and page errors.
 * Returns { browser, page, errors }.
 */
export async function openPage(url, { timeoutMs }) {
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
