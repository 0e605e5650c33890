// /images/:id: the image with its boxes (detection) or class (classification) drawn over it, its
// annotation history and the field's predictions on it.

import { all, get, patch } from '../api.js';
import { isManager } from '../auth.js';
import { fmtBytes, fmtDate, fmtNum, fmtPct, h, when } from '../dom.js';
import { deviceLink, devices as loadDevices, projectLink, projects as loadProjects } from '../lookups.js';
import { imageOf, releaseImages } from '../media.js';
import { button, card, kv, link, mount, pageHeader, pill, table, toast } from '../ui.js';

const PALETTE = 8;

// Boxes over the image, placed in percentages of its size: they follow the displayed size.
function boxLayer(boxes, labels, { kind = 'box', testid = 'overlay' } = {}) {
  const layer = h('div', { class: `overlay overlay-${kind}`, testid });
  for (const b of boxes) {
    const index = Math.max(0, labels.indexOf(b.label));
    const el = h('div', { class: `box box-c${index % PALETTE}`, testid: kind, title: b.label },
      h('span', { class: 'box-label' }, b.score !== undefined ? `${b.label} ${fmtPct(b.score, 0)}` : b.label));
    el.style.left = `${b.x * 100}%`;
    el.style.top = `${b.y * 100}%`;
    el.style.width = `${b.width * 100}%`;
    el.style.height = `${b.height * 100}%`;
    layer.append(el);
  }
  return layer;
}

function viewer(image, project, predictions) {
  const img = imageOf(image, 'file', { alt: image.filename || `image ${image.id}`, testid: 'image-full' });
  // Tiny frames (8x8 digits) are drawn as crisp pixels, not a blur.
  if (Math.max(image.width, image.height) < 128) img.classList.add('pixelated');
  const frame = h('div', { class: 'viewer-frame', testid: 'viewer' }, img);
  const labels = project?.labels || [];
  const annotation = image.annotation;
  if (annotation?.boxes?.length) frame.append(boxLayer(annotation.boxes, labels));
  if (annotation?.label) {
    frame.append(h('div', { class: 'class-badge', testid: 'class-label' }, annotation.label));
  }
  const latest = predictions.find((p) => p.prediction?.detections?.length);
  let predLayer = null;
  const controls = [];
  if (latest) {
    predLayer = boxLayer(latest.prediction.detections, labels, { kind: 'pred-box', testid: 'pred-overlay' });
    predLayer.hidden = true;
    frame.append(predLayer);
    const toggle = h('input', { type: 'checkbox', testid: 'toggle-predictions' });
    toggle.addEventListener('change', () => { predLayer.hidden = !toggle.checked; });
    controls.push(h('label', { class: 'check' }, toggle, ` Show export #${latest.export_id}'s detections (dashed)`));
  }
  return h('div', { class: 'viewer' }, frame, h('div', { class: 'viewer-controls' }, controls));
}

function statusActions(image, rerender) {
  if (!isManager()) return [];
  return ['accepted', 'rejected', 'new'].filter((s) => s !== image.status).map((status) => button(
    status === 'new' ? 'Mark new' : status === 'accepted' ? 'Accept' : 'Reject',
    async () => {
      try {
        await patch(`/data/images/${image.id}`, { status });
        toast(`Image ${status}`);
        rerender();
      } catch (err) {
        toast(err.message, 'bad');
      }
    }, { kind: status === 'rejected' ? 'danger' : 'ghost', testid: `image-${status}` }));
}

function predictionText(p) {
  const pr = p.prediction || {};
  if (pr.detections) return `${pr.detections.length} detection${pr.detections.length === 1 ? '' : 's'}`;
  if (pr.label) return `${pr.label} (${fmtPct(pr.score, 0)})`;
  return JSON.stringify(pr);
}

export async function imagePage(ctx, outlet) {
  ctx.onLeave(releaseImages);
  const rerender = () => imagePage(ctx, outlet);
  await mount(outlet, async () => {
    const id = ctx.params.id;
    const [image, history, predictions, projectMap, deviceMap] = await Promise.all([
      get(`/data/images/${id}`),
      all('/data/annotations', { image_id: id }, 200),
      get(`/data/images/${id}/field-predictions`).catch(() => []),
      loadProjects(),
      loadDevices(),
    ]);
    const project = projectMap.get(image.project_id);
    const back = new URLSearchParams(ctx.query).toString();
    const annotation = image.annotation;
    return h('div', { class: 'page', testid: 'image-page' },
      pageHeader(image.filename || `Image ${image.id}`, {
        crumbs: [{ href: `/images${back ? `?${back}` : ''}`, text: 'Images' }],
        subtitle: `${image.width}×${image.height} ${image.format} · ${project ? project.task_type : 'no project'}`,
        actions: statusActions(image, rerender),
      }),
      h('div', { class: 'split' },
        card(null, viewer(image, project, predictions || []), { className: 'card-viewer' }),
        h('div', { class: 'side' },
          card('Label', annotation
            ? kv([
              annotation.label ? ['Class', h('span', { class: 'tag tag-strong' }, annotation.label)] : null,
              annotation.boxes ? ['Boxes', fmtNum(annotation.boxes.length)] : null,
              ['By', annotation.annotator_email || annotation.source],
              ['Source', annotation.source],
              ['When', when(annotation.created_at)],
            ], 'current-annotation')
            : h('p', { class: 'muted', testid: 'unlabelled' }, 'Not labelled yet.')),
          card('Details', kv([
            ['Status', pill(image.status)],
            ['Project', projectLink(projectMap, image.project_id)],
            ['Batch', image.batch_id ? link(`/images?project=${image.project_id}&batch=${image.batch_id}`, `Batch ${image.batch_id}`) : null],
            ['Device', deviceLink(deviceMap, image.device_id)],
            ['Captured', fmtDate(image.captured_at)],
            ['Uploaded', fmtDate(image.created_at)],
            ['Size', `${image.width}×${image.height} · ${fmtBytes(image.byte_size)}`],
            ['Tags', image.tags?.length ? h('div', { class: 'tags' }, image.tags.map((t) => h('span', { class: 'tag' }, t))) : null],
            ['Notes', image.notes],
            ['SHA-256', h('code', { class: 'hash', title: image.sha256 }, image.sha256.slice(0, 16) + '…')],
          ], 'image-details')))),
      card('Annotation history', table([
        { title: 'When', cell: (a) => when(a.created_at) },
        { title: 'Label', cell: (a) => (a.label ? h('span', { class: 'tag' }, a.label) : a.boxes ? `${a.boxes.length} boxes: ${[...new Set(a.boxes.map((b) => b.label))].join(', ')}` : '—') },
        { title: 'By', cell: (a) => a.annotator_email || '—' },
        { title: 'Source', cell: (a) => a.source },
        { title: '', cell: (a) => (a.current ? pill('active', { label: 'current' }) : null) },
      ], history, { testid: 'annotation-history', rowTestid: 'annotation-row', empty: 'No annotations yet.' }), { wide: true }),
      card('Field predictions', table([
        { title: 'Captured', cell: (p) => fmtDate(p.captured_at) },
        { title: 'Export', cell: (p) => link(`/exports/${p.export_id}`, `#${p.export_id}`) },
        { title: 'Device', cell: (p) => deviceLink(deviceMap, p.device_id) },
        { title: 'Prediction', cell: predictionText },
        { title: 'Latency', align: 'right', cell: (p) => (p.latency_ms === null ? '—' : `${fmtNum(p.latency_ms)} ms`) },
      ], predictions || [], { testid: 'field-predictions', empty: 'No device reported a prediction on this image.' }), { wide: true }));
  });
}
