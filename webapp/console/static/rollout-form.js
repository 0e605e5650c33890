// Starting a staged rollout of an export (POST /ml/rollouts): its stages (10 → 50 → 100 to begin
// with), auto or manual promotion, optional device tags, and the guardrails with their defaults
// (webapp/services/rollouts.py DEFAULT_STAGES, DEFAULT_GUARDRAILS). Managers only: the callers show
// it to isManager() alone, and the API refuses anyone else. The API's refusal is shown as it says it.

import { post } from './api.js';
import { h, replace } from './dom.js';
import { navigate } from './router.js';
import { button, dialog, errorBox, field, select, toast } from './ui.js';

const PRESET = [10, 50, 100];
const MAX_STAGES = 10;
// [key, label, default (null: off), hint]
const GUARDRAILS = [
  ['max_score_drop', 'Largest drop of the mean top score', 0.1, 'against the same devices\' previous export; 0 to 1'],
  ['max_low_confidence_share', 'Largest low-confidence share', null, 'of predictions under the project\'s threshold; 0 to 1'],
  ['max_failure_rate', 'Largest failure rate', 0.05, 'devices unable to load it, or runs failed; 0 to 1'],
  ['max_p95_latency_ms', 'Largest p95 latency (ms)', null, 'on the devices'],
  ['max_class_psi', 'Largest class-mix PSI', null, '0.25 reads as a large shift'],
];

const num = (attrs) => h('input', { type: 'number', step: 'any', ...attrs });

// A number, null for an empty field, or the text itself (the API says what is wrong with it).
function value(input) {
  const text = input.value.trim();
  if (text === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

function stageRow(percent, onRemove) {
  const row = h('div', { class: 'stage-row', testid: 'stage-row' },
    num({ value: String(percent), min: 0, max: 100, testid: 'stage-percent', 'aria-label': 'Percent of the devices' }),
    h('span', { class: 'muted' }, '% for at least'),
    num({ value: '60', min: 0, testid: 'stage-minutes', 'aria-label': 'Minimum minutes' }),
    h('span', { class: 'muted' }, 'min, with'),
    num({ value: '1', min: 0, step: 1, testid: 'stage-devices', 'aria-label': 'Devices that must report' }),
    h('span', { class: 'muted' }, 'device(s) reporting'),
    button('×', () => onRemove(row), { kind: 'icon', testid: 'stage-remove', title: 'Remove this stage' }));
  return row;
}

function readStages(list) {
  return [...list.querySelectorAll('[data-testid=stage-row]')].map((row) => {
    const [percent, minutes, devices] = row.querySelectorAll('input');
    const mins = value(minutes);
    return {
      percent: value(percent),
      min_duration_s: typeof mins === 'number' ? Math.round(mins * 60) : mins,
      min_devices: value(devices),
    };
  });
}

export function rolloutButton(exportJob) {
  return button('Roll out…', () => {
    const list = h('div', { class: 'stage-rows', testid: 'stage-rows' });
    const remove = (row) => { if (list.children.length > 1) row.remove(); };
    PRESET.forEach((p) => list.append(stageRow(p, remove)));
    const add = button('+ Stage', () => {
      if (list.children.length < MAX_STAGES) list.append(stageRow(100, remove));
    }, { kind: 'small', testid: 'stage-add' });
    const promotion = select([['auto', 'Auto: the evaluation flow promotes when the guardrails hold'], ['manual', 'Manual: a person promotes']],
      { value: 'auto', testid: 'rollout-promotion' });
    const tags = h('input', { type: 'text', testid: 'rollout-tags', placeholder: 'site:north, rev:b' });
    const guards = GUARDRAILS.map(([key, label, def, hint]) => {
      const input = num({ value: def === null ? '' : String(def), min: 0, testid: `guardrail-${key}`, placeholder: 'off', name: key });
      return { key, input, el: field(label, input, `${hint}${def === null ? ' · empty: off (the default)' : ` · default ${def}; empty: off`}`) };
    });
    const status = h('div', { testid: 'rollout-form-status' });
    dialog(`Roll out export #${exportJob.id}`, [
      h('p', {}, 'Each stage gives the export to that share of the project\'s devices (picked by a hash, the same ones each time); the guardrails roll it back when its figures pass them.'),
      h('div', { class: 'field' }, h('span', { class: 'field-label' }, 'Stages (percents rising to 100)'), list, add),
      field('Promotion', promotion),
      field('Only devices tagged (optional)', tags, 'comma-separated; a device needs every tag'),
      h('details', { class: 'guardrail-fields', open: true }, h('summary', {}, 'Guardrails (rolled back when passed)'), h('div', { class: 'guardrail-grid' }, guards.map((g) => g.el))),
      status,
    ], [
      { text: 'Cancel', kind: 'ghost', onclick: (close) => close() },
      {
        text: 'Start rollout', testid: 'rollout-start',
        onclick: async (close) => {
          const body = {
            export_id: exportJob.id,
            stages: readStages(list),
            promotion: promotion.value,
            tags: tags.value.split(',').map((t) => t.trim()).filter(Boolean),
            guardrails: Object.fromEntries(guards.map((g) => [g.key, value(g.input)])),
          };
          try {
            const rollout = await post('/ml/rollouts', body);
            close();
            toast(`Rollout #${rollout.id} started`);
            navigate(`/rollouts/${rollout.id}`);
          } catch (err) {
            replace(status, errorBox(err, { title: 'Not started' }));
          }
        },
      },
    ], { testid: 'rollout-dialog' });
  }, { testid: 'rollout-button' });
}
