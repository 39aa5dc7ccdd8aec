// An SVG drawing of a plotly figure from its own data and layout, shown the moment a figure
// appears while plotly's front end (about 5 MB) is still on its way (see served-figure.js).
//
// It draws what the apps' figures use: `scatter` (lines, markers, fills `toself` and
// `tonexty`) on x/y axes and `scatterpolar` (a radar) on a polar subplot, each in its
// layout domain, with the title, axis titles, ticks and the legend. A figure with any other
// kind of trace gets a one-line "loading" note instead. The same numbers as plotly's
// drawing: both read the model's `_widget_data` and `_widget_layout`.

const NS = 'http://www.w3.org/2000/svg';
const SUPPORTED = new Set(['scatter', 'scatterpolar']);
const COLORWAY = ['#636efa', '#EF553B', '#00cc96', '#ab63fa', '#FFA15A', '#19d3f3', '#FF6692', '#B6E880'];
const DASHES = { dash: '9,3', dot: '3,3', dashdot: '9,3,3,3', longdash: '15,5' };

function el(tag, attrs, parent) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  }
  if (parent) parent.appendChild(node);
  return node;
}

function text(parent, x, y, str, attrs) {
  const t = el('text', { x, y, ...attrs }, parent);
  t.textContent = str;
  return t;
}

function values(a) {
  if (Array.isArray(a)) return a;
  if (ArrayBuffer.isView(a)) return Array.from(a);
  return [];
}

function titleOf(t) {
  if (!t) return '';
  return typeof t === 'string' ? t : t.text || '';
}

function fmt(v) {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toFixed(0)}k`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(a < 10 ? 1 : 0)}`;
}

// about five round ticks over [lo, hi]
export function ticks(lo, hi) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

function colourOf(trace, i) {
  return (trace.line && trace.line.color) || (trace.marker && trace.marker.color) || COLORWAY[i % COLORWAY.length];
}

function modeOf(trace, n) {
  return trace.mode || (n < 20 ? 'lines+markers' : 'lines');
}

function fillColour(trace, colour) {
  return trace.fillcolor || colour;
}

function stroke(trace, colour) {
  const dash = trace.line && trace.line.dash;
  return { stroke: colour, 'stroke-width': (trace.line && trace.line.width) || 2, fill: 'none',
    'stroke-dasharray': DASHES[dash] || undefined };
}

function marker(g, x, y, trace, colour, label) {
  const m = trace.marker || {};
  const c = el('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: (m.size || 6) / 2, fill: m.color || colour }, g);
  el('title', {}, c).textContent = label;
}

// ------------------------------------------------------------------ polar (radar)

function drawPolar(svg, box, traces, axis, font) {
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  const R = Math.max(10, Math.min(box.w, box.h) / 2 - 18);
  const radial = axis.radialaxis || {};
  let rmax = 0;
  for (const { t } of traces) for (const r of values(t.r)) rmax = Math.max(rmax, +r || 0);
  const range = radial.range || [0, rmax || 1];
  const scale = (r) => (R * (Math.min(Math.max(r, range[0]), range[1]) - range[0])) / (range[1] - range[0] || 1);
  const cats = [];
  for (const { t } of traces) for (const th of values(t.theta)) if (!cats.includes(th)) cats.push(th);
  // plotly's default: the first category at 0° (east), then counterclockwise
  const angle = (k) => (2 * Math.PI * k) / Math.max(cats.length, 1);
  const at = (r, k) => [cx + scale(r) * Math.cos(angle(k)), cy - scale(r) * Math.sin(angle(k))];
  const g = el('g', { class: 'o2o-preview-polar' }, svg);
  el('circle', { cx, cy, r: R, fill: (axis.bgcolor) || '#E5ECF6' }, g);
  const tickvals = radial.tickvals || ticks(range[0], range[1]);
  for (const v of tickvals) {
    el('circle', { cx, cy, r: scale(v), fill: 'none', stroke: '#fff' }, g);
    text(g, cx + scale(v) + 2, cy - 2, fmt(v), { 'font-size': 10, fill: font.color });
  }
  cats.forEach((c, k) => {
    const [x, y] = at(range[1], k);
    el('line', { x1: cx, y1: cy, x2: x, y2: y, stroke: '#fff' }, g);
    const [lx, ly] = [cx + (R + 10) * Math.cos(angle(k)), cy - (R + 10) * Math.sin(angle(k))];
    const anchor = Math.abs(lx - cx) < 4 ? 'middle' : lx < cx ? 'end' : 'start';
    text(g, lx, ly + 4, String(c), { 'font-size': 11, fill: font.color, 'text-anchor': anchor });
  });
  for (const { t, colour } of traces) {
    const rs = values(t.r);
    const ths = values(t.theta);
    const pts = rs.map((r, i) => at(+r || 0, cats.indexOf(ths[i])));
    const tg = el('g', { opacity: t.opacity }, g);
    const poly = el('polyline', { points: pts.map((p) => p.map((v) => v.toFixed(1)).join(',')).join(' '),
      ...stroke(t, colour) }, tg);
    poly.setAttribute('data-o2o-r', JSON.stringify(rs.map(Number)));
    if (t.fill === 'toself') {
      poly.setAttribute('fill', fillColour(t, colour));
      poly.setAttribute('fill-opacity', t.fillcolor ? 1 : 0.5);
    }
    if (modeOf(t, rs.length).includes('markers')) {
      rs.forEach((r, i) => marker(tg, pts[i][0], pts[i][1], t, colour, `${t.name ? `${t.name}: ` : ''}${ths[i]} ${fmt(+r)}`));
    }
  }
}

// ------------------------------------------------------------------ x/y

function drawXY(svg, box, traces, xaxis, yaxis, font, bg) {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const { t } of traces) {
    for (const x of values(t.x)) if (Number.isFinite(+x)) [x0, x1] = [Math.min(x0, +x), Math.max(x1, +x)];
    for (const y of values(t.y)) if (Number.isFinite(+y)) [y0, y1] = [Math.min(y0, +y), Math.max(y1, +y)];
  }
  const g = el('g', { class: 'o2o-preview-xy' }, svg);
  el('rect', { x: box.x, y: box.y, width: box.w, height: box.h, fill: bg }, g);
  if (!(x1 >= x0) || !(y1 >= y0)) return;
  if (xaxis.range) [x0, x1] = xaxis.range;
  if (yaxis.range) [y0, y1] = yaxis.range;
  else {
    const pad = (y1 - y0 || Math.abs(y1) || 1) * 0.06;
    [y0, y1] = [y0 - pad, y1 + pad];
  }
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  const sx = (x) => box.x + ((x - x0) / (x1 - x0)) * box.w;
  const sy = (y) => box.y + box.h - ((y - y0) / (y1 - y0)) * box.h;
  for (const v of ticks(y0, y1)) {
    el('line', { x1: box.x, x2: box.x + box.w, y1: sy(v), y2: sy(v), stroke: '#fff' }, g);
    text(g, box.x - 4, sy(v) + 4, fmt(v), { 'font-size': 10, fill: font.color, 'text-anchor': 'end' });
  }
  for (const v of ticks(x0, x1)) {
    el('line', { x1: sx(v), x2: sx(v), y1: box.y, y2: box.y + box.h, stroke: '#fff' }, g);
    text(g, sx(v), box.y + box.h + 14, fmt(v), { 'font-size': 10, fill: font.color, 'text-anchor': 'middle' });
  }
  const xt = titleOf(xaxis.title);
  if (xt) text(g, box.x + box.w / 2, box.y + box.h + 30, xt, { 'font-size': 12, fill: font.color, 'text-anchor': 'middle' });
  const yt = titleOf(yaxis.title);
  if (yt) text(g, box.x + 10, box.y - 6, yt, { 'font-size': 12, fill: font.color });
  let prev = null;
  for (const { t, colour } of traces) {
    const xs = values(t.x);
    const ys = values(t.y);
    const pts = xs.map((x, i) => [sx(+x), sy(+ys[i])]).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    const line = pts.map((p) => p.map((v) => v.toFixed(1)).join(',')).join(' ');
    const tg = el('g', { opacity: t.opacity }, g);
    if (t.fill === 'tonexty' && prev && prev.length && pts.length) {
      const back = prev.slice().reverse().map((p) => p.map((v) => v.toFixed(1)).join(',')).join(' ');
      el('polygon', { points: `${line} ${back}`, fill: fillColour(t, colour), stroke: 'none',
        'fill-opacity': t.fillcolor ? 1 : 0.5 }, tg);
    } else if (t.fill === 'toself' && pts.length) {
      el('polygon', { points: line, fill: fillColour(t, colour), stroke: 'none', 'fill-opacity': t.fillcolor ? 1 : 0.5 }, tg);
    }
    const mode = modeOf(t, pts.length);
    if (mode.includes('lines') && pts.length > 1) el('polyline', { points: line, ...stroke(t, colour) }, tg);
    if (mode.includes('markers')) {
      pts.forEach(([x, y], i) => marker(tg, x, y, t, colour, `${t.name ? `${t.name}: ` : ''}${xs[i]}, ${fmt(+ys[i])}`));
    }
    prev = pts;
  }
}

// ------------------------------------------------------------------ the figure

function domainBox(plot, dom) {
  const dx = (dom && dom.x) || [0, 1];
  const dy = (dom && dom.y) || [0, 1];
  return { x: plot.x + dx[0] * plot.w, w: (dx[1] - dx[0]) * plot.w,
    y: plot.y + (1 - dy[1]) * plot.h, h: (dy[1] - dy[0]) * plot.h };
}

function drawLegend(svg, entries, plot, layout, font, W) {
  const legend = layout.legend || {};
  const horizontal = legend.orientation === 'h';
  let x = horizontal ? plot.x : Math.min(W - 120, plot.x + plot.w + 10);
  let y = horizontal ? plot.y + plot.h - (legend.y !== undefined ? legend.y : -0.1) * plot.h + 8 : plot.y + 10;
  const g = el('g', { class: 'o2o-preview-legend' }, svg);
  for (const { t, colour } of entries) {
    const name = String(t.name);
    const width = 40 + name.length * 12;
    if (horizontal && x + width > W && x > plot.x) {
      x = plot.x;
      y += 18;
    }
    el('line', { x1: x, x2: x + 24, y1: y, y2: y, ...stroke(t, colour) }, g);
    text(g, x + 30, y + 4, name, { 'font-size': 12, fill: font.color });
    if (horizontal) x += width;
    else y += 18;
  }
}

function describe(traces) {
  return traces
    .filter(({ t }) => t.type === 'scatterpolar')
    .map(({ t }) => {
      const th = values(t.theta);
      const pts = values(t.r).slice(0, th.length).map((r, i) => `${th[i]} ${fmt(+r)}`);
      const uniq = [...new Set(pts)];
      return `${t.name || ''}: ${uniq.join(', ')}`;
    })
    .join('; ');
}

// The SVG element for a figure `width` px wide (`data`, `layout`: plotly's JSON).
export function drawPreview(data, layout, width) {
  const tpl = (layout.template && layout.template.layout) || {};
  const font = { color: (layout.font && layout.font.color) || (tpl.font && tpl.font.color) || '#2a3f5f' };
  const W = Math.max(120, Math.round(width));
  const H = layout.height || 360;
  const m = { l: 80, r: 80, t: 100, b: 80, ...(layout.margin || {}) };
  const plot = { x: m.l, y: m.t, w: Math.max(40, W - m.l - m.r), h: Math.max(40, H - m.t - m.b) };
  const title = titleOf(layout.title);
  const svg = el('svg', { xmlns: NS, class: 'o2o-figure-preview', width: W, height: H, viewBox: `0 0 ${W} ${H}`,
    role: 'img', 'aria-label': title || 'figure', 'font-family': 'var(--jp-ui-font-family, sans-serif)' });
  el('title', {}, svg).textContent = title;
  const traces = (data || []).map((t, i) => ({ t, colour: colourOf(t, i) })).filter(({ t }) => t.visible !== false);
  if (!traces.every(({ t }) => SUPPORTED.has(t.type || 'scatter'))) {
    text(svg, W / 2, H / 2, '图表加载中… / Loading the chart…', { 'text-anchor': 'middle', fill: font.color, role: 'status' });
    return svg;
  }
  el('desc', {}, svg).textContent = describe(traces);
  if (title) {
    const tx = ((layout.title && layout.title.x) ?? (tpl.title && tpl.title.x) ?? 0.5) * W;
    text(svg, tx, Math.max(16, m.t / 2), title, { 'font-size': 16, fill: font.color });
  }
  const polar = traces.filter(({ t }) => t.type === 'scatterpolar');
  if (polar.length) {
    const axis = { ...(tpl.polar || {}), ...(layout.polar || {}) };
    drawPolar(svg, domainBox(plot, axis.domain), polar, axis, font);
  }
  const xy = traces.filter(({ t }) => (t.type || 'scatter') === 'scatter');
  if (xy.length) {
    const xaxis = layout.xaxis || {};
    const yaxis = layout.yaxis || {};
    const box = domainBox(plot, { x: xaxis.domain, y: yaxis.domain });
    drawXY(svg, box, xy, xaxis, yaxis, font, layout.plot_bgcolor || tpl.plot_bgcolor || '#E5ECF6');
  }
  const legendable = traces.filter(({ t }) => t.showlegend !== false && t.name);
  if ((layout.showlegend ?? legendable.length > 1) && legendable.length) drawLegend(svg, legendable, plot, layout, font, W);
  return svg;
}
