// /datasets and /datasets/:id: dataset versions, their splits and class balance.

import { all, get } from '../api.js';
import { barRows } from '../charts.js';
import { fmtBytes, fmtDate, fmtDuration, fmtNum, fmtPct, h, when } from '../dom.js';
import { projectLink, projects as loadProjects } from '../lookups.js';
import { setQuery } from '../router.js';
import { bar, card, grid, kv, link, mount, pageHeader, pill, select, stats, table } from '../ui.js';
import { jobColumns } from './training.js';

const SPLITS = ['train', 'val', 'test'];

export function datasetColumns(projectMap) {
  return [
    { title: 'Dataset', cell: (d) => link(`/datasets/${d.id}`, `${d.name} · v${d.version}`, { testid: 'dataset-link' }) },
    { title: 'Project', cell: (d) => projectLink(projectMap, d.project_id) },
    { title: 'Status', cell: (d) => (d.status === 'running' && d.progress !== null
      ? bar(d.progress, { label: fmtPct(d.progress, 0) }) : pill(d.status)) },
    { title: 'Images', align: 'right', cell: (d) => fmtNum(d.image_count) },
    { title: 'Splits', cell: (d) => (d.counts?.splits ? SPLITS.map((s) => `${fmtNum(d.counts.splits[s] ?? 0)}`).join(' / ') : '—') },
    { title: 'Size', align: 'right', cell: (d) => (d.params?.image_size ? `${d.params.image_size} px` : '—') },
    { title: 'Created', cell: (d) => when(d.created_at) },
  ];
}

export async function datasetsPage(ctx, outlet) {
  await mount(outlet, async () => {
    const projectId = ctx.query.project || '';
    const [datasets, projectMap] = await Promise.all([
      all('/data/datasets', { project_id: projectId || undefined }, 500),
      loadProjects(),
    ]);
    const filter = select([...projectMap.values()].map((p) => [p.id, p.name]), {
      value: projectId, blank: 'All projects', testid: 'filter-project',
      onchange: (e) => {
        setQuery({ project: e.target.value });
        datasetsPage({ ...ctx, query: { project: e.target.value } }, outlet);
      },
    });
    return h('div', { class: 'page', testid: 'datasets-page' },
      pageHeader('Datasets', { subtitle: 'Versioned cuts of labelled images, committed to DVC.', actions: [filter] }),
      card(null, table(datasetColumns(projectMap), datasets, {
        testid: 'datasets-table', rowTestid: 'dataset-row', empty: 'No dataset versions yet.',
      }), { wide: true }));
  });
}

// Rows of the class balance: one per label, its count in each split.
export function classBalance(counts, labels) {
  const classes = counts?.classes || {};
  const names = labels?.length ? labels : [...new Set(SPLITS.flatMap((s) => Object.keys(classes[s] || {})))];
  return names.map((label) => ({ label, values: SPLITS.map((s) => classes[s]?.[label] || 0) }));
}

export async function datasetPage(ctx, outlet) {
  await mount(outlet, async () => {
    const id = ctx.params.id;
    const [dataset, projectMap, jobs] = await Promise.all([
      get(`/data/datasets/${id}`),
      loadProjects(),
      all('/ml/training-jobs', { dataset_id: id }, 100),
    ]);
    const counts = dataset.counts || {};
    const splits = counts.splits || {};
    const total = SPLITS.reduce((n, s) => n + (splits[s] || 0), 0);
    const params = dataset.params || {};
    const rows = classBalance(counts, dataset.labels);
    return h('div', { class: 'page', testid: 'dataset-page' },
      pageHeader(`${dataset.name} · v${dataset.version}`, {
        crumbs: [{ href: '/datasets', text: 'Datasets' }],
        subtitle: `${dataset.task_type} · ${dataset.labels.length} classes`,
        actions: [pill(dataset.status, { testid: 'dataset-status' })],
      }),
      stats([
        { label: 'Images', value: fmtNum(dataset.image_count) },
        ...SPLITS.map((s) => ({ label: s, value: fmtNum(splits[s] ?? null), hint: total ? fmtPct((splits[s] || 0) / total, 0) : null })),
        counts.boxes !== undefined ? { label: 'Boxes', value: fmtNum(counts.boxes), hint: counts.boxes_dropped ? `${fmtNum(counts.boxes_dropped)} dropped` : null } : null,
      ].filter(Boolean), 'split-stats'),
      grid(
        card('Version', kv([
          ['Project', projectLink(projectMap, dataset.project_id)],
          ['Status', pill(dataset.status)],
          ['Image size', params.image_size ? `${params.image_size} px` : null],
          ['Resize', params.resize ? Object.entries(params.resize).map(([k, v]) => `${k}: ${v}`).join(', ') : 'task default'],
          ['Split ratios', params.splits ? SPLITS.map((s) => `${s} ${fmtPct(params.splits[s], 0)}`).join(' · ') : null],
          ['Seed', params.seed],
          ['Stored', fmtBytes(dataset.bytes_stored)],
          ['Git tag', dataset.git_tag ? h('code', {}, dataset.git_tag) : null],
          ['Built in', fmtDuration(dataset.started_at, dataset.finished_at)],
          ['Created', fmtDate(dataset.created_at)],
          dataset.error ? ['Error', h('span', { class: 'text-bad' }, dataset.error)] : null,
        ], 'dataset-details')),
        card('Check it out', dataset.checkout?.commands?.length
          ? h('pre', { class: 'code', testid: 'checkout' }, dataset.checkout.commands.join('\n'))
          : h('p', { class: 'muted' }, 'Available once the version is ready.')),
      ),
      card('Class balance', rows.length && counts.classes
        ? barRows(rows, SPLITS, { testid: 'class-balance' })
        : h('p', { class: 'empty' }, 'Counted when the version is built.'), { wide: true }),
      card('Training jobs on this version', table(jobColumns(projectMap, new Map([[dataset.id, dataset]])), jobs,
        { testid: 'dataset-jobs', empty: 'No training job used this version yet.' }), { wide: true }));
  });
}
