// /rollouts: every staged rollout of the organization, newest first, with a status filter: its
// project, export, status, stage and its percent, when it started and its last decision.

import { all, get } from '../api.js';
import { fmtDate, h, replace, titleCase, when } from '../dom.js';
import { exportLink, projectLink, projects as loadProjects } from '../lookups.js';
import { STATUSES, stageText, statusPill } from '../rollout-view.js';
import { setQuery } from '../router.js';
import { card, link, mount, pageHeader, select, table } from '../ui.js';

const SHOWN = 100;
// The list does not carry decisions: the newest rows' are read one rollout at a time.
const WITH_DECISION = 25;

function lastDecision(r, signal) {
  const cell = h('span', { class: 'muted', testid: 'rollout-last-decision' }, '…');
  get(`/ml/rollouts/${r.id}`, undefined, { signal }).then((detail) => {
    const d = detail.decisions?.[detail.decisions.length - 1];
    replace(cell, d ? h('span', { title: d.reason }, h('strong', {}, titleCase(d.action)), ` · ${d.decided_by === 'flow' ? 'flow' : 'by hand'} · `, when(d.created_at)) : 'none yet');
    cell.classList.toggle('muted', !d);
  }).catch((err) => {
    if (err.name !== 'AbortError') replace(cell, '—');
  });
  return cell;
}

export function rolloutColumns(projectMap, signal) {
  let shown = 0;
  return [
    { title: 'Rollout', cell: (r) => link(`/rollouts/${r.id}`, `#${r.id}`, { testid: 'rollout-link' }) },
    { title: 'Project', cell: (r) => projectLink(projectMap, r.project_id) },
    { title: 'Export', cell: (r) => exportLink(r.export_id) },
    { title: 'Status', cell: (r) => statusPill(r.status) },
    { title: 'Stage', cell: (r) => h('span', { testid: 'rollout-stage' }, stageText(r)) },
    { title: 'Tags', cell: (r) => (r.tags?.length ? h('div', { class: 'tags' }, r.tags.map((t) => h('span', { class: 'tag' }, t))) : 'all devices') },
    { title: 'Started', cell: (r) => h('span', { title: fmtDate(r.created_at) }, when(r.created_at)) },
    { title: 'Last decision', cell: (r) => ((shown += 1) <= WITH_DECISION ? lastDecision(r, signal) : '—') },
  ];
}

export async function rolloutsPage(ctx, outlet) {
  await mount(outlet, async () => {
    const status = STATUSES.includes(ctx.query.status) ? ctx.query.status : '';
    const [rollouts, projectMap] = await Promise.all([
      all('/ml/rollouts', { status: status || undefined }, SHOWN), loadProjects(),
    ]);
    const filter = select(STATUSES.map((s) => [s, titleCase(s)]), {
      value: status, blank: 'Any status', testid: 'filter-status',
      onchange: (e) => {
        setQuery({ status: e.target.value });
        rolloutsPage({ ...ctx, query: { status: e.target.value } }, outlet);
      },
    });
    return h('div', { class: 'page', testid: 'rollouts-page' },
      pageHeader('Rollouts', {
        subtitle: 'Exports going out to a project\'s devices stage by stage, watched by their guardrails. Start one from an export\'s page.',
        actions: [filter],
      }),
      card(null, table(rolloutColumns(projectMap, ctx.signal), rollouts, {
        testid: 'rollouts-table', rowTestid: 'rollout-row',
        empty: status ? `No ${titleCase(status).toLowerCase()} rollouts.` : 'No rollouts yet: start one from an export\'s page (Roll out).',
      }), { wide: true }));
  });
}
