// Builds the apps' page script: `make frontend` (needs Node.js and npm; the result is
// committed, so serving the apps needs neither).
//
//   src/o2o/apps/static/o2o-app.js, o2o-app.css   the bundle and its styles
//   src/o2o/apps/static/o2o-app.stamp.json        SHA-256 of the sources it was built from
//   src/o2o/apps/static/o2o-app.LICENSES.txt      the licences of the packages bundled in it

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, '..', 'src', 'o2o', 'apps', 'static');

// anywidget's published build ends in an AMD `define([...], factory)` for JupyterLab's
// loader; bundled here, the factory is exported instead.
const anywidgetAsModule = {
  name: 'anywidget-as-module',
  setup(build) {
    build.onLoad({ filter: /node_modules[\\/]anywidget[\\/]dist[\\/]index\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const amd = /define\(\["@jupyter-widgets\/base"\],\s*(\w+)\);\s*$/;
      const m = text.match(amd);
      if (!m) {
        throw new Error('anywidget build layout changed: no trailing define() found');
      }
      return { contents: text.replace(amd, `export default ${m[1]};\n`), loader: 'js' };
    });
  },
};

export function sourceFiles() {
  const files = ['build.mjs', 'package.json', 'package-lock.json'];
  for (const name of readdirSync(join(here, 'src')).sort()) {
    files.push(join('src', name));
  }
  return files;
}

export function stamp() {
  const sources = {};
  for (const f of sourceFiles()) {
    sources[f.split('\\').join('/')] = createHash('sha256').update(readFileSync(join(here, f))).digest('hex');
  }
  return sources;
}

const result = await esbuild.build({
  entryPoints: { 'o2o-app': join(here, 'src', 'index.js') },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outdir,
  legalComments: 'eof',
  define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
  loader: { '.svg': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl', '.png': 'dataurl' },
  plugins: [anywidgetAsModule],
  alias: { 'sanitize-html': join(here, 'src', 'escape-html.js') },
  metafile: true,
  logLevel: 'warning',
});

// every npm package with code in the bundle, with its licence text
function licences(metafile) {
  const dirs = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const input of Object.keys(output.inputs)) {
      const m = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
      if (m) dirs.add(m[1]);
    }
  }
  const parts = [];
  for (const dir of [...dirs].sort()) {
    const pkg = JSON.parse(readFileSync(join(here, dir, 'package.json'), 'utf8'));
    const file = readdirSync(join(here, dir)).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = file && existsSync(join(here, dir, file)) ? readFileSync(join(here, dir, file), 'utf8').trim() : '';
    parts.push(`${pkg.name} ${pkg.version} (${pkg.license || 'see package'})\n\n${text || '(no licence file in the package)'}\n`);
  }
  return 'Packages bundled in o2o-app.js and o2o-app.css, with their licences.\n\n' +
    parts.join('\n' + '-'.repeat(72) + '\n\n');
}

mkdirSync(outdir, { recursive: true });
writeFileSync(join(outdir, 'o2o-app.LICENSES.txt'), licences(result.metafile));
if (process.env.O2O_FRONTEND_META) {
  writeFileSync(process.env.O2O_FRONTEND_META, JSON.stringify(result.metafile));
}
writeFileSync(join(outdir, 'o2o-app.stamp.json'), JSON.stringify({ sources: stamp() }, null, 2) + '\n');
for (const [file, info] of Object.entries(result.metafile.outputs)) {
  console.log(`${relative(join(here, '..'), file)}  ${(info.bytes / 1024).toFixed(0)} KiB`);
}
