// Shared pieces of every page: headers, cards, tables, pills, dialogs, notices.

import { ApiError } from './api.js';
import { clear, h, replace, titleCase } from './dom.js';

const PILL_TONES = {
  online: 'ok', succeeded: 'ok', ready: 'ok', active: 'ok', accepted: 'ok', annotated: 'ok', synced: 'ok',
  linked: 'info', running: 'info', queued: 'muted', open: 'info', annotating: 'info', pushing: 'info',
  pulling: 'info', pending: 'info', stable: 'ok',
  offline: 'warn', never_seen: 'muted', new: 'muted', expired: 'muted', used_up: 'muted', archived: 'muted',
  cancelled: 'muted', revoked: 'muted', accepted_invitation: 'ok',
  failed: 'bad', disabled: 'bad', rejected: 'bad', drift: 'bad',
  paused: 'warn', completed: 'ok', rolled_back: 'bad', superseded: 'muted',
};

export function pill(status, { testid, label } = {}) {
  const text = label ?? titleCase(status ?? 'unknown');
  return h('span', { class: `pill pill-${PILL_TONES[status] || 'muted'}`, testid: testid || 'pill' }, text);
}

// A link out of the console (Prefect, Label Studio): http(s) only, opened in a new tab; null for
// anything else (a javascript: URL in data must never become a link).
export function externalLink(url, text, testid, className) {
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) return null;
  return h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', testid, class: className }, text);
}

export function link(href, text, props = {}) {
  return h('a', { href, ...props }, text);
}

// The page's head: title, a breadcrumb trail [{href, text}], and actions on the right.
export function pageHeader(title, { crumbs = [], actions = [], subtitle } = {}) {
  return h('header', { class: 'page-header' },
    h('div', { class: 'page-title' },
      crumbs.length ? h('nav', { class: 'crumbs' }, crumbs.map((c) => [link(c.href, c.text), h('span', {}, '/')])) : null,
      h('h1', { testid: 'page-title' }, title),
      subtitle ? h('p', { class: 'subtitle' }, subtitle) : null),
    h('div', { class: 'page-actions' }, actions));
}

export function card(title, body, { actions = [], testid, wide = false, className } = {}) {
  return h('section', { class: ['card', wide && 'card-wide', className], testid },
    title ? h('div', { class: 'card-head' }, h('h2', {}, title), h('div', { class: 'card-actions' }, actions)) : null,
    h('div', { class: 'card-body' }, body));
}

export function grid(...cards) {
  return h('div', { class: 'cards' }, cards);
}

// Figures in a row: [{label, value, hint, tone}].
export function stats(items, testid = 'stats') {
  return h('div', { class: 'stats', testid },
    items.map((s) => h('div', { class: ['stat', s.tone && `stat-${s.tone}`] },
      h('div', { class: 'stat-value' }, s.value ?? '—'),
      h('div', { class: 'stat-label' }, s.label),
      s.hint ? h('div', { class: 'stat-hint' }, s.hint) : null)));
}

// Key-value pairs: [[label, value], …]; null values show as a dash.
export function kv(pairs, testid) {
  return h('dl', { class: 'kv', testid },
    pairs.filter(Boolean).map(([label, value]) => [
      h('dt', {}, label),
      h('dd', {}, value === null || value === undefined || value === '' ? '—' : value),
    ]));
}

// table(columns, rows): columns [{title, cell: row => node|text, className, align}].
export function table(columns, rows, { empty = 'Nothing here yet.', testid, rowTestid } = {}) {
  const body = h('tbody', {});
  const t = h('table', { class: 'table', testid },
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: c.align === 'right' ? 'num' : null }, c.title)))),
    body);
  appendRows(body, columns, rows, rowTestid);
  const wrap = h('div', { class: 'table-wrap' }, t);
  if (!rows.length) wrap.append(h('p', { class: 'empty', testid: 'empty' }, empty));
  wrap.addRows = (more) => {
    wrap.querySelector('.empty')?.remove();
    appendRows(body, columns, more, rowTestid);
  };
  return wrap;
}

function appendRows(body, columns, rows, rowTestid) {
  for (const row of rows) {
    body.append(h('tr', { testid: rowTestid },
      columns.map((c) => h('td', { class: [c.align === 'right' && 'num', c.className] }, c.cell(row) ?? '—'))));
  }
}

export function errorBox(err, { title = 'Something went wrong' } = {}) {
  const text = err instanceof ApiError ? err.describe() : (err?.message || String(err));
  const code = err instanceof ApiError ? `${err.code} · HTTP ${err.status}` : null;
  return h('div', { class: 'alert alert-bad', role: 'alert', testid: 'error' },
    h('strong', {}, title), h('p', {}, text), code ? h('small', { class: 'muted' }, code) : null);
}

export function notice(text, tone = 'info', testid) {
  return h('div', { class: `alert alert-${tone}`, testid }, text);
}

export function loading(text = 'Loading…') {
  return h('div', { class: 'loading', testid: 'loading' }, h('span', { class: 'spinner' }), text);
}

export function empty(text) {
  return h('p', { class: 'empty', testid: 'empty' }, text);
}

// A horizontal bar of `share` (0..1), optionally labelled.
export function bar(share, { label, tone } = {}) {
  const fill = h('span', { class: ['bar-fill', tone && `bar-${tone}`] });
  fill.style.width = `${Math.max(0, Math.min(1, share || 0)) * 100}%`;
  return h('span', { class: 'bar' }, h('span', { class: 'bar-track' }, fill), label ? h('span', { class: 'bar-label' }, label) : null);
}

export function button(text, onclick, { kind = 'primary', testid, disabled, title } = {}) {
  return h('button', { class: `btn btn-${kind}`, type: 'button', onclick, testid, disabled, title }, text);
}

export function select(options, { value, name, testid, onchange, blank } = {}) {
  const el = h('select', { name, testid, onchange },
    blank !== undefined ? h('option', { value: '' }, blank) : null,
    options.map((o) => {
      const [v, text] = Array.isArray(o) ? o : [o, titleCase(o)];
      return h('option', { value: String(v), selected: String(v) === String(value ?? '') }, text);
    }));
  return el;
}

export function field(label, control, hint) {
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), control,
    hint ? h('small', { class: 'muted' }, hint) : null);
}

// A modal dialog. Returns {el, close}; actions: [{text, kind, onclick(close)}].
export function dialog(title, body, actions = [], { testid = 'dialog' } = {}) {
  const el = h('dialog', { class: 'dialog', testid });
  const close = () => { el.close(); el.remove(); };
  append(el, title, body, actions, close);
  document.body.append(el);
  el.addEventListener('cancel', () => el.remove());
  el.showModal();
  return { el, close };
}

function append(el, title, body, actions, close) {
  el.append(
    h('div', { class: 'dialog-head' }, h('h2', {}, title),
      h('button', { class: 'btn btn-icon', type: 'button', 'aria-label': 'Close', onclick: close }, '×')),
    h('div', { class: 'dialog-body' }, body),
    h('div', { class: 'dialog-actions' }, actions.map((a) => button(a.text, () => a.onclick(close),
      { kind: a.kind || 'primary', testid: a.testid }))));
}

// Ask before something that cannot be undone.
export function confirmDialog(title, text, okText, onConfirm) {
  const status = h('div', {});
  dialog(title, [h('p', {}, text), status], [
    { text: 'Cancel', kind: 'ghost', onclick: (close) => close() },
    {
      text: okText, kind: 'danger', testid: 'confirm',
      onclick: async (close) => {
        try {
          await onConfirm();
          close();
        } catch (err) {
          replace(status, errorBox(err));
        }
      },
    },
  ]);
}

export function copyButton(text, testid = 'copy') {
  const btn = button('Copy', async () => {
    try {
      await navigator.clipboard.writeText(text);
      btn.textContent = 'Copied';
    } catch {
      btn.textContent = 'Select and copy';
    }
    setTimeout(() => { btn.textContent = 'Copy'; }, 2000);
  }, { kind: 'ghost', testid });
  return btn;
}

let toastHost = null;
export function toast(text, tone = 'ok') {
  if (!toastHost || !toastHost.isConnected) {
    toastHost = h('div', { class: 'toasts', 'aria-live': 'polite' });
    document.body.append(toastHost);
  }
  const t = h('div', { class: `toast toast-${tone}`, testid: 'toast' }, text);
  toastHost.append(t);
  setTimeout(() => t.remove(), 4000);
}

// Render a page body into the outlet: a loading state, then what build() returns, or the error.
export async function mount(outlet, build) {
  replace(outlet, loading());
  try {
    const content = await build();
    if (content) replace(outlet, content);
  } catch (err) {
    if (err?.name === 'AbortError') return;
    replace(outlet, errorBox(err, { title: 'This page could not be loaded' }));
  }
}

export { clear };
