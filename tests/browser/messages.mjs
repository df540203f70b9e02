// The web admin's own catalogs (web-admin/src/i18n), compiled with the
// esbuild that Vite brings, so the browser journeys find buttons and
// labels by the words the page shows in either language.
import { createRequire } from 'node:module';
import { join } from 'node:path';

const webDir = process.env.PICKET_WEB_DIR ?? new URL('../../web-admin', import.meta.url).pathname;
const require = createRequire(join(webDir, 'package.json'));
const esbuild = require('esbuild');

export async function loadMessages(lang) {
  const result = esbuild.buildSync({
    entryPoints: [join(webDir, 'src', 'i18n', `${lang}.ts`)],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
  });
  const code = result.outputFiles[0].text;
  const module = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  return module[lang];
}
