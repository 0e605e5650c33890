// /field: what runs where — each project's deployed export, devices' own assignments — and the
// drift events of the organization.

import { all } from '../api.js';
import { fmtNum, h } from '../dom.js';
import { deviceLink, devices as loadDevices, exportLink, projectLink, projects as loadProjects } from '../lookups.js';
import { card, mount, pageHeader, pill, table } from '../ui.js';
import { driftColumns } from './exports.js';

export async function fieldPage(ctx, outlet) {
  await mount(outlet, async () => {
    const [projectMap, deviceMap, drift] = await Promise.all([loadProjects(), loadDevices(), all('/ml/drift-events', {}, 200)]);
    const deployed = [...projectMap.values()].filter((p) => p.deployed_export_id);
    const devices = [...deviceMap.values()];
    const own = devices.filter((d) => d.deployed_export_id);
    const runningOn = (exportId) => devices.filter((d) => d.running_export_id === exportId).length;
    return h('div', { class: 'page', testid: 'field-page' },
      pageHeader('Field', { subtitle: 'Deployed models, how they do on the devices, and drift.' }),
      card('Deployed to projects', table([
        { title: 'Project', cell: (p) => projectLink(projectMap, p.id) },
        { title: 'Export', cell: (p) => exportLink(p.deployed_export_id) },
        { title: 'Devices running it', align: 'right', cell: (p) => fmtNum(runningOn(p.deployed_export_id)) },
        { title: 'Sampling boost', cell: (p) => (p.sampling_boost ? pill('drift', { label: 'raised after drift' }) : '—') },
      ], deployed, { testid: 'deployed-projects', empty: 'No project has a deployed model yet.' }), { wide: true }),
      own.length ? card('Devices with their own model', table([
        { title: 'Device', cell: (d) => deviceLink(deviceMap, d.id) },
        { title: 'Project', cell: (d) => projectLink(projectMap, d.project_id) },
        { title: 'Assigned', cell: (d) => exportLink(d.deployed_export_id) },
        { title: 'Running', cell: (d) => exportLink(d.running_export_id) },
        { title: 'Status', cell: (d) => pill(d.status) },
      ], own, { testid: 'device-assignments' }), { wide: true }) : null,
      card('Drift events', table(driftColumns(), drift, { testid: 'drift-events', empty: 'No drift seen.' }), { wide: true }));
  });
}
