#!/usr/bin/env node
// The installable app on a phone-sized screen (360×740, touch) in headless Chromium:
// - the channel page (live player, chat below it), the chat in use and the creator dashboard,
//   each screenshotted and without sideways scrolling (scrollWidth <= 360);
// - the manifest (fields; each icon a PNG of its declared size) and Chromium's own
//   installability check (CDP Page.getInstallabilityErrors, what Lighthouse's installable
//   audit read);
// - the service worker registers and controls the page, and offline a reload still renders the
//   app shell (while /api/ stays uncached).
// Usage: node tests/e2e/browser/mobile.mjs --url BASE --channel NAME --user NAME --token TOKEN
//          --out DIR [--timeout 60]
// Prints one JSON line {ok, checks, ...}; exits 1 when a check fails.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS, fail, loadPlaywright, scriptArgs } from './lib.mjs';

const USAGE = 'usage: mobile.mjs --url BASE --channel NAME --user NAME --token TOKEN --out DIR [--timeout SECONDS]';
const args = scriptArgs(USAGE, { options: ['url', 'channel', 'user', 'token'], required: ['url', 'channel', 'user', 'token'] });
const base = args.url.replace(/\/$/, '');
const { timeoutMs } = args;
const shot = (name) => path.join(args.out, `mobile-${name}.png`);

const errors = [];
const checks = {};
const out = {};
let step = 'opening the phone-sized page';
// A profile on disk, not an incognito context: Chromium does not offer to install from
// incognito, and its installability check says so ("in-incognito").
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'aethex-mobile-'));
let context;
try {
  context = await loadPlaywright().chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 360, height: 740 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 1,
  });
} catch (e) {
  fail(`could not start the browser: ${e.message}`);
  process.exit(1);
}
// Signed in as the web UI's log-in leaves it (localStorage aethex.session).
await context.addInitScript(([key, value]) => {
  if (!window.localStorage.getItem(key)) window.localStorage.setItem(key, value);
}, ['aethex.session', JSON.stringify({ token: args.token, username: args.user })]);
const page = context.pages()[0] ?? (await context.newPage());
page.setDefaultTimeout(timeoutMs);
let offline = false;
page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
page.on('console', (msg) => {
  // Offline, failing API calls are the point; players may log 404s while a stream starts.
  if (msg.type() === 'error' && !offline && !/404|hls|m3u8|media/i.test(msg.text())) errors.push(`console: ${msg.text()}`);
});

const overflow = () =>
  page.evaluate(() => ({
    scroll_width: document.documentElement.scrollWidth,
    wide: [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > 360.5)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${String(e.className).split(' ')[0]}`),
  }));

try {
  step = 'the channel page plays, with the chat below the player';
  await page.goto(`${base}/c/${args.channel}`, { waitUntil: 'domcontentloaded' });
  await page.locator('#player-container[data-state="playing"]').waitFor({ timeout: Math.max(timeoutMs, 45_000) });
  const boxes = await page.evaluate(() => {
    const r = (sel) => document.querySelector(sel)?.getBoundingClientRect();
    const p = r('#player-container'), c = r('#chat');
    return { player: p && { top: p.top, bottom: p.bottom, width: p.width }, chat: c && { top: c.top, width: c.width } };
  });
  out.channel_boxes = boxes;
  checks.chat_below_player = !!boxes.player && !!boxes.chat && boxes.chat.top >= boxes.player.bottom - 1;
  checks.player_full_width = Math.round(boxes.player?.width ?? 0) === 360;
  out.channel_overflow = await overflow();
  checks.channel_fits = out.channel_overflow.scroll_width <= 360;
  await page.screenshot({ path: shot('channel') });

  step = 'the chat in use';
  const input = page.locator('#chat-input');
  await input.scrollIntoViewIfNeeded();
  await input.fill('hello from a phone');
  await input.press('Enter');
  await page.locator('#chat-messages .chat-msg', { hasText: 'hello from a phone' }).last().waitFor();
  out.chat_overflow = await overflow();
  checks.chat_fits = out.chat_overflow.scroll_width <= 360;
  await page.screenshot({ path: shot('chat') });

  step = 'the menu folds the links';
  checks.nav_folded = !(await page.locator('#nav-browse').isVisible());
  await page.locator('#nav-toggle').click();
  checks.nav_opens = await page.locator('#nav-browse').isVisible();
  await page.locator('#nav-toggle').click();

  step = 'the creator dashboard';
  await page.goto(`${base}/dashboard`, { waitUntil: 'domcontentloaded' });
  await page.locator('#dash-tab-stream').waitFor();
  await page.locator('#stream-status').waitFor();
  out.dashboard_overflow = await overflow();
  checks.dashboard_fits = out.dashboard_overflow.scroll_width <= 360;
  await page.screenshot({ path: shot('dashboard') });

  step = 'the manifest and its icons';
  out.manifest_link = await page.evaluate(() => document.querySelector('link[rel="manifest"]')?.getAttribute('href'));
  const manifest = await page.evaluate(async (href) => {
    const res = await fetch(href);
    return { type: res.headers.get('content-type'), body: await res.json() };
  }, out.manifest_link ?? '/manifest.webmanifest');
  out.manifest = manifest;
  const m = manifest.body;
  checks.manifest_type = /application\/manifest\+json/.test(manifest.type ?? '');
  checks.manifest_fields =
    !!m.name && !!m.short_name && m.start_url === '/' && m.display === 'standalone' && /^#[0-9a-f]{6}$/i.test(m.theme_color) && /^#[0-9a-f]{6}$/i.test(m.background_color);
  out.icons = await page.evaluate(async (icons) => {
    const seen = [];
    for (const icon of icons) {
      const res = await fetch(icon.src);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => bytes[i] === b);
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      seen.push({ src: icon.src, sizes: icon.sizes, purpose: icon.purpose ?? 'any', type: res.headers.get('content-type'), png, width: bitmap.width, height: bitmap.height });
    }
    return seen;
  }, m.icons ?? []);
  checks.icons_match = out.icons.length >= 3 && out.icons.every((i) => i.png && i.type === 'image/png' && i.sizes === `${i.width}x${i.height}`);
  checks.icon_sizes = ['192x192', '512x512'].every((s) => out.icons.some((i) => i.sizes === s && i.purpose === 'any')) && out.icons.some((i) => i.purpose === 'maskable');

  step = 'the service worker controls the page';
  // It controls pages from their next load (sw.ts: a playing page keeps its requests off it).
  await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return reg.active?.state;
  });
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => navigator.serviceWorker?.controller !== null && navigator.serviceWorker?.controller !== undefined, null, { timeout: Math.max(timeoutMs, 30_000) });
  out.sw = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return { scope: reg.scope, script: reg.active?.scriptURL, controlled: !!navigator.serviceWorker.controller };
  });
  checks.sw_controls = out.sw.controlled && out.sw.script === `${base}/sw.js`;
  const sw = await page.evaluate(async () => {
    const res = await fetch('/sw.js', { cache: 'no-store' });
    return { cache: res.headers.get('cache-control'), type: res.headers.get('content-type') };
  });
  out.sw_headers = sw;
  checks.sw_not_long_cached = sw.cache === 'no-cache' && /javascript/.test(sw.type ?? '');
  out.cached = await page.evaluate(async () => {
    const urls = [];
    for (const name of await caches.keys()) for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
    return urls;
  });
  checks.shell_cached = out.cached.includes('/index.html') && out.cached.includes('/manifest.webmanifest');
  checks.no_live_media_cached = !out.cached.some((u) => /^\/(api|ws|hls|llhls|vod|thumb|clips\/)/.test(u));

  step = 'Chromium finds the app installable';
  const cdp = await context.newCDPSession(page);
  const inst = await cdp.send('Page.getInstallabilityErrors');
  out.installability_errors = inst.installabilityErrors.map((e) => e.errorId);
  checks.installable = out.installability_errors.length === 0;

  step = 'offline, a reload renders the app shell';
  offline = true;
  await context.setOffline(true);
  await page.goto(`${base}/c/${args.channel}`, { waitUntil: 'domcontentloaded' });
  await page.locator('header.topbar').waitFor();
  checks.offline_shell = (await page.locator('#app header.topbar .brand').count()) === 1;
  out.offline_api = await page.evaluate(async () => {
    try {
      await fetch('/api/v1/channels/x');
      return 'answered';
    } catch {
      return 'network-error';
    }
  });
  checks.offline_api_not_cached = out.offline_api === 'network-error';
  await page.screenshot({ path: shot('offline') });
  await context.setOffline(false);
  offline = false;
} catch (e) {
  errors.push(`${step}: ${e.message}`);
  await page.screenshot({ path: shot('failure') }).catch(() => undefined);
}
await context.close();
fs.rmSync(profile, { recursive: true, force: true });
const ok = errors.length === 0 && Object.values(checks).every(Boolean);
console.log(JSON.stringify({ ok, step, checks, errors, ...out }));
if (!ok) {
  fail(`mobile: ${errors.join('; ') || Object.entries(checks).filter(([, v]) => !v).map(([k]) => k).join(', ')}`);
  process.exit(1);
}
