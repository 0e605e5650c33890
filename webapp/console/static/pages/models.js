// /models and /models/:id: model versions, their test figures (confusion matrix, per-class figures,
// precision-recall curve), their exports with parity and latency, and deploying one.

import { all, get, post } from '../api.js';
import { isManager } from '../auth.js';
import { chartBox, lineChart } from '../charts.js';
import { fmtBytes, fmtDate, fmtNum, fmtPct, h, replace, when } from '../dom.js';
import { deployExportButton } from '../deploy.js';
import { datasetLink, datasets as loadDatasets, projectLink, projects as loadProjects } from '../lookups.js';
import { setQuery } from '../router.js';
import {
  button, card, dialog, errorBox, field, grid, kv, link, mount, pageHeader, select, stats, table, toast,
} from '../ui.js';
import { exportColumns } from './exports.js';

// "digits v3", without repeating a version its name already holds.
export function modelName(m) {
  return m.name.endsWith(`v${m.version}`) ? m.name : `${m.name} v${m.version}`;
}

// The model's headline test figure.
export function testFigure(model) {
  const t = model.metrics?.test || {};
  if (typeof t.accuracy === 'number') return { label: 'Test accuracy', text: fmtPct(t.accuracy) };
  if (typeof t.map === 'number') return { label: 'Test mAP', text: fmtPct(t.map) };
  if (typeof model.metrics?.val_accuracy === 'number') return { label: 'Val accuracy', text: fmtPct(model.metrics.val_accuracy) };
  return null;
}

export function modelColumns(projectMap, datasetMap) {
  return [
    { title: 'Model', cell: (m) => link(`/models/${m.id}`, modelName(m), { testid: 'model-link' }) },
    { title: 'Project', cell: (m) => projectLink(projectMap, m.project_id) },
    { title: 'Dataset', cell: (m) => datasetLink(datasetMap, m.dataset_id) },
    { title: 'Task', cell: (m) => h('span', { class: 'tag' }, m.task_type) },
    { title: 'Test', align: 'right', cell: (m) => testFigure(m)?.text || '—' },
    { title: 'Classes', align: 'right', cell: (m) => fmtNum(m.labels.length) },
    { title: 'Created', cell: (m) => when(m.created_at) },
  ];
}

export async function modelsPage(ctx, outlet) {
  await mount(outlet, async () => {
    const projectId = ctx.query.project || '';
    const [models, projectMap, datasetMap] = await Promise.all([
      all('/ml/models', { project_id: projectId || undefined }, 300), loadProjects(), loadDatasets(),
    ]);
    const filter = select([...projectMap.values()].map((p) => [p.id, p.name]), {
      value: projectId, blank: 'All projects', testid: 'filter-project',
      onchange: (e) => {
        setQuery({ project: e.target.value });
        modelsPage({ ...ctx, query: { project: e.target.value } }, outlet);
      },
    });
    return h('div', { class: 'page', testid: 'models-page' },
      pageHeader('Models', { subtitle: 'Trained versions, their test figures and exports.', actions: [filter] }),
      card(null, table(modelColumns(projectMap, datasetMap), models, {
        testid: 'models-table', rowTestid: 'model-row', empty: 'No models yet: train one on a dataset version.',
      }), { wide: true }));
  });
}

// --- one model ----------------------------------------------------------------------------------------

// Rows actual, columns predicted; each cell shaded by its share of the row.
function confusionMatrix(cm) {
  const { labels, matrix } = cm;
  const head = h('tr', {}, h('th', { class: 'cm-corner' }, 'actual \\ predicted'), labels.map((l) => h('th', { class: 'cm-col' }, l)));
  const rows = matrix.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    return h('tr', {}, h('th', { class: 'cm-row' }, labels[i]), row.map((n, j) => {
      const share = n / total;
      const cell = h('td', { class: ['cm-cell', i === j ? 'cm-diag' : n ? 'cm-off' : null, share > 0.55 && 'cm-strong'], title: `${labels[i]} → ${labels[j]}: ${n} (${fmtPct(share, 0)})` }, n ? String(n) : '');
      cell.style.setProperty('--share', share.toFixed(3));
      return cell;
    }));
  });
  return h('div', { class: 'table-wrap' }, h('table', { class: 'cm', testid: 'confusion-matrix' }, h('thead', {}, head), h('tbody', {}, rows)));
}

function perClassTable(perClass, detection) {
  const rows = Object.entries(perClass || {}).map(([label, v]) => ({ label, ...v }));
  const columns = detection
    ? [{ title: 'Class', cell: (r) => r.label }, { title: 'AP', align: 'right', cell: (r) => fmtPct(r.ap) },
      { title: 'AP50', align: 'right', cell: (r) => fmtPct(r.ap50) }, { title: 'Objects', align: 'right', cell: (r) => fmtNum(r.support) }]
    : [{ title: 'Class', cell: (r) => r.label }, { title: 'Precision', align: 'right', cell: (r) => fmtPct(r.precision) },
      { title: 'Recall', align: 'right', cell: (r) => fmtPct(r.recall) }, { title: 'Support', align: 'right', cell: (r) => fmtNum(r.support) }];
  return table(columns, rows, { testid: 'per-class', empty: 'No per-class figures.' });
}

function prCurve(curve) {
  return chartBox(null, (host) => lineChart(host, {
    series: [{ label: 'Precision', points: false }], data: [curve.recall, curve.precision], xLabel: 'Recall',
    yRange: [0, 1], testid: 'pr-curve', height: 260,
  }));
}

function testFigures(model) {
  const t = model.metrics?.test;
  if (!t) return card('Test figures', h('p', { class: 'muted' }, 'This model has no test figures.'), { wide: true });
  const detection = model.task_type === 'detection';
  const figures = detection
    ? [{ label: 'mAP @[.5:.95]', value: fmtPct(t.map) }, { label: 'mAP50', value: fmtPct(t.map50) }, { label: 'mAP75', value: fmtPct(t.map75) },
      { label: 'Objects', value: fmtNum(t.num_objects) }, { label: 'Test images', value: fmtNum(t.num_images) }]
    : [{ label: 'Accuracy', value: fmtPct(t.accuracy) }, { label: 'Macro precision', value: fmtPct(t.macro_precision) },
      { label: 'Macro recall', value: fmtPct(t.macro_recall) }, { label: 'Test images', value: fmtNum(t.num_images ?? t.support) }];
  const parts = [stats(figures, 'test-figures')];
  const side = [];
  if (t.confusion_matrix?.matrix) side.push(card('Confusion matrix', confusionMatrix(t.confusion_matrix)));
  if (t.pr_curve?.recall) side.push(card('Precision–recall (IoU 0.5)', prCurve(t.pr_curve)));
  side.push(card(detection ? 'Average precision per class' : 'Per class', perClassTable(t.per_class, detection)));
  parts.push(grid(...side));
  return h('div', { class: 'stack', testid: 'model-test' }, parts);
}

function newExportButton(model, onDone) {
  return button('New export…', () => {
    const precision = select(['fp32', 'fp16', 'int8'], { value: 'fp32', testid: 'export-precision' });
    const status = h('div', {});
    dialog('Export to ONNX', [
      h('p', {}, 'An export flow converts the model, checks its parity with PyTorch and measures its latency.'),
      field('Precision', precision, 'int8 is calibrated on the dataset\'s train images.'), status,
    ], [
      { text: 'Cancel', kind: 'ghost', onclick: (close) => close() },
      {
        text: 'Export', testid: 'export-confirm',
        onclick: async (close) => {
          try {
            const job = await post('/ml/export-jobs', { model_id: model.id, precision: precision.value });
            close();
            toast(`Export #${job.id} queued`);
            onDone();
          } catch (err) {
            replace(status, errorBox(err, { title: 'Not started' }));
          }
        },
      },
    ]);
  }, { kind: 'ghost', testid: 'new-export' });
}

export async function modelPage(ctx, outlet) {
  const rerender = () => modelPage(ctx, outlet);
  await mount(outlet, async () => {
    const id = ctx.params.id;
    const [model, projectMap, datasetMap] = await Promise.all([get(`/ml/models/${id}`), loadProjects(), loadDatasets()]);
    const project = projectMap.get(model.project_id);
    const manager = isManager();
    const exportsCard = card('Exports', table(
      exportColumns({
        deployedId: project?.deployed_export_id,
        action: manager ? (e) => (e.status === 'succeeded' ? deployExportButton(e, rerender) : null) : null,
      }),
      model.exports || [], { testid: 'model-exports', rowTestid: 'export-row', empty: 'Not exported yet.' }),
    { wide: true, actions: manager ? [newExportButton(model, rerender)] : [] });
    const m = model.metrics || {};
    return h('div', { class: 'page', testid: 'model-page' },
      pageHeader(modelName(model), {
        crumbs: [{ href: '/models', text: 'Models' }],
        subtitle: `${model.task_type} · ${model.labels.length} classes · ${model.image_size} px`,
      }),
      grid(
        card('Model', kv([
          ['Project', projectLink(projectMap, model.project_id)],
          ['Dataset', datasetLink(datasetMap, model.dataset_id)],
          ['Training job', link(`/training/${model.training_job_id}`, `#${model.training_job_id}`)],
          ['Classes', h('div', { class: 'tags' }, model.labels.map((l) => h('span', { class: 'tag' }, l)))],
          ['Checkpoint', `${fmtBytes(model.artifact_size)} · ${model.artifact_sha256?.slice(0, 12)}…`],
          ['Created', fmtDate(model.created_at)],
        ], 'model-details')),
        card('Training', kv([
          ['Epochs', fmtNum(m.epochs)],
          ['Train loss', fmtNum(m.train_loss)],
          ['Val loss', fmtNum(m.val_loss)],
          m.val_accuracy !== undefined ? ['Val accuracy', fmtPct(m.val_accuracy)] : null,
          m.val_map !== undefined ? ['Val mAP', fmtPct(m.val_map)] : null,
          ['Images / s', fmtNum(m.images_per_second)],
          ['Device', m.device],
          ['Train images', fmtNum(m.num_train_images)],
        ], 'model-training'))),
      testFigures(model),
      exportsCard);
  });
}
