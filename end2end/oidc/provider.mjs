#!/usr/bin/env node
// Local OpenID Connect provider for tests. See README.md in this folder.
//
//   OIDC_MODE=real  (default) a real oidc-provider instance with our own login page
//   OIDC_MODE=rogue           a hand-written issuer that misbehaves on command
//
// Prints exactly one line on stdout, `ready <issuer>`, once listening; everything
// else (oidc-provider notices, errors) goes to stderr.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';

import * as jose from 'jose';
import Provider from 'oidc-provider';

// oidc-provider prints its "you SHOULD change ..." notices with console.info,
// i.e. on stdout. Tests read stdout for the ready line, so keep stdout clean.
console.info = (...args) => console.error(...args);

const MODE = process.env.OIDC_MODE || 'real';
const PORT = Number(process.env.OIDC_PORT ?? 0); // 0 = pick a free port
const CLIENTS = JSON.parse(process.env.OIDC_CLIENTS || '[]');
const KEYS_FILE = process.env.OIDC_KEYS_FILE;
const ID_TOKEN_TTL = Number(process.env.OIDC_ID_TOKEN_TTL || 3600);

const ACR_SUBSTANTIAL = 'https://data.gov.dk/concept/core/nsis/substantial';
const ACR_LOW = 'https://data.gov.dk/concept/core/nsis/low';

// ---------------------------------------------------------------------------
// small helpers

async function newPrivateJwk(alg) {
  const { privateKey } = await jose.generateKeyPair(alg, { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  return { ...jwk, alg, use: 'sig', kid: await jose.calculateJwkThumbprint(jwk) };
}

function publicJwk({ d, p, q, dp, dq, qi, ...pub }) {
  return pub;
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res, status, body = '', type = 'text/plain; charset=utf-8', headers = {}) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
  res.end(body);
}

const json = (res, status, obj) => send(res, status, JSON.stringify(obj), 'application/json');

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!doctype html>
<html lang="da"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title></head>
<body><main><h1>${esc(title)}</h1>
${body}
</main></body></html>`;
}

// Listen first (so OIDC_PORT=0 works), then build the app for the real issuer.
function listen(handler) {
  const server = http.createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((err) => {
      console.error(err);
      if (!res.headersSent) send(res, 500, `internal error: ${err.message}`);
      else res.end();
    });
  });
  return new Promise((resolve) => {
    server.listen(PORT, '127.0.0.1', () => {
      const issuer = `http://127.0.0.1:${server.address().port}`;
      process.on('SIGTERM', () => {
        server.close(() => process.exit(0));
        server.closeAllConnections(); // don't wait for idle keep-alive sockets
      });
      process.on('SIGINT', () => process.exit(0));
      resolve({ server, issuer });
    });
  });
}

// ---------------------------------------------------------------------------
// real mode

async function loadOrCreateKeys() {
  if (KEYS_FILE && existsSync(KEYS_FILE)) {
    const { keys } = JSON.parse(readFileSync(KEYS_FILE, 'utf8'));
    // oidc-provider needs a kid to publish; derive one if the file has none.
    return Promise.all(keys.map(async (k) => ({ ...k, kid: k.kid || await jose.calculateJwkThumbprint(k) })));
  }
  const keys = [await newPrivateJwk('RS256')];
  if (KEYS_FILE) writeFileSync(KEYS_FILE, JSON.stringify({ keys }, null, 2));
  return keys;
}

// Storage for oidc-provider models (sessions, interactions, codes, grants...).
// Its built-in memory adapter keeps a store per Provider instance, which
// /test/rotate would throw away; this one is shared, so logins survive rotation.
const store = new Map(); // "<Model>:<id>" -> { payload, expiresAt }

class SharedMemoryAdapter {
  constructor(model) { this.model = model; }

  static get(key) {
    const entry = store.get(key);
    if (entry && entry.expiresAt < Date.now()) { store.delete(key); return undefined; }
    return entry?.payload;
  }

  async upsert(id, payload, expiresIn) {
    const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Infinity;
    store.set(`${this.model}:${id}`, { payload, expiresAt });
    // secondary indexes oidc-provider looks things up by
    if (this.model === 'Session') store.set(`SessionUid:${payload.uid}`, { payload: id, expiresAt });
    if (payload.userCode) store.set(`UserCode:${payload.userCode}`, { payload: id, expiresAt });
  }

  async find(id) { return SharedMemoryAdapter.get(`${this.model}:${id}`); }

  async findByUid(uid) { return this.find(SharedMemoryAdapter.get(`SessionUid:${uid}`)); }

  async findByUserCode(code) { return this.find(SharedMemoryAdapter.get(`UserCode:${code}`)); }

  async consume(id) {
    const payload = await this.find(id);
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) { store.delete(`${this.model}:${id}`); }

  async revokeByGrantId(grantId) {
    for (const [key, { payload }] of store) {
      if (key.startsWith(`${this.model}:`) && payload?.grantId === grantId) store.delete(key);
    }
  }
}

// Which JWS alg a private JWK is used with (ID tokens are signed with the first key).
const algOf = (jwk) => jwk.alg || (jwk.kty === 'EC' ? 'ES256' : 'RS256');

function buildProvider(issuer, keys, cookieKeys) {
  return new Provider(issuer, {
    clients: CLIENTS,
    adapter: SharedMemoryAdapter,
    // Clients that don't say otherwise get ID tokens signed like our first key.
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: algOf(keys[0]),
    },
    jwks: { keys },
    cookies: { keys: cookieKeys },
    responseTypes: ['code'],
    scopes: ['openid', 'profile', 'email'],
    claims: {
      // oidc-provider only puts acr/auth_time in the ID token when the client asks
      // (acr_values, max_age, claims=...). Tying them to the openid scope makes
      // them always present (when the login set an acr).
      openid: ['sub', 'acr', 'auth_time'],
      profile: ['name'],
      email: ['email', 'email_verified'],
      sid: null, iss: null, // standalone claims (not tied to a scope)
    },
    // Without acrValues oidc-provider drops the acr claim entirely.
    acrValues: [ACR_SUBSTANTIAL, ACR_LOW],
    // Default true = ID token only carries sub (+acr...) and profile/email only
    // come from userinfo. Put them in the ID token too; simpler for tests.
    conformIdTokenClaims: false,
    pkce: { required: () => true }, // oidc-provider v9 only knows S256
    ttl: {
      IdToken: ID_TOKEN_TTL,
      AccessToken: 3600,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, id) {
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            email: id.includes('@') ? id : `${id}@test.invalid`,
            email_verified: true,
            name: `Test ${id}`,
          };
        },
      };
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Fejl', Object.entries(out).map(([k, v]) => `<p><b>${esc(k)}</b>: ${esc(v)}</p>`).join('\n'));
    },
  });
}

// RP-initiated logout: oidc-provider always renders a confirmation form when a
// session exists (no config to skip it). autoConfirmLogout (below) reads this
// page and submits it, so nobody normally sees it; should a browser ever get
// it, it submits itself (or click "Log ud").
async function logoutSource(ctx, form) {
  // `form` is `<form id="op.logoutForm" ...><input type="hidden" name="xsrf" .../></form>`
  const withLogout = form.replace('</form>',
    '<input type="hidden" name="logout" value="yes"/><button type="submit">Log ud</button></form>');
  ctx.body = page('Log ud', `${withLogout}
<script>document.forms[0].submit()</script>`);
}

async function postLogoutSuccessSource(ctx) {
  ctx.body = page('Du er logget ud', '<p>Du er logget ud.</p>');
}

function loginForm(uid, error = '') {
  return page('Log ind (test-OIDC)', `${error ? `<p role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login">
  <p><label for="login">Brugernavn</label>
  <input id="login" name="login" type="text" autocomplete="username" required autofocus></p>
  <p><label for="acr">Sikringsniveau</label>
  <select id="acr" name="acr">
    <option value="${ACR_SUBSTANTIAL}" selected>Betydelig</option>
    <option value="${ACR_LOW}">Lav</option>
    <option value="">Intet</option>
  </select></p>
  <p><button type="submit">Log ind</button></p>
</form>`);
}

// Consent is granted automatically: a Grant with everything the client asked for.
async function autoGrant(provider, details, accountId) {
  const { params } = details;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: params.client_id });
  if (params.scope) grant.addOIDCScope(params.scope);
  if (params.claims) {
    const requested = JSON.parse(params.claims);
    for (const target of ['id_token', 'userinfo']) {
      if (requested[target]) grant.addOIDCClaims(Object.keys(requested[target]));
    }
  }
  return grant.save();
}

// oidc-provider always answers GET /session/end with a confirmation form. To make
// logout a plain redirect (also for browsers without JavaScript and for reqwest),
// we play the user: fetch that form from ourselves, then POST its confirmation
// with the same cookies, and hand the final 303 (+ cookies) back to the caller.
const INTERNAL = 'x-test-op-internal'; // marks our own loopback requests
async function autoConfirmLogout(req, res) {
  const self = `http://127.0.0.1:${req.socket.localPort}`;
  const cookies = new Map((req.headers.cookie || '').split(/;\s*/).filter(Boolean)
    .map((c) => [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1)]));
  const remember = (r) => r.headers.getSetCookie().forEach((sc) => {
    const pair = sc.split(';')[0];
    cookies.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
  });
  const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');

  const first = await fetch(self + req.url, { redirect: 'manual', headers: { [INTERNAL]: '1', cookie: cookieHeader() } });
  const html = await first.text();
  const xsrf = html.match(/name="xsrf" value="([^"]+)"/)?.[1];
  if (first.status !== 200 || !xsrf) return relay(res, first, html); // e.g. an error page
  remember(first);

  const second = await fetch(`${self}/session/end/confirm`, {
    method: 'POST',
    redirect: 'manual',
    headers: { [INTERNAL]: '1', cookie: cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ xsrf, logout: 'yes' }),
  });
  return relay(res, second, await second.text(), first.headers.getSetCookie());
}

function relay(res, from, body, extraCookies = []) {
  const headers = {};
  for (const [k, v] of from.headers) {
    if (!['set-cookie', 'content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive'].includes(k)) headers[k] = v;
  }
  headers['set-cookie'] = [...extraCookies, ...from.headers.getSetCookie()];
  res.writeHead(from.status, headers);
  res.end(body);
}

async function runReal() {
  const { issuer } = await listen(handle);
  const cookieKeys = [randomBytes(32).toString('base64url')]; // stable across rotations
  let keys = await loadOrCreateKeys();
  let provider = buildProvider(issuer, keys, cookieKeys);
  let callback = provider.callback();

  async function handle(req, res) {
    const { pathname } = new URL(req.url, 'http://127.0.0.1');

    if (pathname === '/test/rotate' && req.method === 'POST') {
      // Replace the provider with one that knows ONLY a fresh key (same type).
      // Sessions, grants and codes live in the shared store and survive.
      keys = [await newPrivateJwk(algOf(keys[0]))];
      if (KEYS_FILE) writeFileSync(KEYS_FILE, JSON.stringify({ keys }, null, 2));
      provider = buildProvider(issuer, keys, cookieKeys);
      callback = provider.callback();
      console.error(`rotated signing key, new kid ${keys[0].kid}`);
      return send(res, 204);
    }

    if (pathname === '/session/end' && req.method === 'GET' && !req.headers[INTERNAL]) {
      return autoConfirmLogout(req, res);
    }

    const m = pathname.match(/^\/interaction\/([^/]+)(\/login)?$/);
    if (!m) return callback(req, res);

    const [, uid, isLogin] = m;
    let details;
    try {
      details = await provider.interactionDetails(req, res); // needs the _interaction cookie
    } catch (err) {
      return send(res, 400, page('Fejl', `<p>${esc(err.message)}</p>`), 'text/html; charset=utf-8');
    }
    if (details.uid !== uid) return send(res, 400, 'interaction uid mismatch');

    if (details.prompt.name === 'consent') {
      // Already logged in (session exists): grant and go straight back.
      const grantId = await autoGrant(provider, details, details.session.accountId);
      return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }

    if (!isLogin && req.method === 'GET') {
      return send(res, 200, loginForm(uid), 'text/html; charset=utf-8');
    }
    if (!isLogin || req.method !== 'POST') return send(res, 405, 'method not allowed');

    const form = new URLSearchParams(await readBody(req));
    const accountId = (form.get('login') || '').trim();
    const acr = form.get('acr') || '';
    if (!accountId) {
      return send(res, 400, loginForm(uid, 'Udfyld brugernavn'), 'text/html; charset=utf-8');
    }
    if (acr && acr !== ACR_SUBSTANTIAL && acr !== ACR_LOW) return send(res, 400, 'unknown acr');

    const grantId = await autoGrant(provider, details, accountId);
    const result = {
      login: { accountId, ...(acr ? { acr } : {}) },
      consent: { grantId },
    };
    // 303 to /auth/<uid>, which then redirects to the client's redirect_uri.
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }

  process.stdout.write(`ready ${issuer}\n`);
}

// ---------------------------------------------------------------------------
// rogue mode

const FAULTS = new Set(['none', 'wrong-signature', 'unknown-kid', 'expired', 'wrong-audience',
  'wrong-issuer', 'wrong-nonce', 'no-acr', 'low-acr']);

async function runRogue() {
  const { issuer } = await listen(handle);
  const keyA = await newPrivateJwk('RS256');
  const keyB = await newPrivateJwk('RS256');
  const privA = await jose.importJWK(keyA, 'RS256');
  const privB = await jose.importJWK(keyB, 'RS256');
  const codes = new Map(); // code -> { clientId, redirectUri, nonce, challenge, used }
  let fault = { fault: 'none', sub: 'rogue-user' };

  const client = (id) => CLIENTS.find((c) => c.client_id === id);

  async function idToken(rec) {
    const now = Math.floor(Date.now() / 1000);
    const f = fault.fault;
    const claims = {
      iss: f === 'wrong-issuer' ? 'https://evil.invalid' : issuer,
      aud: f === 'wrong-audience' ? 'someone-else' : rec.clientId,
      sub: fault.sub,
      iat: f === 'expired' ? now - 3900 : now,
      exp: f === 'expired' ? now - 3600 : now + 300,
      auth_time: f === 'expired' ? now - 3900 : now,
      ...(rec.nonce !== undefined ? { nonce: f === 'wrong-nonce' ? 'not-your-nonce' : rec.nonce } : {}),
      ...(f === 'no-acr' ? {} : { acr: f === 'low-acr' ? ACR_LOW : ACR_SUBSTANTIAL }),
    };
    // wrong-signature: key B but claiming A's kid; unknown-kid: key B with its own kid.
    const key = f === 'wrong-signature' || f === 'unknown-kid' ? privB : privA;
    const kid = f === 'unknown-kid' ? keyB.kid : keyA.kid;
    return new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(key);
  }

  async function handle(req, res) {
    const url = new URL(req.url, issuer);
    const q = url.searchParams;
    const route = `${req.method} ${url.pathname}`;

    if (route === 'GET /.well-known/openid-configuration') {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        end_session_endpoint: `${issuer}/logout`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        scopes_supported: ['openid', 'profile', 'email'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'acr'],
        acr_values_supported: [ACR_SUBSTANTIAL, ACR_LOW],
      });
    }

    if (route === 'GET /jwks') return json(res, 200, { keys: [publicJwk(keyA)] });

    if (route === 'POST /test/fault') {
      const body = JSON.parse((await readBody(req)) || '{}');
      if (!FAULTS.has(body.fault)) return send(res, 400, `unknown fault; one of ${[...FAULTS].join(', ')}`);
      fault = { fault: body.fault, sub: body.sub || 'rogue-user' };
      return send(res, 204);
    }

    if (route === 'GET /authorize') {
      const clientId = q.get('client_id');
      const redirectUri = q.get('redirect_uri');
      const c = client(clientId);
      if (!c || !c.redirect_uris?.includes(redirectUri)) return send(res, 400, 'unknown client_id or redirect_uri');
      if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) return send(res, 400, 'PKCE S256 required');
      const code = randomUUID();
      codes.set(code, {
        clientId, redirectUri, nonce: q.get('nonce') ?? undefined, challenge: q.get('code_challenge'), used: false,
      });
      const to = new URL(redirectUri);
      to.searchParams.set('code', code);
      if (q.has('state')) to.searchParams.set('state', q.get('state'));
      to.searchParams.set('iss', issuer);
      res.writeHead(302, { location: to.href });
      return res.end();
    }

    if (route === 'POST /token') {
      const body = new URLSearchParams(await readBody(req));
      // Client authentication is only identified, not verified: this issuer is rogue anyway.
      let clientId = body.get('client_id');
      const basic = req.headers.authorization?.match(/^Basic (.+)$/i);
      if (basic) clientId = decodeURIComponent(Buffer.from(basic[1], 'base64').toString().split(':')[0]);
      if (!clientId && body.get('client_assertion')) clientId = jose.decodeJwt(body.get('client_assertion')).iss;

      const rec = codes.get(body.get('code'));
      const bad = (description) => json(res, 400, { error: 'invalid_grant', error_description: description });
      if (body.get('grant_type') !== 'authorization_code') return json(res, 400, { error: 'unsupported_grant_type' });
      if (!rec) return bad('unknown code');
      if (rec.used) return bad('code already used');
      rec.used = true;
      if (rec.clientId !== clientId) return bad('code was issued to another client');
      if (body.has('redirect_uri') && body.get('redirect_uri') !== rec.redirectUri) return bad('redirect_uri mismatch');
      const verifier = body.get('code_verifier') || '';
      if (createHash('sha256').update(verifier).digest('base64url') !== rec.challenge) return bad('PKCE verification failed');

      return json(res, 200, {
        access_token: randomBytes(32).toString('base64url'),
        token_type: 'Bearer',
        expires_in: 300,
        id_token: await idToken(rec),
      });
    }

    if (route === 'GET /logout') {
      const to = q.get('post_logout_redirect_uri');
      const c = CLIENTS.find((x) => x.post_logout_redirect_uris?.includes(to));
      if (!to || !c) return send(res, 200, 'logged out');
      const u = new URL(to);
      if (q.has('state')) u.searchParams.set('state', q.get('state'));
      res.writeHead(302, { location: u.href });
      return res.end();
    }

    return send(res, 404, 'not found');
  }

  process.stdout.write(`ready ${issuer}\n`);
}

if (MODE === 'real') await runReal();
else if (MODE === 'rogue') await runRogue();
else {
  console.error(`unknown OIDC_MODE ${MODE} (real|rogue)`);
  process.exit(2);
}
