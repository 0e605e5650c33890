// /images: a grid of thumbnails, filtered (project, batch, device, status, label, capture time) and
// paged in as the end of the grid scrolls into view, following the API's pages.

import { all, pager } from '../api.js';
import { fmtNum, h, replace } from '../dom.js';
import { devices as loadDevices, projects as loadProjects } from '../lookups.js';
import { imageOf, releaseImages } from '../media.js';
import { setQuery } from '../router.js';
import { card, empty, errorBox, field, loading, mount, pageHeader, pill, select } from '../ui.js';

const PAGE_SIZE = 48;
const FILTER_KEYS = ['project', 'batch', 'device', 'status', 'labeled', 'label', 'from', 'to'];

// datetime-local text (local time) <-> ISO 8601 (UTC) for the API.
const toIso = (local) => (local ? new Date(local).toISOString() : undefined);

function apiQuery(f) {
  return {
    project_id: f.project, batch_id: f.batch, device_id: f.device, status: f.status,
    labeled: f.labeled, label: f.label, captured_after: toIso(f.from), captured_before: toIso(f.to),
  };
}

export function tile(image, href) {
  const boxes = image.annotation?.boxes?.length;
  const caption = image.label
    ? h('span', { class: 'tag tag-strong' }, image.label)
    : boxes ? h('span', { class: 'tag tag-strong' }, `${boxes} box${boxes > 1 ? 'es' : ''}`)
      : h('span', { class: 'tag' }, 'unlabelled');
  return h('a', { class: 'tile', href, testid: 'image-tile', 'data-image-id': image.id },
    h('div', { class: 'tile-img' }, imageOf(image, 'thumbnail', { alt: image.filename || `image ${image.id}`, loading: 'lazy' })),
    h('div', { class: 'tile-caption' }, caption, image.status !== 'new' ? pill(image.status) : null));
}

function filterBar(filters, { projectMap, deviceMap, batches }, apply) {
  const project = projectMap.get(Number(filters.project));
  const on = (key) => (e) => apply({ ...filters, [key]: e.target.value, ...(key === 'project' ? { batch: '', label: '' } : {}) });
  const input = (key, type) => h('input', { type, value: filters[key] || '', testid: `filter-${key}`, onchange: on(key) });
  return h('div', { class: 'filters', testid: 'image-filters' },
    field('Project', select([...projectMap.values()].map((p) => [p.id, p.name]), { value: filters.project, blank: 'All', testid: 'filter-project', onchange: on('project') })),
    field('Batch', select(batches.map((b) => [b.id, `${b.name} (${b.image_count})`]), { value: filters.batch, blank: project ? 'All' : 'Choose a project', testid: 'filter-batch', onchange: on('batch') })),
    field('Device', select([...deviceMap.values()].filter((d) => !project || d.project_id === project.id).map((d) => [d.id, d.name]), { value: filters.device, blank: 'All', testid: 'filter-device', onchange: on('device') })),
    field('Status', select(['new', 'accepted', 'rejected'], { value: filters.status, blank: 'Any', testid: 'filter-status', onchange: on('status') })),
    field('Labelled', select([['true', 'Labelled'], ['false', 'Unlabelled']], { value: filters.labeled, blank: 'Any', testid: 'filter-labeled', onchange: on('labeled') })),
    field('Label', project?.labels?.length
      ? select(project.labels, { value: filters.label, blank: 'Any', testid: 'filter-label', onchange: on('label') })
      : input('label', 'text')),
    field('Captured from', input('from', 'datetime-local')),
    field('to', input('to', 'datetime-local')));
}

export async function imagesPage(ctx, outlet) {
  ctx.onLeave(releaseImages);
  await mount(outlet, async () => {
    const filters = Object.fromEntries(FILTER_KEYS.map((k) => [k, ctx.query[k] || '']));
    const [projectMap, deviceMap, batches] = await Promise.all([
      loadProjects(),
      loadDevices(),
      filters.project ? all('/data/batches', { project_id: filters.project }, 300) : Promise.resolve([]),
    ]);
    let stale = false; // filters changed: this grid's loads stop, a new grid takes over
    const apply = (next) => {
      stale = true;
      observer.disconnect();
      setQuery(next);
      imagesPage({ ...ctx, query: next }, outlet);
    };
    const search = new URLSearchParams(Object.entries(filters).filter(([, v]) => v)).toString();
    const pages = pager('/data/images', apiQuery(filters), PAGE_SIZE);
    const gridEl = h('div', { class: 'image-grid', testid: 'image-grid' });
    const count = h('span', { class: 'muted', testid: 'image-count' });
    const sentinel = h('div', { class: 'sentinel', testid: 'grid-sentinel' });
    const status = h('div', {});

    let busy = false;
    const more = async () => {
      if (busy || stale || pages.done || ctx.signal.aborted) return;
      busy = true;
      replace(status, loading('Loading images…'));
      try {
        const rows = await pages.next(ctx.signal);
        if (stale) return;
        gridEl.append(...rows.map((img) => tile(img, `/images/${img.id}${search ? `?${search}` : ''}`)));
        count.textContent = `${fmtNum(gridEl.childElementCount)} of ${fmtNum(pages.total)} images`;
        replace(status, pages.total === 0 ? empty('No images match these filters.') : null);
      } catch (err) {
        if (err.name !== 'AbortError') replace(status, errorBox(err, { title: 'Images could not be loaded' }));
      }
      busy = false;
      // Still on screen (a tall window, few rows): keep filling.
      if (!pages.done && sentinel.isConnected && sentinel.getBoundingClientRect().top < window.innerHeight + 400) more();
    };
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) more();
    }, { rootMargin: '400px' });
    ctx.onLeave(() => observer.disconnect());

    const content = h('div', { class: 'page', testid: 'images-page' },
      pageHeader('Images', { subtitle: 'What the cameras sent, with their labels.', actions: [count] }),
      card(null, filterBar(filters, { projectMap, deviceMap, batches }, apply), { wide: true }),
      gridEl, status, sentinel);
    // Drawn first, then observed: the observer needs the sentinel in the page.
    setTimeout(() => { observer.observe(sentinel); more(); }, 0);
    return content;
  });
}
