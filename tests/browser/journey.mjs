// Driven by journey.sh; see there. Throws (exit 1) at the first failed check.
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { axeSource, launch, serveCurrentUi } from './chromium.mjs';

const URL_BASE = process.env.PICKET_URL;
const TOKEN = process.env.PICKET_SETUP_TOKEN;
const WORK = process.env.WORK;
const ARTIFACTS = process.env.ARTIFACTS;
const HOOK = process.env.PICKET_HOOK;
const WEB_DIR = process.env.PICKET_WEB_DIR;
const PASSWORD = 'tin-lantern-orbit-meadow-71';
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 900 };

function check(ok, what) {
  if (!ok) throw new Error(`check failed: ${what}`);
  console.log(`ok - ${what}`);
}

const hook = (...args) => execFileSync(HOOK, args, { encoding: 'utf8' });
const hookOk = (...args) => {
  try {
    execFileSync(HOOK, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

// RFC 6238 with the parameters picketd uses: HMAC-SHA-1, 30 s, 6 digits.
function totp(base32) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[19] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

async function shot(page, name, size) {
  if (size) await page.setViewportSize(size);
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

async function axe(page, where) {
  const result = await page.evaluate(`${axeSource()}; axe.run(document, { resultTypes: ['violations'] })`);
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad) console.log(`axe ${where}: ${v.impact} ${v.id}: ${v.help} (${v.nodes.length} nodes)`);
  check(bad.length === 0, `axe-core finds nothing serious on ${where}`);
}

const cli = (...args) => JSON.parse(hook('picket', '--json', ...args));

const { context, close } = await launch();
const cspViolations = [];
try {
  await serveCurrentUi(context, URL_BASE, WEB_DIR);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
  });
  await page.setViewportSize(PHONE);

  const first = await page.goto(`${URL_BASE}/#/setup?token=${encodeURIComponent(TOKEN)}`);
  const headers = first.headers();
  check(/script-src 'self'/.test(headers['content-security-policy'] ?? '') &&
        /frame-ancestors 'none'/.test(headers['content-security-policy'] ?? ''), 'index.html carries a strict CSP');
  check(headers['x-content-type-options'] === 'nosniff', 'nosniff is set');
  check(headers['referrer-policy'] === 'no-referrer', 'no Referer is sent');

  log('first-run setup');
  await page.getByLabel('Setup token').waitFor();
  check((await page.getByLabel('Setup token').inputValue()) === TOKEN, 'the setup link fills in the token');
  await axe(page, 'the setup screen');
  await shot(page, 'phone-1-setup');
  await page.getByLabel('Your admin username').fill('organizer');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create admin' }).click();
  const secret = (await page.getByTestId('totp-secret').textContent()).trim();
  check(/^[A-Z2-7]+=*$/.test(secret), 'the TOTP secret is shown for enrolment');
  check(await page.getByRole('img', { name: /authenticator app/ }).isVisible(), 'with its QR code');
  await shot(page, 'phone-2-totp-enrolment');
  await page.getByLabel('Code from your authenticator app').fill(totp(secret));
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Devices' }).waitFor();
  check(true, 'logged in with the TOTP code computed from the shown secret');

  log('add a member and a device');
  await page.getByRole('button', { name: 'Add member or device' }).click();
  await page.getByLabel('Member', { exact: true }).fill('alice');
  await page.getByLabel('Device name').fill('phone');
  await axe(page, 'the add form');
  await shot(page, 'phone-3-add');
  const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/members/alice/devices'));
  await page.getByRole('button', { name: 'Add and show the QR code' }).click();
  const body = JSON.parse((await sent).postData());
  check(Object.keys(body).sort().join() === 'label,public_key', 'only the label and the public key are sent');
  const qr = page.getByTestId('qr');
  await qr.waitFor();
  check(await page.getByText('shown once').isVisible(), 'the page says the key is shown once');
  const fingerprint = (await page.getByTestId('fingerprint').textContent()).trim();
  const settings = await (await page.request.get(`${URL_BASE}/api/v1/settings`)).json();
  check(fingerprint === settings.fingerprint, `the gateway fingerprint is shown (${fingerprint})`);
  await shot(page, 'phone-4-qr');
  await page.setViewportSize(DESKTOP);
  await shot(page, 'desktop-4-qr');
  await page.setViewportSize(PHONE);
  await qr.screenshot({ path: join(WORK, 'qr.png') });

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: /^Download / }).click(),
  ]);
  check(download.suggestedFilename() === 'alice-phone.conf', 'the .conf download is named for the app');
  const confPath = join(WORK, 'alice-phone.conf');
  await download.saveAs(confPath);
  const conf = readFileSync(confPath, 'utf8');
  const decoded = hook('decode', join(WORK, 'qr.png'));
  check(decoded === conf, 'zbarimg reads the screenshotted QR code as exactly the downloaded .conf');
  check(conf.includes(`PublicKey = ${settings.public_key}\n`), 'the config names the gateway key');

  log('the config brings up a client that reaches the gateway');
  hook('connect', confPath);
  check(hookOk('reaches'), 'the member pings the gateway through the tunnel');

  await page.getByRole('button', { name: 'Done, forget the key' }).click();
  const row = page.locator('[data-device="alice/phone"]');
  await row.getByText('online').waitFor({ timeout: 15000 });
  check(/handshake \d+ s ago/.test(await row.textContent()), 'the list shows the device online, with its last handshake, without a reload');
  await axe(page, 'the device list');
  await shot(page, 'phone-5-devices');
  await shot(page, 'desktop-5-devices', DESKTOP);
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'desktop-5-devices-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  log('an API error reads as words');
  await page.getByRole('button', { name: 'Add member or device' }).click();
  await page.getByLabel('Member', { exact: true }).fill('alice');
  await page.getByLabel('Device name').fill('phone');
  await page.getByRole('button', { name: 'Add and show the QR code' }).click();
  const alert = await page.getByRole('alert').textContent();
  check(/already|exists|taken/i.test(alert) && !alert.includes('{'), `a duplicate device is refused in words: "${alert}"`);
  await page.getByRole('button', { name: 'Cancel' }).click();

  log('a device added with restricted access');
  await page.getByRole('button', { name: 'Add member or device' }).click();
  await page.getByLabel('Member', { exact: true }).fill('bob');
  await page.getByLabel('Device name').fill('laptop');
  const addAccess = page.getByRole('group', { name: 'What the device may reach' });
  await addAccess.getByRole('radio', { name: "Nothing but the gateway's DNS" }).check();
  await addAccess.getByLabel('Group (optional)').fill('press');
  const sentRestricted = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/members/bob/devices'));
  await page.getByRole('button', { name: 'Add and show the QR code' }).click();
  const restrictedBody = JSON.parse((await sentRestricted).postData());
  check(Object.keys(restrictedBody).sort().join() === 'group,label,public_key,restricted_to',
        'the add request carries the restriction and group, and still no private key');
  await page.getByRole('button', { name: 'Done, forget the key' }).click();
  const bobAccess = cli('device', 'access', 'bob', 'laptop');
  check(bobAccess.group === 'press' && Array.isArray(bobAccess.restricted_to) && bobAccess.restricted_to.length === 0,
        "picket device access: bob's laptop reaches only the gateway's DNS, in group press");

  log('restricted access for a device, set in its Manage dialog');
  await page.setViewportSize(PHONE);
  await page.getByRole('button', { name: 'Manage alice · phone' }).click();
  const manage = page.getByRole('dialog');
  await manage.getByRole('radio', { name: 'Only some networks' }).check();
  await manage.getByLabel('Networks it may reach, one per line').fill('192.0.2.300/24');
  await manage.getByRole('button', { name: 'Save access' }).click();
  const badCidr = await manage.getByRole('alert').textContent();
  check(badCidr.length > 10 && !badCidr.includes('{'), `a bad network is refused in words: "${badCidr}"`);
  check(cli('device', 'access', 'alice', 'phone').restricted_to === null, 'and nothing changed (CLI)');
  await manage.getByLabel('Networks it may reach, one per line').fill('192.0.2.0/24\n198.51.100.0/24');
  await manage.getByLabel('Group (optional)').fill('press');
  await manage.getByRole('button', { name: 'Save access' }).click();
  await manage.getByText('Saved: alice\'s phone reaches only 192.0.2.0/24, 198.51.100.0/24; in group press.').waitFor();
  const access = cli('device', 'access', 'alice', 'phone');
  check(JSON.stringify(access) === JSON.stringify({ group: 'press', restricted_to: ['192.0.2.0/24', '198.51.100.0/24'] }) ||
        (access.group === 'press' && access.restricted_to.join() === '192.0.2.0/24,198.51.100.0/24'),
        'picket device access shows the restriction and group set in the browser');
  check(hookOk('reaches'), "the restricted device still reaches the gateway's services");
  await axe(page, 'the manage dialog with its access editor');
  await shot(page, 'phone-5b-manage-access');
  await manage.getByRole('radio', { name: /^No restriction/ }).check();
  await manage.getByLabel('Group (optional)').fill('');
  await manage.getByRole('button', { name: 'Save access' }).click();
  await manage.getByText("Saved: alice's phone reaches anywhere.").waitFor();
  const lifted = cli('device', 'access', 'alice', 'phone');
  check(lifted.restricted_to === null && lifted.group === null, 'lifting the restriction in the browser lifts it (CLI)');
  await manage.getByRole('button', { name: 'Close' }).click();

  log('settings: the DNS resolver');
  await page.getByRole('link', { name: 'Settings' }).click();
  const dnsForm = page.getByRole('form', { name: 'DNS resolver settings' });
  await dnsForm.waitFor();
  await axe(page, 'the settings screen');
  await shot(page, 'phone-8-settings');
  const blocklist = join(WORK, 'blocklist.txt');
  writeFileSync(blocklist, '# test list\nblocked.example\n');
  await dnsForm.getByLabel(/^Blocklist files/).fill(join(WORK, 'missing-list.txt'));
  await dnsForm.getByRole('button', { name: 'Save DNS settings' }).click();
  const badList = await dnsForm.getByRole('alert').textContent();
  check(/missing-list\.txt/.test(badList) && !badList.includes('{'), `an unreadable blocklist is refused in words: "${badList}"`);
  check(cli('dns', 'show').blocklists.length === 0, 'and nothing changed (CLI)');
  await dnsForm.getByLabel(/^Blocklist files/).fill(blocklist);
  await dnsForm.getByRole('radio', { name: /null address/ }).check();
  await dnsForm.getByLabel('Zone of device names').fill('corp.internal');
  await dnsForm.getByRole('button', { name: 'Save DNS settings' }).click();
  await dnsForm.getByText(/^Saved; the resolver uses them now\. 1 blocked domain from 1 file\./).waitFor();
  const dns = cli('dns', 'show');
  check(dns.block_answer === 'null' && dns.zone === 'corp.internal' && dns.blocklists.join() === blocklist &&
        dns.blocked_domains === 1, 'picket dns show has the blocklist, block answer and zone set in the browser');
  const blockedAnswer = hook('dig', 'blocked.example').trim();
  check(blockedAnswer === '0.0.0.0', `the member's resolver now answers a blocked name with the null address (${blockedAnswer})`);
  const zoneAnswer = hook('dig', 'phone.alice.corp.internal').trim();
  check(zoneAnswer === '10.77.0.2', `and the device's name in the new zone (${zoneAnswer})`);

  log('settings: member isolation');
  const isolation = page.getByRole('group', { name: "Can members' devices reach each other?" });
  check(cli('firewall').member_to_member === false, 'members start isolated (CLI)');
  await isolation.getByRole('radio', { name: /^Yes/ }).check();
  await page.getByText("Saved: members' devices now reach each other.").waitFor();
  check(cli('firewall').member_to_member === true, 'allowing member-to-member in the browser allows it (CLI)');
  // By keyboard: arrow keys move the choice within the radio group.
  await isolation.getByRole('radio', { name: /^Yes/ }).focus();
  await page.keyboard.press('ArrowUp');
  await page.getByText(/isolated from each other again/).waitFor();
  check(cli('firewall').member_to_member === false, 'and isolating again with the keyboard isolates (CLI)');
  await shot(page, 'desktop-8-settings', DESKTOP);
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'desktop-8-settings-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(PHONE);
  await page.getByRole('link', { name: 'Devices' }).click();

  log('one-click revoke');
  await page.setViewportSize(PHONE);
  await page.getByRole('button', { name: 'Revoke alice · phone' }).click();
  const dialog = page.getByRole('dialog');
  check(/alice's phone/.test(await dialog.textContent()), 'the confirmation names who is cut off');
  await axe(page, 'the revoke confirmation');
  await shot(page, 'phone-6-revoke-confirm');
  await dialog.getByTestId('confirm-revoke').click();
  // (The notice of the earlier add may still show until the revoke answers.)
  await page.getByTestId('notice').filter({ hasText: /Done: alice's phone is cut off/ }).waitFor();
  check(true, 'the result says it is done');
  await shot(page, 'phone-7-revoked');
  check(hookOk('cut-off'), 'after the revoke click the pings stop');
  log("cut off all of one member's devices, behind the member's name typed again");
  await page.getByRole('button', { name: 'Manage bob · laptop' }).click();
  await page.getByRole('dialog').getByRole('button', { name: "Cut off all of bob's devices…" }).click();
  const memberDialog = page.getByRole('dialog');
  await memberDialog.getByLabel(/^Type the member's name/).fill('alice');
  check(await memberDialog.getByTestId('confirm-member-revoke').isDisabled(), "the button stays off while another name is typed");
  await memberDialog.getByLabel(/^Type the member's name/).fill('bob');
  await axe(page, "the member's revoke-all confirmation");
  await memberDialog.getByTestId('confirm-member-revoke').click();
  await page.getByTestId('notice').filter({ hasText: /Done: 1 device of bob is cut off and deleted; bob is kept\./ }).waitFor();
  check(cli('device', 'list', 'bob').devices.length === 0, "bob's devices are gone (picket device list bob)");

  log('cut off every device (burn), behind the password and a typed confirmation');
  hook('picket', 'device', 'add', 'bob', 'tablet', '--no-qr');
  check(cli('device', 'list').devices.length === 1, 'one device (added by the CLI) is there before the burn');

  log('rotate the gateway key, behind the password and a typed confirmation');
  const keyBefore = cli('init').public_key;
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Rotate the gateway key…' }).click();
  const rotateDialog = page.getByRole('dialog');
  await rotateDialog.getByLabel('Your admin password').fill(PASSWORD);
  await rotateDialog.getByLabel(/^Type “rotate”/).fill('rotate');
  await rotateDialog.getByTestId('confirm-rotate').click();
  const rotatedText = await page.getByText(/^Done: the new gateway key fingerprint is/).textContent();
  const keyAfter = cli('init');
  check(keyAfter.public_key !== keyBefore && rotatedText.includes(keyAfter.fingerprint),
        `the gateway has a new key and the page shows its fingerprint (${keyAfter.fingerprint})`);
  check(rotatedText.includes('1 device stops working until reissued: bob · tablet'), 'and names the device to reissue');
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Cut off every device…' }).click();
  const burnDialog = page.getByRole('dialog');
  await burnDialog.getByLabel('Your admin password').fill(PASSWORD);
  check(await burnDialog.getByTestId('confirm-burn').isDisabled(), 'the burn button stays off until "burn" is typed');
  await burnDialog.getByLabel(/^Type “burn”/).fill('burn');
  await burnDialog.getByTestId('confirm-burn').click();
  await page.getByText(/^Done: 1 device is cut off and deleted/).waitFor();
  check(cli('device', 'list').devices.length === 0, 'no device is left after the burn (picket device list)');
  check(cli('member', 'list').members.map((m) => m.label).sort().join() === 'alice,bob', 'and both members are kept');

  log('panic wipe, behind the password and a typed confirmation');
  check(hookOk('secret-kept', readFileSync(confPath, 'utf8').match(/^PrivateKey = (.*)$/m)[1]),
        "the private key made in the browser is nowhere in picketd's state or log");
  await page.getByRole('link', { name: 'Settings' }).click();
  // Keyboard: Enter opens the dialog, Escape closes it, focus goes inside.
  await page.getByRole('button', { name: 'Panic wipe…' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('dialog').waitFor();
  check(await page.evaluate(() => !!document.activeElement?.closest('dialog')), 'the wipe dialog opens by keyboard with focus inside');
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  check(true, 'Escape closes it');
  await page.getByRole('button', { name: 'Panic wipe…' }).click();
  const wipeDialog = page.getByRole('dialog');
  const wipeButton = wipeDialog.getByTestId('confirm-wipe');
  await wipeDialog.getByLabel('Your admin password').fill('not-my-password');
  check(await wipeButton.isDisabled(), 'the wipe button stays off until the phrase is typed');
  await wipeDialog.getByLabel(/^Type “wipe everything”/).fill('wipe everything');
  await axe(page, 'the panic wipe confirmation');
  await shot(page, 'phone-9-wipe-confirm');
  await wipeButton.click();
  const wrong = await wipeDialog.getByRole('alert').textContent();
  check(/password is wrong/i.test(wrong) && !wrong.includes('{'), `a wrong password is refused in words: "${wrong}"`);
  check(cli('init').endpoint !== undefined, 'and picketd still runs (CLI)');
  await wipeDialog.getByLabel('Your admin password').fill(PASSWORD);
  await wipeButton.click();
  await page.getByRole('heading', { name: 'Wiped' }).waitFor({ timeout: 30000 });
  check(true, 'the page says everything is wiped');
  await shot(page, 'phone-10-wiped');
  check(cspViolations.length === 0, `no CSP violation in the console${cspViolations.length ? ': ' + cspViolations[0] : ''}`);
} finally {
  await close();
}

function log(text) {
  console.log(`== ${text}`);
}
