// Mit Forløb's service worker: the app shell and the last pages a citizen saw,
// for when the connection is gone, and the outgoing queue's background send.
//
// The server serves this file with two lines before it:
//   const BUILD = { version: "...", shell: ["/pkg/...", ...] };
//   self.MITFORLOB = { files: {...}, headers: {...}, ... };
// so every deployment is a new worker with its own caches, and the names
// this worker shares with the server are written once (app/src/pwa/scripts.rs).
/* global BUILD, MitOutbox */
const CONTRACT = self.MITFORLOB;
importScripts(CONTRACT.files.outbox);

const SHELL_CACHE = `shell-${BUILD.version}`;
const PAGES_PREFIX = 'pages-';
const META_CACHE = 'meta';
// Whom the last page was served to; pages are kept only for that person.
const PERSON_URL = '/__offline-person';

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) =>
      // The offline page as a guest sees it: nobody's name in a shared cache.
      cache.addAll([...BUILD.shell, new Request('/offline', { credentials: 'omit' })]),
    ),
  );
  // A first install takes over at once; an update waits for the page to say so.
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('shell-') && name !== SHELL_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

// "Ny version – genindlæs": the page asks the waiting worker to take over.
self.addEventListener('message', (event) => {
  if (event.data?.type === 'skip-waiting') self.skipWaiting();
});

// Background Sync, where the browser has it: send what waits even if the app is
// closed, but only the items of the person the last page was served to (the
// server refuses any other owner's item too, and the queue keeps it).
self.addEventListener('sync', (event) => {
  if (event.tag === 'outbox') {
    event.waitUntil(
      (async () => {
        const p = await person();
        if (!p) return;
        const results = await MitOutbox.flush(p);
        // Not all through: a failed sync is tried again later by the browser.
        if (results.some((r) => r.outcome === 'retry' || r.outcome === 'offline')) throw new Error('outbox: try later');
      })(),
    );
  }
});

// A notification says only that something is new; the server chose the words.
self.addEventListener('push', (event) => {
  let note = {};
  try {
    note = event.data ? event.data.json() : {};
  } catch {
    note = {};
  }
  event.waitUntil(
    self.registration.showNotification(note.title || 'Mit Forløb', {
      body: note.body || '',
      tag: note.tag,
      icon: CONTRACT.files.icon,
      badge: CONTRACT.files.icon,
      data: { url: note.url || '/' },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url || '/', self.location.origin);
  event.waitUntil(
    (async () => {
      for (const client of await self.clients.matchAll({ type: 'window' })) {
        if (new URL(client.url).origin === url.origin && 'focus' in client) {
          await client.navigate(url.href);
          return client.focus();
        }
      }
      return self.clients.openWindow(url.href);
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  // Live data and downloads are never served from a cache.
  if (/^\/(api|events|calendar)\//.test(url.pathname) || url.pathname.endsWith('.ics')) return;
  if (req.mode === 'navigate') {
    event.respondWith(page(event));
  } else if (url.pathname.startsWith('/pkg/')) {
    // Content-hashed names: a cached copy is always the right one.
    event.respondWith(caches.match(req).then((hit) => hit || fetchAndKeep(req, SHELL_CACHE)));
  } else {
    event.respondWith(fetchAndKeep(req, SHELL_CACHE).catch(() => caches.match(req)));
  }
});

async function fetchAndKeep(req, cacheName) {
  const res = await fetch(req);
  if (res.ok && res.type === 'basic') {
    const copy = res.clone();
    caches.open(cacheName).then((c) => c.put(req, copy));
  }
  return res;
}

// Pages: the network first; the person's own last copy when it is unreachable.
async function page(event) {
  const req = event.request;
  const url = new URL(req.url);
  try {
    const res = await fetch(req);
    if (isAppPage(res)) event.waitUntil(noteServed(url, res.clone()));
    return res;
  } catch {
    const key = await person();
    const cached = key && (await caches.match(url.pathname, { cacheName: PAGES_PREFIX + key }));
    if (cached) return withBanner(cached);
    const fallback = await caches.match('/offline');
    return fallback || Response.error();
  }
}

// One of our own pages as the server rendered it (not an error page of a
// server in trouble, not a file opened in a tab): it says whose it is.
function isAppPage(res) {
  return res.type === 'basic' && res.ok && (res.headers.get('content-type') || '').startsWith('text/html');
}

// Every page says whom it was served to (`X-Offline-Person`: anyone logged
// in; none for nobody). When that changes, the pages kept for the one before
// go at once: the next person, a staff member too, never opens them offline.
// A citizen's own page (`X-Offline-Key`) is then kept under their key.
async function noteServed(url, res) {
  const now = res.headers.get(CONTRACT.headers.person);
  if (now !== (await person())) {
    await forgetPages();
    if (now) await (await caches.open(META_CACHE)).put(PERSON_URL, new Response(now));
  }
  const key = res.headers.get(CONTRACT.headers.key);
  // A page with a one-time notice or error in its address is not "the page".
  if (!key || key !== now || res.status !== 200 || url.search) return;
  await (await caches.open(PAGES_PREFIX + key)).put(url.pathname, res);
}

// Who the last page was served to (an opaque key from the server, never a name).
async function person() {
  const res = await (await caches.open(META_CACHE)).match(PERSON_URL);
  return res ? res.text() : null;
}

async function forgetPages() {
  for (const name of await caches.keys()) {
    if (name.startsWith(PAGES_PREFIX)) await caches.delete(name);
  }
  await caches.delete(META_CACHE);
}

// Shows the page's own (translated, hidden) offline banner; app.js writes
// its sentence with the page's name and the time it was fetched.
async function withBanner(cached) {
  const html = await cached.text();
  const fetched = Date.parse(cached.headers.get('date') || '');
  const at = Number.isNaN(fetched) ? '' : ` data-fetched="${fetched}"`;
  const shown = html.replace('data-offline-banner hidden', `data-offline-banner data-served-offline${at}`);
  const headers = new Headers(cached.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');
  return new Response(shown, { status: 200, headers });
}
