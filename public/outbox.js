// The outgoing queue: wellbeing entries and messages written without a
// connection wait here (IndexedDB) until the server has confirmed them.
// Shared by the page (app.js) and the service worker (Background Sync).
//
// An item: { id, owner, kind, action, fields: [[name, value], ...], createdAt, state }
// `owner` is the person's opaque offline key: one browser, two people, and
// each only ever sends and sees their own items. Items are never dropped for
// being old; they leave only when the server has answered for them.
(function (scope) {
  const DB = 'mitforlob-outbox';
  const STORE = 'items';

  function open() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  async function tx(mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const result = work(t.objectStore(STORE));
      t.oncomplete = () => {
        db.close();
        resolve(result && 'result' in result ? result.result : undefined);
      };
      t.onerror = () => reject(t.error);
    });
  }

  const add = (item) => tx('readwrite', (s) => s.put(item));
  const remove = (id) => tx('readwrite', (s) => s.delete(id));
  const all = () => tx('readonly', (s) => s.getAll());
  const mine = async (owner) => (await all()).filter((i) => i.owner === owner);

  async function removeAll(owner) {
    for (const item of await mine(owner)) await remove(item.id);
  }

  // One send. Answers 'sent' (the server stored it or already had it),
  // 'refused' (the server said why, on the page it sent us to), 'login'
  // (the session ended: kept until the person logs in again) or 'retry'.
  async function send(item) {
    let res;
    try {
      res = await fetch(item.action, {
        method: 'POST',
        body: new URLSearchParams(item.fields),
        credentials: 'same-origin',
        // As a plain form would: the server answers with the page to show.
        headers: { Accept: 'text/html' },
      });
    } catch (err) {
      return { outcome: 'retry' };
    }
    const url = new URL(res.url);
    if (url.pathname === '/login' || url.searchParams.get('error') === 'error.not_logged_in') {
      return { outcome: 'login' };
    }
    if (!res.ok) return { outcome: 'retry' };
    // The refusal's page, as rendered: it holds the kept text, which the
    // server hands out once.
    if (url.searchParams.has('error')) return { outcome: 'refused', url: res.url, html: await res.text() };
    return { outcome: 'sent', url: res.url };
  }

  let flushing = null;

  // Sends the owner's items in the order they were written. The same
  // idempotency key travels with every try, so a retry never stores twice.
  // `canShowRefusal`: only a page can show the person why the server refused
  // an item (the service worker keeps such an item for the next page).
  function flush(owner, { canShowRefusal = true } = {}) {
    if (!owner) return Promise.resolve([]);
    // A pass under way may have started before the newest item: go again after it.
    if (flushing) return flushing.then(() => flush(owner, { canShowRefusal }));
    // One sender at a time across the page and the service worker (Web Locks),
    // so an item is never in flight twice and a refusal's page is seen once.
    const exclusive = (work) =>
      scope.navigator && scope.navigator.locks ? scope.navigator.locks.request('mitforlob-outbox', work) : work();
    flushing = exclusive(async () => {
      const results = [];
      const items = (await mine(owner)).sort((a, b) => a.createdAt - b.createdAt);
      for (const item of items) {
        const result = await send(item);
        if (result.outcome === 'sent' || (result.outcome === 'refused' && canShowRefusal)) {
          await remove(item.id);
        } else {
          item.state = result.outcome;
          item.tries = (item.tries || 0) + 1;
          await add(item);
        }
        results.push({ item, ...result });
        // The connection is gone again: the rest waits for the next chance.
        if (result.outcome === 'retry' || result.outcome === 'login') break;
      }
      return results;
    }).finally(() => {
      flushing = null;
    });
    return flushing;
  }

  scope.MitOutbox = { add, remove, mine, removeAll, flush, send };
})(self);
