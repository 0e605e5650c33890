// /admin (admins): people, invitations, and provisioning tokens (whose secret is shown once).

import { all, del, post } from '../api.js';
import { isAdmin } from '../auth.js';
import { fmtDate, h, replace, when } from '../dom.js';
import { projects as loadProjects } from '../lookups.js';
import {
  button, card, confirmDialog, copyButton, dialog, errorBox, field, mount, notice, pageHeader, pill, select, table, toast,
} from '../ui.js';

const ROLES = ['admin', 'ml_engineer', 'annotator', 'viewer'];

function inviteForm(onDone) {
  const email = h('input', { type: 'email', required: true, placeholder: 'name@example.com', testid: 'invite-email' });
  const role = select(ROLES.map((r) => [r, r.replace('_', ' ')]), { value: 'viewer', testid: 'invite-role' });
  const days = h('input', { type: 'number', min: 1, max: 90, value: 7, testid: 'invite-days' });
  const status = h('div', {});
  const form = h('form', { class: 'inline-form', testid: 'invite-form' },
    field('Email', email), field('Role', role), field('Valid (days)', days),
    h('button', { class: 'btn btn-primary', type: 'submit', testid: 'invite-submit' }, 'Invite'), status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await post('/users/invitations', { email: email.value, role: role.value, expires_in_days: Number(days.value) });
      toast(`Invited ${email.value}`);
      onDone();
    } catch (err) {
      replace(status, errorBox(err, { title: 'Not invited' }));
    }
  });
  return form;
}

// The new token's secret, once: a dialog with a copy button.
function showSecret(token) {
  dialog('Provisioning token created', [
    notice('Copy the token now: it is shown only this once.', 'warn'),
    h('div', { class: 'secret' }, h('code', { testid: 'token-secret' }, token.token), copyButton(token.token, 'copy-secret')),
    h('p', { class: 'muted' }, 'A camera provisions itself with it:'),
    h('pre', { class: 'code' }, `acusight-agent run --api ${window.location.origin} --state-dir /var/lib/acusight-agent \\\n  --token "$TOKEN" --serial CAM-0042 --watch /var/spool/camera`),
  ], [{ text: 'Done', onclick: (close) => close(), testid: 'secret-done' }], { testid: 'secret-dialog' });
}

function tokenButton(projectMap, onDone) {
  return button('New token…', () => {
    const name = h('input', { type: 'text', required: true, value: 'cameras', testid: 'token-name' });
    const hours = h('input', { type: 'number', min: 0.01, step: 'any', value: 24, testid: 'token-hours' });
    const uses = h('input', { type: 'number', min: 1, value: 10, testid: 'token-uses' });
    const project = select([...projectMap.values()].map((p) => [p.id, p.name]), { blank: 'No project', testid: 'token-project' });
    const status = h('div', {});
    dialog('New provisioning token', [
      field('Name', name), field('Expires in (hours)', hours), field('Devices it may provision', uses),
      field('Devices join project', project), status,
    ], [
      { text: 'Cancel', kind: 'ghost', onclick: (close) => close() },
      {
        text: 'Create', testid: 'token-create',
        onclick: async (close) => {
          try {
            const token = await post('/provisioning-tokens', {
              name: name.value, expires_in_hours: Number(hours.value), max_uses: Number(uses.value),
              project_id: project.value ? Number(project.value) : null,
            });
            close();
            showSecret(token);
            onDone();
          } catch (err) {
            replace(status, errorBox(err, { title: 'Not created' }));
          }
        },
      },
    ], { testid: 'token-dialog' });
  }, { testid: 'new-token' });
}

export async function adminPage(ctx, outlet) {
  const rerender = () => adminPage(ctx, outlet);
  if (!isAdmin()) {
    replace(outlet, pageHeader('Admin'), notice('Only admins manage people and provisioning tokens.', 'warn', 'not-admin'));
    return;
  }
  await mount(outlet, async () => {
    const [users, invitations, tokens, projectMap] = await Promise.all([
      all('/users', {}, 500), all('/users/invitations', {}, 500), all('/provisioning-tokens', {}, 500), loadProjects(),
    ]);
    const revokeInvitation = (inv) => button('Revoke', () => confirmDialog('Revoke the invitation?',
      `${inv.email} will not be able to join with it.`, 'Revoke', async () => { await del(`/users/invitations/${inv.id}`); rerender(); }),
    { kind: 'small', testid: 'revoke-invitation' });
    const revokeToken = (t) => button('Revoke', () => confirmDialog('Revoke the token?',
      `No more devices can provision with "${t.name}". Devices it provisioned keep working.`, 'Revoke',
      async () => { await del(`/provisioning-tokens/${t.id}`); rerender(); }), { kind: 'small', testid: 'revoke-token' });
    return h('div', { class: 'page', testid: 'admin-page' },
      pageHeader('Admin', { subtitle: 'People of the organization and the tokens that admit devices.' }),
      card('People', table([
        { title: 'Email', cell: (u) => u.email },
        { title: 'Name', cell: (u) => u.name },
        { title: 'Role', cell: (u) => h('span', { class: 'tag' }, u.role.replace('_', ' ')) },
        { title: 'Status', cell: (u) => (u.disabled ? pill('disabled') : pill('active')) },
        { title: 'Sign-in', cell: (u) => (u.oidc_issuer ? 'organization' : 'link') },
        { title: 'Last sign-in', cell: (u) => when(u.last_login_at) },
      ], users, { testid: 'users-table', rowTestid: 'user-row' }), { wide: true }),
      card('Invitations', [
        inviteForm(rerender),
        table([
          { title: 'Email', cell: (i) => i.email },
          { title: 'Role', cell: (i) => i.role.replace('_', ' ') },
          { title: 'Status', cell: (i) => pill(i.status) },
          { title: 'Expires', cell: (i) => fmtDate(i.expires_at) },
          { title: '', cell: (i) => (i.status === 'pending' ? revokeInvitation(i) : null) },
        ], invitations, { testid: 'invitations-table', rowTestid: 'invitation-row', empty: 'No invitations.' }),
      ], { wide: true }),
      card('Provisioning tokens', table([
        { title: 'Name', cell: (t) => t.name },
        { title: 'Prefix', cell: (t) => h('code', {}, `${t.prefix}…`) },
        { title: 'Project', cell: (t) => (t.project_id ? projectMap.get(t.project_id)?.name || t.project_id : '—') },
        { title: 'Uses', align: 'right', cell: (t) => `${t.use_count} / ${t.max_uses}` },
        { title: 'Status', cell: (t) => pill(t.status, { testid: 'token-status' }) },
        { title: 'Expires', cell: (t) => fmtDate(t.expires_at) },
        { title: 'Last used', cell: (t) => when(t.last_used_at) },
        { title: '', cell: (t) => (t.status === 'active' ? revokeToken(t) : null) },
      ], tokens, { testid: 'tokens-table', rowTestid: 'token-row', empty: 'No provisioning tokens.' }),
      { wide: true, actions: [tokenButton(projectMap, rerender)] }));
  });
}
