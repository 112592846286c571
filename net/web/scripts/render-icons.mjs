// Run from net/web: node scripts/render-icons.mjs
// One-off: renders the SVG icons to PNG with Debian's Chromium (the PNGs are committed).
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
const dir = new URL('../public/icons/', import.meta.url).pathname;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const jobs = [['icon.svg', 'icon-192.png', 192], ['icon.svg', 'icon-512.png', 512],
  ['maskable.svg', 'maskable-512.png', 512], ['maskable.svg', 'apple-touch-icon.png', 180]];
for (const [svg, png, size] of jobs) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  const markup = readFileSync(dir + svg, 'utf8').replace('<svg ', `<svg width="${size}" height="${size}" style="display:block" `);
  await page.setContent(`<html><body style="margin:0;background:transparent">${markup}</body></html>`);
  await page.screenshot({ path: dir + png, omitBackground: true });
  await page.close();
}
await browser.close();
