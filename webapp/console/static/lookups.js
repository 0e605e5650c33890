// Names of things other objects point at (a device's project, a job's dataset), fetched once a while
// and shared by the pages that show them.

import { all } from './api.js';
import { link } from './ui.js';

const TTL_MS = 30_000;
const cache = new Map();

async function cached(key, load) {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
  const value = load();
  cache.set(key, { at: Date.now(), value });
  try {
    return await value;
  } catch (err) {
    cache.delete(key);
    throw err;
  }
}

export function forget() {
  cache.clear();
}

const byId = (rows) => new Map(rows.map((r) => [r.id, r]));

export const projects = () => cached('projects', async () => byId(await all('/data/projects')));
export const devices = () => cached('devices', async () => byId(await all('/devices')));
export const datasets = () => cached('datasets', async () => byId(await all('/data/datasets')));
export const models = () => cached('models', async () => byId(await all('/ml/models')));

// The rollout holding each project (active or paused; one at most), by project id. Not cached: a
// rollout moves on its own.
export async function holdingRollouts(projectId) {
  const [active, paused] = await Promise.all(['active', 'paused'].map((status) => all('/ml/rollouts', { status, project_id: projectId }, 200)));
  return new Map([...paused, ...active].map((r) => [r.project_id, r]));
}

export function projectLink(map, id) {
  if (id === null || id === undefined) return '—';
  const p = map.get(id);
  return link(`/projects/${id}`, p ? p.name : `Project ${id}`);
}

export function deviceLink(map, id) {
  if (id === null || id === undefined) return '—';
  const d = map.get(id);
  return link(`/devices/${id}`, d ? d.name : `Device ${id}`);
}

export function datasetLink(map, id) {
  if (id === null || id === undefined) return '—';
  const d = map.get(id);
  return link(`/datasets/${id}`, d ? `${d.name} (v${d.version})` : `Dataset ${id}`);
}

export function modelLink(map, id) {
  if (id === null || id === undefined) return '—';
  const m = map.get(id);
  return link(`/models/${id}`, m ? (m.name.endsWith(`v${m.version}`) ? m.name : `${m.name} v${m.version}`) : `Model ${id}`);
}

export function exportLink(id) {
  if (id === null || id === undefined) return '—';
  return link(`/exports/${id}`, `Export #${id}`);
}
