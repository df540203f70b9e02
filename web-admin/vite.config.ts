import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { gzipSync, constants } from 'node:zlib';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Precompress once at build time (level 9) so picketd only picks the
// variant. Runs after everything is written, index.html and public/ files
// included; a .gz that saves nothing is not written.
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
      for (const path of walk(outDir)) {
        if (path.endsWith('.gz')) continue;
        const raw = readFileSync(path);
        if (raw.length < 256) continue;
        const gz = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION });
        if (gz.length < raw.length) writeFileSync(`${path}.gz`, gz);
      }
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
