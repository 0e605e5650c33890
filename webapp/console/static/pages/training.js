// /training and /training/:id: training jobs, and one job's curves, live while it runs (polled every
// two seconds; the charts gain the new epochs in place).

import { all, get, post } from '../api.js';
import { isManager } from '../auth.js';
import { lineChart } from '../charts.js';
import { fmtDate, fmtDuration, fmtNum, fmtPct, h, replace, titleCase, when } from '../dom.js';
import { datasetLink, datasets as loadDatasets, projectLink, projects as loadProjects } from '../lookups.js';
import { setQuery } from '../router.js';
import {
  bar, button, card, confirmDialog, errorBox, externalLink, grid, kv, link, mount, notice, pageHeader, pill, select, table,
} from '../ui.js';

const POLL_MS = 2000;
const LIVE = ['queued', 'running'];

// The latest epoch's headline figure: accuracy for classifiers, mAP for detectors, else the loss.
export function headline(figures) {
  if (!figures) return null;
  for (const key of ['val_accuracy', 'val_map', 'val_map50', 'accuracy', 'map', 'train_accuracy']) {
    if (typeof figures[key] === 'number') return { key, value: figures[key], text: fmtPct(figures[key]) };
  }
  if (typeof figures.val_loss === 'number') return { key: 'val_loss', value: figures.val_loss, text: `loss ${fmtNum(figures.val_loss)}` };
  return null;
}

function epochBar(job) {
  const p = job.progress;
  if (!p?.epoch) return job.status === 'queued' ? h('span', { class: 'muted' }, 'waiting for a worker') : '—';
  const total = p.epochs || p.total_epochs || job.params?.epochs;
  return bar(total ? p.epoch / total : 1, { label: `epoch ${p.epoch}${total ? ` / ${total}` : ''}` });
}

export function jobColumns(projectMap, datasetMap) {
  return [
    { title: 'Job', cell: (j) => link(`/training/${j.id}`, `#${j.id}`, { testid: 'job-link' }) },
    { title: 'Project', cell: (j) => projectLink(projectMap, j.project_id) },
    { title: 'Dataset', cell: (j) => datasetLink(datasetMap, j.dataset_id) },
    { title: 'Status', cell: (j) => pill(j.status, { testid: 'job-status' }) },
    { title: 'Progress', cell: epochBar },
    { title: 'Result', cell: (j) => headline(j.metrics?.test ? { accuracy: j.metrics.test.accuracy, map: j.metrics.test.map } : j.progress)?.text || '—' },
    { title: 'Model', cell: (j) => (j.model_id ? link(`/models/${j.model_id}`, `Model ${j.model_id}`) : '—') },
    { title: 'Started', cell: (j) => when(j.started_at || j.created_at) },
    { title: 'Took', cell: (j) => (j.started_at ? fmtDuration(j.started_at, j.finished_at) : '—') },
  ];
}

export async function trainingPage(ctx, outlet) {
  await mount(outlet, async () => {
    const status = ctx.query.status || '';
    const [jobs, projectMap, datasetMap] = await Promise.all([
      all('/ml/training-jobs', { status: status || undefined }, 300),
      loadProjects(),
      loadDatasets(),
    ]);
    const filter = select(['queued', 'running', 'succeeded', 'failed', 'cancelled'], {
      value: status, blank: 'Any status', testid: 'filter-status',
      onchange: (e) => {
        setQuery({ status: e.target.value });
        trainingPage({ ...ctx, query: { status: e.target.value } }, outlet);
      },
    });
    return h('div', { class: 'page', testid: 'training-page' },
      pageHeader('Training', { subtitle: 'Jobs that train a model on a dataset version.', actions: [filter] }),
      card(null, table(jobColumns(projectMap, datasetMap), jobs, {
        testid: 'jobs-table', rowTestid: 'job-row', empty: 'No training jobs yet.',
      }), { wide: true }));
  });
}

// --- one job -----------------------------------------------------------------------------------------

const isLoss = (k) => k.endsWith('loss');
const isScore = (k) => /accuracy|map/.test(k);

function keysOf(history) {
  const keys = new Set();
  for (const row of history) {
    for (const [k, v] of Object.entries(row)) if (typeof v === 'number') keys.add(k);
  }
  return [...keys].sort();
}

// Two charts, losses and scores per epoch, that keep themselves up to date with update(history).
function curves() {
  const lossHost = h('div', {});
  const scoreHost = h('div', {});
  const el = h('div', { class: 'charts-2', testid: 'curves' },
    h('div', { class: 'chart-box' }, h('h3', {}, 'Loss per epoch'), lossHost),
    h('div', { class: 'chart-box' }, h('h3', {}, 'Accuracy / mAP per epoch'), scoreHost));
  const charts = {};
  const draw = (name, host, keys, history, testid, yRange) => {
    const signature = keys.join(',');
    const data = [history.map((r) => r.epoch), ...keys.map((k) => history.map((r) => r[k] ?? null))];
    if (!keys.length || !history.length) {
      replace(host, h('p', { class: 'empty', testid: `${testid}-empty` }, history.length ? 'Not reported by this task.' : 'No epoch finished yet.'));
      charts[name]?.destroy();
      charts[name] = null;
      return;
    }
    if (charts[name] && charts[name].signature === signature) {
      charts[name].update(data);
      return;
    }
    charts[name]?.destroy();
    replace(host);
    charts[name] = lineChart(host, {
      series: keys.map((k) => ({ label: titleCase(k) })), data, xLabel: 'Epoch', testid, yRange, height: 260,
    });
    charts[name].signature = signature;
  };
  return {
    el,
    update(history) {
      const keys = keysOf(history).filter((k) => k !== 'epoch' && k !== 'epochs');
      draw('loss', lossHost, keys.filter(isLoss), history, 'training-curve');
      draw('score', scoreHost, keys.filter(isScore), history, 'training-score-curve', [0, 1]);
    },
    destroy() {
      Object.values(charts).forEach((c) => c?.destroy());
    },
  };
}

function metricsList(metrics) {
  if (!metrics) return null;
  const flat = Object.entries(metrics).filter(([, v]) => typeof v !== 'object' || v === null);
  return kv(flat.map(([k, v]) => [titleCase(k), typeof v === 'number' && /accuracy|map|precision|recall/.test(k) ? fmtPct(v) : fmtNum(v)]), 'job-metrics');
}

function summary(job) {
  const p = job.progress || {};
  return kv([
    ['Status', pill(job.status, { testid: 'job-status' })],
    ['Progress', epochBar(job)],
    ['Latest', headline(p)?.text],
    ['Device', job.device],
    ['Created', fmtDate(job.created_at)],
    ['Ran for', job.started_at ? fmtDuration(job.started_at, job.finished_at) : null],
    ['Prefect run', externalLink(job.flow_run_url, 'Open in Prefect ↗', 'flow-run-link')
      || (job.flow_run_id ? h('code', {}, job.flow_run_id) : null)],
    ['Model', job.model_id ? link(`/models/${job.model_id}`, `Model ${job.model_id}`, { testid: 'job-model' }) : null],
  ], 'job-summary');
}

export async function trainingJobPage(ctx, outlet) {
  let timer = null;
  ctx.onLeave(() => clearTimeout(timer));
  await mount(outlet, async () => {
    const id = ctx.params.id;
    const [job, projectMap, datasetMap] = await Promise.all([
      get(`/ml/training-jobs/${id}`), loadProjects(), loadDatasets(),
    ]);
    const chart = curves();
    ctx.onLeave(() => chart.destroy());
    const summaryCard = h('div', {}, summary(job));
    const problems = h('div', {});
    const cancel = isManager() && LIVE.includes(job.status)
      ? button('Cancel job', () => confirmDialog('Cancel this job?', 'The run stops and no model is registered.', 'Cancel job',
        async () => { await post(`/ml/training-jobs/${id}/cancel`); trainingJobPage(ctx, outlet); }), { kind: 'danger', testid: 'cancel-job' })
      : null;
    const showProblems = (j) => replace(problems,
      j.error ? errorBox({ message: j.error }, { title: 'The job failed' }) : null,
      (j.warnings || []).map((w) => notice(w, 'warn', 'job-warning')));
    showProblems(job);

    const page = h('div', { class: 'page', testid: 'training-job-page' },
      pageHeader(`Training job #${job.id}`, {
        crumbs: [{ href: '/training', text: 'Training' }],
        subtitle: h('span', {}, projectLink(projectMap, job.project_id), ' · ', datasetLink(datasetMap, job.dataset_id)),
        actions: [cancel],
      }),
      problems,
      grid(card('Run', summaryCard), card('Parameters', Object.keys(job.params || {}).length
        ? kv(Object.entries(job.params).map(([k, v]) => [k, String(v)]), 'job-params')
        : h('p', { class: 'muted' }, 'The defaults of params.yaml.'))),
      card('Curves', chart.el, { wide: true, testid: 'curves-card' }),
      job.metrics ? card('Final figures', metricsList(job.metrics), { wide: true }) : null);

    // After the page is in the document (the charts measure their width).
    setTimeout(() => chart.update(job.progress?.history || []), 0);

    const poll = async () => {
      if (ctx.signal.aborted) return;
      try {
        const next = await get(`/ml/training-jobs/${id}`, undefined, { signal: ctx.signal });
        chart.update(next.progress?.history || []);
        replace(summaryCard, summary(next));
        showProblems(next);
        if (!LIVE.includes(next.status)) {
          trainingJobPage(ctx, outlet); // final: draw the finished page once (figures, model)
          return;
        }
      } catch (err) {
        if (err.name === 'AbortError') return;
      }
      timer = setTimeout(poll, POLL_MS);
    };
    if (LIVE.includes(job.status)) timer = setTimeout(poll, POLL_MS);
    return page;
  });
}
