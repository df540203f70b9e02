// Fills picketd with devices over its unix socket (root, as the CLI: over
// HTTP every add would need the admin's password and cost an Argon2id
// check, which is not what is measured), then measures in headless
// Chromium the time from navigation to a usable device list: the first
// page of rows drawn and the total known. Also the time a search takes to
// redraw the list. Median of 7 loads each. Called by web_list.sh.
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { request } from 'node:http';
import { launch, serveCurrentUi } from '../tests/browser/chromium.mjs';

const BASE = process.env.PICKET_URL;
const counts = process.argv.slice(2).map(Number);
const RUNS = 7;

function totp(base32) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const o = mac[19] & 0xf;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, '0');
}

async function call(method, path, body, session) {
  const headers = { 'Content-Type': 'application/json' };
  if (session) Object.assign(headers, { Cookie: session.cookie, 'X-CSRF-Token': session.csrf });
  const r = await fetch(`${BASE}/api/v1${path}`, { method, headers, body: body && JSON.stringify(body) });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return { json: await r.json(), cookie: r.headers.get('set-cookie') };
}

// The same API on picketd's root-only unix socket, which asks for no password.
function sock(method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      { socketPath: process.env.PICKET_SOCKET, method, path: `/api/v1${path}`, headers: { 'Content-Type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => (res.statusCode < 300 ? resolve(text) : reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`))));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const publicKey = () =>
  generateKeyPairSync('x25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');

const username = 'bench';
const password = 'quartz-heron-lattice-94';
const enrol = await call('POST', '/setup', { setup_token: process.env.PICKET_SETUP_TOKEN, username, password });
const login = await call('POST', '/session', { username, password, totp: totp(enrol.json.totp_secret) });
const session = { cookie: login.cookie.split(';')[0], csrf: login.json.csrf_token };

const { context, close } = await launch();
await context.addCookies([{ name: session.cookie.split('=')[0], value: session.cookie.split('=').slice(1).join('='), url: BASE }]);
const ui = await serveCurrentUi(context, BASE);
console.log(`   UI measured: ${ui === 'dist' ? 'web-admin/dist, served through the browser from disk (picketd embeds an older build)' : 'the one embedded in picketd'}`);
const page = await context.newPage();
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];

let have = 0;
try {
  for (const count of counts) {
    const started = Date.now();
    // Members of five devices each, eight members at a time (picketd applies
    // one change at a time; the parallel requests only hide the round trips).
    const addMember = async (m) => {
      const member = `member${String(m).padStart(5, '0')}`;
      await sock('POST', '/members', { label: member });
      for (let d = 0; d < 5; d++) await sock('POST', `/members/${member}/devices`, { label: `dev${d}`, public_key: publicKey() });
    };
    const members = [];
    for (let m = have / 5; m < count / 5; m++) members.push(m);
    const workers = Array.from({ length: 8 }, async () => {
      while (members.length) await addMember(members.shift());
    });
    await Promise.all(workers);
    have = count;
    console.log(`== ${count} devices (filled in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    const loads = [];
    const searches = [];
    const pageMs = [];
    const sessionMs = [];
    const listMs = [];
    const searchApiMs = [];
    for (let i = 0; i < RUNS; i++) {
      // From a blank page: going to the same URL again would only be a hash change.
      await page.goto('about:blank');
      const t0 = Date.now();
      await page.goto(`${BASE}/#/devices`);
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-testid=device-row]').length > 0 &&
               document.querySelector('[data-testid=device-count]')?.textContent?.endsWith(`of ${n}`),
        count,
      );
      loads.push(Date.now() - t0);
      // Where the time went, from the browser's own resource timing.
      const spans = await page.evaluate(() =>
        performance.getEntriesByType('resource')
          .filter((e) => e.name.includes('/api/v1/'))
          .map((e) => [new URL(e.name).pathname, Math.round(e.responseEnd - e.startTime)]));
      pageMs.push(await page.evaluate(() => Math.round(performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd)));
      sessionMs.push(spans.find(([p]) => p === '/api/v1/session')?.[1] ?? NaN);
      listMs.push(spans.find(([p]) => p === '/api/v1/devices')?.[1] ?? NaN);
      const t1 = Date.now();
      await page.getByLabel('Search members and devices').fill(`member${String(count / 5 - 1).padStart(5, '0')}`);
      await page.waitForFunction(() => document.querySelector('[data-testid=device-count]')?.textContent === 'Showing 1–5 of 5');
      searches.push(Date.now() - t1);
      const last = await page.evaluate(() =>
        performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/devices?') && e.name.includes('q='))
          .map((e) => Math.round(e.responseEnd - e.startTime)).pop());
      searchApiMs.push(last ?? NaN);
    }
    console.log(`   time to a usable list: median ${median(loads)} ms (min ${Math.min(...loads)}, max ${Math.max(...loads)}) over ${RUNS} loads`);
    console.log(`     page and script loaded (DOMContentLoaded) at ${median(pageMs)} ms; GET /session ${median(sessionMs)} ms, then GET /devices (first page of 50) ${median(listMs)} ms`);
    console.log(`   search to redrawn list: median ${median(searches)} ms (of which GET /devices?q= ${median(searchApiMs)} ms)`);
  }
} finally {
  await close();
}
