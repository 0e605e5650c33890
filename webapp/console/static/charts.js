// Line charts on the vendored uPlot (vendor/uplot, loaded by index.html as the global `uPlot`).
//
// lineChart(host, {series: [{label, color, scale}], data: [xs, ys1, ys2…], time, yLabel}) draws
// into host and returns {update(data)}: updating keeps the chart and adds the new points. The host
// carries data-points (the number of x values drawn), which tests and people can read.

import { h } from './dom.js';

export const COLORS = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

function width(host) {
  return Math.max(240, Math.floor(host.getBoundingClientRect().width || host.parentElement?.clientWidth || 600));
}

export function lineChart(host, { series, data, time = false, height = 240, yLabel, xLabel, yRange, testid }) {
  host.classList.add('chart');
  if (testid) host.setAttribute('data-testid', testid);
  const scales = { x: { time } };
  if (yRange) scales.y = { range: yRange };
  const hasY2 = series.some((s) => s.scale === 'y2');
  if (hasY2) scales.y2 = {};
  const axes = [
    { label: xLabel, stroke: '#475569', grid: { stroke: '#e2e8f0' }, ticks: { stroke: '#cbd5e1' } },
    { label: yLabel, stroke: '#475569', grid: { stroke: '#e2e8f0' }, ticks: { stroke: '#cbd5e1' }, size: 56 },
  ];
  if (hasY2) {
    axes.push({ scale: 'y2', side: 1, stroke: '#475569', grid: { show: false }, size: 56,
      label: series.find((s) => s.scale === 'y2')?.axisLabel });
  }
  const opts = {
    width: width(host),
    height,
    scales,
    axes,
    legend: { live: true },
    cursor: { drag: { x: true, y: false } },
    series: [
      { label: xLabel || (time ? 'Time' : 'x') },
      ...series.map((s, i) => ({
        label: s.label,
        scale: s.scale || 'y',
        stroke: s.color || COLORS[i % COLORS.length],
        width: 2,
        spanGaps: true,
        points: s.points === false ? { show: false } : { size: 5 },
        value: (u, v) => (v === null || v === undefined ? '—' : Number(v).toPrecision(4)),
      })),
    ],
  };
  const chart = new window.uPlot(opts, normalise(data, series.length), host);
  host.setAttribute('data-points', String(data[0]?.length || 0));
  const resize = new ResizeObserver(() => chart.setSize({ width: width(host), height }));
  resize.observe(host);
  return {
    chart,
    update(next) {
      chart.setData(normalise(next, series.length));
      host.setAttribute('data-points', String(next[0]?.length || 0));
    },
    destroy() {
      resize.disconnect();
      chart.destroy();
    },
  };
}

function normalise(data, count) {
  const out = [data[0] || []];
  for (let i = 1; i <= count; i += 1) {
    out.push((data[i] || []).map((v) => (v === undefined || v === null || Number.isNaN(v) ? null : v)));
  }
  return out;
}

// A chart in a titled box; the box stays even when there is no data (it says so).
export function chartBox(title, build, { empty = 'No data yet.' } = {}) {
  const host = h('div', {});
  const box = h('div', { class: 'chart-box' }, title ? h('h3', {}, title) : null, host);
  const chart = build ? build(host) : null;
  if (!chart) host.append(h('p', { class: 'empty' }, empty));
  box.chart = chart;
  return box;
}

// Seconds since the epoch, uPlot's time axis.
export const epochSeconds = (iso) => new Date(iso).getTime() / 1000;

// Labelled horizontal bars, e.g. a class balance: rows [{label, values: [n, …]}], keys: series names.
export function barRows(rows, keys, { testid = 'bars', format = (v) => String(v) } = {}) {
  const max = Math.max(0, ...rows.flatMap((r) => r.values.map((v) => v || 0))) || 1;
  return h('div', { class: 'hbars', testid },
    keys.length > 1 ? h('div', { class: 'hbars-legend' }, keys.map((k, i) => h('span', { class: `swatch swatch-${i}` }, k))) : null,
    rows.map((r) => h('div', { class: 'hbar-row', testid: 'bar-row' },
      h('span', { class: 'hbar-label', title: r.label }, r.label),
      h('span', { class: 'hbar-values' }, r.values.map((v, i) => {
        const fill = h('span', { class: `hbar-fill swatch-bg-${i}` });
        fill.style.width = `${((v || 0) / max) * 100}%`;
        return h('span', { class: 'hbar-line' }, h('span', { class: 'hbar-track' }, fill), h('span', { class: 'hbar-num' }, format(v || 0)));
      })))));
}
