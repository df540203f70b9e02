// Debian's Chromium under playwright-core, shared by the browser test and
// the benchmark. playwright-core and axe-core come from web-admin's
// node_modules (npm ci); no browser is downloaded.
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const webDir = process.env.PICKET_WEB_DIR ?? new URL('../../web-admin', import.meta.url).pathname;
const require = createRequire(join(webDir, 'package.json'));
const { chromium } = require('playwright-core');

// Without the background-networking flags Chromium keeps dialing Google's
// hosts, which this sandbox (rightly) refuses.
const FLAGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'picket-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
  });
  const close = async () => {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}

export function axeSource() {
  return readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
}
