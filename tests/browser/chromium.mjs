// Debian's Chromium under playwright-core, shared by the browser test and
// the benchmark. playwright-core and axe-core come from web-admin's
// node_modules (npm ci); no browser is downloaded.
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';

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

// picketd serves the UI it embedded when it was linked. When web-admin/dist
// is newer than that (the UI was rebuilt, picketd not relinked), the browser
// gets dist's files instead, under the headers picketd itself sends with its
// index.html (CSP and the rest), so the CSP checks still hold; every API
// request still goes to picketd. PICKET_UI_EMBEDDED_ONLY=1 turns this off.
// Returns which UI the browser gets: 'embedded' or 'dist'.
export async function serveCurrentUi(context, URL_BASE, WEB_DIR = webDir) {
  const dist = join(WEB_DIR, 'dist');
  const index = await fetch(`${URL_BASE}/`);
  const embedded = await index.text();
  if (process.env.PICKET_UI_EMBEDDED_ONLY === '1' || embedded === readFileSync(join(dist, 'index.html'), 'utf8')) {
    console.log('== the UI under test is the one embedded in picketd');
    return 'embedded';
  }
  console.log('== picketd embeds an older UI than web-admin/dist: dist is served with picketd\'s own headers');
  const keep = ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'x-frame-options',
    'permissions-policy', 'cross-origin-opener-policy', 'cross-origin-resource-policy'];
  const headers = {};
  for (const name of keep) if (index.headers.get(name)) headers[name] = index.headers.get(name);
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
  const ours = (url) => {
    const u = new URL(url);
    return u.origin === new URL(URL_BASE).origin &&
      (u.pathname === '/' || u.pathname === '/index.html' || u.pathname === '/favicon.svg' || u.pathname.startsWith('/assets/'));
  };
  await context.route(ours, (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = join(dist, path === '/' ? 'index.html' : path.slice(1));
    if (!file.startsWith(dist) || !existsSync(file)) return route.fulfill({ status: 404, headers, body: 'not found' });
    return route.fulfill({ status: 200, headers: { ...headers, 'content-type': types[extname(file)] ?? 'application/octet-stream' },
      body: readFileSync(file) });
  });
  return 'dist';
}
