// Who is signed in, and what their role may do (the API's rule: webapp/auth.py's MANAGERS, ADMINS).
// The console hides what a role may not do; the API refuses it anyway.

import { clearSession, get, post, saveUser, session } from './api.js';

export const MANAGERS = ['admin', 'ml_engineer'];
export const ADMINS = ['admin'];

export function me() {
  return session()?.user || null;
}

export function hasRole(roles) {
  const user = me();
  return Boolean(user && roles.includes(user.role));
}

export const isManager = () => hasRole(MANAGERS);
export const isAdmin = () => hasRole(ADMINS);

export async function loadMe() {
  const user = await get('/auth/me');
  saveUser(user);
  return user;
}

export async function signOut() {
  const refreshToken = session()?.refresh_token;
  try {
    await post('/auth/logout', refreshToken ? { refresh_token: refreshToken } : {});
  } catch {
    // Signed out here whatever the server said: the tokens are dropped below.
  }
  clearSession();
}
