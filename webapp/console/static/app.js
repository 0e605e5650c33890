// The console's entry: the frame (sidebar, main area), the routes, and the sign-in guard.

import { SIGNED_OUT, signedIn } from './api.js';
import { isAdmin, loadMe, me, signOut } from './auth.js';
import { h, replace } from './dom.js';
import { forget } from './lookups.js';
import { guard, navigate, notFound, render, route, start } from './router.js';
import { pill } from './ui.js';
import { adminPage } from './pages/admin.js';
import { datasetPage, datasetsPage } from './pages/datasets.js';
import { devicePage } from './pages/device.js';
import { exportPage } from './pages/exports.js';
import { fieldPage } from './pages/field.js';
import { fleetPage } from './pages/fleet.js';
import { imagePage } from './pages/image.js';
import { imagesPage } from './pages/images.js';
import { loginPage } from './pages/login.js';
import { modelPage, modelsPage } from './pages/models.js';
import { projectPage } from './pages/project.js';
import { projectsPage } from './pages/projects.js';
import { rolloutPage } from './pages/rollout.js';
import { rolloutsPage } from './pages/rollouts.js';
import { trainingJobPage, trainingPage } from './pages/training.js';

const root = document.getElementById('app');

const NAV = [
  { section: 'Fleet', items: [['/fleet', 'Devices', 'fleet']] },
  { section: 'Data', items: [['/projects', 'Projects', 'projects'], ['/images', 'Images', 'images'], ['/datasets', 'Datasets', 'datasets']] },
  { section: 'Models', items: [['/training', 'Training', 'training'], ['/models', 'Models', 'models'], ['/rollouts', 'Rollouts', 'rollouts'], ['/field', 'Field', 'field']] },
  { section: 'Organization', items: [['/admin', 'Admin', 'admin']], admin: true },
];

// Which nav entry a path belongs to: /devices/3 is the fleet, /exports/2 the models.
const SECTION_OF = { devices: 'fleet', exports: 'models' };

function sidebar(path) {
  const user = me();
  const first = path.split('/')[1] || 'fleet';
  const active = SECTION_OF[first] || first;
  return h('aside', { class: 'sidebar', testid: 'sidebar' },
    h('a', { class: 'brand', href: '/fleet' }, h('span', { class: 'brand-mark' }), 'Acusight'),
    h('nav', { class: 'nav', testid: 'nav' },
      NAV.filter((group) => !group.admin || isAdmin()).map((group) => [
        h('div', { class: 'nav-section' }, group.section),
        group.items.map(([href, text, key]) => h('a', {
          href, class: ['nav-link', key === active && 'active'], testid: `nav-${key}`,
        }, text)),
      ])),
    h('div', { class: 'nav-foot' },
      h('a', { class: 'nav-link', href: '/api/docs', target: '_blank', rel: 'noopener' }, 'API docs ↗'),
      user ? h('div', { class: 'whoami', testid: 'whoami' },
        h('div', { class: 'whoami-email', title: user.email }, user.email),
        h('div', { class: 'whoami-org' }, user.organization?.name || ''),
        pill(user.role, { testid: 'my-role', label: user.role.replace('_', ' ') })) : null,
      h('button', {
        class: 'btn btn-ghost btn-block', type: 'button', testid: 'sign-out',
        onclick: async () => {
          await signOut();
          forget();
          navigate('/login');
        },
      }, 'Sign out')));
}

function frame(ctx) {
  const outlet = h('main', { class: 'main', testid: 'main' });
  replace(root, h('div', { class: 'shell' }, sidebar(ctx.path), outlet));
  return outlet;
}

// A page of the frame: page(ctx, outlet). The login page draws the whole screen itself.
function framed(page) {
  return (ctx) => page(ctx, frame(ctx));
}

route('/login', (ctx) => loginPage(ctx, root));
route('/', framed(fleetPage));
route('/fleet', framed(fleetPage));
route('/devices/:id', framed(devicePage));
route('/projects', framed(projectsPage));
route('/projects/:id', framed(projectPage));
route('/images', framed(imagesPage));
route('/images/:id', framed(imagePage));
route('/datasets', framed(datasetsPage));
route('/datasets/:id', framed(datasetPage));
route('/training', framed(trainingPage));
route('/training/:id', framed(trainingJobPage));
route('/models', framed(modelsPage));
route('/models/:id', framed(modelPage));
route('/exports/:id', framed(exportPage));
route('/rollouts', framed(rolloutsPage));
route('/rollouts/:id', framed(rolloutPage));
route('/field', framed(fieldPage));
route('/admin', framed(adminPage));
notFound(framed((ctx, outlet) => {
  replace(outlet, h('div', { class: 'empty-page', testid: 'not-found' },
    h('h1', {}, 'Page not found'), h('p', {}, `Nothing lives at ${ctx.path}.`), h('a', { href: '/fleet' }, 'Go to the fleet')));
}));

guard((path) => {
  if (path === '/login') return null;
  if (!signedIn()) {
    const next = path + window.location.search;
    return `/login${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`;
  }
  return null;
});

window.addEventListener(SIGNED_OUT, () => {
  forget();
  if (window.location.pathname !== '/login') {
    const next = window.location.pathname + window.location.search;
    navigate(`/login?expired=1&next=${encodeURIComponent(next)}`, { replace: true });
  }
});

async function boot() {
  // A tab signed in before (tokens in sessionStorage) but without the user: fetch who it is.
  if (signedIn() && !me()) {
    try {
      await loadMe();
    } catch {
      // The guard sends a tab whose tokens no longer work to /login.
    }
  }
  await start();
}

boot();

export { render };
