// plotly's FigureWidget on the apps' pages (o2o.widgets.figure): the figure is drawn at once
// as an SVG from its own data (preview.js), and plotly's front end — about 5 MB, served under
// its content hash — is fetched and started only after that drawing is on the screen; plotly
// then takes over the same box (hover, zoom, legend clicks). A visitor's first simulation is
// no longer held up by plotly's start.
//
// Until plotly runs, the changes the kernel sends (`_py2js_*`) are applied here to the model's
// `_widget_data` and `_widget_layout`, exactly as plotly's own FigureModel applies them (in
// place), and the drawing is redone; plotly then starts from the current figure. If plotly
// cannot be loaded, the SVG stays and keeps following the kernel.

import { drawPreview } from './preview';

const frame = () => new Promise((done) => requestAnimationFrame(() => done()));

// ------------------------------------------------------------------ plotly's delta rules

function pathOf(key) {
  return String(key).split(/[.[\]]+/).filter((p) => p !== '');
}

export function setPath(obj, key, value) {
  const parts = pathOf(key);
  let o = obj;
  parts.slice(0, -1).forEach((p, i) => {
    if (o[p] === null || typeof o[p] !== 'object') o[p] = /^\d+$/.test(parts[i + 1]) ? [] : {};
    o = o[p];
  });
  o[parts[parts.length - 1]] = value;
}

export function unsetPath(obj, key) {
  const parts = pathOf(key);
  let o = obj;
  for (const p of parts.slice(0, -1)) {
    if (o === null || typeof o !== 'object') return;
    o = o[p];
  }
  if (o !== null && typeof o === 'object') delete o[parts[parts.length - 1]];
}

function relayout(layout, changes) {
  for (const [k, v] of Object.entries(changes || {})) {
    if (v === null) unsetPath(layout, k);
    else setPath(layout, k, v);
  }
}

function restyle(data, changes, indexes) {
  for (const [k, raw] of Object.entries(changes || {})) {
    const vals = Array.isArray(raw) ? raw : [raw];
    indexes.forEach((ti, i) => {
      const v = vals[i % vals.length];
      if (v === null) unsetPath(data[ti], k);
      else if (v !== undefined) setPath(data[ti], k, v);
    });
  }
}

function traceIndexes(data, idx) {
  if (idx === null || idx === undefined) return data.map((_, i) => i);
  return Array.isArray(idx) ? idx : [idx];
}

// one kernel message, applied to the figure's data and layout (plotly's FigureModel rules)
export function applyDelta(name, msg, data, layout) {
  if (msg === null || msg === undefined) return;
  switch (name) {
    case '_py2js_addTraces':
      data.push(...msg.trace_data);
      break;
    case '_py2js_deleteTraces':
      msg.delete_inds.slice().reverse().forEach((i) => data.splice(i, 1));
      break;
    case '_py2js_moveTraces': {
      const moved = msg.current_trace_inds.map((i) => data[i]);
      msg.current_trace_inds.slice().sort((a, b) => b - a).forEach((i) => data.splice(i, 1));
      const order = msg.new_trace_inds.map((to, k) => [to, moved[k]]).sort((a, b) => a[0] - b[0]);
      for (const [to, t] of order) data.splice(to, 0, t);
      break;
    }
    case '_py2js_restyle':
      restyle(data, msg.restyle_data, traceIndexes(data, msg.restyle_traces));
      break;
    case '_py2js_relayout':
      relayout(layout, msg.relayout_data);
      break;
    case '_py2js_update':
      restyle(data, msg.style_data, traceIndexes(data, msg.style_traces));
      relayout(layout, msg.layout_data);
      break;
    case '_py2js_animate': {
      const idx = traceIndexes(data, msg.style_traces);
      (msg.style_data || []).forEach((s, i) => relayout(data[idx[i]], s));
      relayout(layout, msg.layout_data);
      break;
    }
    case '_py2js_removeLayoutProps':
      for (const p of msg.remove_props) unsetPath(layout, p);
      break;
    case '_py2js_removeTraceProps':
      for (const p of msg.remove_props) unsetPath(data[msg.remove_trace], p);
      break;
    default:
  }
}

const DELTAS = ['_py2js_addTraces', '_py2js_deleteTraces', '_py2js_moveTraces', '_py2js_restyle', '_py2js_relayout',
  '_py2js_update', '_py2js_animate', '_py2js_removeLayoutProps', '_py2js_removeTraceProps'];

// ------------------------------------------------------------------ the widget

async function waitForBox(el) {
  // a box not yet on the page measures 0 (plotly would then draw at its default 700 px)
  for (let i = 0; i < 60 && !(el.isConnected && el.clientWidth > 0); i++) await frame();
}

// anywidget's widget object for one figure model; `loadPlotly()` imports plotly's bundle,
// `whenQuiet()` resolves once the kernel has finished its answer (plotly's start then does not
// hold up the rest of that answer: its evaluation blocks the page for a moment)
export function servedFigure(loadPlotly, whenQuiet = () => Promise.resolve()) {
  let initCtx = null;
  let plotly = null; // plotly's widget, initialised, once loaded
  let starting = null;
  const views = new Set(); // redraw functions of the views still showing the SVG

  function start() {
    starting ||= loadPlotly().then((mod) => {
      const widget = mod.default();
      widget.initialize(initCtx); // from here on plotly's FigureModel applies the kernel's changes
      plotly = widget;
      return widget;
    });
    return starting;
  }

  return {
    initialize(ctx) {
      initCtx = ctx;
      const { model } = ctx;
      for (const name of DELTAS) {
        model.on(`change:${name}`, () => {
          if (plotly) return;
          applyDelta(name, model.get(name), model.get('_widget_data'), model.get('_widget_layout'));
          for (const redraw of views) redraw();
        });
      }
    },

    async render(ctx) {
      const { el, model } = ctx;
      el.classList.add('o2o-served-figure');
      await waitForBox(el);
      let svg = null;
      const redraw = () => {
        const next = drawPreview(model.get('_widget_data'), model.get('_widget_layout'), el.clientWidth || 700);
        if (svg) svg.replaceWith(next);
        else el.appendChild(next);
        svg = next;
      };
      const drop = () => {
        views.delete(redraw);
        if (svg) svg.remove();
        svg = null;
      };
      if (!plotly) {
        redraw();
        views.add(redraw);
        // plotly starts once the drawing is on the screen and the kernel's answer is all in
        await frame();
        await frame();
        await whenQuiet();
      }
      let widget;
      try {
        widget = await start();
      } catch (err) {
        console.warn('[o2o] plotly could not be loaded; the figure stays a drawing', err);
        return drop;
      }
      if (ctx.signal && ctx.signal.aborted) return drop;
      await waitForBox(el);
      views.delete(redraw);
      if (svg) {
        // plotly draws under the SVG, which goes once plotly's figure is on the page
        el.style.position = 'relative';
        Object.assign(svg.style, { position: 'absolute', left: '0', top: '0', zIndex: '1', pointerEvents: 'none' });
        const done = (event) => {
          if (event.detail && event.detail.element === el) {
            document.removeEventListener('plotlywidget-after-render', done);
            drop();
          }
        };
        document.addEventListener('plotlywidget-after-render', done);
        setTimeout(() => {
          document.removeEventListener('plotlywidget-after-render', done);
          drop();
        }, 10000);
      }
      const cleanup = widget.render(ctx);
      return () => {
        drop();
        if (typeof cleanup === 'function') cleanup();
      };
    },
  };
}
