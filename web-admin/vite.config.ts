import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { gzipSync, constants } from 'node:zlib';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Precompress once at build time (level 9) so picketd only picks the
// variant. Runs after everything is written, index.html and public/ files
// included; a .gz that saves nothing is not written.
const BUDGET_KB = 100;

function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'picket-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const path = join(dir, name);
          return statSync(path).isDirectory() ? walk(path) : [path];
        });
      // What a first visit downloads, gzipped, both languages included:
      // printed every build, and a build over the budget fails.
      let total = 0;
      for (const path of walk(outDir)) {
        if (path.endsWith('.gz')) continue;
        const raw = readFileSync(path);
        const gz = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION });
        total += Math.min(gz.length, raw.length);
        if (raw.length < 256) continue;
        if (gz.length < raw.length) writeFileSync(`${path}.gz`, gz);
      }
      const kb = (total / 1024).toFixed(1);
      console.log(`web-admin bundle: ${kb} KB gzipped (budget ${BUDGET_KB} KB)`);
      if (total > BUDGET_KB * 1024) throw new Error(`the web admin bundle is ${kb} KB gzipped, over the ${BUDGET_KB} KB budget`);
    },
  };
}

export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    target: 'es2020',
    // Every asset a file of its own: the CSP forbids data: URLs.
    assetsInlineLimit: 0,
    // Keeps Vite's preload helper out; the CSP forbids inline script anyway.
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
  },
  plugins: [precompress()],
  test: { include: ['test/**/*.test.ts'], setupFiles: ['test/setup.ts'] },
} as UserConfig & { test: unknown });
