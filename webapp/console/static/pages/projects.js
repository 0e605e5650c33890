// /projects: every project with its task, labels, how much is labelled and what it has deployed.

import { all } from '../api.js';
import { fmtNum, fmtPct, h, when } from '../dom.js';
import { exportLink } from '../lookups.js';
import { bar, card, link, mount, pageHeader, pill, table } from '../ui.js';

export async function projectsPage(ctx, outlet) {
  await mount(outlet, async () => {
    const showArchived = ctx.query.archived === '1';
    const projects = await all('/data/projects', showArchived ? {} : { archived: false });
    const toggle = link(showArchived ? '/projects' : '/projects?archived=1',
      showArchived ? 'Hide archived' : 'Show archived', { class: 'btn btn-ghost' });
    return h('div', { class: 'page', testid: 'projects-page' },
      pageHeader('Projects', { subtitle: 'Where images land, get labelled and become datasets.', actions: [toggle] }),
      card(null, table([
        { title: 'Project', cell: (p) => h('div', {}, link(`/projects/${p.id}`, p.name, { testid: 'project-link' }),
          p.description ? h('div', { class: 'muted small clamp' }, p.description) : null) },
        { title: 'Task', cell: (p) => h('span', { class: 'tag' }, p.task_type) },
        { title: 'Labels', cell: (p) => h('span', { class: 'muted', title: p.labels.join(', ') },
          p.labels.length ? `${p.labels.slice(0, 5).join(', ')}${p.labels.length > 5 ? ` +${p.labels.length - 5}` : ''}` : 'none') },
        { title: 'Images', align: 'right', cell: (p) => fmtNum(p.image_count) },
        { title: 'Labelled', cell: (p) => bar(p.image_count ? p.annotated_count / p.image_count : 0,
          { label: p.image_count ? fmtPct(p.annotated_count / p.image_count, 0) : '—' }) },
        { title: 'Deployed', cell: (p) => exportLink(p.deployed_export_id) },
        { title: 'Updated', cell: (p) => when(p.updated_at) },
        { title: '', cell: (p) => (p.archived ? pill('archived') : null) },
      ], projects, { testid: 'projects-table', rowTestid: 'project-row', empty: 'No projects yet.' }), { wide: true }));
  });
}
