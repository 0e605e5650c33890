// /fleet: every device, its status (from its last check-in), and the model it should run vs runs.

import { all } from '../api.js';
import { fmtNum, h, when } from '../dom.js';
import { exportLink, holdingRollouts, projectLink, projects as loadProjects } from '../lookups.js';
import { setQuery } from '../router.js';
import { tagChips } from '../tags.js';
import { card, link, mount, pageHeader, pill, select, stats, table } from '../ui.js';

// The export a device should run: its own, else its project's. While a rollout holds the project, a
// device of its current stage runs the rollout's export instead; which devices those are is the
// server's hash, so a device already running the rollout's export is read as one of them.
export function assignedExport(device, projectMap, rollouts) {
  if (device.deployed_export_id) return { id: device.deployed_export_id, from: 'device' };
  const rollout = rollouts?.get(device.project_id);
  if (rollout && device.running_export_id === rollout.export_id) return { id: rollout.export_id, from: 'rollout', rollout };
  const project = projectMap.get(device.project_id);
  if (project?.deployed_export_id) return { id: project.deployed_export_id, from: 'project' };
  return { id: null, from: null };
}

export function exportCells(device, projectMap, rollouts) {
  const assigned = assignedExport(device, projectMap, rollouts);
  const running = device.running_export_id;
  const mismatch = assigned.id !== null && running !== assigned.id;
  const from = assigned.rollout
    ? h('small', { class: 'muted', testid: 'model-source' }, ' (', link(`/rollouts/${assigned.rollout.id}`, `rollout #${assigned.rollout.id}`), ')')
    : h('small', { class: 'muted', testid: 'model-source' }, ` (${assigned.from})`);
  return {
    assigned: assigned.id
      ? h('span', {}, exportLink(assigned.id), from)
      : h('span', { class: 'muted' }, 'none'),
    running: h('span', { testid: 'running-export' },
      running ? exportLink(running) : h('span', { class: 'muted' }, 'none'),
      mismatch && device.status !== 'never_seen' ? pill('pending', { label: 'updating', testid: 'export-mismatch' }) : null,
      device.model_error ? pill('failed', { label: 'model error', testid: 'model-error' }) : null),
  };
}

export async function fleetPage(ctx, outlet) {
  await mount(outlet, async () => {
    const projectId = ctx.query.project || '';
    const tag = ctx.query.tag || '';
    const [devices, projectMap, rollouts] = await Promise.all([
      all('/devices', { project_id: projectId || undefined, tag: tag || undefined }),
      loadProjects(),
      holdingRollouts(),
    ]);
    const count = (status) => devices.filter((d) => d.status === status).length;
    const updating = devices.filter((d) => {
      const a = assignedExport(d, projectMap, rollouts).id;
      return a !== null && d.running_export_id !== a && d.status !== 'never_seen';
    }).length;

    const filter = select([...projectMap.values()].map((p) => [p.id, p.name]), {
      value: projectId, blank: 'All projects', testid: 'filter-project',
      onchange: (e) => {
        setQuery({ project: e.target.value, tag });
        fleetPage({ ...ctx, query: { project: e.target.value, tag } }, outlet);
      },
    });
    const tagFilter = h('input', {
      type: 'search', value: tag, placeholder: 'Tag, e.g. site:north', testid: 'filter-tag', 'aria-label': 'Tag',
      onchange: (e) => {
        setQuery({ project: projectId, tag: e.target.value.trim() });
        fleetPage({ ...ctx, query: { project: projectId, tag: e.target.value.trim() } }, outlet);
      },
    });

    const columns = [
      { title: 'Device', cell: (d) => h('div', {}, link(`/devices/${d.id}`, d.name, { testid: 'device-link' }),
        h('div', { class: 'muted small' }, d.serial_number)) },
      { title: 'Project', cell: (d) => projectLink(projectMap, d.project_id) },
      { title: 'Tags', cell: (d) => tagChips(d.tags) },
      { title: 'Status', cell: (d) => pill(d.status, { testid: 'device-status' }) },
      { title: 'Last check-in', cell: (d) => when(d.last_seen_at) },
      { title: 'Hardware', cell: (d) => h('div', {}, d.model || '—', h('div', { class: 'muted small' }, d.firmware_version ? `fw ${d.firmware_version}` : '')) },
      { title: 'Assigned model', cell: (d) => exportCells(d, projectMap, rollouts).assigned },
      { title: 'Running', cell: (d) => exportCells(d, projectMap, rollouts).running },
    ];

    return h('div', { class: 'page', testid: 'fleet-page' },
      pageHeader('Fleet', { subtitle: 'Cameras, their health and the model each one runs.', actions: [tagFilter, filter] }),
      stats([
        { label: 'Devices', value: fmtNum(devices.length) },
        { label: 'Online', value: fmtNum(count('online')), tone: 'ok' },
        { label: 'Offline', value: fmtNum(count('offline')), tone: count('offline') ? 'warn' : null },
        { label: 'Never seen', value: fmtNum(count('never_seen')) },
        { label: 'Disabled', value: fmtNum(count('disabled')) },
        { label: 'Updating model', value: fmtNum(updating), hint: 'runs another export than assigned' },
      ], 'fleet-stats'),
      card(null, table(columns, devices, {
        testid: 'devices-table', rowTestid: 'device-row',
        empty: 'No devices yet. Create a provisioning token (Admin) and provision a camera with it.',
      }), { wide: true }));
  });
}
