// The apps' page script: connects to the page's kernel and shows its widgets.
//
// Voila's own front end is a JupyterLab application (about 90 script chunks and a
// module-federation start-up) that the apps do not need; this bundle holds only what
// they use: a kernel connection, the ipywidgets manager with the standard controls,
// the output widget and anywidget (plotly's FigureWidget). It reads the page
// configuration Voila writes (`jupyter-config-data`) and the cell outputs Voila
// embeds (`application/vnd.voila.cell-output+json`).

import '@jupyter-widgets/base/css/index.css';
import '@jupyter-widgets/controls/css/widgets.css';
import './page.css';

import { KernelConnection } from '@jupyterlab/services/lib/kernel/default';
import { ServerConnection } from '@jupyterlab/services/lib/serverconnection';

import { AppWidgetManager } from './manager';
import { renderOutputs } from './outputs';
import { servedFigure } from './served-figure';
import { showNotice } from './notice';
import { watchKernel } from './watch';

// performance marks of the start-up phases (read by benchmarks/bench_voila.py)
function mark(name) {
  if (window.performance && performance.mark) performance.mark(`o2o:${name}`);
}

let pageKernel = null;
const QUIET_WAIT_MS = 5000;

// resolves when the page's kernel is not busy (it has sent all of its answer), or after 5 s
function kernelQuiet() {
  return new Promise((done) => {
    if (!pageKernel || pageKernel.status !== 'busy') {
      done();
      return;
    }
    const finish = () => {
      pageKernel.statusChanged.disconnect(onStatus);
      clearTimeout(timer);
      done();
    };
    const onStatus = (_, status) => {
      if (status !== 'busy') finish();
    };
    const timer = setTimeout(finish, QUIET_WAIT_MS);
    pageKernel.statusChanged.connect(onStatus);
  });
}

// the figures' front-end module (o2o.widgets.figure) draws through this: an SVG at once,
// plotly's own drawing once its bundle has loaded
window.o2oServedFigure = (loadPlotly) => servedFigure(loadPlotly, kernelQuiet);

function pageConfig() {
  const el = document.getElementById('jupyter-config-data');
  return el ? JSON.parse(el.textContent || '{}') : {};
}

function reveal() {
  // the template's spinner stays until the widgets are on the page
  window.themeLoaded = true;
  if (typeof window.display_cells === 'function') {
    window.display_cells();
  }
}

async function main() {
  mark('start');
  const config = pageConfig();
  if (!config.kernelId) {
    reveal();
    return;
  }
  const serverSettings = ServerConnection.makeSettings({ baseUrl: config.baseUrl || '/' });
  const kernel = new KernelConnection({
    model: { id: config.kernelId, name: 'python3' },
    serverSettings,
    handleComms: true,
  });
  pageKernel = kernel;
  // showNotice replaces the notice in place, so repeated events show it once
  const armWatch = watchKernel(kernel, () => mark('connected'));
  const manager = new AppWidgetManager(kernel);
  window.o2oWidgetManager = manager; // for tests and debugging in the browser console
  try {
    await manager.loadFromKernel();
    mark('state-loaded');
  } catch (err) {
    console.error('[o2o] widget state could not be loaded', err);
    showNotice('failed');
  }
  await renderOutputs(document, manager);
  mark('rendered');
  armWatch();
  reveal();
}

function start() {
  main().catch((err) => {
    // never leave the visitor in front of the spinner
    console.error('[o2o] the app could not start', err);
    showNotice('failed');
    reveal();
  });
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
