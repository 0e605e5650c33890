// The console's one way to the REST API: tokens, the envelope, errors, refresh, pagination.
//
// Tokens live in sessionStorage (one sign-in per tab, gone when the tab closes). A 401 trades the
// refresh token once (one trade shared by every call that failed together: each refresh token works
// once) and retries the call once; when that fails too, the session ends and the app shows /login.

const STORE = 'acusight.session';
export const SIGNED_OUT = 'acusight:signed-out';

export class ApiError extends Error {
  constructor(status, error) {
    const e = error || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || 'HTTP_ERROR';
    this.details = e.details;
    this.fields = e.fields;
  }

  // One readable paragraph: the message, then the details and the fields' messages.
  describe() {
    const parts = [this.message];
    const details = flatten(this.details);
    if (details && details !== this.message) parts.push(details);
    const fields = flatten(this.fields);
    if (fields && fields !== details) parts.push(fields);
    return parts.join(' — ');
  }
}

function flatten(value, prefix = '') {
  if (value === null || value === undefined || value === '') return '';
  if (typeof value === 'string') return prefix ? `${prefix}: ${value}` : value;
  if (Array.isArray(value)) return value.map((v) => flatten(v, prefix)).filter(Boolean).join('; ');
  if (typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k))
      .filter(Boolean)
      .join('; ');
  }
  return String(value);
}

// --- the session -----------------------------------------------------------------------------------

export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(STORE)) || null;
  } catch {
    return null;
  }
}

// Keep what a sign-in or a refresh answered ({access_token, refresh_token, expires_in, user?}).
export function saveTokens(tokens) {
  const old = session() || {};
  const next = {
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token || old.refresh_token || null,
    expires_at: tokens.expires_in ? Date.now() + Number(tokens.expires_in) * 1000 : null,
    user: tokens.user || old.user || null,
  };
  sessionStorage.setItem(STORE, JSON.stringify(next));
  return next;
}

export function saveUser(user) {
  const s = session();
  if (s) sessionStorage.setItem(STORE, JSON.stringify({ ...s, user }));
}

export function clearSession() {
  sessionStorage.removeItem(STORE);
}

export function signedIn() {
  return Boolean(session()?.access_token);
}

// --- calls -----------------------------------------------------------------------------------------

let refreshing = null;

async function refresh() {
  const refreshToken = session()?.refresh_token;
  if (!refreshToken) return false;
  try {
    const resp = await fetch('/api/auth/refresh', {
      method: 'POST',
      headers: { Authorization: `Bearer ${refreshToken}`, Accept: 'application/json' },
    });
    if (!resp.ok) return false;
    saveTokens((await resp.json()).data);
    return true;
  } catch {
    return false;
  }
}

function refreshOnce() {
  if (!refreshing) refreshing = refresh().finally(() => { refreshing = null; });
  return refreshing;
}

function endSession() {
  clearSession();
  window.dispatchEvent(new CustomEvent(SIGNED_OUT));
}

export function url(path, query) {
  const u = new URL(path.startsWith('/api/') ? path : `/api${path}`, window.location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') u.searchParams.set(key, value);
  }
  return u.pathname + u.search;
}

// request('/data/projects', {method, body, query, auth}) -> the whole envelope ({data, meta}).
export async function request(path, { method = 'GET', body, query, auth = true, signal } = {}) {
  const target = url(path, query);
  const send = async () => {
    const headers = { Accept: 'application/json' };
    const token = session()?.access_token;
    if (auth && token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const resp = await fetch(target, {
      method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { resp, token };
  };
  let { resp, token } = await send();
  if (resp.status === 401 && auth) {
    // Another call may have refreshed meanwhile: then its new token is tried, with no second trade.
    const renewed = session()?.access_token !== token || (await refreshOnce());
    if (renewed && session()?.access_token) {
      ({ resp } = await send());
    }
    if (resp.status === 401) {
      endSession();
      throw new ApiError(401, { code: 'UNAUTHORIZED', message: 'Your session has ended; sign in again.' });
    }
  }
  if (resp.status === 204) return { data: null };
  let envelope = null;
  try {
    envelope = await resp.json();
  } catch {
    envelope = null;
  }
  if (!resp.ok || !envelope || envelope.success === false) {
    throw new ApiError(resp.status, envelope?.error || { message: `${resp.status} ${resp.statusText}` });
  }
  return envelope;
}

export async function get(path, query, options = {}) {
  return (await request(path, { ...options, query })).data;
}

export async function post(path, body, options = {}) {
  return (await request(path, { ...options, method: 'POST', body })).data;
}

export async function patch(path, body, options = {}) {
  return (await request(path, { ...options, method: 'PATCH', body })).data;
}

export async function del(path, options = {}) {
  return (await request(path, { ...options, method: 'DELETE' })).data;
}

// GET that answers null for a 404 (an optional resource, such as a Label Studio link).
export async function getOptional(path, query) {
  try {
    return await get(path, query);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

// A list's pages one after the other: const p = pager('/devices', {project_id}); await p.next() -> rows.
export function pager(path, query = {}, perPage = 50) {
  let page = 0;
  let totalPages = null;
  let total = null;
  return {
    get done() { return totalPages !== null && page >= totalPages; },
    get total() { return total; },
    async next(signal) {
      if (this.done) return [];
      const envelope = await request(path, { query: { ...query, page: page + 1, per_page: perPage }, signal });
      page += 1;
      totalPages = envelope.meta?.total_pages ?? page;
      total = envelope.meta?.total ?? null;
      return envelope.data || [];
    },
  };
}

// Every row of a list, up to `limit` (100 a page, the API's most).
export async function all(path, query = {}, limit = 1000) {
  const p = pager(path, query, 100);
  const rows = [];
  while (!p.done && rows.length < limit) rows.push(...(await p.next()));
  return rows.slice(0, limit);
}
