// The outgoing queue: wellbeing entries and messages written without a
// connection wait here (IndexedDB) until the server has confirmed them.
// Shared by the page (app.js) and the service worker (Background Sync).
//
// An item: { id, owner, kind, action, fields: [[name, value], ...], createdAt, state }
// `owner` is the person's opaque offline key: one browser, two people, and
// each only ever sends and sees their own items. Items are never dropped for
// being old; they leave when the server has confirmed them, when a refusal's
// text is back in the form, or when the person (or the next) deletes them.
((scope) => {
  // Header names and answers, as the server wrote them before this script.
  const contract = scope.MITFORLOB;
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

  const formKey = (item) => (item.fields.find(([name]) => name === 'form_key') || [])[1];

  // One send. Answers 'sent' only when the server confirmed this item's key
  // (it stored it, now or before); 'refused' (a refusal tied to a field, which
  // the person can correct: `url` is the page that says why); 'login' (no
  // session: kept until the person logs in again); 'owner' (the session is
  // someone else's: kept, not tried again with it); 'offline' (no answer);
  // anything else (a server error, an answer we do not know) is 'retry'.
  async function send(item) {
    let res;
    try {
      res = await fetch(item.action, {
        method: 'POST',
        body: new URLSearchParams(item.fields),
        credentials: 'same-origin',
        // A redirect is never taken as an answer, let alone followed to one.
        redirect: 'manual',
        headers: {
          // Not text/html: the answer is about this item, not a page to show.
          Accept: 'application/json',
          [contract.headers.queued]: '1',
          // Whose words these are: the server stores them only for that person.
          [contract.headers.key]: item.owner,
        },
        signal: scope.AbortSignal && AbortSignal.timeout ? AbortSignal.timeout(30_000) : undefined,
      });
    } catch {
      // No connection, or no answer in time.
      return { outcome: 'offline' };
    }
    const key = formKey(item);
    const confirmed = res.headers.get(contract.headers.confirmed);
    const said = res.headers.get(contract.headers.queued);
    const where = res.headers.get('location');
    const url = where ? new URL(where, scope.location.origin).href : null;
    if (key && confirmed === key) return { outcome: 'sent', url };
    if (res.status === 401 && said === contract.queue.login) return { outcome: 'login' };
    if (res.status === 409 && said === contract.queue.notOwner) return { outcome: 'owner' };
    if (res.status === 422 && said === contract.queue.refused && url) return { outcome: 'refused', url };
    return { outcome: 'retry' };
  }

  let flushing = null;

  // Sends the owner's items in the order they were written. The same
  // idempotency key travels with every try, so a retry never stores twice.
  // Only 'sent' removes an item here; a refused item stays (state 'refused')
  // until a page has put its text back in front of the person (app.js).
  function flush(owner) {
    if (!owner) return Promise.resolve([]);
    // A pass under way may have started before the newest item: go again after it.
    if (flushing) return flushing.then(() => flush(owner));
    // One sender at a time across the page and the service worker (Web Locks),
    // so an item is never in flight twice.
    const exclusive = (work) =>
      scope.navigator?.locks ? scope.navigator.locks.request('mitforlob-outbox', work) : work();
    flushing = exclusive(async () => {
      const results = [];
      const items = (await mine(owner)).sort((a, b) => a.createdAt - b.createdAt);
      for (const item of items) {
        const result = await send(item);
        if (result.outcome === 'sent') {
          await remove(item.id);
        } else {
          item.state = result.outcome;
          item.tries = (item.tries || 0) + 1;
          await add(item);
        }
        results.push({ item, ...result });
        // The connection, the server or the session is not there for us: the
        // rest waits for the next chance.
        if (result.outcome !== 'sent' && result.outcome !== 'refused') break;
      }
      return results;
    }).finally(() => {
      flushing = null;
    });
    return flushing;
  }

  const others = async (owner) => (await all()).filter((i) => i.owner !== owner);

  scope.MitOutbox = { add, remove, all, mine, others, removeAll, flush, send };
})(self);
