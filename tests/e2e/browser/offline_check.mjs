#!/usr/bin/env node
// Checks a channel page's offline / not-found rendering in headless Chromium.
// Usage: node tests/e2e/browser/offline_check.mjs --url http://127.0.0.1:PORT/c/NAME --out DIR
//          [--expect-offline | --expect-not-found] [--timeout 30]
import path from 'node:path';
import { fail, openPage, scriptArgs, playerState } from './lib.mjs';

const USAGE = 'usage: offline_check.mjs --url URL --out DIR [--expect-offline|--expect-not-found] [--timeout SECONDS]';

const args = scriptArgs(USAGE, {
  options: ['url'],
  flags: ['expect-offline', 'expect-not-found'],
  required: ['url'],
});
const expectNotFound = args['expect-not-found'] === true;
const { timeoutMs } = args;
const shot = path.join(args.out, expectNotFound ? 'not_found.png' : 'offline.png');

let session;
try {
  session = await openPage(args.url, { timeoutMs });
} catch (e) {
  fail(`could not open ${args.url}: ${e.message}`);
  process.exit(1);
}
const { browser, page, errors } = session;

try {
  const selector = expectNotFound ? '#error' : '#offline';
  const want = expectNotFound ? /not found/i : /offline/i;
  const panel = page.locator(selector);
  await panel.waitFor({ state: 'visible', timeout: timeoutMs });
  const text = (await panel.innerText()).trim();
  const state = await playerState(page);
  const badge = await page.locator('#live-badge').count();
  await page.screenshot({ path: shot });
  const expectedState = expectNotFound ? 'error' : 'offline';
  // A missing channel logs the API's 404 as a console error; that is expected.
  const unexpected = expectNotFound ? errors.filter((e) => !/404/.test(e)) : errors;
  const problems = [];
  if (!want.test(text)) problems.push(`panel text ${JSON.stringify(text)} does not match ${want}`);
  if (state !== expectedState) problems.push(`data-state is ${state}, expected ${expectedState}`);
  if (badge !== 0) problems.push('#live-badge present');
  if (unexpected.length) problems.push(`${unexpected.length} page error(s)`);
  const result = { ok: problems.length === 0, url: args.url, state, panel_text: text, screenshot: shot, console_errors: errors };
  if (problems.length) fail(problems.join('; '), result);
  else console.log(JSON.stringify(result));
} catch (e) {
  await page.screenshot({ path: shot }).catch(() => {});
  fail(e.message.split('\n')[0], { url: args.url, state: await playerState(page), screenshot: shot, errors });
} finally {
  await browser.close().catch(() => {});
}
