// Download budget: the brotli bytes a citizen's phone fetches on a first visit
// to the overview page (HTML, CSS, JS, WebAssembly) from the release build.
// (The service worker then keeps these same files; it adds only itself.)
// Prints the figures; exits 1 when over budget.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const TOTAL_BUDGET = 200 * 1024;
const WASM_BUDGET = 120 * 1024;
const port = 3199;
const server = process.env.SERVER_BIN ?? path.resolve('target/server-release/server');
const dir = mkdtempSync(path.join(tmpdir(), 'mitforlob-budget-'));
const env = { ...process.env, DATABASE_URL: `sqlite://${dir}/budget.db`, MITFORLOB_ADDR: `127.0.0.1:${port}`, RUST_LOG: 'warn' };

function request(method, url, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(`http://127.0.0.1:${port}${url}`, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
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

let serving;
try {
  await run(['seed-demo']);
  serving = spawn(server, ['serve'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForServer();

  const login = await request('POST', '/api/login', {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'text/html',
      origin: `http://127.0.0.1:${port}`,
      'sec-fetch-site': 'same-origin',
    },
    body: 'email=ali%40demo.mitforlob.dk&password=demo-forloeb-2026',
  });
  const cookie = (login.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  if (!cookie) throw new Error(`login failed: ${login.status}`);

  const accept = { 'accept-encoding': 'br', accept: 'text/html', cookie };
  const page = await request('GET', '/', { headers: accept });
  const html = (await import('node:zlib')).brotliDecompressSync(page.body).toString();
  if (!html.includes('<main')) throw new Error('overview page did not render');

  const assets = new Set();
  // The built files, and the plain scripts of the installable app (public/*.js).
  for (const m of html.matchAll(/(?:href|src)="(\/pkg\/[^"]+\.(?:css|js|wasm)|\/[a-z]+\.js)"/g)) assets.add(m[1]);
  const rows = [['overview HTML', 'html', page.body.length]];
  for (const url of assets) {
    const res = await request('GET', url, { headers: { 'accept-encoding': 'br' } });
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    if (res.headers['content-encoding'] !== 'br') throw new Error(`${url} is not served with brotli`);
    const hashed = url.startsWith('/pkg/');
    if (hashed && !/immutable/.test(res.headers['cache-control'] ?? '')) throw new Error(`${url} is not cached as immutable`);
    rows.push([url, url.split('.').pop(), res.body.length]);
  }
  const kinds = new Set(rows.map((r) => r[1]));
  for (const k of ['html', 'css', 'js', 'wasm']) if (!kinds.has(k)) throw new Error(`no ${k} found on the page`);

  const total = rows.reduce((s, r) => s + r[2], 0);
  const wasm = rows.filter((r) => r[1] === 'wasm').reduce((s, r) => s + r[2], 0);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log('First visit to the citizen overview, brotli bytes on the wire:');
  for (const [name, , bytes] of rows) console.log(`  ${kb(bytes).padStart(9)}  ${name}`);
  console.log(`  ${kb(total).padStart(9)}  total (budget ${kb(TOTAL_BUDGET)})`);
  console.log(`  ${kb(wasm).padStart(9)}  WebAssembly (budget ${kb(WASM_BUDGET)})`);
  if (total > TOTAL_BUDGET || wasm > WASM_BUDGET) {
    console.error('Over budget.');
    process.exitCode = 1;
  } else {
    console.log('Within budget.');
  }
} catch (e) {
  console.error(`budget: ${e.message}`);
  process.exitCode = 1;
} finally {
  serving?.kill('SIGINT');
  rmSync(dir, { recursive: true, force: true });
}
