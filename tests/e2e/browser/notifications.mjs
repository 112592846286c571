#!/usr/bin/env node
// A viewer follows a channel and hears it go live, in headless Chromium: sign up, open the
// channel page, Follow (the follower count becomes 1, the bell and e-mail choices appear), go
// home in the page, wait until the page's connection is subscribed to notifications, then print
// {"ready":true} — the caller starts publishing on that line. The bell's count must become 1
// without a reload, its list must name the channel, and its entry must lead to the channel page.
// While the channel is live: Browse shows its card with a loaded thumbnail (browse.png),
// Categories counts it under --category, and the top bar's search leads to its page.
// Usage: node tests/e2e/browser/notifications.mjs --url http://127.0.0.1:PORT --channel NAME
//          --category NAME --user NAME --password PW --out DIR [--timeout 30]
import path from 'node:path';
import { fail, openPage, scriptArgs } from './lib.mjs';

const USAGE =
  'usage: notifications.mjs --url BASE --channel NAME --category NAME --user NAME --password PW --out DIR [--timeout SECONDS]';
const args = scriptArgs(USAGE, {
  options: ['url', 'channel', 'category', 'user', 'password'],
  required: ['url', 'channel', 'category', 'user', 'password'],
});
const { timeoutMs } = args;
const base = args.url.replace(/\/$/, '');
// Going live takes ffmpeg's start plus the node's first segment: more than a click's wait.
const liveTimeoutMs = Math.max(timeoutMs, 45_000);
const shot = path.join(args.out, 'notifications.png');
const followShot = path.join(args.out, 'follow.png');
const browseShot = path.join(args.out, 'browse.png');
// A channel's thumbnail comes seconds after its first keyframe.
const thumbTimeoutMs = 20_000;

let session;
try {
  session = await openPage(`${base}/signup`, { timeoutMs });
} catch (e) {
  fail(`could not open ${base}/signup: ${e.message}`);
  process.exit(1);
}
const { browser, page, errors } = session;
const text = async (selector) => ((await page.locator(selector).textContent()) ?? '').trim();

let step = 'signing up';
try {
  await page.fill('#signup-username', args.user);
  await page.fill('#signup-password', args.password);
  await page.click('#signup-submit');
  await page.waitForURL(/\/dashboard$/, { timeout: timeoutMs });

  step = 'opening the channel page';
  await page.goto(`${base}/c/${args.channel}`, { waitUntil: 'domcontentloaded' });
  const followButton = page.locator('#follow-button');
  await page.waitForFunction(() => {
    const b = document.querySelector('#follow-button');
    return b?.textContent?.trim() === 'Follow' && !b.disabled;
  });

  step = 'following';
  await followButton.click();
  await page.waitForFunction(() => document.querySelector('#follow-button')?.textContent?.trim() === 'Following');
  await page.waitForFunction(() => /^1 follower$/.test(document.querySelector('#follower-count')?.textContent?.trim() ?? ''));
  if ((await page.locator('#follow-notify').getAttribute('aria-pressed')) !== 'true')
    throw new Error('notifications are not on by default');
  if (await page.locator('#follow-email').isChecked()) throw new Error('e-mail is on by default');

  step = 'turning the bell off and on again';
  await page.click('#follow-notify');
  await page.waitForFunction(() => document.querySelector('#follow-notify')?.getAttribute('aria-pressed') === 'false');
  if (!(await page.locator('#follow-email').isDisabled())) throw new Error('e-mail choice open with notifications off');
  await page.click('#follow-notify');
  await page.waitForFunction(() => document.querySelector('#follow-notify')?.getAttribute('aria-pressed') === 'true');

  step = 'asking for e-mail too';
  await page.locator('#follow-email').check();
  await page.waitForFunction(() => {
    const box = document.querySelector('#follow-email');
    return box?.checked && !box.disabled;
  });
  await page.screenshot({ path: followShot });

  step = 'going home without a reload';
  // A marker on window: it survives client-side navigation, not a reload.
  await page.evaluate(() => (window.__sameDocument = true));
  await page.click('a.brand');
  await page.waitForURL(`${base}/`);
  await page.locator('#nav-bell[data-live="subscribed"]').waitFor({ state: 'attached' });
  if (await page.locator('#nav-bell-count').isVisible()) throw new Error('bell shows a count before anything happened');
  console.log(JSON.stringify({ ready: true }));

  step = 'waiting for the go-live notification';
  const t0 = Date.now();
  await page.waitForFunction(
    () => {
      const count = document.querySelector('#nav-bell-count');
      return !!count && !count.hidden && count.textContent?.trim() === '1';
    },
    null,
    { timeout: liveTimeoutMs },
  );
  const notifiedAfterMs = Date.now() - t0;
  if (!(await page.evaluate(() => window.__sameDocument === true))) throw new Error('the page reloaded');
  const label = await page.locator('#nav-bell').getAttribute('aria-label');

  step = 'opening the bell';
  await page.click('#nav-bell');
  const entry = page.locator(`#nav-bell-list a[data-channel="${args.channel}"]`);
  await entry.waitFor({ state: 'visible' });
  if ((await page.locator('#nav-bell').getAttribute('aria-expanded')) !== 'true') throw new Error('aria-expanded not true');
  await page.waitForFunction(() => document.querySelector('#nav-bell-count')?.hidden === true);
  const entryText = (await entry.innerText()).replace(/\s+/g, ' ').trim();
  await page.screenshot({ path: shot });

  step = 'following the notification to the channel';
  await entry.click();
  await page.waitForURL(`${base}/c/${args.channel}`);
  if ((await text('#channel-name')) !== args.channel) throw new Error('channel page did not open');
  if (!(await page.evaluate(() => window.__sameDocument === true))) throw new Error('the link reloaded the page');
  if (await page.locator('#nav-bell-list').count()) throw new Error('the list stayed open');
  // The connection signed in before this page's chat room existed: the room's join names the user.
  step = 'chatting on the shared connection';
  await page.locator('#chat-input').waitFor({ state: 'visible' });

  step = 'finding the live channel on Browse';
  await page.click('#nav-browse');
  await page.waitForURL(`${base}/browse`);
  const card = `.browse-card[data-channel="${args.channel}"]`;
  const thumbLoaded = (sel) => {
    const img = document.querySelector(`${sel} img.card-image`);
    return !!img && img.complete && img.naturalWidth > 0;
  };
  const t1 = Date.now();
  // The directory follows go-live within moments and the card retries a missing thumbnail;
  // reload once if the card is not listed yet.
  try {
    await page.locator(card).waitFor({ state: 'attached', timeout: 5_000 });
  } catch {
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.evaluate(() => (window.__sameDocument = true)); // the marker checks links from here on
  }
  await page.waitForFunction(thumbLoaded, card, { timeout: thumbTimeoutMs });
  const thumbAfterMs = Date.now() - t1;
  const cardText = (await page.locator(card).innerText()).replace(/\s+/g, ' ').trim();
  if (!cardText.includes(args.category)) throw new Error(`card does not name the category: ${cardText}`);
  if (!/\d+ viewers?/.test(cardText)) throw new Error(`card has no viewer count: ${cardText}`);
  if ((await page.locator('#browse-sort').inputValue()) !== 'viewers') throw new Error('sort is not viewers by default');
  await page.screenshot({ path: browseShot });

  step = 'counting the category on Categories';
  await page.click('#nav-categories');
  await page.waitForURL(`${base}/categories`);
  const categoryCard = page.locator(`.category-card[data-category="${args.category}"]`);
  await categoryCard.waitFor({ state: 'visible' });
  const categoryLiveChannels = Number(await categoryCard.getAttribute('data-live-channels'));
  if (!(await categoryCard.innerText()).includes('1 live channel')) throw new Error('category card does not say 1 live channel');
  await categoryCard.click();
  await page.waitForURL(`${base}/browse?category=${encodeURIComponent(args.category)}`);
  if ((await text('#browse-title')) !== args.category) throw new Error('browse does not head with the category');
  await page.locator(card).waitFor({ state: 'visible' });

  step = 'searching from the top bar';
  await page.fill('#nav-search', args.channel);
  await page.press('#nav-search', 'Enter');
  await page.waitForURL(`${base}/search?q=${encodeURIComponent(args.channel)}`);
  const result = page.locator(`.search-result[data-channel="${args.channel}"]`);
  await result.waitFor({ state: 'visible' });
  if ((await result.locator('.live-badge').count()) !== 1) throw new Error('search result has no live badge');
  await result.click();
  await page.waitForURL(`${base}/c/${args.channel}`);
  const searchLanded = new URL(page.url()).pathname;
  if ((await text('#channel-name')) !== args.channel) throw new Error('search result did not open the channel');
  if (!(await page.evaluate(() => window.__sameDocument === true))) throw new Error('browsing reloaded the page');

  // The player may log a 404 while the stream starts; nothing else may.
  const unexpected = errors.filter((e) => !/404|hls|m3u8|media/i.test(e));
  const summary = {
    ok: unexpected.length === 0,
    user: args.user,
    channel: args.channel,
    notified_after_ms: notifiedAfterMs,
    bell_label: label,
    entry: entryText,
    thumbnail_after_ms: thumbAfterMs,
    browse_card: cardText,
    category_live_channels: categoryLiveChannels,
    search_landed: searchLanded,
    screenshots: [followShot, shot, browseShot],
    console_errors: unexpected,
  };
  if (!summary.ok) fail('page reported errors', summary);
  else console.log(JSON.stringify(summary));
} catch (e) {
  await page.screenshot({ path: shot }).catch(() => {});
  fail(`${step}: ${e.message.split('\n')[0]}`, { url: page.url(), screenshot: shot, errors });
} finally {
  await browser.close().catch(() => {});
}
