// Driven by journey.sh; see there. One language per run (PICKET_LANG): every
// button and label is found by the words of the page's own catalog in that
// language. Throws (exit 1) at the first failed check.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { axeSource, launch, serveCurrentUi } from './chromium.mjs';
import { loadMessages } from './messages.mjs';
import { codeAt, freshCode } from './totp.mjs';

const URL_BASE = process.env.PICKET_URL;
const TOKEN = process.env.PICKET_SETUP_TOKEN;
const WORK = process.env.WORK;
const ARTIFACTS = process.env.ARTIFACTS;
const HOOK = process.env.PICKET_HOOK;
const WEB_DIR = process.env.PICKET_WEB_DIR;
const LANG = process.env.PICKET_LANG ?? 'en';
const IDLE_SECONDS = Number(process.env.PICKET_IDLE_SECONDS ?? 40);
const M = await loadMessages(LANG);
const PASSWORD = 'tin-lantern-orbit-meadow-71';
const ADMIN = 'organizer';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const exact = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

function check(ok, what) {
  if (!ok) throw new Error(`check failed: ${what}`);
  console.log(`ok - ${what}`);
}
function log(text) {
  console.log(`== [${LANG}] ${text}`);
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
const cli = (...args) => JSON.parse(hook('picket', '--json', ...args));


async function shot(page, name, size) {
  if (size) await page.setViewportSize(size);
  await page.screenshot({ path: join(ARTIFACTS, `${LANG}-${name}.png`), fullPage: true });
}

// axe-core at phone and desktop width: no violation of any impact.
async function axe(page, where) {
  const before = page.viewportSize();
  for (const size of [PHONE, DESKTOP]) {
    await page.setViewportSize(size);
    const result = await page.evaluate(`${axeSource()}; axe.run(document, { resultTypes: ['violations'] })`);
    for (const v of result.violations)
      console.log(`axe ${where} at ${size.width} px: ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(' ')})`);
    check(result.violations.length === 0, `axe-core finds nothing on ${where} at ${size.width} px`);
  }
  await page.setViewportSize(before);
}

// What the page shows in words, for the check that nothing is left in the
// other language: the visible text of the body.
async function visibleText(page) {
  return page.evaluate(() => document.body.innerText);
}
const englishOnly = LANG === 'en' ? [] : await (async () => {
  const en = await loadMessages('en');
  const words = [];
  const walk = (value) => {
    if (typeof value === 'string') words.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(en);
  // Long enough to be a sentence or a label, not a name both share.
  return words.filter((w) => w.length >= 12 && !/^[\w.:/@#-]+$/.test(w));
})();
async function noEnglish(page, where) {
  if (LANG === 'en') return;
  const text = await visibleText(page);
  const left = englishOnly.filter((w) => text.includes(w));
  check(left.length === 0, `no English text left on ${where}${left.length ? ': ' + left[0] : ''}`);
}

// Waits for a beforeunload prompt that `act` causes, answers it, and says
// whether it came.
async function leavePrompt(page, act, accept) {
  let seen = false;
  const handler = async (dialog) => {
    if (dialog.type() !== 'beforeunload') return dialog.dismiss();
    seen = true;
    if (accept) await dialog.accept();
    else await dialog.dismiss();
  };
  page.on('dialog', handler);
  await act().catch(() => {});
  for (let i = 0; i < 50 && !seen; i++) await page.waitForTimeout(100);
  page.off('dialog', handler);
  return seen;
}

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

  log('the language switch, remembered');
  await page.getByTestId('language').selectOption(LANG);
  await page.getByRole('heading', { name: M.setup.title, exact: true }).waitFor();
  check((await page.evaluate(() => document.documentElement.lang)) === LANG, `the page says it is in ${LANG}`);

  log('first-run setup, with a reload before scanning');
  await page.getByLabel(M.setup.token).waitFor();
  check((await page.getByLabel(M.setup.token).inputValue()) === TOKEN, 'the setup link fills in the token');
  await page.getByLabel(M.setup.password, { exact: true }).fill('short');
  check(await page.getByText(M.validate.passwordShort(5)).isVisible(), 'the password rule shows next to the field while typing');
  check((await page.getByLabel(M.setup.password, { exact: true }).getAttribute('aria-invalid')) === 'true', 'and the field is marked invalid');
  await axe(page, 'the setup screen');
  await noEnglish(page, 'the setup screen');
  await shot(page, 'phone-1-setup');
  const createAdmin = async () => {
    await page.getByLabel(M.setup.username).fill(ADMIN);
    await page.getByLabel(M.setup.password, { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: M.setup.submit }).click();
    return (await page.getByTestId('totp-secret').textContent()).trim();
  };
  const shownFirst = await createAdmin();
  check(/^[A-Z2-7]+=*$/.test(shownFirst), 'the TOTP secret is shown for enrolment');
  check(await page.getByRole('img', { name: M.enrol.qrLabel }).isVisible(), 'with its QR code');
  const recoveryCodes = (await page.getByTestId('recovery-codes').innerText()).split(/\s+/).filter(Boolean);
  await axe(page, 'the authenticator enrolment');
  await noEnglish(page, 'the authenticator enrolment');
  await shot(page, 'phone-2-totp-enrolment');
  check(await leavePrompt(page, () => page.reload({ timeout: 5000 }), true), 'a reload of the enrolment page asks first');
  await page.getByLabel(M.setup.token).waitFor();
  check((await page.evaluate(() => document.documentElement.lang)) === LANG, 'the reloaded page remembers the language');
  check((await page.getByLabel(M.setup.token).inputValue()) === TOKEN, 'and the link still carries the token');
  check(cli('admin', 'setup-url').setup_token === TOKEN, 'picket admin setup-url still gives the same token (nothing was spent)');
  const secret = await createAdmin();
  check(secret === shownFirst, 'the same name and password show the same secret again, so a scanned app still fits');
  const wrong = codeAt(secret, Math.floor(Date.now() / 30000) + 5);
  await page.getByLabel(M.login.appCode).fill(wrong);
  await page.getByRole('button', { name: M.enrol.submit }).click();
  const wrongText = await page.getByRole('alert').textContent();
  check(wrongText === M.errors.codeWrong, `a wrong code at enrolment says what to check: "${wrongText}"`);
  await page.getByLabel(M.login.appCode).fill(await freshCode(secret));
  await page.getByRole('button', { name: M.enrol.submit }).click();
  await page.getByRole('heading', { name: M.devices.title, exact: true }).waitFor();
  check(true, 'logged in with the TOTP code computed from the shown secret');
  check(cli('admin', 'setup-url').setup_token === null, 'the setup token is void once the code confirmed the admin');
  check((await page.title()).startsWith(M.app.titles.devices), `the page title names the screen (${await page.title()})`);

  log('first-run devices list, and a refused add that leaves no member');
  await page.getByTestId('empty-state').waitFor();
  check(await page.getByRole('heading', { name: M.devices.emptyTitle }).isVisible(), 'the empty list explains what to do first');
  await axe(page, 'the first-run device list');
  await noEnglish(page, 'the first-run device list');
  await page.getByRole('button', { name: M.devices.emptyAction }).click();
  await page.getByLabel(M.add.member, { exact: true }).fill('dave');
  await page.getByLabel(M.add.device).fill('work phone');
  check(await page.getByText(M.validate.labelSpace).isVisible(), 'the name rule shows next to the field while typing');
  check((await page.getByLabel(M.add.device).getAttribute('aria-invalid')) === 'true', 'and the field is marked invalid');
  check(!(await page.getByLabel(M.access.networks).isVisible().catch(() => false)), 'network options are not shown to everyone');
  await page.getByText(M.add.advanced).click();
  await axe(page, 'the add form with advanced options and a problem');
  await noEnglish(page, 'the add form');
  await shot(page, 'phone-3-add');
  await page.getByLabel(M.add.device).fill('phone');
  const addAccess = page.getByRole('group', { name: M.access.legend });
  await addAccess.getByRole('radio', { name: M.access.only }).check();
  await addAccess.getByLabel(M.access.networks).fill('192.0.2.300/24');
  await page.getByLabel(M.common.yourPassword).fill(PASSWORD);
  await page.getByRole('button', { name: M.add.submit }).click();
  const refused = await page.getByRole('alert').textContent();
  check(refused.length > 10 && !refused.includes('{'), `the refused add says why: "${refused}"`);
  check(!cli('member', 'list').members.some((m) => m.label === 'dave'), 'and leaves no member behind (picket member list)');
  await page.getByRole('button', { name: M.common.cancel }).click();

  log('add a member and a device');
  await page.getByRole('button', { name: M.devices.add }).click();
  await page.getByLabel(M.add.member, { exact: true }).fill('alice');
  await page.getByLabel(M.add.device).fill('phone');
  await page.getByRole('button', { name: M.add.submit }).click();
  const noPassword = await page.getByRole('alert').textContent();
  check(noPassword === M.errors.passwordRequired, `without the admin's password the add is refused in words: "${noPassword}"`);
  check(!cli('member', 'list').members.some((m) => m.label === 'alice'), 'and nothing is added (picket member list)');
  await page.getByLabel(M.common.yourPassword).fill(PASSWORD);
  const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/members/alice/devices'));
  await page.getByRole('button', { name: M.add.submit }).click();
  const body = JSON.parse((await sent).postData());
  check(Object.keys(body).sort().join() === 'create_member,label,password,public_key' && body.password === PASSWORD,
        "one request makes member and device; the label, the public key and the admin's password go with it");
  const qr = page.getByTestId('qr');
  await qr.waitFor();
  check(await page.getByText(M.config.shownOnce).isVisible(), 'the page says the key is shown once');
  const fingerprint = (await page.getByTestId('fingerprint').textContent()).trim();
  const settings = await (await page.request.get(`${URL_BASE}/api/v1/settings`)).json();
  check(fingerprint === settings.fingerprint, `the gateway fingerprint is shown (${fingerprint})`);
  await axe(page, 'the QR code page');
  await noEnglish(page, 'the QR code page');
  await shot(page, 'phone-4-qr');
  await shot(page, 'desktop-4-qr', DESKTOP);
  await page.setViewportSize(PHONE);
  check(await leavePrompt(page, () => page.reload({ timeout: 3000 }), false), 'a reload of the QR page asks first');
  check(await qr.isVisible(), 'and staying keeps the QR code on the page');
  await qr.screenshot({ path: join(WORK, 'qr.png') });

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: M.config.download('alice-phone.conf') }).click(),
  ]);
  check(download.suggestedFilename() === 'alice-phone.conf', 'the .conf download is named for the app');
  const confPath = join(WORK, 'alice-phone.conf');
  await download.saveAs(confPath);
  const conf = readFileSync(confPath, 'utf8');
  const decoded = hook('decode', join(WORK, 'qr.png'));
  check(decoded === conf, 'zbarimg reads the screenshotted QR code as exactly the downloaded .conf');
  check(conf.includes(`PublicKey = ${settings.public_key}\n`), 'the config names the gateway key');

  log('the config brings up a client that reaches the gateway');
  hook('connect', confPath, '1');
  check(hookOk('reaches', '1'), 'the member pings the gateway through the tunnel');
  await page.getByRole('button', { name: M.config.done }).click();
  const row = page.locator('[data-device="alice/phone"]');
  await page.locator('[data-device="alice/phone"][data-state="online"]').waitFor({ timeout: 20000 });
  check((await row.getByTestId('device-state').textContent()).startsWith(M.devices.states.online),
        'the list says the device is online in words, without a reload');
  await axe(page, 'the device list');
  await noEnglish(page, 'the device list');
  await shot(page, 'phone-5-devices');
  await shot(page, 'desktop-5-devices', DESKTOP);
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'desktop-5-devices-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(PHONE);

  log('the on/off switch stops and resumes the traffic');
  const toggle = page.getByRole('switch', { name: M.devices.access('alice · phone') });
  check((await toggle.getAttribute('aria-checked')) === 'true', 'the switch shows the device on');
  await toggle.click();
  await page.getByTestId('notice').filter({ hasText: M.devices.disabled('alice', 'phone') }).waitFor();
  check(hookOk('cut-off', '1'), 'switched off: the pings stop');
  await page.locator('[data-device="alice/phone"][data-state="disabled"]').waitFor();
  check((await row.getByTestId('device-state').textContent()).startsWith(M.devices.states.disabled), 'the row says it is switched off');
  await axe(page, 'the list with a switched-off device');
  await toggle.click();
  const enableDialog = page.getByRole('dialog');
  await enableDialog.waitFor();
  check(await enableDialog.getByTestId('confirm-enable').isDisabled(), 'switching on waits for the admin password');
  await axe(page, 'the switch-on confirmation');
  await noEnglish(page, 'the switch-on confirmation');
  await enableDialog.getByLabel(M.common.yourPassword).fill('not-my-password');
  await enableDialog.getByTestId('confirm-enable').click();
  const enableWrong = await enableDialog.getByRole('alert').textContent();
  check(enableWrong === M.errors.passwordWrong, `a wrong password does not switch it on: "${enableWrong}"`);
  check(cli('device', 'list', 'alice').devices.every((d) => !d.enabled), 'and it stays off (picket device list alice)');
  await enableDialog.getByLabel(M.common.yourPassword).fill(PASSWORD);
  await enableDialog.getByTestId('confirm-enable').click();
  await page.getByTestId('notice').filter({ hasText: M.devices.enabled('alice', 'phone') }).waitFor();
  check(hookOk('reaches', '1', '45'), 'switched on again: the pings come back (once the client re-handshakes)');

  log("a second device of alice's; navigating away from its QR code forgets the key");
  await page.getByRole('button', { name: M.devices.add }).click();
  await page.getByLabel(M.add.member, { exact: true }).fill('alice');
  await page.getByText(M.add.memberKnown('alice')).waitFor();
  await page.getByLabel(M.add.device).fill('laptop');
  await page.getByLabel(M.common.yourPassword).fill(PASSWORD);
  // A split tunnel: one entry past the limit is refused before anything is
  // added, and the config that is made routes the DNS servers it names.
  await page.getByText(M.add.advanced).click();
  await page.getByRole('radio', { name: M.add.routingSplit }).check();
  const tooMany = Array.from({ length: 31 }, (_, i) => `10.${i}.0.0/16`).join('\n');
  await page.getByLabel(M.add.routes).fill(tooMany);
  await page.getByRole('button', { name: M.add.submit }).click();
  await page.getByText(M.add.split.tooMany(31, 30)).waitFor();
  check(
    !cli('device', 'list').devices.some((d) => d.member === 'alice' && d.label === 'laptop'),
    'a split list one past the limit (31 of 30) is refused in words, and no device is added',
  );
  await page.getByLabel(M.add.routes).fill('192.0.2.0/24\n192.0.2.0/24');
  await page.getByRole('button', { name: M.add.submit }).click();
  await page.getByTestId('qr').waitFor();
  const [download2] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: M.config.download('alice-laptop.conf') }).click(),
  ]);
  const conf2 = join(WORK, 'alice-laptop.conf');
  await download2.saveAs(conf2);
  const conf2Text = readFileSync(conf2, 'utf8');
  const dnsLine = /^DNS = (.*)$/m.exec(conf2Text)?.[1] ?? '';
  const allowedLine = /^AllowedIPs = (.*)$/m.exec(conf2Text)?.[1] ?? '';
  const routed = dnsLine.split(', ').map((a) => (a.includes(':') ? `${a}/128` : `${a}/32`));
  check(
    dnsLine !== '' && allowedLine === ['192.0.2.0/24', ...routed].join(', '),
    `the split config routes its network once and every DNS server it names (AllowedIPs = ${allowedLine}; DNS = ${dnsLine})`,
  );
  hook('connect', conf2, '2');
  check(hookOk('reaches', '2'), "alice's second device pings the gateway too");
  await page.getByRole('navigation').getByRole('link', { name: M.app.titles.members }).click();
  await page.getByRole('heading', { name: M.members.title, exact: true }).waitFor();
  check(!(await page.getByTestId('qr').isVisible().catch(() => false)), 'a nav link on the QR page navigates, and the QR code is gone');

  log('a device that never connected offers a new config, behind a confirmation');
  hook('picket', 'member', 'add', 'bob');
  hook('picket', 'device', 'add', 'bob', 'tablet', '--no-qr');
  await page.getByRole('navigation').getByRole('link', { name: M.app.titles.devices }).click();
  const bobRow = page.locator('[data-device="bob/tablet"]');
  await bobRow.waitFor();
  check((await bobRow.getByTestId('device-state').textContent()).startsWith(M.devices.states.never), 'it is marked as never connected');
  await bobRow.getByRole('button', { name: M.devices.newConfigFor('bob · tablet') }).click();
  const reissueDialog = page.getByRole('dialog');
  await reissueDialog.waitFor();
  await axe(page, 'the new-config confirmation');
  await noEnglish(page, 'the new-config confirmation');
  check(await reissueDialog.getByTestId('confirm-reissue').isDisabled(), 'a new key waits for the admin password');
  await reissueDialog.getByLabel(M.common.yourPassword).fill(PASSWORD);
  await reissueDialog.getByTestId('confirm-reissue').click();
  await page.getByTestId('qr').waitFor();
  await page.getByRole('button', { name: M.config.done }).click();

  log('the members view: every member, and cutting one off in one click and one confirmation');
  await page.getByRole('navigation').getByRole('link', { name: M.app.titles.members }).click();
  const aliceRow = page.locator('[data-member="alice"]');
  await aliceRow.waitFor();
  check((await aliceRow.textContent()).includes(M.members.devices(2, 2)), `alice shows her devices (${M.members.devices(2, 2)})`);
  await axe(page, 'the members view');
  await noEnglish(page, 'the members view');
  await shot(page, 'phone-6-members');
  await shot(page, 'desktop-6-members', DESKTOP);
  await page.setViewportSize(PHONE);
  await aliceRow.getByRole('button', { name: M.members.cutOff('alice') }).click();
  const cutDialog = page.getByRole('dialog');
  check((await cutDialog.getByRole('textbox').count()) === 0, 'the confirmation asks for no typing and no password');
  await axe(page, "the member's cut-off confirmation");
  await cutDialog.getByTestId('confirm-member-cut').click();
  await page.getByTestId('notice').filter({ hasText: M.dialogs.memberCut('alice', 2) }).waitFor();
  check(hookOk('cut-off', '1') && hookOk('cut-off', '2'), "the pings from both of alice's devices stop");
  check(cli('device', 'list', 'alice').devices.every((d) => !d.enabled), "both are switched off (picket device list alice)");

  log('a session left on Devices longer than the idle limit ends, and says so');
  await page.getByRole('navigation').getByRole('link', { name: M.app.titles.devices }).click();
  await page.getByRole('searchbox', { name: M.devices.search }).fill('ali');
  const ended = page.getByTestId('session-ended');
  await ended.waitFor({ timeout: (IDLE_SECONDS + 20) * 1000 });
  check((await ended.textContent()).includes(M.errors.sessionIdle), 'the page says the session ended for lack of activity');
  check((await page.getByRole('searchbox', { name: M.devices.search }).inputValue()) === 'ali', 'what was typed is still there');
  await axe(page, 'the session-ended login');
  await noEnglish(page, 'the session-ended login');
  await shot(page, 'phone-7-session-ended');
  const relogin = page.getByRole('dialog');
  await relogin.getByLabel(M.login.password, { exact: true }).fill(PASSWORD);
  await relogin.getByLabel(M.login.appCode).fill(await freshCode(secret));
  await relogin.getByRole('button', { name: M.login.submit }).click();
  await relogin.waitFor({ state: 'detached' });
  check((await page.getByRole('searchbox', { name: M.devices.search }).inputValue()) === 'ali', 'logged in again, the page goes on where it was');

  log('a lockout says how long; a recovery code logs in');
  await page.getByRole('button', { name: M.app.logOut(ADMIN) }).click();
  await page.getByRole('heading', { name: M.login.title, exact: true }).waitFor();
  check((await page.getByTestId('notice').count()) === 0, 'no message of the last session survives the logout');
  await axe(page, 'the login screen');
  await noEnglish(page, 'the login screen');
  for (let i = 0; i < 5; i++) {
    await page.getByLabel(M.login.username).fill('nobody');
    await page.getByLabel(M.login.password, { exact: true }).fill('not-the-password-at-all');
    await page.getByLabel(M.login.appCode).fill('000000');
    await page.getByRole('button', { name: M.login.submit }).click();
    await page.getByRole('alert').filter({ hasText: M.errors.loginFailed }).waitFor();
  }
  await page.getByRole('button', { name: M.login.submit }).click();
  const limited = await page.getByRole('alert').filter({ hasText: /\d/ }).textContent();
  const minutesLeft = Number(limited.match(/\d+/)[0]);
  check(limited === M.errors.rateLimited(minutesLeft * 60) || limited === M.errors.rateLimited(minutesLeft),
        `the lockout message says how long to wait: "${limited}"`);
  await axe(page, 'the rate-limited login');
  await noEnglish(page, 'the rate-limited login');
  await shot(page, 'phone-8-rate-limited');
  await page.getByRole('button', { name: M.login.useRecovery }).click();
  await page.getByLabel(M.login.username).fill(ADMIN);
  await page.getByLabel(M.login.password, { exact: true }).fill(PASSWORD);
  await page.getByLabel(M.login.recoveryCode).fill(recoveryCodes[0]);
  await axe(page, 'the recovery-code login');
  await noEnglish(page, 'the recovery-code login');
  await page.getByRole('button', { name: M.login.submit }).click();
  await page.getByRole('heading', { name: M.devices.title, exact: true }).waitFor();
  check(true, 'a recovery code logs in');

  log('`picket admin reset-totp` recovers an admin who lost the phone');
  const link = cli('admin', 'reset-totp', ADMIN);
  check(/#\/recover\?token=/.test(link.url), `the CLI prints a one-time link (${link.url.replace(/token=.*/, 'token=…')})`);
  await page.getByRole('button', { name: M.app.logOut(ADMIN) }).click();
  await page.getByRole('heading', { name: M.login.title, exact: true }).waitFor();
  // The same link on the admin UI's address as this browser reaches it.
  await page.goto(`${URL_BASE}/#/recover?token=${encodeURIComponent(link.token)}`);
  await page.getByText(M.recover.totpIntro(ADMIN)).waitFor();
  await axe(page, 'the recovery link');
  await noEnglish(page, 'the recovery link');
  await page.getByLabel(M.recover.currentPassword).fill(PASSWORD);
  await page.getByRole('button', { name: M.recover.totpSubmit }).click();
  const newSecret = (await page.getByTestId('totp-secret').textContent()).trim();
  check(newSecret !== secret, 'a new authenticator secret is shown');
  await page.getByLabel(M.login.appCode).fill(await freshCode(newSecret));
  await page.getByRole('button', { name: M.enrol.submit }).click();
  await page.getByRole('heading', { name: M.devices.title, exact: true }).waitFor();
  check(true, 'its code logs the admin in');
  const oldCode = await fetch(`${URL_BASE}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: ADMIN, password: PASSWORD, totp: await freshCode(secret) }),
  });
  check(oldCode.status === 401, 'the lost phone\'s codes no longer log in');

  log('restricted access for a device, set in its Manage dialog');
  await page.getByRole('switch', { name: M.devices.access('alice · phone') }).click();
  await page.getByRole('dialog').getByLabel(M.common.yourPassword).fill(PASSWORD);
  await page.getByRole('dialog').getByTestId('confirm-enable').click();
  await page.getByTestId('notice').filter({ hasText: M.devices.enabled('alice', 'phone') }).waitFor();
  check(hookOk('reaches', '1', '45'), "alice's phone, switched on again, reaches the gateway");
  await page.getByRole('button', { name: M.devices.manage('alice · phone') }).click();
  const manage = page.getByRole('dialog');
  const atTitle = await page.waitForFunction(() => document.activeElement?.id === 'dialog-title', null, { timeout: 5000 })
    .then(() => true, () => false);
  check(atTitle && (await manage.evaluate((d) => d.scrollTop)) === 0, 'the dialog opens at its title, scrolled to the top');
  await manage.getByRole('radio', { name: M.access.only }).check();
  await manage.getByLabel(M.access.networks).fill('192.0.2.0/24');
  await manage.getByRole('button', { name: M.access.save }).click();
  const managePassword = manage.getByLabel(M.common.yourPassword);
  check((await manage.getByRole('alert').textContent()) === M.errors.passwordRequired &&
        (await managePassword.getAttribute('aria-invalid')) === 'true',
        'a change of access without the admin password is refused in words, the password field marked');
  check(cli('device', 'access', 'alice', 'phone').restricted_to === null, 'and nothing changed (CLI)');
  await managePassword.fill(PASSWORD);
  await manage.getByLabel(M.access.networks).fill('192.0.2.300/24');
  await manage.getByRole('button', { name: M.access.save }).click();
  const badCidr = await manage.getByRole('alert').textContent();
  check(badCidr.length > 10 && !badCidr.includes('{'), `a bad network is refused in words: "${badCidr}"`);
  check(cli('device', 'access', 'alice', 'phone').restricted_to === null, 'and nothing changed (CLI)');
  await manage.getByLabel(M.access.networks).fill('192.0.2.0/24\n198.51.100.0/24');
  await manage.getByLabel(M.access.group).fill('press');
  await manage.getByRole('button', { name: M.access.save }).click();
  await manage.getByText(M.access.saved('alice', 'phone', M.access.inGroup(M.access.reachesOnly('192.0.2.0/24, 198.51.100.0/24'), 'press'))).waitFor();
  const access = cli('device', 'access', 'alice', 'phone');
  check(access.group === 'press' && access.restricted_to.join() === '192.0.2.0/24,198.51.100.0/24',
        'picket device access shows the restriction and group set in the browser');
  check(hookOk('reaches', '1'), "the restricted device still reaches the gateway's services");
  await axe(page, 'the manage dialog');
  await noEnglish(page, 'the manage dialog');
  await shot(page, 'phone-9-manage');
  await manage.getByRole('radio', { name: M.access.anywhere }).check();
  await manage.getByLabel(M.access.group).fill('');
  await manage.getByRole('button', { name: M.access.save }).click();
  await manage.getByText(M.access.saved('alice', 'phone', M.access.reachesAnywhere)).waitFor();
  await manage.getByRole('button', { name: M.common.close }).click();

  log('settings: the DNS resolver');
  await page.getByRole('navigation').getByRole('link', { name: M.app.titles.settings }).click();
  const dnsForm = page.getByRole('form', { name: M.settings.dnsForm });
  await dnsForm.waitFor();
  await axe(page, 'the settings screen');
  await noEnglish(page, 'the settings screen');
  await shot(page, 'phone-10-settings');
  const blocklist = join(WORK, 'blocklist.txt');
  writeFileSync(blocklist, '# test list\nblocked.example\n');
  await dnsForm.getByLabel(M.settings.blocklists).fill(join(WORK, 'missing-list.txt'));
  await dnsForm.getByLabel(M.common.yourPassword).fill(PASSWORD);
  await dnsForm.getByRole('button', { name: M.settings.saveDns }).click();
  const badList = await dnsForm.getByRole('alert').textContent();
  check(/missing-list\.txt/.test(badList) && !badList.includes('{'), `an unreadable blocklist is refused in words: "${badList}"`);
  check(cli('dns', 'show').blocklists.length === 0, 'and nothing changed (CLI)');
  await dnsForm.getByLabel(M.settings.blocklists).fill(blocklist);
  await dnsForm.getByRole('radio', { name: M.settings.nullAnswer }).check();
  await dnsForm.getByLabel(M.settings.zone).fill('corp.internal');
  await dnsForm.getByRole('button', { name: M.settings.saveDns }).click();
  await dnsForm.getByText(M.settings.dnsSaved(M.settings.blocked(1, 1))).waitFor();
  check((await dnsForm.getByLabel(M.common.yourPassword).inputValue()) === '',
        'once saved, the page forgets the password: the next change asks again');
  const dns = cli('dns', 'show');
  check(dns.block_answer === 'null' && dns.zone === 'corp.internal' && dns.blocklists.join() === blocklist &&
        dns.blocked_domains === 1, 'picket dns show has the blocklist, block answer and zone set in the browser');
  const blockedAnswer = hook('dig', 'blocked.example').trim();
  check(blockedAnswer === '0.0.0.0', `the member's resolver now answers a blocked name with the null address (${blockedAnswer})`);
  const zoneAnswer = hook('dig', 'phone.alice.corp.internal').trim();
  check(zoneAnswer === '10.77.0.2', `and the device's name in the new zone (${zoneAnswer})`);

  log('settings: member isolation');
  const isolationForm = page.getByRole('form', { name: M.settings.isolationForm });
  const isolation = isolationForm.getByRole('group', { name: M.settings.isolationQuestion });
  check(cli('firewall').member_to_member === false, 'members start isolated (CLI)');
  await isolation.getByRole('radio', { name: M.settings.isolationAllow }).check();
  await isolationForm.getByLabel(M.common.yourPassword).fill('not-my-password');
  await isolationForm.getByRole('button', { name: M.settings.saveIsolation }).click();
  check((await isolationForm.getByRole('alert').textContent()) === M.errors.passwordWrong &&
        cli('firewall').member_to_member === false, 'a wrong password leaves members isolated (CLI)');
  await isolationForm.getByLabel(M.common.yourPassword).fill(PASSWORD);
  await isolationForm.getByRole('button', { name: M.settings.saveIsolation }).click();
  await page.getByText(M.settings.isolationOff).waitFor();
  check(cli('firewall').member_to_member === true, 'allowing member-to-member in the browser allows it (CLI)');
  // By keyboard: arrow keys move the choice within the radio group.
  await isolation.getByRole('radio', { name: M.settings.isolationAllow }).focus();
  await page.keyboard.press('ArrowUp');
  await isolationForm.getByLabel(M.common.yourPassword).fill(PASSWORD);
  await isolationForm.getByRole('button', { name: M.settings.saveIsolation }).click();
  await page.getByText(M.settings.isolationOn).waitFor();
  check(cli('firewall').member_to_member === false, 'and isolating again with the keyboard isolates (CLI)');

  log('one-click revoke from the row, one confirmation');
  await page.getByRole('navigation').getByRole('link', { name: M.app.titles.devices }).click();
  await page.getByRole('button', { name: M.devices.revoke('alice · phone') }).click();
  const dialog = page.getByRole('dialog');
  check((await dialog.textContent()).includes(M.dialogs.revokeTitle('alice', 'phone')), 'the confirmation names who is cut off');
  await axe(page, 'the revoke confirmation');
  await noEnglish(page, 'the revoke confirmation');
  await dialog.getByTestId('confirm-revoke').click();
  await page.getByTestId('notice').filter({ hasText: M.dialogs.revoked('alice', 'phone') }).waitFor();
  check(hookOk('cut-off', '1'), 'after the revoke click the pings stop');

  log("deleting a member's record needs the name and the password");
  await page.getByRole('navigation').getByRole('link', { name: M.app.titles.members }).click();
  await page.locator('[data-member="alice"]').getByRole('button', { name: M.members.remove('alice') }).click();
  const removeDialog = page.getByRole('dialog');
  const removeButton = removeDialog.getByTestId('confirm-member-remove');
  await removeDialog.getByLabel(M.common.yourPassword).fill(PASSWORD);
  check(await removeButton.isDisabled(), 'the button stays off until the name is typed');
  await removeDialog.getByLabel(M.dialogs.typeName('alice')).fill('alice');
  await axe(page, 'the member removal confirmation');
  await noEnglish(page, 'the member removal confirmation');
  const removal = page.waitForRequest((r) => r.method() === 'DELETE' && r.url().endsWith('/members/alice'));
  await removeButton.click();
  check(JSON.parse((await removal).postData()).password === PASSWORD, 'the admin password goes with the request');
  await page.getByTestId('notice').filter({ hasText: M.dialogs.memberRemoved('alice') }).waitFor();
  check(!cli('member', 'list').members.some((m) => m.label === 'alice'), 'alice is gone (picket member list)');

  log('the audit trail in words, failed logins and the lockout included');
  await page.getByRole('navigation').getByRole('link', { name: M.app.titles.audit }).click();
  await page.locator('tr[data-action="member.remove"]').waitFor();
  const auditText = await page.getByRole('region', { name: M.audit.tableLabel }).innerText();
  for (const action of ['member.disable_devices', 'admin.login_failed', 'admin.locked_out', 'admin.reset_totp', 'device.reissue'])
    check(auditText.includes(M.audit.actions[action]), `the audit trail says "${M.audit.actions[action]}"`);
  check(!/\d+\.\d+\.\d+\.\d+/.test(auditText.replace(/\d{1,2}[./]\d{1,2}[./]\d{2,4}/g, '')), 'and holds no IP address');
  await axe(page, 'the audit trail');
  await noEnglish(page, 'the audit trail');
  await shot(page, 'phone-11-audit');

  log("the audit trail's retention and a new admin, each behind the admin's password");
  const retention = page.getByRole('form', { name: M.audit.retentionForm });
  await retention.getByLabel(M.audit.retentionDays).fill('400');
  await retention.getByLabel(M.common.yourPassword).fill(PASSWORD);
  await retention.getByRole('button', { name: M.audit.retentionSave }).click();
  await retention.getByText(M.audit.retentionSaved(400)).waitFor();
  const kept = await (await page.request.get(`${URL_BASE}/api/v1/audit/settings`)).json();
  check(kept.retention_days === 400, `picketd keeps the trail for the days set in the browser (${kept.retention_days})`);
  await page.getByRole('navigation').getByRole('link', { name: M.app.titles.admins }).click();
  await page.getByRole('heading', { name: M.admins.title, exact: true }).waitFor();
  await axe(page, 'the admins screen');
  await noEnglish(page, 'the admins screen');
  const addAdmin = page.getByRole('form', { name: M.admins.addTitle });
  await addAdmin.getByLabel(M.admins.username).fill('carol');
  await addAdmin.getByLabel(M.admins.theirPassword).fill('violet anchor cobalt 12');
  await addAdmin.getByLabel(M.common.yourPassword).fill(PASSWORD);
  const adminSent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/v1/admins'));
  await addAdmin.getByRole('button', { name: M.admins.add }).click();
  const adminBody = JSON.parse((await adminSent).postData());
  check(adminBody.new_password === 'violet anchor cobalt 12' && adminBody.password === PASSWORD,
        "a new admin's password goes as new_password, the acting admin's as password");
  await page.getByRole('heading', { name: M.admins.handOver('carol') }).waitFor();
  check(cli('admin', 'list').admins.some((a) => a.username === 'carol'), 'carol is an admin (picket admin list)');

  log('rotate the gateway key, behind the password and a typed confirmation');
  const keyBefore = cli('init').public_key;
  await page.getByRole('navigation').getByRole('link', { name: M.app.titles.settings }).click();
  await page.getByRole('button', { name: M.settings.rotateButton }).click();
  const rotateDialog = page.getByRole('dialog');
  await rotateDialog.getByLabel(M.common.yourPassword).fill(PASSWORD);
  await rotateDialog.getByLabel(M.settings.typePhrase('rotate')).fill('rotate');
  await rotateDialog.getByTestId('confirm-rotate').click();
  await rotateDialog.waitFor({ state: 'detached' });
  const keyAfter = cli('init');
  await page.getByText(M.settings.rotated(keyAfter.fingerprint, 1, 'bob · tablet')).waitFor();
  check(keyAfter.public_key !== keyBefore, `the gateway has a new key and the page shows its fingerprint (${keyAfter.fingerprint})`);

  log('cut off every device (burn), behind the password and a typed confirmation');
  await page.getByRole('button', { name: M.settings.burnButton }).click();
  const burnDialog = page.getByRole('dialog');
  await burnDialog.getByLabel(M.common.yourPassword).fill(PASSWORD);
  check(await burnDialog.getByTestId('confirm-burn').isDisabled(), 'the burn button stays off until "burn" is typed');
  await burnDialog.getByLabel(M.settings.typePhrase('burn')).fill('burn');
  await burnDialog.getByTestId('confirm-burn').click();
  await page.getByText(M.settings.burned(1)).waitFor();
  check(cli('device', 'list').devices.length === 0, 'no device is left after the burn (picket device list)');
  check(cli('member', 'list').members.map((m) => m.label).join() === 'bob', 'and the member is kept');

  log('panic wipe, behind the password and a typed confirmation');
  check(hookOk('secret-kept', conf.match(/^PrivateKey = (.*)$/m)[1]),
        "the private key made in the browser is nowhere in picketd's state or log");
  // Keyboard: Enter opens the dialog, Escape closes it, focus goes inside.
  await page.getByRole('button', { name: M.settings.wipeButton }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('dialog').waitFor();
  check(await page.evaluate(() => !!document.activeElement?.closest('dialog')), 'the wipe dialog opens by keyboard with focus inside');
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  check(true, 'Escape closes it');
  await page.getByRole('button', { name: M.settings.wipeButton }).click();
  const wipeDialog = page.getByRole('dialog');
  const wipeButton = wipeDialog.getByTestId('confirm-wipe');
  await wipeDialog.getByLabel(M.common.yourPassword).fill('not-my-password');
  check(await wipeButton.isDisabled(), 'the wipe button stays off until the phrase is typed');
  await wipeDialog.getByLabel(M.settings.typePhrase('wipe everything')).fill('wipe everything');
  await axe(page, 'the panic wipe confirmation');
  await noEnglish(page, 'the panic wipe confirmation');
  await wipeButton.click();
  const wrongPassword = await wipeDialog.getByRole('alert').textContent();
  check(wrongPassword === M.errors.passwordWrong, `a wrong password is refused in words: "${wrongPassword}"`);
  check(cli('init').endpoint !== undefined, 'and picketd still runs (CLI)');
  await wipeDialog.getByLabel(M.common.yourPassword).fill(PASSWORD);
  await wipeButton.click();
  await page.getByRole('heading', { name: M.settings.wipedTitle }).waitFor({ timeout: 30000 });
  check(true, 'the page says everything is wiped');
  await axe(page, 'the wiped page');
  await shot(page, 'phone-12-wiped');
  check(cspViolations.length === 0, `no CSP violation in the console${cspViolations.length ? ': ' + cspViolations[0] : ''}`);
} finally {
  await close();
}
