// The cell outputs Voila embeds in the page: widget views are shown live, other outputs
// as their HTML or text.

import { renderOutput } from './output';

const CELL_OUTPUT = 'script[type="application/vnd.voila.cell-output+json"]';
const WIDGET_VIEW = 'application/vnd.jupyter.widget-view+json';

export async function renderOutputs(doc, manager) {
  const jobs = [];
  for (const script of doc.querySelectorAll(CELL_OUTPUT)) {
    let out;
    try {
      out = JSON.parse(script.textContent || 'null');
    } catch {
      continue;
    }
    if (!out) continue;
    const host = doc.createElement('div');
    host.className = 'jp-OutputArea-output o2o-output';
    script.after(host);
    const view = out.data && out.data[WIDGET_VIEW];
    if (view && manager.has_model(view.model_id)) {
      jobs.push(
        manager.display(view.model_id, host).catch((err) => {
          console.error('[o2o] a widget could not be shown', err);
        })
      );
    } else if (!view) {
      const node = renderOutput(out, doc);
      if (node) host.appendChild(node);
    }
  }
  await Promise.all(jobs);
}
