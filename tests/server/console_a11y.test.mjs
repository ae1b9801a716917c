// Accessibility of every page of the staff console: axe-core (npm, pinned
// in package-lock.json) run inside Debian's chromium on each page — sign-in,
// the day's list, the urgent list, one application, the department queue,
// the devices, and for an administrator the audit log and the staff list —
// at 1366×768 and on a phone (390×844). Any violation fails, with its rule
// and the element. The 工作人员 page is also used at both widths: an account
// added (its password shown once), checked again, disabled, then refused at
// sign-in (screenshots to SHOTS when set).
//
// Environment (set by tests/server/CMakeLists.txt): KIOSK_SERVER,
// SUBMIT_SAMPLE, SRV_PKI, SRV_WORK.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, check, failures, launchChromium, loadChromium, requireEnv, testStore, waitForFile } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const AXE = path.join(here, 'node_modules', 'axe-core', 'axe.min.js');
const chromium = loadChromium('console a11y test');
if (!fs.existsSync(AXE)) {
  console.error('console a11y test: node_modules/axe-core is missing; run `npm ci` in tests/server first');
  process.exit(1);
}

const env = (k) => requireEnv('console a11y test', k);
const SERVER = env('KIOSK_SERVER'), SUBMIT = env('SUBMIT_SAMPLE');
const PKI = env('SRV_PKI'), WORK = env('SRV_WORK');
const DEV = 'KIOSK-140500-001';
const PW = 'a11y pass 77';

async function main() {
  if (!fs.existsSync(CHROMIUM)) {
    console.error('console a11y test: /usr/bin/chromium is missing (apt-get install chromium)');
    process.exit(1);
  }
  fs.mkdirSync(WORK, { recursive: true });
  const store = testStore('console a11y test', path.join(WORK, `a11y-${process.pid}.db`));
  const { db, portFile } = store;
  for (const [id, name, role] of [['W0001', '窗口测试', 'window'], ['M0001', '管理测试', 'admin']]) {
    const r = spawnSync(SERVER, ['staff', 'add', '--db', db, '--role', role, id, name], { input: PW + '\n' });
    check(r.status === 0, `staff add ${id}`);
  }
  const server = spawn(SERVER, ['serve', '--config', '/dev/null', '--pki', PKI, '--db', db, '--port', '0',
    '--port-file', portFile, '--log-level', 'warn'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise((resolve) => server.on('exit', (code, sig) => resolve({ code, sig })));
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiosk-a11y-'));
  let ctx = null;
  try {
    const port = parseInt(await waitForFile(portFile, 10000), 10);
    const sub = JSON.parse(spawnSync(SUBMIT, [String(port), DEV, '61', 'true'], { env: process.env }).stdout.toString());
    check(sub.status === 201, 'an application to look at');
    ctx = await launchChromium(chromium, userDir, { bypassCSP: true });
    const page = ctx.pages()[0] || await ctx.newPage();
    page.setDefaultTimeout(45000);
    const base = `https://localhost:${port}`;

    // axe on the page as it is now, at both widths.
    const audit = async (what) => {
      for (const [w, h] of [[1366, 768], [390, 844]]) {
        await page.setViewportSize({ width: w, height: h });
        await page.addScriptTag({ path: AXE });
        const res = await page.evaluate(async () => {
          const r = await window.axe.run(document, { resultTypes: ['violations'] });
          return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
        });
        if (res.length) console.error(`  ${what} at ${w}: ${res.join('; ')}`);
        check(res.length === 0, `${what} at ${w}×${h}: no accessibility violations`);
      }
      await page.setViewportSize({ width: 1366, height: 768 });
    };
    const signIn = async (id) => {
      await page.goto(base + '/console/#/today');
      await page.waitForSelector('#view-login:not([hidden])');
      await page.fill('#staff-id', id);
      await page.fill('#password', PW);
      await page.click('#login-btn');
      await page.waitForSelector('#view-list:not([hidden])');
    };

    await page.goto(base + '/console/#/today');
    await page.waitForSelector('#view-login:not([hidden])');
    await audit('sign-in');
    await signIn('W0001');
    await page.waitForSelector('#apps tbody tr');
    await audit('today\'s list');
    await page.goto(base + '/console/#/urgent');
    await page.waitForSelector('#apps tbody tr');
    await audit('the urgent list');
    await page.goto(base + '/console/#/app/' + sub.uuid);
    await page.waitForSelector('#view-app:not([hidden])');
    await page.waitForTimeout(300);
    await audit('one application');
    await page.goto(base + '/console/#/queue');
    await page.waitForSelector('#view-queue:not([hidden])');
    await page.waitForTimeout(300);
    await audit('the department queue');
    await page.goto(base + '/console/#/devices');
    await page.waitForSelector('#view-devices:not([hidden])');
    await page.waitForTimeout(300);
    await audit('the devices');
    await page.click('#logout-btn');
    await page.waitForSelector('#view-login:not([hidden])');
    await signIn('M0001');
    await page.goto(base + '/console/#/audit');
    await page.waitForSelector('#view-audit:not([hidden])');
    await page.waitForTimeout(300);
    await audit('the audit log');
    await page.goto(base + '/console/#/staff');
    await page.waitForSelector('#view-staff:not([hidden])');
    await page.waitForTimeout(300);
    await audit('the staff list');

    // The 工作人员 page in use at both widths: an account added with a
    // password made for it (shown once), axe with that message up, the
    // account disabled (listed 已停用); then it cannot sign in.
    page.on('dialog', (d) => d.accept());
    const made = {};
    for (const [w, h] of [[1366, 768], [390, 844]]) {
      await page.setViewportSize({ width: w, height: h });
      const id = `N${w}`;
      await page.fill('#new-id', id);
      await page.fill('#new-name', `新同事${w}`);
      await page.selectOption('#new-role', 'reviewer');
      await page.selectOption('#new-dept', 'yibao');
      await page.click('#staff-add-btn');
      await page.waitForSelector('#staff-password:not([hidden])');
      made[id] = await page.textContent('#staff-password .pw');
      check(/^[a-z2-9]{12}$/.test(made[id]) &&
        (await page.textContent('#staff-password')).includes('只显示这一次'),
        `${w}: the new account's password is shown once`);
      const row = `#staff tr[data-staff="${id}"]`;
      await page.waitForSelector(row);
      check((await page.textContent(row)).includes('部门审核') &&
        (await page.textContent(row)).includes('医保'), `${w}: the new account is listed as 医保's reviewer`);
      await page.addScriptTag({ path: AXE });
      const res = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
      });
      if (res.length) console.error(`  the staff page with a new password at ${w}: ${res.join('; ')}`);
      check(res.length === 0, `the staff page with a new password at ${w}×${h}: no accessibility violations`);
      await page.click(`${row} button`);
      await page.waitForSelector(`#staff tr[data-staff="${id}"][data-disabled="1"]`);
      check((await page.textContent(`#staff tr[data-staff="${id}"]`)).includes('已停用') &&
        (await page.textContent('#staff-msg')).includes('已停用'), `${w}: the account is disabled`);
      const box = await page.evaluate(() => document.documentElement.scrollWidth);
      check(box <= w, `${w}: the staff page fits the width (${box})`);
      if (process.env.SHOTS) {
        await page.screenshot({ path: path.join(process.env.SHOTS, `console-staff-${w}.png`), fullPage: true });
      }
    }
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.click('#logout-btn');
    await page.waitForSelector('#view-login:not([hidden])');
    await page.fill('#staff-id', 'N1366');
    await page.fill('#password', made.N1366);
    await page.click('#login-btn');
    await page.waitForFunction(() => document.getElementById('login-msg').textContent.length > 0);
    check((await page.textContent('#login-msg')) === '这个账号已停用，请找管理员。',
      'a disabled account cannot sign in, and is told why');
  } finally {
    if (ctx) await ctx.close();
    server.kill('SIGTERM');
    const ex = await exited;
    check(ex.code === 0, 'kiosk-server stops cleanly');
    fs.rmSync(userDir, { recursive: true, force: true });
    store.drop();
  }
  if (failures()) { console.error(`${failures()} check(s) failed`); process.exit(1); }
  console.log('all checks passed');
}

main().catch((e) => { console.error(e); process.exit(1); });
