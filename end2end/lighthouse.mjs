// Lighthouse on the pages a citizen and a caseworker open most, with
// Lighthouse's mobile preset (a mid-range phone: slow 4G, 4× slower CPU,
// simulated), in Debian's Chromium against the release build on a seeded
// SQLite database. Prints each page's median of three runs: Largest
// Contentful Paint, Total Blocking Time and Cumulative Layout Shift, against
// the target of LCP ≤ 1.5 s. A figure, not a gate: run by `make bench`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

const LCP_TARGET_MS = 1500;
const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 3);
const port = 3198;
const origin = `http://127.0.0.1:${port}`;
const server = process.env.SERVER_BIN ?? path.resolve('target/server-release/server');
const dir = mkdtempSync(path.join(tmpdir(), 'mitforlob-lighthouse-'));
const env = {
  ...process.env,
  DATABASE_URL: `sqlite://${dir}/lighthouse.db`,
  MITFORLOB_ADDR: `127.0.0.1:${port}`,
  RUST_LOG: 'warn',
};
const CHROMIUM_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function request(method, url, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${origin}${url}`, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

function run(args) {
  return new Promise((resolve, reject) => {
    const p = spawn(server, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`server ${args} exited ${code}`))));
  });
}

async function waitForServer() {
  for (let i = 0; i < 100; i++) {
    try {
      await request('GET', '/login');
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error('server did not start');
}

/** A session cookie for a demo person (every demo account has the same password). */
async function login(email) {
  const res = await request('POST', '/api/login', {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'text/html',
      origin,
      'sec-fetch-site': 'same-origin',
    },
    body: `email=${encodeURIComponent(email)}&password=demo-forloeb-2026`,
  });
  const cookie = (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  if (!cookie) throw new Error(`login as ${email} failed: ${res.status}`);
  return cookie;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

let serving;
let chrome;
try {
  await run(['seed-demo']);
  serving = spawn(server, ['serve'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForServer();
  const ali = await login('ali@demo.mitforlob.dk');
  const mette = await login('mette@demo.mitforlob.dk');
  const threads = await request('GET', '/messages', { headers: { cookie: ali, accept: 'text/html' } });
  const thread = threads.body.match(/href="(\/messages\/[0-9a-z-]{8,})"/)?.[1];
  if (!thread) throw new Error('no thread found on /messages');
  const pages = [
    ['login', '/login', null],
    ['overview', '/', ali],
    ['plan', '/plan', ali],
    ['thread', thread, ali],
    ['inbox', '/inbox', mette],
  ];

  chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    chromeFlags: CHROMIUM_FLAGS,
  });
  console.log(`Lighthouse ${RUNS}× per page, mobile preset (simulated slow 4G, 4× CPU), median:`);
  console.log('  page        LCP       TBT       CLS     LCP target 1.5 s');
  let over = 0;
  for (const [name, url, cookie] of pages) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const result = await lighthouse(`${origin}${url}`, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance'],
        extraHeaders: cookie ? { Cookie: cookie } : {},
        // Each run is a first visit: nothing kept from the one before.
        disableStorageReset: false,
      });
      const a = result.lhr.audits;
      if (result.lhr.runtimeError) throw new Error(`${name}: ${result.lhr.runtimeError.message}`);
      runs.push({
        lcp: a['largest-contentful-paint'].numericValue,
        tbt: a['total-blocking-time'].numericValue,
        cls: a['cumulative-layout-shift'].numericValue,
      });
    }
    const lcp = median(runs.map((r) => r.lcp));
    const tbt = median(runs.map((r) => r.tbt));
    const cls = median(runs.map((r) => r.cls));
    const verdict = lcp <= LCP_TARGET_MS ? 'met' : 'OVER';
    if (lcp > LCP_TARGET_MS) over += 1;
    console.log(
      `  ${name.padEnd(10)} ${(lcp / 1000).toFixed(2).padStart(5)} s  ${String(Math.round(tbt)).padStart(5)} ms  ${cls.toFixed(3).padStart(6)}   ${verdict} (${(lcp / LCP_TARGET_MS).toFixed(2)}×)`,
    );
  }
  console.log(over === 0 ? 'Every page within the LCP target.' : `${over} page(s) over the LCP target.`);
} catch (e) {
  console.error(`lighthouse: ${e.message}`);
  process.exitCode = 1;
} finally {
  await chrome?.kill();
  serving?.kill('SIGINT');
  rmSync(dir, { recursive: true, force: true });
}
