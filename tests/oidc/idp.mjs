// A real OpenID Connect provider (oidc-provider, OpenID Certified) for Acusight's login tests.
//
// Usage: IDP_CONFIG=/path/to/config.json node tests/oidc/idp.mjs
// The config file (written by the test fixture, tests/webapp/test_oidc.py) holds:
//   {"port": 41234, "jwks": {"keys": [<private JWK>]}, "clients": [<client metadata>],
//    "conformIdTokenClaims": false,
//    "users": {"<login>": {"password": "...", "sub": "...", "email": "...", "email_verified": true,
//              "name": "..."}}}
// The issuer is http://127.0.0.1:<port> (never "localhost": issuer and cookies must match).
// Login is a plain HTML form at /interaction/<uid>, filled by the tests as a browser would; consent
// is granted automatically, as for a first-party client. PKCE is required of every client.
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.env.IDP_CONFIG, 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;
const users = config.users;
const SCOPE = 'openid email profile';

// oidc-provider uses the account id as the ID token's "sub".
function findAccount(sub) {
  const user = Object.values(users).find((u) => u.sub === sub);
  if (!user) return undefined;
  return {
    accountId: sub,
    async claims() {
      const claims = { sub, name: user.name };
      if (user.email !== undefined) claims.email = user.email;
      if (user.email_verified !== undefined) claims.email_verified = user.email_verified;
      return claims;
    },
  };
}

const provider = new Provider(issuer, {
  clients: config.clients,
  jwks: config.jwks,
  cookies: { keys: ['acusight-test-idp-cookie-key'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // Email and name in the ID token itself, as Keycloak, Auth0 and Google send them.
  conformIdTokenClaims: config.conformIdTokenClaims ?? false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  findAccount: async (_ctx, sub) => findAccount(sub),
  ttl: { AccessToken: 600, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
  // First-party client: every grant is given without a consent screen.
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(SCOPE);
    await grant.save();
    return grant;
  },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = `<!doctype html><title>error</title><pre id="error">${escape(JSON.stringify(out))}</pre>`;
  },
});

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(uid, message) {
  return `<!doctype html>
<html><head><title>Sign in</title></head><body>
<h1>Sign in to the test provider</h1>
${message ? `<p class="error">${escape(message)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
  <input type="text" name="login" autocomplete="username">
  <input type="password" name="password" autocomplete="current-password">
  <button type="submit">Sign in</button>
</form>
</body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (req.method === 'GET' && !action) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginPage(uid));
    return;
  }
  if (req.method === 'POST' && action === 'login') {
    const form = await readForm(req);
    const login = form.get('login') ?? '';
    const user = users[login];
    if (!user || user.password !== form.get('password')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(loginPage(uid, 'Invalid login or password.'));
      return;
    }
    const result = { login: { accountId: user.sub } };
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    return;
  }
  res.writeHead(405);
  res.end();
}

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  const match = /^\/interaction\/([\w-]+)(?:\/(\w+))?$/.exec(req.url.split('?')[0]);
  if (!match) {
    callback(req, res);
    return;
  }
  try {
    await interaction(req, res, match[1], match[2]);
  } catch (err) {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end(`interaction failed: ${err.message}`);
  }
});

server.listen(config.port, '127.0.0.1', () => {
  console.log(`test idp listening on ${issuer}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
