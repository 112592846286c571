// Publishes from the "Go live from the browser" page (/golive/<channel>) over WHIP: Chromium's
// fake camera and microphone (--use-fake-device-for-media-stream), the screen from
// getDisplayMedia, or, where headless Chromium has no screen to capture, a canvas captureStream
// standing in for it (the verdict says which). Layout screen+camera. Once live it waits for the
// file <out>/stop, presses Stop and waits for the page to go idle.
//
// Usage: node whip.mjs --url http://127.0.0.1:PORT --channel NAME --admin-token TOKEN --out DIR
//        [--timeout 40]
import fs from 'node:fs';
import path from 'node:path';
import { CHROMIUM_ARGS, fail, launchOrExit, newPersonPage, report, scriptArgs } from './lib.mjs';

const args = scriptArgs('node whip.mjs --url URL --channel NAME --admin-token TOKEN --out DIR', {
  options: ['url', 'channel', 'admin-token'],
  required: ['url', 'channel', 'admin-token'],
});
const deadline = Date.now() + args.timeoutMs;
const left = () => Math.max(1000, deadline - Date.now());

// Media flags: fake devices with no permission prompt, the screen picker answered by itself, and
// host candidates as IP addresses (not mDNS names) so the node's ICE agent can use them too.
CHROMIUM_ARGS.push(
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--auto-select-desktop-capture-source=Entire screen',
  '--enable-usermedia-screen-capturing',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
);

const errors = [];
const browser = await launchOrExit();
try {
  const page = await newPersonPage(browser, {
    name: 'presenter',
    timeoutMs: args.timeoutMs,
    errors,
    origin: args.url,
    session: { token: args['admin-token'], username: 'admin' },
  });
  // getDisplayMedia as the page calls it; where headless Chromium cannot capture a screen, a
  // moving canvas is the "screen" track instead.
  await page.addInitScript(() => {
    const md = navigator.mediaDevices;
    const real = md.getDisplayMedia?.bind(md);
    window.__screenSource = null;
    md.getDisplayMedia = async (constraints) => {
      try {
        const s = await real(constraints);
        if (s.getVideoTracks().length) {
          window.__screenSource = 'getDisplayMedia';
          return s;
        }
      } catch (e) {
        window.__screenError = String(e && e.message ? e.message : e);
      }
      const canvas = document.createElement('canvas');
      canvas.width = 1280;
      canvas.height = 720;
      const g = canvas.getContext('2d');
      let n = 0;
      setInterval(() => {
        g.fillStyle = `hsl(${(n * 7) % 360} 60% 40%)`;
        g.fillRect(0, 0, 1280, 720);
        g.fillStyle = '#fff';
        g.font = '96px sans-serif';
        g.fillText(`slide ${n++}`, 100, 360);
      }, 33);
      window.__screenSource = 'canvas';
      return canvas.captureStream(30);
    };
  });
  await page.goto(`${args.url}/golive/${encodeURIComponent(args.channel)}`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#golive[data-state="idle"]');
  await page.check('#golive-screen');
  await page.check('#golive-camera');
  await page.check('#golive-mic');
  await page.selectOption('#golive-layout', 'screen+camera');
  const t0 = Date.now();
  await page.click('#golive-start');
  await page.waitForFunction(
    () => document.querySelector('#golive')?.getAttribute('data-state') === 'live' || !!document.querySelector('#golive-error'),
    null,
    { timeout: left(), polling: 100 },
  );
  const errorText = await page.evaluate(() => document.querySelector('#golive-error')?.textContent ?? null);
  if (errorText) {
    fail(`the page could not go live: ${errorText}`, { errors });
    process.exit(1);
  }
  const liveMs = Date.now() - t0;
  const state = await page.evaluate(() => ({
    screenSource: window.__screenSource,
    screenError: window.__screenError ?? null,
    previews: [...document.querySelectorAll('.golive-preview video')].map((v) => v.id),
  }));
  console.log(JSON.stringify({ event: 'live', liveMs, ...state }));

  // The test checks HLS meanwhile, then asks for Stop.
  const stopFile = path.join(args.out, 'stop');
  while (!fs.existsSync(stopFile)) {
    if (Date.now() > deadline) {
      fail('no stop request in time', { errors });
      process.exit(1);
    }
    await page.waitForTimeout(100);
  }
  await page.click('#golive-stop');
  await page.waitForSelector('#golive[data-state="idle"]', { timeout: left() });
  // The connection's own errors are expected once the node closes it.
  const relevant = errors.filter((e) => !/whip|ICE|WebRTC/i.test(e));
  report({ wentLive: true, stopped: true, noPageErrors: relevant.length === 0 }, { liveMs, ...state }, relevant);
} catch (e) {
  fail(String(e && e.stack ? e.stack : e), { errors });
} finally {
  await browser.close();
}
