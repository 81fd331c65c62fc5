// The small part of Mit Forløb that needs a browser but not the WebAssembly:
// the service worker, the outgoing queue, "new version", the install hint,
// the idle-session warning (and keeping what was typed) and a clean logout. Every text it shows comes from the page (translated on the
// server); without this script every form still posts as usual.
/* global MitOutbox */
(() => {
  'use strict';
  // What the server and this script agree on (names, keys, answers): the
  // server writes it before this script (app/src/pwa/scripts.rs).
  const contract = self.MITFORLOB;
  const owner = document.querySelector(`meta[name="${contract.ownerMeta}"]`)?.content || null;
  // Looked up each time: a refusal's page may have replaced the body.
  const outboxPanel = () => document.getElementById('outbox');
  // A form of this page is being sent: its own outcome decides what to show.
  let submitting = false;
  // A count in words: the page gives both forms (Danish and English agree:
  // the singular is exactly 1), so "1 things" is never shown.
  const plural = (one, other, count) => (count === 1 ? one : other).replace('{count}', String(count));

  // Dates as the server writes them ("onsdag 2. december 2026 kl. 13.00"):
  // the page's own templates (from the translation files, on the offline
  // banner), with the browser's names for weekdays and months.
  function dateTimeWords(ms) {
    const t = document.querySelector('[data-offline-banner]')?.dataset || {};
    const lang = document.documentElement.lang === 'en' ? 'en-GB' : 'da-DK';
    const parts = {};
    for (const p of new Intl.DateTimeFormat(lang, {
      timeZone: 'Europe/Copenhagen',
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(new Date(ms)))
      parts[p.type] = p.value;
    if (!t.dateTime || !t.date || !t.time) return new Date(ms).toLocaleString(lang);
    const date = t.date.replace('{day}', parts.day).replace('{month}', parts.month).replace('{year}', parts.year);
    const time = t.time.replace('{hour}', String(Number(parts.hour))).replace('{minute}', parts.minute);
    return t.dateTime.replace('{weekday}', parts.weekday).replace('{date}', date).replace('{time}', time);
  }

  // ---- Service worker and "new version" --------------------------------------

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register(contract.files.worker, { scope: '/' }).then(watchForUpdate, () => {});
    let reloading = false;
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      // Only a reload the person asked for ("Genindlæs"), never a surprise one.
      if (sessionStorage.getItem('mitforlob-update') && !reloading) {
        reloading = true;
        sessionStorage.removeItem('mitforlob-update');
        location.reload();
      }
    });
  }

  function watchForUpdate(reg) {
    const offer = (worker) => {
      const banner = document.getElementById('update-banner');
      if (!banner || !navigator.serviceWorker.controller) return;
      banner.hidden = false;
      banner.querySelector('button').addEventListener('click', () => {
        sessionStorage.setItem('mitforlob-update', '1');
        worker.postMessage({ type: 'skip-waiting' });
      });
    };
    if (reg.waiting) offer(reg.waiting);
    reg.addEventListener('updatefound', () => {
      const worker = reg.installing;
      worker?.addEventListener('statechange', () => {
        if (worker.state === 'installed') offer(worker);
      });
    });
    // A long-open app looks for a new version now and then.
    setInterval(() => reg.update().catch(() => {}), 60 * 60 * 1000);
  }

  // ---- Character counters --------------------------------------------------------

  // A field with a limit names its counter (`data-counter`); the counter
  // holds the limit and its words. Nothing is cut: over the limit it says by
  // how much, and the server refuses the form with the limit in its error.
  document.addEventListener('input', (event) => {
    const id = event.target?.dataset?.counter;
    const counter = id && document.getElementById(id);
    if (!counter) return;
    // As the server counts: characters, a line break as one.
    const count = [...event.target.value.replace(/\r/g, '')].length;
    const max = Number(counter.dataset.max);
    const words = count > max ? counter.dataset.over : counter.dataset.within;
    counter.textContent = words
      .replace('{used}', String(count))
      .replace('{max}', String(max))
      .replace('{over}', String(count - max));
    counter.classList.toggle('counter-over', count > max);
  });

  // ---- Online / offline --------------------------------------------------------

  const banner = document.querySelector('[data-offline-banner]');
  const loadedAt = Date.now();
  // The banner says, in a sentence, which page this is and from when: the
  // time the kept copy was fetched, or when this page was loaded.
  function bannerSentence() {
    const sentence = banner.querySelector('[data-offline-sentence]');
    const fetched = Number(banner.dataset.fetched) || loadedAt;
    const page = document.title.split(' · ').slice(0, -1).join(' · ') || document.title;
    if (sentence && banner.dataset.text) {
      sentence.textContent = banner.dataset.text.replace('{page}', page).replace('{time}', dateTimeWords(fetched));
    }
  }
  function showConnection() {
    if (!banner) return;
    if (!banner.hasAttribute('data-served-offline')) banner.hidden = navigator.onLine;
    if (!banner.hidden) bannerSentence();
  }
  window.addEventListener('online', () => {
    showConnection();
    flush();
  });
  window.addEventListener('offline', showConnection);
  showConnection();

  // ---- Whose browser this is ---------------------------------------------------

  // Drafts in localStorage carry no owner in their key; this says whose they are.
  const DRAFTS_OWNER = 'mitforlob-owner';
  // A refused item's fields, kept until the page with its form shows them.
  const RESTORE = `${contract.draftPrefix}refused`;
  const isDraft = (key) => key.startsWith(contract.draftPrefix);
  const hasStorage = 'indexedDB' in window;

  function removeDrafts() {
    for (const key of Object.keys(localStorage)) {
      if (isDraft(key)) localStorage.removeItem(key);
    }
  }

  // At once, before the message field wakes up and reads its draft: another
  // person's drafts never reach this person's forms.
  if (owner) {
    const before = localStorage.getItem(DRAFTS_OWNER);
    if (before && before !== owner) removeDrafts();
    localStorage.setItem(DRAFTS_OWNER, owner);
  }

  // ---- The idle session: a warning that is seen, and nothing typed lost -------

  // The server ends a session after a while without a request. The page
  // carries the warning (hidden, in the person's words) and the idle time;
  // the clock runs from the last page or "stay" in any of the person's tabs.
  const SEEN = 'mitforlob-session-seen';
  // What a page's forms held when its session ended, or when one was sent:
  // put back on that page after logging in again. A draft: another person
  // logging in, or logging out, deletes it.
  const KEPT = `${contract.draftPrefix}kept:`;
  // This tab is on its way back to a kept page (sessionStorage).
  const RESUME = 'mitforlob-resume';
  // Never kept: secrets, the form's own keys, buttons.
  const NOT_KEPT = ['password', 'hidden', 'submit', 'button', 'reset', 'file', 'image'];

  function keptRecords() {
    const records = [];
    for (const key of Object.keys(localStorage)) {
      if (!key.startsWith(KEPT)) continue;
      try {
        records.push({ ...JSON.parse(localStorage.getItem(key)), key });
      } catch {
        localStorage.removeItem(key);
      }
    }
    return records.sort((a, b) => b.at - a.at);
  }

  const keepable = (form) =>
    form.method === 'post' && !form.hasAttribute('data-logout') && !form.classList.contains('lang-form');
  // Which form it was: its address and fixed fields (a reply's thread).
  const fixedFields = (form) =>
    [...form.querySelectorAll('input[type="hidden"]')]
      .filter((h) => h.name !== 'form_key')
      .map((h) => [h.name, h.value]);

  // A form's fields; whether anything differs from how the page came; and
  // whether it holds any written words.
  function fieldsOf(form) {
    const fields = [];
    let changed = false;
    let words = false;
    for (const el of form.elements) {
      if (!el.name || el.disabled || NOT_KEPT.includes(el.type)) continue;
      if (el.type === 'radio' || el.type === 'checkbox') {
        changed ||= el.checked !== el.defaultChecked;
        if (el.checked) fields.push([el.name, el.value]);
      } else if (el.tagName === 'SELECT') {
        // With no option marked, the first one is the page's own choice.
        const initial = Math.max(
          0,
          [...el.options].findIndex((o) => o.defaultSelected),
        );
        changed ||= el.multiple
          ? [...el.options].some((o) => o.selected !== o.defaultSelected)
          : el.selectedIndex !== initial;
        for (const o of el.selectedOptions) fields.push([el.name, o.value]);
      } else {
        changed ||= el.value !== el.defaultValue;
        words ||= el.value.trim() !== '';
        fields.push([el.name, el.value]);
      }
    }
    return { fields, changed, words };
  }

  // A refused form came back with what was typed in it: that counts as typed.
  const refused = /[?&]error=/.test(location.search);

  // Keeps the forms of this page someone has typed in (and `sent`, a form
  // with words in it on its way to a server that may no longer know them).
  function keepTyped(sent) {
    const forms = [];
    for (const form of document.forms) {
      if (!keepable(form)) continue;
      const { fields, changed, words } = fieldsOf(form);
      if (changed || (words && (form === sent || refused))) {
        forms.push({
          action: form.getAttribute('action'),
          fixed: fixedFields(form),
          draftKey: form.dataset.draftKey || null,
          fields,
        });
      }
    }
    if (forms.length === 0) return;
    localStorage.setItem(KEPT + location.pathname, JSON.stringify({ path: location.pathname, at: Date.now(), forms }));
  }

  function putBack(record) {
    let any = false;
    for (const kept of record.forms) {
      const same = (f) =>
        f.getAttribute('action') === kept.action &&
        kept.fixed.every(([k, v]) =>
          [...f.querySelectorAll('input[type="hidden"]')].some((h) => h.name === k && h.value === v),
        );
      const form = [...document.forms].find(same);
      if (!form) continue;
      const used = {};
      for (const el of form.elements) {
        if (!el.name || NOT_KEPT.includes(el.type)) continue;
        const values = kept.fields.filter(([k]) => k === el.name).map(([, v]) => v);
        if (el.type === 'radio' || el.type === 'checkbox') el.checked = values.includes(el.value);
        else if (el.tagName === 'SELECT') for (const o of el.options) o.selected = values.includes(o.value);
        else {
          const nth = (used[el.name] ?? -1) + 1;
          used[el.name] = nth;
          if (nth < values.length) el.value = values[nth];
        }
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }
      any = true;
    }
    return any;
  }

  if (owner) {
    // A page from the server: the session is alive from now.
    localStorage.setItem(SEEN, String(Date.now()));
    const kept = keptRecords();
    const resume = sessionStorage.getItem(RESUME);
    const here = kept.find((r) => r.path === location.pathname);
    if (resume && here) {
      localStorage.removeItem(here.key);
      sessionStorage.removeItem(RESUME);
      if (putBack(here)) {
        const told = document.getElementById('session-restored');
        if (told) {
          told.hidden = false;
          told.focus();
        }
      }
    } else if (resume === '1' && kept.length > 0) {
      // Logged in again: back to the page that was being written on (once).
      sessionStorage.setItem(RESUME, 'going');
      location.replace(kept[0].path);
    } else {
      // A page reached with the session alive: what a form sent was received
      // (or refused, and the server keeps that), so nothing waits here.
      sessionStorage.removeItem(RESUME);
      for (const r of kept) localStorage.removeItem(r.key);
    }
  } else if (keptRecords().length > 0) {
    // The login page, say: after logging in, back to what was kept.
    sessionStorage.setItem(RESUME, '1');
  }

  const warning = document.getElementById('session-warning');
  const ended = document.getElementById('session-ended');
  if (owner && warning && ended && typeof warning.showModal === 'function') watchSession();

  function watchSession() {
    const idle = Number(warning.dataset.idleMs);
    // (A session shorter than the warning is long is warned about halfway.)
    const warnBefore = Math.min(Number(warning.dataset.warnMs), idle / 2);
    const status = document.getElementById('session-status');
    const lastSeen = () => Math.max(Number(localStorage.getItem(SEEN)) || 0, loadedAt);
    let state = 'alive';
    let returnTo = null;

    function check() {
      const left = lastSeen() + idle - Date.now();
      if (state === 'ended') {
        // Another tab stayed or logged in again: this one is alive too.
        if (left > 0) {
          state = 'alive';
          sessionStorage.removeItem(RESUME);
          ended.close();
        }
      } else if (left <= 0) {
        end();
      } else if (left <= warnBefore) {
        if (state !== 'warned') warn();
      } else if (state === 'warned') {
        state = 'alive';
        close();
      }
    }

    // A modal dialog: in view wherever the page is scrolled, and it takes focus.
    function warn() {
      state = 'warned';
      keepTyped();
      returnTo = document.activeElement;
      warning.showModal();
      warning.querySelector('[data-session-stay]').focus();
    }

    function close() {
      if (warning.open) warning.close();
      const back = returnTo?.isConnected ? returnTo : document.getElementById('main');
      back?.focus();
      returnTo = null;
    }

    async function stay() {
      let res;
      try {
        res = await fetch('/api/keep-alive', {
          method: 'POST',
          body: new URLSearchParams(),
          credentials: 'same-origin',
          headers: { Accept: 'application/json' },
        });
      } catch {
        return; // No connection: the warning stays, and "stay" can be tried again.
      }
      if (!res.ok) {
        // The server no longer knows this session; anything else (a server in
        // trouble) leaves the warning up to be tried again.
        if ((await res.text().catch(() => '')).includes(contract.notLoggedIn)) end();
        return;
      }
      localStorage.setItem(SEEN, String(Date.now()));
      state = 'alive';
      close();
      if (status) status.textContent = status.dataset.extended;
    }

    function end() {
      state = 'ended';
      keepTyped();
      sessionStorage.setItem(RESUME, '1');
      if (warning.open) warning.close();
      returnTo = null;
      if (!ended.open) ended.showModal();
      ended.querySelector('a').focus();
    }

    warning.querySelector('[data-session-stay]').addEventListener('click', stay);
    // Escape: the person is here, which is what "stay" says.
    warning.addEventListener('cancel', (event) => {
      event.preventDefault();
      stay();
    });
    // Checked often rather than timed once: a phone asleep runs no timers.
    setInterval(check, 5000);
    document.addEventListener('visibilitychange', check);
    window.addEventListener('storage', (event) => {
      if (event.key === SEEN) check();
    });
    // Typed after the end: kept when the page goes.
    window.addEventListener('pagehide', () => {
      if (state === 'ended') keepTyped();
    });
    check();
  }

  // A form sent to a server that may have ended the session: its fields are
  // kept until the next page shows whether the server still knew this person
  // (a page while logged in: dropped; the login page: put back after it).
  // The outgoing queue keeps its own forms.
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!owner || !(form instanceof HTMLFormElement) || !keepable(form)) return;
    if (form.dataset.outbox && hasStorage) return;
    keepTyped(form);
  });

  // This person logged in: whatever the one before left unsent (they were told
  // on the login page) leaves the browser, with any page kept for them.
  async function forgetOthers() {
    for (const item of await MitOutbox.others(owner).catch(() => [])) await MitOutbox.remove(item.id);
    if (!('caches' in window)) return;
    for (const name of await caches.keys()) {
      if (name.startsWith('pages-') && name !== `pages-${owner}`) await caches.delete(name);
    }
  }

  // Nobody is logged in (the login page, say), yet this browser holds unsent
  // words of someone: say how many, never what, and let them be deleted.
  async function showHeld() {
    const section = document.getElementById('held');
    // Offline, this may be the kept "you are offline" page shown to the writer.
    if (!section || !navigator.onLine) return;
    const items = hasStorage ? await MitOutbox.all().catch(() => []) : [];
    // A page kept when its session ended holds its message field too: one thing.
    const named = new Set(keptRecords().flatMap((r) => r.forms.map((f) => f.draftKey)));
    const drafts = Object.keys(localStorage).filter(
      (k) => isDraft(k) && k !== RESTORE && !named.has(k) && localStorage.getItem(k).trim(),
    );
    let restore = null;
    try {
      restore = JSON.parse(localStorage.getItem(RESTORE) || 'null');
    } catch {
      restore = null;
    }
    // A refused message's text is also its draft: one thing, counted once.
    const count = items.length + drafts.length + (restore && !restore.draftKey ? 1 : 0);
    if (count === 0) return;
    section.querySelector('[data-held-text]').textContent = plural(
      section.dataset.textOne,
      section.dataset.text,
      count,
    );
    section.hidden = false;
    section.querySelector('[data-held-delete]').addEventListener('click', async (event) => {
      event.target.disabled = true;
      try {
        for (const item of await MitOutbox.all()) await MitOutbox.remove(item.id);
      } catch {
        // Nothing stored, nothing to delete.
      }
      removeDrafts();
      localStorage.removeItem(DRAFTS_OWNER);
      section.querySelector('[data-held-text]').textContent = section.dataset.deleted;
      event.target.hidden = true;
    });
  }

  // ---- The outgoing queue ------------------------------------------------------

  let restoredHere = false;
  if (owner && hasStorage) {
    restoredHere = restoreRefused();
    document.addEventListener('submit', onSubmit);
    forgetOthers()
      .then(() => render())
      .then(flush);
  } else if (!owner) {
    showHeld();
  }

  function newKey() {
    return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  }

  async function onSubmit(event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.outbox) return;
    event.preventDefault();
    if (form.dataset.busy) return; // a double tap sends once
    form.dataset.busy = '1';
    submitting = true;
    const button = event.submitter;
    const label = button?.textContent;
    if (button?.dataset.sending) button.textContent = button.dataset.sending;
    const fields = [...new FormData(form, event.submitter).entries()]
      .filter(([, v]) => typeof v === 'string')
      .map(([k, v]) => [k, k === 'form_key' ? newKey() : v]);
    // When it was written, so an entry sent tomorrow still belongs to today.
    if (form.dataset.outbox === 'wellbeing') fields.push(['written_at', String(Date.now())]);
    const item = {
      id: newKey(),
      owner,
      kind: form.dataset.outbox,
      action: form.getAttribute('action'),
      draftKey: form.dataset.draftKey || null,
      fields,
      summary: summary(form),
      createdAt: Date.now(),
      state: 'waiting',
    };
    try {
      await MitOutbox.add(item);
    } catch {
      // No storage in this browser (a private window, say): post as a plain form.
      delete form.dataset.busy;
      submitting = false;
      form.submit();
      return;
    }
    clearForm(form);
    const results = await flush();
    const mineNow = results.find((r) => r.item.id === item.id);
    delete form.dataset.busy;
    submitting = false;
    if (button && label) button.textContent = label;
    if (mineNow?.outcome === 'sent') {
      if (mineNow.url) location.assign(mineNow.url);
      else location.reload();
    } else if (mineNow?.outcome === 'refused') {
      await giveBack(mineNow);
    } else {
      outboxPanel()?.scrollIntoView({ block: 'nearest' });
      outboxPanel()?.querySelector('h2')?.focus();
    }
  }

  // What the person sees in the queue: their own words, shortened.
  function summary(form) {
    const text = form.querySelector('textarea')?.value?.trim() || '';
    return text.length > 80 ? `${text.slice(0, 80)}…` : text;
  }

  // The queue holds the text now; the form and its kept draft are done with.
  function clearForm(form) {
    const key = form.dataset.draftKey;
    if (key) localStorage.removeItem(key);
    form.reset();
    for (const field of form.querySelectorAll('textarea')) {
      field.value = '';
      field.dispatchEvent(new Event('input', { bubbles: true }));
    }
  }

  // The server refused an item for a reason the person can correct: its words
  // go back into this browser (the form's draft, and a record the form's page
  // fills in), and only then leave the queue; then the page that says why.
  async function giveBack({ item, url }) {
    const fields = item.fields.filter(([name]) => name !== 'form_key' && name !== 'written_at');
    localStorage.setItem(RESTORE, JSON.stringify({ action: item.action, draftKey: item.draftKey, fields }));
    const body = fields.find(([name]) => name === 'body');
    if (item.draftKey && body) localStorage.setItem(item.draftKey, body[1]);
    await MitOutbox.remove(item.id);
    location.assign(url);
  }

  // On the page whose form a refused item came from: the words are put back.
  function restoreRefused() {
    let record;
    try {
      record = JSON.parse(localStorage.getItem(RESTORE) || 'null');
    } catch {
      record = null;
    }
    if (!record) return false;
    const value = (name) => (record.fields.find(([k]) => k === name) || [])[1];
    // The same form: its action, and its fixed fields (a reply's thread).
    const form = [...document.querySelectorAll('form[data-outbox]')].find(
      (f) =>
        f.getAttribute('action') === record.action &&
        [...f.querySelectorAll('input[type="hidden"]')].every(
          (h) => h.name === 'form_key' || value(h.name) === h.value,
        ),
    );
    if (!form) return false;
    for (const el of form.elements) {
      if (!el.name || ['hidden', 'submit', 'button'].includes(el.type)) continue;
      const values = record.fields.filter(([k]) => k === el.name).map(([, v]) => v);
      if (el.type === 'radio' || el.type === 'checkbox') el.checked = values.includes(el.value);
      else el.value = values[0] ?? '';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }
    localStorage.removeItem(RESTORE);
    const told = document.getElementById('outbox-restored');
    if (told) told.hidden = false;
    (document.getElementById('form-error') || told)?.focus();
    return true;
  }

  function askForBackgroundSync() {
    navigator.serviceWorker?.ready.then((reg) => reg.sync?.register('outbox')).catch(() => {});
  }

  async function flush() {
    if (!owner || !hasStorage) return [];
    const results = await MitOutbox.flush(owner).catch(() => []);
    // Not sent now: the browser may send it later, even with the app closed.
    if (results.some((r) => r.outcome === 'retry' || r.outcome === 'offline')) askForBackgroundSync();
    const sent = results.filter((r) => r.outcome === 'sent').length;
    await render(sent);
    // Something written earlier was refused: its words come back, one at a
    // time (a form already filled in on this page is not taken away).
    const refused = results.find((r) => r.outcome === 'refused');
    if (refused && !submitting && !restoredHere) await giveBack(refused);
    return results;
  }

  function stateText(panel, state) {
    if (state === 'login' || state === 'owner') return panel.dataset.stateLogin;
    if (state === 'retry') return panel.dataset.stateError;
    if (state === 'refused') return panel.dataset.stateRefused;
    return panel.dataset.stateWaiting;
  }

  async function render(justSent = 0) {
    const panel = outboxPanel();
    if (!panel) return;
    const items = await MitOutbox.mine(owner).catch(() => []);
    const list = panel.querySelector('ul');
    list.replaceChildren(
      ...items
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((item) => {
          const li = document.createElement('li');
          const kind = document.createElement('strong');
          kind.textContent = panel.dataset[`kind${item.kind === 'wellbeing' ? 'Wellbeing' : 'Message'}`];
          const when = document.createElement('span');
          when.textContent = ` · ${dateTimeWords(item.createdAt)}`;
          const state = document.createElement('span');
          // Waiting is normal, not an error: only "needs correcting" asks for something.
          state.className = item.state === 'refused' ? 'status-tag needs-action' : 'status-tag waiting';
          state.textContent = stateText(panel, item.state);
          li.append(kind, when, ' ', state);
          if (item.summary) {
            const text = document.createElement('p');
            text.textContent = item.summary;
            li.append(text);
          }
          return li;
        }),
    );
    panel.hidden = items.length === 0;
    const status = document.getElementById('outbox-status');
    if (status && justSent > 0) status.textContent = plural(status.dataset.sentOne, status.dataset.sent, justSent);
  }

  // ---- Logging out: this person's pages, queue and drafts leave the browser ----

  document.addEventListener('submit', async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-logout') || form.dataset.cleared) return;
    event.preventDefault();
    const waiting = owner && hasStorage ? await MitOutbox.mine(owner).catch(() => []) : [];
    if (waiting.length > 0 && !window.confirm(form.dataset.warnQueue)) return;
    try {
      if (owner && hasStorage) await MitOutbox.removeAll(owner);
      removeDrafts();
      localStorage.removeItem(DRAFTS_OWNER);
      for (const name of await caches.keys()) {
        if (name.startsWith('pages-') || name === 'meta') await caches.delete(name);
      }
    } catch {
      // Logging out must never be blocked by a clean-up that failed.
    }
    form.dataset.cleared = '1';
    form.submit();
  });

  // ---- Notifications ("Mig") ---------------------------------------------------

  const pushSection = document.getElementById('notifications');
  if (pushSection) setUpPush(pushSection);

  async function setUpPush(section) {
    const status = section.querySelector('[data-push-status]');
    const on = section.querySelector('[data-push-on]');
    const off = section.querySelector('[data-push-off]');
    const say = (text) => {
      status.textContent = text;
    };
    if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
      say(section.dataset.unsupported);
      return;
    }
    const reg = await navigator.serviceWorker.ready;
    const show = async () => {
      const sub = await reg.pushManager.getSubscription();
      on.hidden = Boolean(sub);
      off.hidden = !sub;
    };
    await show();
    on.addEventListener('click', async () => {
      try {
        if ((await Notification.requestPermission()) !== 'granted') {
          say(section.dataset.denied);
          return;
        }
        const sub = await reg.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: fromBase64Url(section.dataset.publicKey),
        });
        const keys = sub.toJSON().keys || {};
        await post('/api/push-subscribe', { endpoint: sub.endpoint, p256dh: keys.p256dh, auth: keys.auth });
        say(section.dataset.on);
      } catch {
        say(section.dataset.failed);
      }
      await show();
    });
    off.addEventListener('click', async () => {
      const sub = await reg.pushManager.getSubscription();
      if (sub) {
        await post('/api/push-unsubscribe', { endpoint: sub.endpoint }).catch(() => {});
        await sub.unsubscribe().catch(() => {});
      }
      say(section.dataset.off);
      await show();
    });
  }

  async function post(url, fields) {
    const res = await fetch(url, {
      method: 'POST',
      body: new URLSearchParams(fields),
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    if (!res.ok) throw new Error(String(res.status));
  }

  function fromBase64Url(text) {
    const base64 = (text + '='.repeat((4 - (text.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  }

  // ---- "Installer på hjemmeskærmen" --------------------------------------------

  const hint = document.getElementById('install-hint');
  const DISMISSED = 'mitforlob-install-dismissed';
  const installed = window.matchMedia('(display-mode: standalone)').matches || navigator.standalone;
  if (hint && !installed && !localStorage.getItem(DISMISSED)) {
    const ios = /iphone|ipad|ipod/i.test(navigator.userAgent);
    hint.querySelector('[data-dismiss]').addEventListener('click', () => {
      localStorage.setItem(DISMISSED, '1');
      hint.hidden = true;
    });
    if (ios) {
      hint.querySelector('[data-ios-steps]').hidden = false;
      hint.hidden = false;
    }
    window.addEventListener('beforeinstallprompt', (event) => {
      event.preventDefault();
      const button = hint.querySelector('[data-install]');
      button.hidden = false;
      hint.hidden = false;
      button.addEventListener(
        'click',
        async () => {
          event.prompt();
          await event.userChoice.catch(() => null);
          hint.hidden = true;
        },
        { once: true },
      );
    });
    window.addEventListener('appinstalled', () => {
      hint.hidden = true;
    });
  }
})();
