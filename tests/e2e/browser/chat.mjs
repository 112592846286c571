#!/usr/bin/env node
// Two browsers chat on a channel page: a guest and the broadcaster (signed in with the node's
// admin token). Checks live messages both ways, emote rendering, a reaction burst seen by the
// other page, and a moderator deleting a message from everyone's view.
// Usage: node tests/e2e/browser/chat.mjs --url http://127.0.0.1:PORT/c/NAME --token ADMIN --out DIR
import fs from 'node:fs';
import path from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS, fail, loadPlaywright, scriptArgs } from './lib.mjs';

const USAGE = 'usage: chat.mjs --url URL --token ADMIN_TOKEN --out DIR [--timeout SECONDS]';
const args = scriptArgs(USAGE, {
  options: ['url', 'token'],
  required: ['url', 'token'],
});
const { timeoutMs } = args;
if (!fs.existsSync(CHROMIUM)) {
  fail(`chromium not found at ${CHROMIUM}`);
  process.exit(1);
}

const { chromium } = loadPlaywright();
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
const errors = [];
async function open(name, init) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  if (init) await context.addInitScript(init.fn, init.arg);
  const page = await context.newPage();
  page.setDefaultTimeout(timeoutMs);
  page.on('pageerror', (err) => errors.push(`${name}: pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // The player may log a 404 for a channel that is not live; chat must not log errors.
    if (msg.type() === 'error' && !/404|hls|m3u8|media/i.test(msg.text())) errors.push(`${name}: console: ${msg.text()}`);
  });
  await page.goto(args.url, { waitUntil: 'domcontentloaded' });
  return page;
}
const messageText = (page, text) => page.locator('#chat-messages .chat-msg', { hasText: text });

let step = 'opening pages';
try {
  const guest = await open('guest');
  const owner = await open('owner', {
    fn: (token) => window.localStorage.setItem('aethex.session', JSON.stringify({ token, username: 'admin' })),
    arg: args.token,
  });

  step = 'guest picks a name';
  await guest.locator('#chat-guest-name').fill('dana');
  await guest.locator('#chat-guest-join').click();
  await guest.locator('#chat-input').waitFor({ state: 'visible' });
  step = 'broadcaster is signed in';
  await owner.locator('#chat-input').waitFor({ state: 'visible' });

  step = 'guest sends, broadcaster receives';
  const t0 = Date.now();
  await guest.locator('#chat-input').fill('hello from dana :fire:');
  await guest.locator('#chat-input').press('Enter');
  await messageText(owner, 'hello from dana').waitFor();
  const deliveryMs = Date.now() - t0;
  const emotes = await messageText(owner, 'hello from dana').locator('.emote').count();
  if (emotes !== 1) throw new Error(`expected 1 rendered emote, found ${emotes}`);

  step = 'broadcaster replies, guest receives with a badge';
  await owner.locator('#chat-input').fill('welcome dana');
  await owner.locator('#chat-send').click();
  await messageText(guest, 'welcome dana').waitFor();
  const badge = await messageText(guest, 'welcome dana').locator('.badge-admin, .badge-broadcaster').count();
  if (badge !== 1) throw new Error('broadcaster message has no badge');

  step = 'reaction burst reaches the other page';
  await guest.locator('.reaction-btn[data-kind="heart"]').click();
  await owner.locator('#reaction-burst .burst').first().waitFor({ state: 'attached' });

  step = 'viewer count';
  await owner.waitForFunction(() => /\b2\b/.test(document.querySelector('#chat-viewers')?.textContent ?? ''));

  step = 'broadcaster deletes the guest message for everyone';
  await guest.locator('#chat-input').fill('delete me please');
  await guest.locator('#chat-input').press('Enter');
  const doomed = messageText(owner, 'delete me please');
  await doomed.waitFor();
  await doomed.hover();
  await doomed.locator('.mod-delete').click();
  await messageText(guest, 'delete me please').waitFor({ state: 'detached' });
  await messageText(owner, 'delete me please').waitFor({ state: 'detached' });

  step = 'reload shows history';
  await guest.reload({ waitUntil: 'domcontentloaded' });
  await messageText(guest, 'welcome dana').waitFor();
  const stillDeleted = await messageText(guest, 'delete me please').count();
  if (stillDeleted !== 0) throw new Error('deleted message came back in history');

  await owner.screenshot({ path: path.join(args.out, 'chat_owner.png') });
  await guest.screenshot({ path: path.join(args.out, 'chat_guest.png') });
  const result = { ok: errors.length === 0, delivery_ms: deliveryMs, console_errors: errors };
  if (!result.ok) fail('page errors while chatting', result);
  else console.log(JSON.stringify(result));
} catch (e) {
  fail(`${step}: ${e.message.split('\n')[0]}`, { errors });
} finally {
  await browser.close().catch(() => {});
}
