#!/usr/bin/env node
// Self-test for provider.mjs: drives the whole authorization code + PKCE flow
// with plain fetch and a hand-rolled cookie jar (no browser), like the Rust
// integration tests do with reqwest. Exits non-zero on the first failure.
//
//   node end2end/oidc/selftest.mjs

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import * as jose from 'jose';

const PROVIDER = new URL('./provider.mjs', import.meta.url).pathname;
const REDIRECT = 'http://127.0.0.1:3100/auth/oidc/callback';
const POST_LOGOUT = 'http://127.0.0.1:3100/login';
const ACR_SUBSTANTIAL = 'https://data.gov.dk/concept/core/nsis/substantial';

// A private_key_jwt client with an ES256 key, as the Rust side will use.
const { privateKey: clientKey, publicKey: clientPub } = await jose.generateKeyPair('ES256', { extractable: true });
const clientJwk = { ...(await jose.exportJWK(clientPub)), kid: 'client-key-1' }; // no alg/use needed

const CLIENTS = [
  {
    client_id: 'mitforlob', client_secret: 'hemmeligt', token_endpoint_auth_method: 'client_secret_basic',
    redirect_uris: [REDIRECT], post_logout_redirect_uris: [POST_LOGOUT],
  },
  {
    client_id: 'mitforlob-pkjwt', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [clientJwk] },
    redirect_uris: [REDIRECT], post_logout_redirect_uris: [POST_LOGOUT],
  },
];

function assert(cond, msg) {
  if (!cond) throw new Error(`FAILED: ${msg}`);
  console.log(`ok - ${msg}`);
}

const children = [];
async function start(mode, extraEnv = {}) {
  const child = spawn(process.execPath, [PROVIDER], {
    env: { ...process.env, OIDC_MODE: mode, OIDC_PORT: '0', OIDC_CLIENTS: JSON.stringify(CLIENTS), ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout });
  const issuer = await new Promise((resolve, reject) => {
    lines.on('line', (line) => { if (line.startsWith('ready ')) resolve(line.slice(6)); });
    child.on('exit', (code) => reject(new Error(`${mode} provider exited early (${code})`)));
  });
  return { child, issuer };
}

async function stop(child) {
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  const code = await exited;
  assert(code === 0, `provider exited cleanly on SIGTERM (code ${code})`);
}

// Minimal cookie jar: name -> { value, path }; host is always 127.0.0.1:<port>.
class Jar {
  cookies = new Map();

  store(res) {
    for (const sc of res.headers.getSetCookie()) {
      const [pair, ...attrs] = sc.split(';').map((s) => s.trim());
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const path = attrs.find((a) => /^path=/i.test(a))?.slice(5) || '/';
      const expired = attrs.some((a) => /^expires=/i.test(a) && new Date(a.slice(8)) < new Date())
        || attrs.some((a) => /^max-age=(0|-)/i.test(a));
      const key = `${name};${path}`;
      if (expired || value === '') this.cookies.delete(key);
      else this.cookies.set(key, { name, value, path });
    }
  }

  header(url) {
    const { pathname } = new URL(url);
    return [...this.cookies.values()]
      .filter((c) => pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`).join('; ');
  }
}

// fetch without automatic redirects, with the jar.
async function req(jar, url, { method = 'GET', body, headers = {} } = {}) {
  const res = await fetch(url, {
    method, body, redirect: 'manual', headers: { ...headers, cookie: jar.header(url) },
  });
  jar.store(res);
  return res;
}

// Follow 30x redirects on the provider until one points at the client's callback
// (or a non-redirect response arrives). Returns { res, url } of the last hop.
async function follow(jar, res, url, stopAt) {
  while ([302, 303].includes(res.status)) {
    const next = new URL(res.headers.get('location'), url).href;
    console.log(`   -> ${res.status} ${next}`);
    if (next.startsWith(stopAt)) return { res, url: next };
    url = next;
    res = await req(jar, url);
  }
  return { res, url };
}

const b64url = (buf) => buf.toString('base64url');

function authUrl(issuer, clientId, extra = {}) {
  const verifier = b64url(randomBytes(32));
  const state = b64url(randomBytes(12));
  const nonce = b64url(randomBytes(12));
  const u = new URL(`${issuer}/auth`);
  u.search = new URLSearchParams({
    response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, scope: 'openid profile email',
    state, nonce, code_challenge: b64url(createHash('sha256').update(verifier).digest()), code_challenge_method: 'S256',
    ...extra,
  });
  return { url: u.href, verifier, state, nonce };
}

// The whole dance. `login` = { login, acr } form values, or null if a session
// already exists and no login form is expected.
async function dance(jar, issuer, { clientId = 'mitforlob', login, authPath = '/auth' } = {}) {
  const a = authUrl(issuer, clientId);
  a.url = a.url.replace('/auth?', `${authPath}?`);
  let { res, url } = await follow(jar, await req(jar, a.url), a.url, REDIRECT);

  if (login) {
    assert(res.status === 200 && /\/interaction\/[^/]+$/.test(url), `login page shown at ${new URL(url).pathname}`);
    const html = await res.text();
    assert(html.includes('lang="da"') && html.includes('<label for="login">Brugernavn</label>')
      && html.includes('Sikringsniveau') && html.includes('Log ind'), 'login page has Danish labelled form');
    const action = new URL(html.match(/action="([^"]+)"/)[1], url).href;
    res = await req(jar, action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(login).toString(),
    });
    ({ res, url } = await follow(jar, res, action, REDIRECT));
  }

  const cb = new URL(res.headers.get('location') || 'http://x/', url);
  assert(cb.href.startsWith(REDIRECT), `redirected to client callback (${res.status})`);
  assert(cb.searchParams.get('state') === a.state, 'state echoed');
  const code = cb.searchParams.get('code');
  assert(code, 'got an authorization code');
  return { ...a, code };
}

async function tokenRequest(issuer, { code, verifier, clientId = 'mitforlob' }) {
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (clientId === 'mitforlob') {
    headers.authorization = `Basic ${Buffer.from('mitforlob:hemmeligt').toString('base64')}`;
  } else {
    body.set('client_id', clientId);
    body.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    body.set('client_assertion', await new jose.SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: clientJwk.kid })
      .setIssuer(clientId).setSubject(clientId).setAudience(`${issuer}/token`)
      .setJti(b64url(randomBytes(16))).setIssuedAt().setExpirationTime('60s')
      .sign(clientKey));
  }
  const res = await fetch(`${issuer}/token`, { method: 'POST', headers, body });
  return { status: res.status, json: await res.json() };
}

async function verify(issuer, idToken) {
  const jwks = jose.createLocalJWKSet(await (await fetch(`${issuer}/jwks`)).json());
  return (await jose.jwtVerify(idToken, jwks, { issuer })).payload;
}

const kidsOf = async (issuer) => (await (await fetch(`${issuer}/jwks`)).json()).keys.map((k) => k.kid);

async function testReal() {
  console.log('# real mode');
  const keysFile = join(mkdtempSync(join(tmpdir(), 'oidc-selftest-')), 'keys.json');
  const { child, issuer } = await start('real', { OIDC_KEYS_FILE: keysFile, OIDC_ID_TOKEN_TTL: '600' });
  const disco = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  assert(disco.issuer === issuer && disco.end_session_endpoint === `${issuer}/session/end`, 'discovery has issuer and end_session_endpoint');

  const jar = new Jar();
  const a = await dance(jar, issuer, { login: { login: 'anna', acr: ACR_SUBSTANTIAL } });
  const t = await tokenRequest(issuer, a);
  assert(t.status === 200 && t.json.id_token, `token endpoint (client_secret_basic) returned an ID token`);
  const claims = await verify(issuer, t.json.id_token);
  console.log('   ID token claims:', JSON.stringify(claims));
  assert(claims.sub === 'anna' && claims.aud === 'mitforlob' && claims.nonce === a.nonce, 'sub, aud, nonce');
  assert(claims.acr === ACR_SUBSTANTIAL, 'acr claim present');
  assert(claims.email === 'anna@test.invalid' && claims.email_verified === true, 'email claims');
  assert(claims.exp - claims.iat === 600, 'OIDC_ID_TOKEN_TTL honoured');
  const reuse = await tokenRequest(issuer, a);
  assert(reuse.status === 400 && reuse.json.error === 'invalid_grant', 'reused code rejected');

  // PKCE is enforced: an authorization request without code_challenge fails.
  const noPkce = new URL(authUrl(issuer, 'mitforlob').url);
  noPkce.searchParams.delete('code_challenge');
  noPkce.searchParams.delete('code_challenge_method');
  const np = await fetch(noPkce, { redirect: 'manual' });
  assert(/error=invalid_request/.test(np.headers.get('location') || ''), 'authorization without PKCE rejected');

  // Second client (private_key_jwt, ES256 assertion); existing session -> no login form.
  const b = await dance(jar, issuer, { clientId: 'mitforlob-pkjwt', login: null });
  const tb = await tokenRequest(issuer, { ...b, clientId: 'mitforlob-pkjwt' });
  assert(tb.status === 200 && tb.json.id_token, 'token endpoint (private_key_jwt ES256) returned an ID token');
  const claimsB = await verify(issuer, tb.json.id_token);
  assert(claimsB.sub === 'anna' && claimsB.aud === 'mitforlob-pkjwt', 'SSO session reused for second client');

  // No acr: fresh jar = fresh session, login with "Intet".
  const c = await dance(new Jar(), issuer, { login: { login: 'bo@example.dk', acr: '' } });
  const claimsC = await verify(issuer, (await tokenRequest(issuer, c)).json.id_token);
  assert(!('acr' in claimsC) && claimsC.email === 'bo@example.dk', 'no acr claim when "Intet" chosen');

  // RP-initiated logout (before rotation: id_token_hint must verify with current keys).
  const endUrl = `${issuer}/session/end?${new URLSearchParams({
    id_token_hint: t.json.id_token, post_logout_redirect_uri: POST_LOGOUT, state: 'bye',
  })}`;
  let res = await req(jar, endUrl);
  assert(res.status === 303 && res.headers.get('location') === `${POST_LOGOUT}?state=bye`,
    'GET end_session redirects straight to post_logout_redirect_uri (auto-confirmed)');
  assert(![...jar.cookies.values()].some((c) => c.name === '_session'), '_session cookie cleared');
  await dance(jar, issuer, { login: { login: 'anna', acr: ACR_SUBSTANTIAL } }); // asserts the login form is shown again

  // Key rotation.
  const before = await kidsOf(issuer);
  const rot = await fetch(`${issuer}/test/rotate`, { method: 'POST' });
  assert(rot.status === 204, 'POST /test/rotate -> 204');
  const after = await kidsOf(issuer);
  assert(after.length === 1 && !before.includes(after[0]), `jwks kid changed (${before} -> ${after})`);
  // The OP session survives rotation (shared storage): no login form this time.
  const d = await dance(jar, issuer, { login: null });
  const td = await tokenRequest(issuer, d);
  assert(jose.decodeProtectedHeader(td.json.id_token).kid === after[0], 'new ID tokens carry the new kid');
  const claimsD = await verify(issuer, td.json.id_token);
  assert(claimsD.acr === ACR_SUBSTANTIAL, 'session (and its acr) survived rotation');

  // An id_token_hint signed with the old key no longer validates after rotation...
  res = await req(jar, `${issuer}/session/end?${new URLSearchParams({ id_token_hint: t.json.id_token, post_logout_redirect_uri: POST_LOGOUT })}`);
  assert(res.status === 400, 'old id_token_hint rejected after rotation');
  // ...but logout by client_id works.
  res = await req(jar, `${issuer}/session/end?${new URLSearchParams({ client_id: 'mitforlob', post_logout_redirect_uri: POST_LOGOUT })}`);
  assert(res.status === 303 && res.headers.get('location') === POST_LOGOUT, 'logout with client_id after rotation');
  await dance(jar, issuer, { login: { login: 'anna', acr: ACR_SUBSTANTIAL } }); // logged out: form again


  await stop(child);
}

async function testRogue() {
  console.log('# rogue mode');
  const { child, issuer } = await start('rogue');
  const disco = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  assert(disco.issuer === issuer && disco.authorization_endpoint === `${issuer}/authorize`, 'rogue discovery');

  const setFault = (fault) => fetch(`${issuer}/test/fault`, { method: 'POST', body: JSON.stringify({ fault, sub: 'rogue-anna' }) });
  assert((await setFault('expired')).status === 204, 'fault set to expired');
  const jar = new Jar();
  const a = await dance(jar, issuer, { authPath: '/authorize', login: null });
  const t = await tokenRequest(issuer, a);
  assert(t.status === 200, 'rogue token endpoint answered');
  const claims = jose.decodeJwt(t.json.id_token);
  console.log('   rogue ID token claims:', JSON.stringify(claims));
  assert(claims.exp < Date.now() / 1000 && claims.sub === 'rogue-anna', 'rogue ID token is expired');
  const reuse = await tokenRequest(issuer, a);
  assert(reuse.status === 400 && reuse.json.error === 'invalid_grant', 'rogue rejects reused code');

  const b = await dance(jar, issuer, { authPath: '/authorize', login: null });
  const bad = await tokenRequest(issuer, { ...b, verifier: 'wrong' });
  assert(bad.status === 400 && bad.json.error === 'invalid_grant', 'rogue checks PKCE verifier');

  await setFault('wrong-signature');
  const c = await dance(jar, issuer, { authPath: '/authorize', login: null });
  const tc = await tokenRequest(issuer, c);
  let failed = false;
  try { await verify(issuer, tc.json.id_token); } catch { failed = true; }
  assert(failed, 'wrong-signature token does not verify against /jwks');

  await setFault('none');
  const e = await dance(jar, issuer, { authPath: '/authorize', login: null });
  const ce = await verify(issuer, (await tokenRequest(issuer, e)).json.id_token);
  assert(ce.nonce === e.nonce && ce.acr === ACR_SUBSTANTIAL, 'fault none gives a valid token');

  await stop(child);
}

try {
  await testReal();
  await testRogue();
  console.log('# all passed');
} catch (err) {
  console.error(err);
  for (const c of children) c.kill('SIGTERM');
  process.exit(1);
}
