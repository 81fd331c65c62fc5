// Makes the app's PNG icons from icon.svg and the manifest's screenshots from
// a running server, with Debian's Chromium. Run by hand when the design
// changes (the PNGs are committed in public/):
//   node scripts/pwa-images.mjs icons
//   BASE_URL=http://127.0.0.1:3000 node scripts/pwa-images.mjs screenshots
import { chromium } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const out = (p) => here(`../../public/${p}`);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu'] });

async function icon(svg, size, file, { maskable = false, opaque = false } = {}) {
  let source = svg;
  if (maskable || opaque) {
    // Full bleed: the platform cuts its own shape; maskable keeps the glyph in the safe circle.
    source = source.replace('rx="112"', 'rx="0"');
  }
  if (maskable) {
    source = source.replace('<g id="glyph">', '<g id="glyph" transform="translate(256 256) scale(0.72) translate(-256 -256)">');
  }
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(`<html><body style="margin:0;background:transparent">${source.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
  await page.screenshot({ path: out(file), omitBackground: !(maskable || opaque) });
  await page.close();
}

if (process.argv[2] === 'icons') {
  const svg = await readFile(here('./icon.svg'), 'utf8');
  await icon(svg, 192, 'icons/icon-192.png');
  await icon(svg, 512, 'icons/icon-512.png');
  await icon(svg, 192, 'icons/icon-maskable-192.png', { maskable: true });
  await icon(svg, 512, 'icons/icon-maskable-512.png', { maskable: true });
  await icon(svg, 180, 'icons/apple-touch-icon.png', { opaque: true });
} else if (process.argv[2] === 'screenshots') {
  const base = process.env.BASE_URL || 'http://127.0.0.1:3000';
  for (const [file, viewport, path] of [
    ['screenshots/overview-phone.png', { width: 540, height: 1200 }, '/'],
    ['screenshots/plan-wide.png', { width: 1280, height: 800 }, '/plan'],
  ]) {
    const page = await browser.newPage({ viewport, baseURL: base });
    await page.goto('/login');
    await page.getByLabel('E-mail', { exact: true }).fill('sofie@demo.mitforlob.dk');
    await page.getByLabel('Adgangskode', { exact: true }).fill('demo-forloeb-2026');
    await page.getByRole('button', { name: 'Log ind', exact: true }).click();
    await page.waitForURL((url) => url.pathname !== '/login');
    await page.goto(path);
    await page.screenshot({ path: out(file) });
    await page.close();
  }
} else {
  console.error('usage: node scripts/pwa-images.mjs icons|screenshots');
  process.exitCode = 2;
}
await browser.close();
