// Deploying an export: to a whole project (its devices without their own) or to one device.
// PATCH /data/projects/{id} or /devices/{id} with deployed_export_id; only managers may (the
// callers show these buttons to isManager() alone, and the API refuses anyone else).

import { all, patch } from './api.js';
import { h, replace } from './dom.js';
import { forget } from './lookups.js';
import { button, dialog, errorBox, field, select, toast } from './ui.js';

function exportLabel(e) {
  return `Export #${e.id} · ${e.precision} · model ${e.model_id}`;
}

async function save(target, id, exportId) {
  const path = target === 'project' ? `/data/projects/${id}` : `/devices/${id}`;
  const result = await patch(path, { deployed_export_id: exportId });
  forget();
  return result;
}

// From an export: choose where it goes. onDone() re-renders the page.
export function deployExportButton(exportJob, onDone) {
  return button('Deploy…', async () => {
    const devices = await all('/devices', { project_id: exportJob.project_id });
    const target = select([['project', 'The whole project'], ['device', 'One device']], { value: 'project', testid: 'deploy-target' });
    const deviceSelect = select(devices.map((d) => [d.id, `${d.name} (${d.serial_number})`]), { testid: 'deploy-device' });
    const deviceField = field('Device', deviceSelect, 'Its own assignment wins over the project\'s.');
    deviceField.hidden = true;
    target.addEventListener('change', () => { deviceField.hidden = target.value !== 'device'; });
    const status = h('div', {});
    dialog(`Deploy export #${exportJob.id}`, [
      h('p', {}, 'Devices fetch the model at their next check-in and verify its checksum.'),
      field('Deploy to', target), deviceField, status,
    ], [
      { text: 'Cancel', kind: 'ghost', onclick: (close) => close() },
      {
        text: 'Deploy', testid: 'deploy-confirm',
        onclick: async (close) => {
          try {
            if (target.value === 'device') {
              if (!deviceSelect.value) throw new Error('Choose a device.');
              await save('device', deviceSelect.value, exportJob.id);
            } else {
              await save('project', exportJob.project_id, exportJob.id);
            }
            close();
            toast(`Export #${exportJob.id} deployed`);
            onDone?.();
          } catch (err) {
            replace(status, errorBox(err, { title: 'Not deployed' }));
          }
        },
      },
    ], { testid: 'deploy-dialog' });
  }, { testid: 'deploy-button' });
}

// From a project or a device: choose which export it runs (or none).
export function assignButton(kind, obj, projectId, onDone) {
  return button(kind === 'project' ? 'Deploy a model…' : 'Assign a model…', async () => {
    const exports = await all('/ml/export-jobs', { status: 'succeeded', project_id: projectId || undefined });
    const none = kind === 'project' ? 'None' : 'None of its own (the project\'s)';
    const choice = select(exports.map((e) => [e.id, exportLabel(e)]), {
      value: obj.deployed_export_id ?? '', blank: none, testid: 'assign-export',
    });
    const status = h('div', {});
    dialog(kind === 'project' ? `Deploy to ${obj.name}` : `Assign a model to ${obj.name}`, [
      field('Export', choice), status,
    ], [
      { text: 'Cancel', kind: 'ghost', onclick: (close) => close() },
      {
        text: 'Save', testid: 'assign-confirm',
        onclick: async (close) => {
          try {
            await save(kind, obj.id, choice.value ? Number(choice.value) : null);
            close();
            toast('Saved');
            onDone?.();
          } catch (err) {
            replace(status, errorBox(err, { title: 'Not saved' }));
          }
        },
      },
    ], { testid: 'assign-dialog' });
  }, { testid: 'deploy-button', kind: 'ghost' });
}
