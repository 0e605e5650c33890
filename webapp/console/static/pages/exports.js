// /exports/:id: an ONNX export — parity with PyTorch, latency, accuracy — and how it does in the
// field: its field-metrics charts against the held-out reference, and its drift events.

import { all, get } from '../api.js';
import { isManager } from '../auth.js';
import { barRows, chartBox, epochSeconds, lineChart } from '../charts.js';
import { fmtBytes, fmtDate, fmtDuration, fmtNum, fmtPct, h, titleCase, when } from '../dom.js';
import { deployExportButton } from '../deploy.js';
import { projectLink, projects as loadProjects } from '../lookups.js';
import { rolloutButton } from '../rollout-form.js';
import { setQuery } from '../router.js';
import { card, externalLink, grid, kv, link, mount, pageHeader, pill, select, stats, table } from '../ui.js';
import { rolloutColumns } from './rollouts.js';

// "cpu b1 0.21 ms · b32 2.5 ms"
export function latencyText(latency) {
  if (!latency) return '—';
  return Object.entries(latency).map(([provider, batches]) => `${provider} ${Object.entries(batches || {})
    .filter(([, v]) => v !== null).map(([b, v]) => `${b} ${fmtNum(v)} ms`).join(' · ')}`).join('; ');
}

export function parityText(parity) {
  if (!parity) return '—';
  if (parity.argmax_agreement !== undefined) {
    return `argmax ${fmtPct(parity.argmax_agreement)} · max diff ${fmtNum(parity.max_abs_diff)}`;
  }
  if (parity.detections_agreement !== undefined) {
    return `detections ${fmtPct(parity.detections_agreement)} · box diff ${fmtNum(parity.max_box_diff)}`;
  }
  return Object.entries(parity).map(([k, v]) => `${k} ${fmtNum(v)}`).join(' · ');
}

export function exportColumns({ deployedId, action } = {}) {
  const columns = [
    { title: 'Export', cell: (e) => link(`/exports/${e.id}`, `#${e.id}`, { testid: 'export-link' }) },
    { title: 'Precision', cell: (e) => h('span', { class: 'tag' }, e.precision) },
    { title: 'Status', cell: (e) => pill(e.status, { testid: 'export-status' }) },
    { title: 'Parity', cell: (e) => parityText(e.parity) },
    { title: 'Accuracy drop', align: 'right', cell: (e) => (e.accuracy?.drop !== undefined ? fmtPct(e.accuracy.drop, 2) : '—') },
    { title: 'Latency', cell: (e) => latencyText(e.latency_ms) },
    { title: 'Size', align: 'right', cell: (e) => fmtBytes(e.artifact_size) },
    { title: '', cell: (e) => (e.id === deployedId ? pill('active', { label: 'deployed', testid: 'deployed' }) : null) },
  ];
  if (action) columns.push({ title: '', cell: action });
  return columns;
}

const WINDOWS = { '24h': [24 * 3600, 'hour'], '7d': [7 * 86400, 'hour'], '30d': [30 * 86400, 'day'] };

function fieldCharts(fm) {
  const b = fm.buckets || [];
  const xs = b.map((x) => epochSeconds(x.start));
  const ref = fm.reference;
  const line = (title, series, testid, opts = {}) => chartBox(title, b.length ? (host) => lineChart(host, {
    time: true, height: 200, testid, series: series.map(([label]) => ({ label })),
    data: [xs, ...series.map(([, pick]) => b.map(pick))], ...opts,
  }) : null, { empty: 'No predictions in this window.' });
  const confBins = fm.bins?.confidence || [];
  const share = (hist) => {
    const total = (hist || []).reduce((a, c) => a + c, 0) || 1;
    return (hist || []).map((c) => c / total);
  };
  const fieldHist = share(fm.summary?.confidence_histogram);
  const refHist = share(ref?.confidence_histogram);
  const labels = [...new Set([...Object.keys(fm.summary?.class_mix || {}), ...Object.keys(ref?.class_mix || {})])];
  return [
    h('div', { class: 'charts-2' },
      line('Predictions per bucket', [['Predictions', (x) => x.predictions]], 'field-predictions-chart'),
      line('Mean confidence', [['Mean confidence', (x) => x.mean_confidence], ['Low-confidence share', (x) => x.low_confidence_share]], 'field-confidence-chart', { yRange: [0, 1] }),
      line('Latency (ms)', [['p50', (x) => x.latency_ms?.p50], ['p95', (x) => x.latency_ms?.p95]], 'field-latency-chart'),
      line('Devices reporting', [['Devices', (x) => x.devices_reporting]], 'field-devices-chart')),
    h('div', { class: 'charts-2' },
      h('div', { class: 'chart-box' }, h('h3', {}, 'Class mix: field vs reference'), labels.length
        ? barRows(labels.map((l) => ({ label: l, values: [fm.summary?.class_mix?.[l] || 0, ref?.class_mix?.[l] || 0] })),
          ['field', 'reference'], { testid: 'class-mix', format: (v) => fmtPct(v, 0) })
        : h('p', { class: 'empty' }, 'No predictions.')),
      h('div', { class: 'chart-box' }, h('h3', {}, 'Confidence: field vs reference'), fieldHist.length || refHist.length
        ? barRows(confBins.slice(0, -1).map((edge, i) => ({ label: `${fmtNum(edge)}–${fmtNum(confBins[i + 1])}`, values: [fieldHist[i] || 0, refHist[i] || 0] })),
          ['field', 'reference'], { testid: 'confidence-hist', format: (v) => fmtPct(v, 0) })
        : h('p', { class: 'empty' }, 'No predictions.'))),
  ];
}

export function driftColumns() {
  return [
    { title: 'When', cell: (e) => when(e.created_at) },
    { title: 'Export', cell: (e) => link(`/exports/${e.export_id}`, `#${e.export_id}`) },
    { title: 'Window', cell: (e) => `${fmtDate(e.window_from)} – ${fmtDate(e.window_to)}` },
    { title: 'Predictions', align: 'right', cell: (e) => fmtNum(e.predictions) },
    { title: 'Class PSI', align: 'right', cell: (e) => h('span', { class: e.class_psi > e.threshold ? 'text-bad' : null }, fmtNum(e.class_psi)) },
    { title: 'Confidence PSI', align: 'right', cell: (e) => h('span', { class: e.confidence_psi > e.threshold ? 'text-bad' : null }, fmtNum(e.confidence_psi)) },
    { title: 'Threshold', align: 'right', cell: (e) => fmtNum(e.threshold) },
    { title: 'Sampling raised', cell: (e) => (e.sampling_boost ? `to ${fmtPct(e.sampling_boost.random_rate, 0)}` : '—') },
  ];
}

export async function exportPage(ctx, outlet) {
  const rerender = () => exportPage(ctx, outlet);
  await mount(outlet, async () => {
    const id = ctx.params.id;
    const win = WINDOWS[ctx.query.window] ? ctx.query.window : '24h';
    const [seconds, bucket] = WINDOWS[win];
    const from = new Date(Date.now() - seconds * 1000).toISOString();
    const [job, projectMap] = await Promise.all([get(`/ml/export-jobs/${id}`), loadProjects()]);
    const [fm, drift, rollouts] = job.status === 'succeeded'
      ? await Promise.all([get(`/ml/export-jobs/${id}/field-metrics`, { from, bucket }), all('/ml/drift-events', { export_id: id }, 100),
        all('/ml/rollouts', { export_id: id }, 50)])
      : [null, [], []];
    const project = projectMap.get(job.project_id);
    const windowSelect = select([['24h', 'Last 24 hours'], ['7d', 'Last 7 days'], ['30d', 'Last 30 days']], {
      value: win, testid: 'field-window',
      onchange: (e) => { setQuery({ window: e.target.value }); exportPage({ ...ctx, query: { window: e.target.value } }, outlet); },
    });
    const dc = job.drift_check;
    const actions = isManager() && job.status === 'succeeded' ? [rolloutButton(job), deployExportButton(job, rerender)] : [];
    return h('div', { class: 'page', testid: 'export-page' },
      pageHeader(`Export #${job.id}`, {
        crumbs: [{ href: '/models', text: 'Models' }, { href: `/models/${job.model_id}`, text: `Model ${job.model_id}` }],
        subtitle: `${job.format.toUpperCase()} · ${job.precision} · opset ${job.opset}`,
        actions: [pill(job.status, { testid: 'export-status' }), ...actions],
      }),
      grid(
        card('Export', kv([
          ['Project', projectLink(projectMap, job.project_id)],
          ['Deployed to the project', project?.deployed_export_id === job.id ? pill('active', { label: 'yes', testid: 'deployed' }) : 'no'],
          ['Parity', parityText(job.parity)],
          ['Accuracy', job.accuracy ? Object.entries(job.accuracy).map(([k, v]) => `${k} ${typeof v === 'number' ? fmtPct(v, 2) : v}`).join(' · ') : null],
          ['Latency', latencyText(job.latency_ms)],
          ['Options', job.options ? Object.entries(job.options).map(([k, v]) => `${k} ${v}`).join(' · ') : null],
          ['Size', fmtBytes(job.artifact_size)],
          ['Took', job.started_at ? fmtDuration(job.started_at, job.finished_at) : null],
          ['Prefect run', externalLink(job.flow_run_url, 'Open in Prefect ↗', 'flow-run-link')],
          job.error ? ['Error', h('span', { class: 'text-bad' }, job.error)] : null,
        ], 'export-details')),
        card('Last drift check', dc ? kv([
          ['Verdict', pill(dc.verdict === 'no verdict' ? 'new' : dc.verdict, { label: titleCase(dc.verdict) })],
          ['When', when(dc.at)],
          ['Class PSI', fmtNum(dc.class_psi)],
          ['Confidence PSI', fmtNum(dc.confidence_psi)],
          ['Predictions', fmtNum(dc.predictions)],
          ['Threshold', fmtNum(dc.threshold)],
        ]) : h('p', { class: 'muted' }, 'No drift check has run on this export.'))),
      rollouts.length ? card('Rollouts', table(rolloutColumns(projectMap, ctx.signal), rollouts, { testid: 'export-rollouts', rowTestid: 'rollout-row' }), { wide: true }) : null,
      fm ? card('In the field', [
        stats([
          { label: 'Predictions', value: fmtNum(fm.total_predictions) },
          { label: 'Devices reporting', value: fmtNum(fm.devices_reporting) },
          { label: 'Mean confidence', value: fmtPct(fm.summary?.mean_confidence), hint: fm.reference ? `reference ${fmtPct(fm.reference.mean_confidence)}` : null },
          { label: 'Low confidence', value: fmtPct(fm.summary?.low_confidence_share), hint: `under ${fmtNum(fm.low_confidence_threshold)}` },
          { label: 'Latency p50', value: fm.summary?.latency_ms?.p50 !== null && fm.summary?.latency_ms?.p50 !== undefined ? `${fmtNum(fm.summary.latency_ms.p50)} ms` : '—' },
        ], 'field-stats'),
        fieldCharts(fm),
      ], { wide: true, testid: 'field-metrics', actions: [windowSelect] }) : null,
      fm ? card('Drift events', table(driftColumns(), drift, { testid: 'drift-events', empty: 'No drift seen.' }), { wide: true }) : null);
  });
}
