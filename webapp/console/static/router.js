// Path routing with the History API: /fleet, /devices/3, /images?project=2 …
//
// A route is a pattern and a page function page(ctx), ctx = {params, query, outlet, signal, onLeave}.
// Leaving a page aborts its signal and runs its onLeave callbacks (polling timers, observers).

const routes = [];
let current = null;
let fallback = null;
let before = null;

export function route(pattern, page) {
  const names = [];
  const source = pattern.replace(/:(\w+)/g, (_, name) => {
    names.push(name);
    return '([^/]+)';
  });
  routes.push({ regex: new RegExp(`^${source}/?$`), names, page });
}

export function notFound(page) {
  fallback = page;
}

// before(path) -> a path to go to instead (e.g. /login when signed out), or null.
export function guard(fn) {
  before = fn;
}

export function navigate(to, { replace = false } = {}) {
  if (replace) window.history.replaceState({}, '', to);
  else window.history.pushState({}, '', to);
  render();
}

// Change the query string in place (filters), without a new history entry or a render.
export function setQuery(query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, value);
  }
  const search = params.toString();
  window.history.replaceState({}, '', window.location.pathname + (search ? `?${search}` : ''));
}

function match(path) {
  for (const r of routes) {
    const m = r.regex.exec(path);
    if (m) {
      const params = {};
      r.names.forEach((name, i) => { params[name] = decodeURIComponent(m[i + 1]); });
      return { page: r.page, params };
    }
  }
  return { page: fallback, params: {} };
}

export async function render() {
  const redirect = before ? before(window.location.pathname) : null;
  if (redirect && redirect !== window.location.pathname) {
    window.history.replaceState({}, '', redirect);
  }
  if (current) {
    current.controller.abort();
    current.leave.forEach((fn) => fn());
  }
  const controller = new AbortController();
  const leave = [];
  current = { controller, leave };
  const { page, params } = match(window.location.pathname);
  const ctx = {
    params,
    query: Object.fromEntries(new URLSearchParams(window.location.search)),
    signal: controller.signal,
    onLeave: (fn) => leave.push(fn),
    path: window.location.pathname,
  };
  window.dispatchEvent(new CustomEvent('acusight:route', { detail: ctx }));
  await page(ctx);
}

function internal(anchor) {
  if (!anchor || anchor.target || anchor.hasAttribute('download')) return false;
  const href = anchor.getAttribute('href');
  if (!href || !href.startsWith('/') || href.startsWith('//')) return false;
  return !href.startsWith('/api/') && !href.startsWith('/assets/');
}

export function start() {
  window.addEventListener('popstate', render);
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = event.target.closest('a');
    if (!internal(anchor)) return;
    event.preventDefault();
    navigate(anchor.getAttribute('href'));
  });
  return render();
}
