// A device's tags: shown as chips, and edited in place by those who may (PATCH /devices/{id} tags).

import { patch } from './api.js';
import { h, replace } from './dom.js';
import { button, errorBox, toast } from './ui.js';

export function tagChips(tags, testid = 'device-tags') {
  if (!tags?.length) return h('span', { class: 'muted', testid }, '—');
  return h('div', { class: 'tags', testid }, tags.map((tag) => h('span', { class: 'tag', testid: 'device-tag' }, tag)));
}

// The chips, and for a manager an "Edit" that turns them into one text field (comma-separated).
export function tagEditor(device, canEdit, onSaved) {
  const host = h('div', { class: 'tag-editor' });
  const show = () => replace(host, tagChips(device.tags),
    canEdit ? button('Edit', edit, { kind: 'small', testid: 'edit-tags' }) : null);
  function edit() {
    const input = h('input', {
      type: 'text', value: device.tags.join(', '), testid: 'tags-input',
      placeholder: 'site:north, line-3', 'aria-label': 'Tags, comma-separated',
    });
    const problem = h('div');
    const save = async () => {
      const tags = input.value.split(',').map((t) => t.trim()).filter(Boolean);
      try {
        const saved = await patch(`/devices/${device.id}`, { tags });
        toast('Tags saved');
        onSaved(saved);
      } catch (err) {
        replace(problem, errorBox(err, { title: 'Tags not saved' }));
      }
    };
    input.addEventListener('keydown', (e) => { if (e.key === 'Enter') save(); });
    replace(host, input, button('Save', save, { kind: 'small', testid: 'save-tags' }),
      button('Cancel', show, { kind: 'small' }), problem);
    input.focus();
  }
  show();
  return host;
}
