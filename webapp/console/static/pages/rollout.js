// /rollouts/:id: one staged rollout — its stages, the guardrails beside the current stage's figures,
// the devices it holds, every decision and who made it — and, for managers, promote, pause, resume,
// roll back and "evaluate now". Polled every few seconds while it holds its project (active, paused).

import { all, get, post } from '../api.js';
import { isAdmin, isManager } from '../auth.js';
import { fmtDate, h, replace, when } from '../dom.js';
import { exportLink, projectLink, projects as loadProjects } from '../lookups.js';
import {
  HOLDING, decisionsTimeline, deviceCounts, guardrailTable, stageStrip, stageText, statusPill,
} from '../rollout-view.js';
import {
  button, card, dialog, errorBox, field, grid, kv, mount, pageHeader, stats, toast,
} from '../ui.js';

const POLL_MS = 4000;

// What a manager may do now (the API's rules: webapp/services/rollouts.py).
export function allowedActions(status) {
  return {
    promote: HOLDING.includes(status),
    pause: status === 'active',
    resume: status === 'paused',
    rollback: [...HOLDING, 'completed'].includes(status),
    evaluate: status === 'active',
  };
}

// Roll back after a confirmation, with an optional reason.
function rollbackDialog(r, done) {
  const reason = h('input', { type: 'text', testid: 'rollback-reason', placeholder: 'rolled back by hand', maxlength: 1000 });
  const status = h('div', {});
  dialog(`Roll back rollout #${r.id}?`, [
    h('p', {}, r.baseline_export_id
      ? `Its devices go back to export #${r.baseline_export_id} at their next check-in.`
      : 'Its devices go back to what they ran before (no model) at their next check-in.'),
    field('Reason (optional)', reason), status,
  ], [
    { text: 'Cancel', kind: 'ghost', onclick: (close) => close() },
    {
      text: 'Roll back', kind: 'danger', testid: 'confirm',
      onclick: async (close) => {
        try {
          const body = reason.value.trim() ? { reason: reason.value.trim() } : undefined;
          done(await post(`/ml/rollouts/${r.id}/rollback`, body));
          close();
          toast(`Rollout #${r.id} rolled back`);
        } catch (err) {
          replace(status, errorBox(err, { title: 'Not rolled back' }));
        }
      },
    },
  ], { testid: 'rollback-dialog' });
}

function actionBar(r, problems, done) {
  if (!isManager()) return [];
  const can = allowedActions(r.status);
  const act = (name, text, past) => async (event) => {
    event.target.disabled = true;
    replace(problems);
    try {
      done(await post(`/ml/rollouts/${r.id}/${name}`));
      toast(`Rollout #${r.id} ${past}`);
    } catch (err) {
      replace(problems, errorBox(err, { title: `${text}: refused` }));
      event.target.disabled = false;
      // Refused (409): someone or the flow moved it meanwhile; show where it stands now.
      if (err.status === 409) get(`/ml/rollouts/${r.id}`).then(done).catch(() => {});
    }
  };
  const last = r.stage + 1 >= r.stages.length;
  return [
    can.evaluate ? button('Evaluate now', async (event) => {
      event.target.disabled = true;
      replace(problems);
      try {
        await post('/ml/rollout-checks', { rollout_id: r.id });
        toast('Evaluation started: its decision shows here when it is made');
      } catch (err) {
        replace(problems, errorBox(err, { title: 'Evaluation not started' }));
      }
      event.target.disabled = false;
    }, { kind: 'ghost', testid: 'rollout-evaluate' }) : null,
    can.pause ? button('Pause', act('pause', 'Pause', 'paused'), { kind: 'ghost', testid: 'rollout-pause' }) : null,
    can.resume ? button('Resume', act('resume', 'Resume', 'resumed'), { kind: 'ghost', testid: 'rollout-resume' }) : null,
    can.promote ? button(last ? 'Complete' : `Promote to ${r.stages[r.stage + 1].percent} %`, act('promote', last ? 'Complete' : 'Promote', last ? 'completed' : 'promoted'),
      { testid: 'rollout-promote', title: last ? 'Complete: the export becomes the project\'s' : 'Move to the next stage now' }) : null,
    can.rollback ? button('Roll back…', () => rollbackDialog(r, done), { kind: 'danger', testid: 'rollout-rollback' }) : null,
  ].filter(Boolean);
}

function body(r, { projectMap, users }, problems, done) {
  const counts = deviceCounts(r.figures);
  return [
    pageHeader(`Rollout #${r.id}`, {
      crumbs: [{ href: '/rollouts', text: 'Rollouts' }],
      subtitle: h('span', {}, exportLink(r.export_id), ' to ', projectLink(projectMap, r.project_id),
        r.tags?.length ? ` (devices tagged ${r.tags.join(', ')})` : ''),
      actions: [statusPill(r.status), ...actionBar(r, problems, done)],
    }),
    problems,
    card(`Stages · ${stageText(r)}`, stageStrip(r), { wide: true, testid: 'stages-card' }),
    counts ? stats(counts, 'rollout-devices') : null,
    card('Guardrails', guardrailTable(r), { wide: true, testid: 'guardrails-card' }),
    grid(
      card('Decisions', decisionsTimeline(r.decisions, users), { testid: 'decisions-card' }),
      card('Rollout', kv([
        ['Status', statusPill(r.status, 'rollout-status-detail')],
        ['Export', exportLink(r.export_id)],
        ['Before it (baseline)', r.baseline_export_id ? exportLink(r.baseline_export_id) : 'no model'],
        ['Promotion', r.promotion === 'auto' ? 'auto: the evaluation flow promotes' : 'manual: a person promotes'],
        ['Stage started', when(r.stage_started_at)],
        ['Last evaluated', r.last_evaluated_at ? when(r.last_evaluated_at) : 'not yet'],
        ['Started', fmtDate(r.created_at)],
        ['Finished', r.finished_at ? fmtDate(r.finished_at) : null],
      ], 'rollout-details'))),
  ];
}

export async function rolloutPage(ctx, outlet) {
  let timer = null;
  ctx.onLeave(() => clearTimeout(timer));
  await mount(outlet, async () => {
    const id = ctx.params.id;
    // Who decided: the users' names where the caller may list them (admins).
    const [first, projectMap, users] = await Promise.all([get(`/ml/rollouts/${id}`), loadProjects(),
      isAdmin() ? all('/users', {}, 500).then((rows) => new Map(rows.map((u) => [u.id, u]))).catch(() => new Map()) : new Map()]);
    const names = { projectMap, users };
    const page = h('div', { class: 'page', testid: 'rollout-page' });
    const problems = h('div', { testid: 'rollout-problems' });
    const poll = async () => {
      if (ctx.signal.aborted) return;
      try {
        show(await get(`/ml/rollouts/${id}`, undefined, { signal: ctx.signal }));
      } catch (err) {
        if (err.name === 'AbortError') return;
        timer = setTimeout(poll, POLL_MS); // a passing failure: try again
      }
    };
    function show(r) {
      clearTimeout(timer);
      replace(page, body(r, names, problems, show));
      page.dataset.status = r.status;
      page.dataset.stage = String(r.stage);
      if (HOLDING.includes(r.status) && !ctx.signal.aborted) timer = setTimeout(poll, POLL_MS);
    }
    show(first);
    return page;
  });
}
