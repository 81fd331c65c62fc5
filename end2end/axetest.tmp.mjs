import { chromium } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless=new','--no-sandbox'] });
for (const js of [true, false]) {
const ctx = await browser.newContext({ javaScriptEnabled: js, viewport: {width: 393, height: 727} });
const page = await ctx.newPage();
await page.goto('http://127.0.0.1:3101/findes-ikke');
if (!js) await page.evaluate(() => {
  let id = 0;
  window.setTimeout = (fn, _ms, ...args) => { id += 1; queueMicrotask(() => fn(...args)); return id; };
  window.clearTimeout = () => {};
});
const legacy = new AxeBuilder({ page }).setLegacyMode(true);
console.log(js, 'legacy', await Promise.race([legacy.analyze().then(r => [r.violations.map(v=>v.id), r.passes.length, r.incomplete.length]), new Promise(r => setTimeout(() => r('timeout'), 10000))]));
const normal = new AxeBuilder({ page });
console.log(js, 'normal', await Promise.race([normal.analyze().then(r => [r.violations.map(v=>v.id), r.passes.length, r.incomplete.length]), new Promise(r => setTimeout(() => r('timeout'), 10000))]));
}
await browser.close();
