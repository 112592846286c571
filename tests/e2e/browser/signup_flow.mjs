#!/usr/bin/env node
// A new creator's first visit in headless Chromium: sign up, create a channel on the dashboard,
// reveal the stream key (masked until then), change the stream title; then log out and back in.
// Usage: node tests/e2e/browser/signup_flow.mjs --url http://127.0.0.1:PORT --out DIR
//          [--user NAME] [--channel NAME] [--timeout 30]
// Prints one JSON line; the stream key itself is never printed (only its shape is checked).
import path from 'node:path';
import { fail, openPage, scriptArgs } from './lib.mjs';

const USAGE = 'usage: signup_flow.mjs --url BASE --out DIR [--user NAME] [--channel NAME] [--timeout SECONDS]';

const args = scriptArgs(USAGE, {
  options: ['url', 'user', 'channel'],
  required: ['url'],
  defaults: { user: 'newcreator', channel: 'newcreator_tv' },
});
const { timeoutMs } = args;
const base = args.url.replace(/\/$/, '');
const password = `pw-${Date.now()}-long`;
const title = 'First stream ✨';
const shot = path.join(args.out, 'dashboard.png');

let session;
try {
  session = await openPage(`${base}/signup`, { timeoutMs });
} catch (e) {
  fail(`could not open ${base}/signup: ${e.message}`);
  process.exit(1);
}
const { browser, page, errors } = session;

const storedSession = () =>
  page.evaluate(() => JSON.parse(window.localStorage.getItem('aethex.session') ?? 'null'));
const api = (method, url, token) =>
  page.evaluate(
    async ([m, u, t]) => {
      const res = await fetch(u, { method: m, headers: t ? { Authorization: `Bearer ${t}` } : {} });
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    [method, url, token],
  );

let step = 'signing up';
try {
  await page.fill('#signup-username', args.user);
  await page.fill('#signup-password', password);
  await page.click('#signup-submit');
  await page.waitForURL(/\/dashboard$/, { timeout: timeoutMs });
  const stored = await storedSession();
  if (!stored || stored.username !== args.user || !/^[0-9a-f]{64}$/.test(stored.token))
    throw new Error(`no session stored after sign-up: ${JSON.stringify(stored)}`);
  await page.locator('#nav-user').waitFor({ state: 'visible' });

  step = 'creating a channel';
  await page.fill('#new-channel-name', args.channel);
  await page.fill('#new-channel-title', 'My channel');
  await page.click('#create-channel-submit');
  await page.locator(`#stream-settings[data-channel="${args.channel}"]`).waitFor({ state: 'visible' });

  step = 'revealing the stream key';
  const keyBox = page.locator('#stream-key');
  const masked = (await keyBox.innerText()).trim();
  if ((await keyBox.getAttribute('data-revealed')) !== 'false' || masked.includes('live_'))
    throw new Error('stream key is visible before "reveal"');
  await page.click('#reveal-key');
  await page.waitForFunction(() => document.querySelector('#stream-key')?.getAttribute('data-revealed') === 'true');
  const key = (await keyBox.innerText()).trim();
  const keyShape = new RegExp(`^live_${args.channel}_[0-9a-f]{32}$`);
  if (!keyShape.test(key)) throw new Error('revealed stream key has the wrong shape');
  const fromApi = await api('GET', `/api/v1/channels/${args.channel}/stream-key`, stored.token);
  if (fromApi.status !== 200 || fromApi.body?.stream_key !== key)
    throw new Error(`revealed key differs from the API's (HTTP ${fromApi.status})`);
  const rtmp = (await page.locator('#rtmp-url').innerText()).trim();
  if (!/^rtmp:\/\/.+\/live$/.test(rtmp)) throw new Error(`unexpected RTMP URL ${rtmp}`);
  await page.click('#reveal-key');
  if ((await keyBox.innerText()).includes('live_')) throw new Error('"hide" left the key visible');

  step = 'editing the stream title';
  await page.fill('#edit-title', title);
  await page.fill('#edit-category', 'Just Chatting');
  await page.click('#save-channel');
  await page.locator('#save-status.form-ok').waitFor({ state: 'visible' });
  const channel = await api('GET', `/api/v1/channels/${args.channel}`);
  if (channel.body?.title !== title || channel.body?.owner !== args.user)
    throw new Error(`channel not updated: ${JSON.stringify(channel.body)}`);
  await page.screenshot({ path: shot });

  step = 'logging out and back in';
  await page.click('#nav-logout');
  await page.locator('#nav-login').waitFor({ state: 'visible' });
  const revoked = await api('GET', '/api/v1/me', stored.token);
  if (revoked.status !== 401) throw new Error(`old token still works after log-out (HTTP ${revoked.status})`);
  await page.goto(`${base}/login`);
  await page.fill('#login-username', args.user);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await page.waitForURL(/\/dashboard$/, { timeout: timeoutMs });
  await page.locator(`#my-channels [data-channel="${args.channel}"]`).waitFor({ state: 'visible' });

  // The API's 401 for the revoked token is expected; anything else is not.
  const unexpected = errors.filter((e) => !/401/.test(e));
  const result = {
    ok: unexpected.length === 0,
    user: args.user,
    channel: args.channel,
    key_shape_ok: true,
    title,
    screenshot: shot,
    console_errors: unexpected,
  };
  if (!result.ok) fail(`page reported errors`, result);
  else console.log(JSON.stringify(result));
} catch (e) {
  await page.screenshot({ path: shot }).catch(() => {});
  fail(`${step}: ${e.message.split('\n')[0]}`, { url: page.url(), screenshot: shot, errors });
} finally {
  await browser.close().catch(() => {});
}
