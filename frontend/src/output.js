// The Output widget: shows the outputs the kernel sets on it (the apps' message areas).
// A traceback is never shown; the kernel logs it.

import { OutputModel as BaseOutputModel, OutputView as BaseOutputView } from '@jupyter-widgets/output';

export class OutputModel extends BaseOutputModel {
  defaults() {
    return { ...super.defaults(), msg_id: '', outputs: [] };
  }
}

export function renderOutput(out, doc = document) {
  const data = out.data || {};
  if (out.output_type === 'stream') {
    const pre = doc.createElement('pre');
    pre.textContent = out.text || '';
    return pre;
  }
  if (data['text/html'] !== undefined) {
    const div = doc.createElement('div');
    div.innerHTML = [].concat(data['text/html']).join('');
    return div;
  }
  if (data['text/plain'] !== undefined && out.output_type !== 'error') {
    const pre = doc.createElement('pre');
    pre.textContent = [].concat(data['text/plain']).join('');
    return pre;
  }
  return null;
}

export class OutputView extends BaseOutputView {
  render() {
    this.el.classList.add('jupyter-widgets', 'widget-output');
    this.listenTo(this.model, 'change:outputs', this.update);
    this.update();
  }

  update() {
    this.el.replaceChildren();
    for (const out of this.model.get('outputs') || []) {
      const node = renderOutput(out);
      if (node) {
        this.el.appendChild(node);
      }
    }
  }
}
