// /devices/:id: a device's details, its health over time (check-ins), its model.

import { all, get } from '../api.js';
import { isManager } from '../auth.js';
import { chartBox, epochSeconds, lineChart } from '../charts.js';
import { fmtDate, fmtNum, h, when } from '../dom.js';
import { assignButton } from '../deploy.js';
import { holdingRollouts, projectLink, projects as loadProjects } from '../lookups.js';
import { stageText, statusPill } from '../rollout-view.js';
import { tagEditor } from '../tags.js';
import { card, grid, kv, link, mount, pageHeader, pill, table } from '../ui.js';
import { exportCells } from './fleet.js';

const CHECKINS_SHOWN = 500;

const HEALTH = [
  { key: 'battery_pct', title: 'Battery (%)', color: '#059669', range: [0, 100] },
  { key: 'temperature_c', title: 'Temperature (°C)', color: '#dc2626' },
  { key: 'disk_free_mb', title: 'Disk free (MB)', color: '#2563eb' },
  { key: 'uptime_s', title: 'Uptime (h)', color: '#7c3aed', scale: 1 / 3600 },
];

function healthChart(spec, checkins) {
  const points = checkins.filter((c) => c[spec.key] !== null && c[spec.key] !== undefined);
  return chartBox(spec.title, points.length ? (host) => lineChart(host, {
    time: true, height: 180, testid: `health-${spec.key}`,
    series: [{ label: spec.title, color: spec.color }],
    data: [points.map((c) => epochSeconds(c.created_at)), points.map((c) => c[spec.key] * (spec.scale || 1))],
    yRange: spec.range,
  }) : null, { empty: 'Not reported.' });
}

function uptime(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const d = Math.floor(seconds / 86400);
  const hrs = Math.floor((seconds % 86400) / 3600);
  return d ? `${d} d ${hrs} h` : `${hrs} h ${Math.floor((seconds % 3600) / 60)} min`;
}

export async function devicePage(ctx, outlet) {
  const rerender = () => devicePage(ctx, outlet);
  await mount(outlet, async () => {
    const id = ctx.params.id;
    const [device, checkinsNewest, projectMap] = await Promise.all([
      get(`/devices/${id}`),
      all(`/devices/${id}/checkins`, {}, CHECKINS_SHOWN),
      loadProjects(),
    ]);
    const rollouts = device.project_id ? await holdingRollouts(device.project_id) : new Map();
    const rollout = device.deployed_export_id ? null : rollouts.get(device.project_id);
    const checkins = [...checkinsNewest].reverse();
    const last = checkinsNewest[0];
    const cells = exportCells(device, projectMap, rollouts);
    const actions = [link(`/images?device=${device.id}${device.project_id ? `&project=${device.project_id}` : ''}`, 'Images', { class: 'btn btn-ghost' })];
    if (isManager()) actions.push(assignButton('device', device, device.project_id, rerender));

    const metricsKeys = [...new Set(checkinsNewest.flatMap((c) => Object.entries(c.metrics || {})
      .filter(([, v]) => typeof v === 'number').map(([k]) => k)))].slice(0, 6);
    return h('div', { class: 'page', testid: 'device-page' },
      pageHeader(device.name, {
        crumbs: [{ href: '/fleet', text: 'Fleet' }], actions,
        subtitle: `Serial ${device.serial_number}`,
      }),
      grid(
        card('Status', kv([
          ['Status', pill(device.status, { testid: 'device-status' })],
          ['Last check-in', device.last_seen_at ? h('span', {}, when(device.last_seen_at), ` · ${fmtDate(device.last_seen_at)}`) : 'never'],
          ['Project', projectLink(projectMap, device.project_id)],
          ['Tags', tagEditor(device, isManager(), rerender)],
          ['Hardware', device.model],
          ['Firmware', device.firmware_version],
          ['IP address', last?.ip_address],
          ['Uptime', uptime(last?.uptime_s)],
          ['Provisioned', fmtDate(device.created_at)],
        ], 'device-details')),
        card('Model', kv([
          ['Assigned', cells.assigned],
          ['Running', cells.running],
          rollout ? ['Rollout', h('span', { testid: 'device-rollout' }, link(`/rollouts/${rollout.id}`, `Rollout #${rollout.id}`), ' ', statusPill(rollout.status),
            h('div', { class: 'muted small' }, `of export #${rollout.export_id}, stage ${stageText(rollout)}: ${device.running_export_id === rollout.export_id ? 'this device is in it and runs the export' : 'this device gets the export once a stage holds it'}`))] : null,
          ['Model error', device.model_error ? h('span', { class: 'text-bad' }, device.model_error) : null],
        ])),
      ),
      card(`Health over time (last ${fmtNum(checkins.length)} check-ins)`,
        checkins.length
          ? h('div', { class: 'charts-2' }, HEALTH.map((spec) => healthChart(spec, checkins)))
          : h('p', { class: 'empty' }, 'This device has not checked in yet.'),
        { wide: true, testid: 'device-health' }),
      card('Recent check-ins', table([
        { title: 'When', cell: (c) => when(c.created_at) },
        { title: 'Battery', align: 'right', cell: (c) => (c.battery_pct === null ? '—' : `${fmtNum(c.battery_pct)} %`) },
        { title: 'Temp.', align: 'right', cell: (c) => (c.temperature_c === null ? '—' : `${fmtNum(c.temperature_c)} °C`) },
        { title: 'Disk free', align: 'right', cell: (c) => (c.disk_free_mb === null ? '—' : `${fmtNum(c.disk_free_mb)} MB`) },
        { title: 'Firmware', cell: (c) => c.firmware_version },
        { title: 'Running', cell: (c) => (c.running_export_id ? link(`/exports/${c.running_export_id}`, `#${c.running_export_id}`) : '—') },
        ...metricsKeys.map((key) => ({ title: key, align: 'right', cell: (c) => fmtNum(c.metrics?.[key]) })),
        { title: 'Failed to load', cell: (c) => (c.failed_export_id ? link(`/exports/${c.failed_export_id}`, `#${c.failed_export_id}`) : '—') },
        { title: 'Runs failed', align: 'right', cell: (c) => fmtNum(c.runs_failed) },
        { title: 'Model error', cell: (c) => c.model_error },
      ], checkinsNewest.slice(0, 20), { testid: 'checkins-table', empty: 'No check-ins yet.' }), { wide: true }));
  });
}
