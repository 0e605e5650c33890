// /projects/:id: a project's batches (and their next statuses), Label Studio link, datasets, jobs,
// models, exports and what it has deployed.

import { all, get, getOptional, patch } from '../api.js';
import { isManager } from '../auth.js';
import { fmtDate, fmtNum, fmtPct, h, when } from '../dom.js';
import { assignButton } from '../deploy.js';
import { deviceLink, devices as loadDevices, exportLink, holdingRollouts, modelLink } from '../lookups.js';
import { stageText, statusPill } from '../rollout-view.js';
import {
  bar, button, card, errorBox, externalLink, grid, kv, link, mount, pageHeader, pill, stats, table, toast,
} from '../ui.js';
import { datasetColumns } from './datasets.js';
import { modelColumns } from './models.js';
import { jobColumns } from './training.js';

function labelStudioCard(ls) {
  if (!ls) {
    return card('Label Studio', h('p', { class: 'muted', testid: 'label-studio-unlinked' },
      'Not linked. An ML engineer links it with POST /api/data/projects/{id}/label-studio (see the how-to).'));
  }
  return card('Label Studio', [
    kv([
      ['Sync', pill(ls.sync_status)],
      ['Tasks pushed', fmtNum(ls.tasks_pushed)],
      ['Tasks annotated', fmtNum(ls.tasks_annotated)],
      ['Last push', when(ls.last_push_at)],
      ['Last pull', when(ls.last_pull_at)],
      ['Labeling config', ls.label_config_in_sync ? 'in sync' : 'out of date'],
      ls.last_error ? ['Last error', h('span', { class: 'text-bad' }, ls.last_error)] : null,
    ]),
    externalLink(ls.label_studio_project_url, 'Open in Label Studio ↗', 'label-studio-link', 'btn btn-primary'),
  ], { testid: 'label-studio' });
}

// A batch's moves along the status graph, newest first, folded under their count.
function batchHistory(b) {
  const moves = b.transitions || [];
  if (!moves.length) return h('span', { class: 'muted' }, 'created open');
  return h('details', { class: 'history', testid: 'batch-history' },
    h('summary', null, `${moves.length} move${moves.length === 1 ? '' : 's'}`),
    h('ol', { class: 'history-list' }, [...moves].reverse().map((t) => h('li', { testid: 'batch-transition' },
      `${t.from_status} → ${t.to_status}`,
      h('span', { class: 'muted' }, ` · ${t.by || 'a service'} · `), when(t.at)))));
}

function batchColumns(deviceMap, rerender) {
  const columns = [
    { title: 'Batch', cell: (b) => link(`/images?project=${b.project_id}&batch=${b.id}`, b.name) },
    { title: 'Device', cell: (b) => deviceLink(deviceMap, b.device_id) },
    { title: 'Day', cell: (b) => b.day || '—' },
    { title: 'Status', cell: (b) => pill(b.status, { testid: 'batch-status' }) },
    { title: 'History', cell: batchHistory },
    { title: 'Images', align: 'right', cell: (b) => fmtNum(b.image_count) },
    { title: 'Annotated', cell: (b) => bar(b.image_count ? b.annotated_count / b.image_count : 0,
      { label: `${fmtNum(b.annotated_count)} / ${fmtNum(b.image_count)}` }) },
    { title: 'Created', cell: (b) => when(b.created_at) },
  ];
  if (isManager()) {
    columns.push({
      title: 'Move to',
      cell: (b) => h('div', { class: 'btn-row' }, b.next_statuses.map((status) => button(status, async (event) => {
        event.target.disabled = true;
        try {
          await patch(`/data/batches/${b.id}`, { status });
          toast(`${b.name}: ${status}`);
          rerender();
        } catch (err) {
          event.target.closest('td').append(errorBox(err, { title: 'Not moved' }));
          event.target.disabled = false;
        }
      }, { kind: 'small', testid: `batch-to-${status}` }))),
    });
  }
  return columns;
}

export async function projectPage(ctx, outlet) {
  const rerender = () => projectPage(ctx, outlet);
  await mount(outlet, async () => {
    const id = Number(ctx.params.id);
    const [project, batches, datasets, jobs, models, exports, ls, deviceMap, projectDevices, rollouts] = await Promise.all([
      get(`/data/projects/${id}`),
      all('/data/batches', { project_id: id }, 200),
      all('/data/datasets', { project_id: id }, 100),
      all('/ml/training-jobs', { project_id: id }, 100),
      all('/ml/models', { project_id: id }, 100),
      all('/ml/export-jobs', { project_id: id }, 100),
      getOptional(`/data/projects/${id}/label-studio`),
      loadDevices(),
      all('/devices', { project_id: id }, 500),
      holdingRollouts(id),
    ]);
    const rollout = rollouts.get(id);
    const projectMap = new Map([[project.id, project]]);
    const datasetMap = new Map(datasets.map((d) => [d.id, d]));
    const modelMap = new Map(models.map((m) => [m.id, m]));
    const actions = [link(`/images?project=${id}`, 'Browse images', { class: 'btn btn-primary', testid: 'browse-images' })];
    if (isManager()) actions.push(assignButton('project', project, id, rerender));

    return h('div', { class: 'page', testid: 'project-page' },
      pageHeader(project.name, {
        crumbs: [{ href: '/projects', text: 'Projects' }], actions,
        subtitle: project.description || `${project.task_type} · ${project.labels.length} labels`,
      }),
      rollout ? h('div', { class: 'alert alert-info rollout-note', testid: 'project-rollout' }, statusPill(rollout.status),
        link(`/rollouts/${rollout.id}`, `Rollout #${rollout.id}`, { testid: 'project-rollout-link' }),
        `of export #${rollout.export_id}: stage ${stageText(rollout)}`) : null,
      stats([
        { label: 'Images', value: fmtNum(project.image_count) },
        { label: 'Labelled', value: project.image_count ? fmtPct(project.annotated_count / project.image_count, 0) : '—' },
        { label: 'Devices', value: fmtNum(projectDevices.length) },
        { label: 'Datasets', value: fmtNum(datasets.length) },
        { label: 'Models', value: fmtNum(models.length) },
      ]),
      grid(
        card('Project', kv([
          ['Task', project.task_type],
          ['Labels', project.labels.length ? h('div', { class: 'tags' }, project.labels.map((l) => h('span', { class: 'tag' }, l))) : 'none'],
          ['Deployed export', exportLink(project.deployed_export_id)],
          ['Low-confidence threshold', fmtNum(project.low_confidence_threshold)],
          ['Sampling', project.sampling?.enabled ? `on · random ${fmtPct(project.sampling.random_rate, 0)}` : 'off'],
          project.sampling_boost ? ['Sampling boost', `random ${fmtPct(project.sampling_boost.random_rate, 0)} until ${fmtDate(project.sampling_boost.until)}`] : null,
        ], 'project-details')),
        labelStudioCard(ls),
      ),
      card('Batches', table(batchColumns(deviceMap, rerender), batches, { testid: 'batches-table', rowTestid: 'batch-row', empty: 'No batches yet: devices upload into daily batches.' }), { wide: true }),
      card('Dataset versions', table(datasetColumns(projectMap), datasets, { testid: 'project-datasets', empty: 'No dataset versions yet.' }), { wide: true }),
      card('Training jobs', table(jobColumns(projectMap, datasetMap), jobs, { testid: 'project-jobs', empty: 'No training jobs yet.' }), { wide: true }),
      card('Models', table(modelColumns(projectMap, datasetMap), models, { testid: 'project-models', empty: 'No models yet.' }), { wide: true }),
      card('Exports', table([
        { title: 'Export', cell: (e) => exportLink(e.id) },
        { title: 'Model', cell: (e) => modelLink(modelMap, e.model_id) },
        { title: 'Precision', cell: (e) => e.precision },
        { title: 'Status', cell: (e) => pill(e.status) },
        { title: 'Deployed', cell: (e) => (e.id === project.deployed_export_id ? pill('active', { label: 'project' }) : null) },
        { title: 'Created', cell: (e) => when(e.created_at) },
      ], exports, { testid: 'project-exports', empty: 'No exports yet.' }), { wide: true }));
  });
}
