// The pieces of a rollout's page that its list and other pages share: its stage in words, the stage
// strip, the guardrails beside the current figures, and the decisions timeline.
//
// A guardrail is judged as the evaluation flow judges it (flows/rollouts.py, breaches): over its limit,
// with enough devices behind the figure (the stage's min_devices, at least one, that reported; for the
// failure rate, that loaded the export or failed to).

import { fmtNum, fmtPct, h, titleCase, when } from './dom.js';
import { me } from './auth.js';
import { pill } from './ui.js';

export const STATUSES = ['active', 'paused', 'completed', 'superseded', 'rolled_back'];
export const HOLDING = ['active', 'paused'];

// "2 of 3 · 50 %", or "done" past the last stage.
export function stageText(r) {
  const n = r.stages.length;
  const s = r.stages[r.stage];
  if (r.status === 'completed' || r.status === 'superseded') return `done · ${n} stage${n === 1 ? '' : 's'}`;
  return `${r.stage + 1} of ${n} · ${fmtNum(s?.percent)} %`;
}

export function statusPill(status, testid = 'rollout-status') {
  return pill(status, { testid, label: titleCase(status) });
}

function duration(seconds) {
  if (!seconds) return 'no wait';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${fmtNum(seconds / 3600, 2)} h`;
}

// Each stage's percent; the current one marked; done, rolled back or still to come.
export function stageStrip(r) {
  const over = r.status === 'completed' || r.status === 'superseded';
  return h('ol', { class: 'stage-strip', testid: 'stage-strip' }, r.stages.map((s, i) => {
    let state = 'todo';
    if (over || i < r.stage) state = 'done';
    else if (i === r.stage) state = r.status === 'rolled_back' ? 'rolled-back' : 'current';
    const label = { done: 'done', current: r.status === 'paused' ? 'paused here' : 'now', 'rolled-back': 'rolled back', todo: '' }[state];
    return h('li', { class: ['stage', `stage-${state}`], testid: 'stage', 'data-state': state, 'aria-current': state === 'current' ? 'step' : null },
      h('div', { class: 'stage-percent' }, `${fmtNum(s.percent)} %`),
      h('div', { class: 'stage-name' }, `Stage ${i + 1}`, label ? h('span', { class: 'stage-state' }, ` · ${label}`) : null),
      h('div', { class: 'stage-rule muted' }, `${duration(s.min_duration_s)} · ${fmtNum(s.min_devices)} device${s.min_devices === 1 ? '' : 's'}`));
  }));
}

const ms = (v) => (v === null || v === undefined ? '—' : `${fmtNum(v)} ms`);

// [guardrail key, title, candidate figure, baseline figure, the value judged, format, evidence kind]
function rows(f) {
  const c = f.candidate || {};
  const b = f.baseline || {};
  return [
    ['max_score_drop', 'Mean top score (drop)', fmtPct(c.mean_confidence), fmtPct(b.mean_confidence), f.score_drop, fmtNum, 'reporting'],
    ['max_low_confidence_share', 'Low-confidence share', fmtPct(c.low_confidence_share), fmtPct(b.low_confidence_share), c.low_confidence_share, fmtNum, 'reporting'],
    ['max_failure_rate', 'Failure rate', failureText(f.failures), '—', f.failures?.failure_rate, fmtNum, 'tried'],
    ['max_p95_latency_ms', 'p95 latency', ms(c.latency_ms?.p95), ms(b.latency_ms?.p95), c.latency_ms?.p95, ms, 'reporting'],
    ['max_class_psi', 'Class mix PSI', '—', '—', f.class_psi, fmtNum, 'reporting'],
  ];
}

function failureText(fl) {
  if (!fl) return '—';
  const tried = (fl.devices_loaded || 0) + (fl.devices_failed || 0);
  return `${fmtPct(fl.failure_rate)} (${fmtNum(fl.devices_failed)} of ${fmtNum(tried)} devices failed to load, ${fmtNum(fl.runs_failed)} runs failed)`;
}

// ok | breached | over (over the limit, too few devices to judge yet) | off | unknown
export function judge(limit, value, enough) {
  if (limit === null || limit === undefined) return 'off';
  if (value === null || value === undefined) return 'unknown';
  if (value <= limit) return 'ok';
  return enough ? 'breached' : 'over';
}

const VERDICT = {
  ok: ['active', 'within'], breached: ['failed', 'breached'], over: ['pending', 'over, too few devices'],
  off: ['new', 'off'], unknown: ['new', 'no data yet'],
};

export function guardrailTable(r) {
  const f = r.figures;
  if (!f) return h('p', { class: 'muted', testid: 'figures-none' }, 'The rollout is over: no current figures.');
  const needed = Math.max(Number(r.stages[r.stage]?.min_devices) || 0, 1);
  const tried = (f.failures?.devices_loaded || 0) + (f.failures?.devices_failed || 0);
  const g = r.guardrails || {};
  const body = rows(f).map(([key, title, cand, base, value, fmt, kind]) => {
    const state = judge(g[key], value, (kind === 'tried' ? tried : f.reporting_devices || 0) >= needed);
    const [tone, text] = VERDICT[state];
    return h('tr', { testid: 'guardrail', 'data-key': key, 'data-state': state, class: state === 'breached' ? 'row-bad' : null },
      h('td', {}, title), h('td', {}, cand), h('td', {}, base),
      h('td', { class: 'num' }, value === null || value === undefined ? '—' : fmt(value)),
      h('td', { class: 'num' }, g[key] === null || g[key] === undefined ? 'off' : fmt(g[key])),
      h('td', {}, pill(tone, { label: text, testid: 'guardrail-state' })));
  });
  const source = f.baseline ? (f.baseline.source === 'field' ? 'the same devices\' previous export' : 'the export\'s test split') : null;
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'table', testid: 'guardrails' },
      h('thead', {}, h('tr', {}, ['Guardrail', 'Candidate', 'Baseline', 'Value', 'Limit', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, body)),
    h('p', { class: 'muted small', testid: 'baseline-source' },
      source ? `Baseline: ${source}. ` : 'No baseline yet. ',
      `Judged once ${needed} device${needed === 1 ? '' : 's'} report${needed === 1 ? 's' : ''}; figures as of `, when(f.at), '.'));
}

export function deviceCounts(f) {
  if (!f) return null;
  return [
    { label: 'Target devices', value: fmtNum(f.target_devices) },
    { label: 'In this stage', value: fmtNum(f.stage_devices) },
    { label: 'Reporting', value: fmtNum(f.reporting_devices), tone: f.stage_devices && !f.reporting_devices ? 'warn' : null },
    { label: 'Predictions', value: fmtNum(f.candidate?.predictions) },
  ];
}

const ACTION_TONE = { promote: 'active', complete: 'succeeded', hold: 'queued', rollback: 'failed', pause: 'offline', resume: 'running' };

// users: id -> user, where the caller may list them (admins); others see a user's id.
function who(d, users) {
  if (d.decided_by === 'flow') return 'the evaluation flow';
  const user = me();
  if (user && d.user_id === user.id) return 'you';
  const known = users?.get(d.user_id);
  if (known) return known.name ? `${known.name} (${known.email})` : known.email;
  return d.user_id ? `a person (user ${d.user_id})` : 'a person';
}

function decisionFigures(fig) {
  if (!fig) return null;
  const parts = [
    fig.reporting_devices !== undefined ? `${fmtNum(fig.reporting_devices)} of ${fmtNum(fig.stage_devices)} devices reporting` : null,
    fig.score_drop !== undefined && fig.score_drop !== null ? `score drop ${fmtNum(fig.score_drop)}` : null,
    fig.failures?.failure_rate !== undefined && fig.failures?.failure_rate !== null ? `failure rate ${fmtPct(fig.failures.failure_rate)}` : null,
    fig.class_psi !== undefined && fig.class_psi !== null ? `class PSI ${fmtNum(fig.class_psi)}` : null,
  ].filter(Boolean);
  return parts.length ? h('div', { class: 'muted small' }, parts.join(' · ')) : null;
}

// Newest first: what was decided, in which stage, why, and by whom.
export function decisionsTimeline(decisions, users) {
  if (!decisions?.length) return h('p', { class: 'empty', testid: 'empty' }, 'No decision yet: the evaluation flow decides on its schedule.');
  return h('ol', { class: 'timeline', testid: 'decisions' }, [...decisions].reverse().map((d) => h('li', { testid: 'decision', 'data-action': d.action },
    h('div', { class: 'timeline-head' },
      pill(ACTION_TONE[d.action] || 'new', { label: titleCase(d.action), testid: 'decision-action' }),
      h('span', {}, ` stage ${d.stage + 1} · by `), h('strong', { testid: 'decision-by' }, who(d, users)), h('span', { class: 'muted' }, ' · '), when(d.created_at)),
    h('div', { testid: 'decision-reason' }, d.reason),
    decisionFigures(d.figures))));
}
