// /login: sign in by a one-time link (#token=…) or with the organization's OpenID Connect provider
// (which comes back with #access_token=…). Secrets in the fragment are read, then removed from the
// address bar and history at once.

import { ApiError, get, post, saveTokens, signedIn } from '../api.js';
import { loadMe } from '../auth.js';
import { h, replace } from '../dom.js';
import { navigate } from '../router.js';
import { errorBox, loading, notice } from '../ui.js';

function nextPath(query) {
  const next = query.next || '/fleet';
  // Only a path of this console: never another host, never the API.
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/api/') ? next : '/fleet';
}

function stripFragment() {
  window.history.replaceState({}, '', window.location.pathname + window.location.search);
}

function screen(root, ...content) {
  replace(root, h('div', { class: 'login-screen' },
    h('div', { class: 'login-card', testid: 'login' },
      h('div', { class: 'login-brand' }, h('span', { class: 'brand-mark' }), 'Acusight'),
      content)));
}

function linkHelp() {
  return h('div', { class: 'login-help' },
    h('p', {}, 'Sign in with a one-time link. An admin makes one on the server:'),
    h('pre', { class: 'code' }, 'acusight users login-link you@example.com'),
    h('p', { class: 'muted' }, 'Open the link it prints in this browser. A link works once and expires soon.'));
}

async function finish(root, tokens, query) {
  saveTokens(tokens);
  if (!tokens.user) await loadMe();
  navigate(nextPath(query), { replace: true });
}

export async function loginPage(ctx, root) {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  if (fragment.has('token')) {
    const token = fragment.get('token');
    stripFragment();
    screen(root, loading('Signing you in…'));
    try {
      const data = await post('/auth/login-link', { token }, { auth: false });
      await finish(root, data, ctx.query);
    } catch (err) {
      const expired = err instanceof ApiError && err.status === 401;
      screen(root,
        expired
          ? notice('This sign-in link has expired or was already used.', 'bad', 'link-expired')
          : errorBox(err, { title: 'Sign-in failed' }),
        h('p', {}, 'Ask for a new link: '),
        linkHelp(),
        h('a', { href: '/login', class: 'btn btn-ghost' }, 'Back to sign-in'));
    }
    return;
  }
  if (fragment.has('access_token')) {
    stripFragment();
    screen(root, loading('Signing you in…'));
    try {
      await finish(root, {
        access_token: fragment.get('access_token'),
        refresh_token: fragment.get('refresh_token'),
        expires_in: fragment.get('expires_in'),
      }, ctx.query);
    } catch (err) {
      screen(root, errorBox(err, { title: 'Sign-in failed' }), h('a', { href: '/login' }, 'Try again'));
    }
    return;
  }
  if (fragment.has('error')) stripFragment();
  if (signedIn() && !ctx.query.expired) {
    navigate(nextPath(ctx.query), { replace: true });
    return;
  }

  screen(root, loading());
  let methods = { oidc: false, login_link: true };
  try {
    methods = await get('/auth/methods', undefined, { auth: false });
  } catch {
    // An older server without the route: links only.
  }
  const parts = [h('h1', {}, 'Sign in')];
  if (ctx.query.expired) parts.push(notice('Your session has ended. Sign in again.', 'warn', 'session-ended'));
  if (fragment.has('error')) {
    parts.push(notice(fragment.get('error_description') || fragment.get('error'), 'bad', 'sign-in-error'));
  }
  if (methods.oidc) {
    parts.push(h('a', {
      class: 'btn btn-primary btn-block', href: '/api/auth/login?return_to=console', testid: 'oidc-sign-in',
    }, 'Sign in with your organization'));
    parts.push(h('div', { class: 'or' }, 'or'));
  }
  parts.push(linkHelp());
  screen(root, ...parts);
}
