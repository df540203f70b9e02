// The web admin on a controller with two connected gateways, in Chromium:
// run by tests/integration/gateway_fleet.sh inside the controller's
// namespace, which checks the rest (zbarimg, the gateways' interfaces, the
// member's ping). First-run setup, then a device kept to gw-b on the add
// screen: its page shows gw-b's config only, with gw-b's endpoint, key and
// fingerprint; the Gateways dialog then puts it on every gateway behind the
// admin's password and says what each gateway did. Throws (exit 1) at the
// first failed check; a screenshot of the page is left in ARTIFACTS.
import { join } from 'node:path';
import { launch, serveCurrentUi } from './chromium.mjs';
import { loadMessages } from './messages.mjs';
import { freshCode } from './totp.mjs';

const URL_BASE = process.env.PICKET_URL;
const TOKEN = process.env.PICKET_SETUP_TOKEN;
const WORK = process.env.WORK;
const ARTIFACTS = process.env.ARTIFACTS;
const WEB_DIR = process.env.PICKET_WEB_DIR;
const GATEWAYS = JSON.parse(process.env.PICKET_GATEWAYS); // [{name, endpoint, public_key, fingerprint}]
const M = await loadMessages('en');
const PASSWORD = 'quarry-lamplight-otter-59';
const gwA = GATEWAYS.find((g) => g.name === 'gw-a');
const gwB = GATEWAYS.find((g) => g.name === 'gw-b');

function check(ok, what) {
  if (!ok) throw new Error(`check failed: ${what}`);
  console.log(`ok - ${what}`);
}

const { context, close } = await launch();
let page;
try {
  await serveCurrentUi(context, URL_BASE, WEB_DIR);
  page = await context.newPage();

  console.log('== the first admin, on the controller');
  await page.goto(`${URL_BASE}/#/setup?token=${encodeURIComponent(TOKEN)}`);
  await page.getByLabel(M.setup.username).fill('organizer');
  await page.getByLabel(M.setup.password, { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: M.setup.submit }).click();
  const secret = (await page.getByTestId('totp-secret').textContent()).trim();
  await page.getByLabel(M.login.appCode).fill(await freshCode(secret));
  await page.getByRole('button', { name: M.enrol.submit }).click();
  await page.getByRole('heading', { name: M.devices.title, exact: true }).waitFor();

  console.log('== a device kept to gw-b gets gw-b\'s config only');
  await page.getByRole('button', { name: M.devices.add }).click();
  await page.getByLabel(M.add.member, { exact: true }).fill('organizer');
  await page.getByLabel(M.add.device).fill('laptop');
  const placement = page.getByRole('group', { name: M.gateways.legend, exact: true });
  await placement.getByRole('radio', { name: M.gateways.only }).check();
  const boxA = placement.getByRole('checkbox', { name: M.gateways.choice('gw-a', gwA.endpoint) });
  const boxB = placement.getByRole('checkbox', { name: M.gateways.choice('gw-b', gwB.endpoint) });
  check(await boxA.isVisible() && await boxB.isVisible(), 'the add screen offers each enrolled gateway with its endpoint');
  await boxB.check();
  await page.getByLabel(M.common.yourPassword).fill(PASSWORD);
  const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/members/organizer/devices'));
  await page.getByRole('button', { name: M.add.submit }).click();
  const body = JSON.parse((await sent).postData());
  check(JSON.stringify(body.assigned_gateways) === '["gw-b"]', 'the add asks for gw-b only');
  const section = page.getByRole('region', { name: M.config.gatewayHeading('gw-b', gwB.endpoint) });
  await section.waitFor();
  check(await page.getByRole('heading', { name: M.config.gatewayHeading('gw-a', gwA.endpoint) }).count() === 0,
    'no config is shown for gw-a, which the device is not on');
  check((await page.getByTestId('fingerprint-gw-b').textContent()).trim() === gwB.fingerprint,
    `the page shows gw-b's own key fingerprint (${gwB.fingerprint})`);
  await section.getByTestId('qr').screenshot({ path: join(WORK, 'laptop-qr.png') });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    section.getByRole('button', { name: /\.conf$/ }).click(),
  ]);
  await download.saveAs(join(WORK, 'laptop-gw-b.conf'));
  check(download.suggestedFilename().endsWith('-gw-b.conf'), `the download is named for gw-b (${download.suggestedFilename()})`);
  await page.getByRole('button', { name: M.config.done }).click();

  console.log('== the Gateways dialog puts it on every gateway, behind the password');
  await page.getByRole('button', { name: M.gateways.rowFor('organizer · laptop') }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByTestId('gateways-now').waitFor();
  const now = await dialog.getByTestId('gateways-now').textContent();
  check(now === M.gateways.current(M.gateways.onlyWords('gw-b')), `the dialog says where it is served now: "${now}"`);
  await dialog.getByRole('radio', { name: M.gateways.every }).check();
  await dialog.getByTestId('save-gateways').click();
  const refused = await dialog.getByRole('alert').textContent();
  check(refused === M.errors.passwordRequired, `without the password nothing is changed: "${refused}"`);
  await dialog.getByLabel(M.common.yourPassword).fill(PASSWORD);
  await dialog.getByTestId('save-gateways').click();
  const saved = dialog.getByTestId('gateways-saved');
  await saved.waitFor();
  const said = await saved.textContent();
  for (const name of ['gw-a', 'gw-b'])
    check(new RegExp(`gateway ${name}: done in \\d+ ms`).test(said), `the answer says ${name} applied it: "${said}"`);
  check(said.startsWith(M.gateways.saved('organizer', 'laptop', M.gateways.everyWords)), 'and that every gateway serves it now');
  await page.screenshot({ path: join(ARTIFACTS, 'fleet-gateways-dialog.png'), fullPage: true });
  await dialog.getByRole('button', { name: M.common.close }).click();
} catch (e) {
  if (page) await page.screenshot({ path: join(ARTIFACTS, 'fleet-failed.png'), fullPage: true }).catch(() => {});
  throw e;
} finally {
  await close();
}
