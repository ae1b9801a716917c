// The staff console in a real browser: Debian's chromium driven by
// playwright-core. Starts kiosk-server on a free loopback port, creates a
// staff account, submits sealed synthetic applications as a kiosk would
// (one urgent: listed first with 「急」, counted, and said so when opened),
// then signs in, finds an application, opens it, changes its status, and
// checks that the device status API shows the change. Also the devices page.
//
// Environment (set by tests/server/CMakeLists.txt): KIOSK_SERVER,
// SUBMIT_SAMPLE, SRV_PKI, SRV_WORK.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM, check, failures, launchChromium, loadChromium, requireEnv, testStore, waitForFile } from './harness.mjs';

const chromium = loadChromium('console test');

const env = (k) => requireEnv('console test', k);
const SERVER = env('KIOSK_SERVER'), SUBMIT = env('SUBMIT_SAMPLE');
const PKI = env('SRV_PKI'), WORK = env('SRV_WORK');
const DEV = 'KIOSK-140500-001';

function deviceGet(port, p) {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port, path: p, method: 'GET', servername: 'localhost',
      ca: fs.readFileSync(path.join(PKI, 'ca.crt')),
      cert: fs.readFileSync(path.join(PKI, 'devices', DEV + '.crt')),
      key: fs.readFileSync(path.join(PKI, 'devices', DEV + '.key')),
    }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function devicePost(port, p, json) {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(JSON.stringify(json));
    const req = https.request({
      host: '127.0.0.1', port, path: p, method: 'POST', servername: 'localhost',
      headers: { 'Content-Type': 'application/json', 'Content-Length': data.length },
      ca: fs.readFileSync(path.join(PKI, 'ca.crt')),
      cert: fs.readFileSync(path.join(PKI, 'devices', DEV + '.crt')),
      key: fs.readFileSync(path.join(PKI, 'devices', DEV + '.key')),
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', reject);
    req.end(data);
  });
}

async function main() {
  if (!fs.existsSync(CHROMIUM)) {
    console.error('console test: /usr/bin/chromium is missing (apt-get install chromium)');
    process.exit(1);
  }
  fs.mkdirSync(WORK, { recursive: true });
  const store = testStore('console test', path.join(WORK, `browser-${process.pid}.db`));
  const { db, portFile } = store;

  const add = spawnSync(SERVER, ['adduser', '--db', db, 'S0021', '陈测试'],
    { input: 'window pass 21\n' });
  check(add.status === 0, 'adduser creates a staff account');

  const server = spawn(SERVER, ['serve', '--config', '/dev/null', '--pki', PKI, '--db', db, '--port', '0',
    '--port-file', portFile, '--log-level', 'warn'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise((resolve) => server.on('exit', (code, sig) => resolve({ code, sig })));
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiosk-console-chromium-'));
  let ctx = null;
  try {
    const port = parseInt(await waitForFile(portFile, 10000), 10);
    const sub = spawnSync(SUBMIT, [String(port), DEV, '31'], { env: process.env });
    const app = JSON.parse(sub.stdout.toString());
    check(app.status === 201, 'a kiosk submits a sealed application (201)');
    // Then an urgent one (临时救助) and, a second later, one that is not:
    // "newest first" alone would put that last one on top.
    const usub = spawnSync(SUBMIT, [String(port), DEV, '32', 'true'], { env: process.env });
    const uapp = JSON.parse(usub.stdout.toString());
    check(uapp.status === 201, 'a kiosk submits an urgent application (201)');
    await new Promise((r) => setTimeout(r, 1100)); // received_at has whole seconds
    const nsub = spawnSync(SUBMIT, [String(port), DEV, '33', 'false'], { env: process.env });
    const napp = JSON.parse(nsub.stdout.toString());
    check(napp.status === 201, 'then a newer one that is not urgent (201)');
    check(await devicePost(port, '/v1/devices/heartbeat', {
      device_id: DEV, content_version: '2025.07.1', outbox_depth: 0,
      quarantined: 0, uptime_s: 7260, last_errors: [] }) === 204, 'heartbeat accepted');

    ctx = await chromium.launchPersistentContext(userDir, {
      executablePath: CHROMIUM,
      headless: true,
      ignoreHTTPSErrors: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
        '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    const page = ctx.pages()[0] || await ctx.newPage();
    page.setDefaultTimeout(45000);
    const base = `https://localhost:${port}`;
    await page.goto(base + '/console/');
    await page.waitForSelector('#view-login:not([hidden])');
    check((await page.textContent('h2')).includes('工作人员登录'), 'sign-in page in Chinese');

    // Wrong password first: a plain-words message.
    await page.fill('#staff-id', 'S0021');
    await page.fill('#password', 'wrong password');
    await page.click('#login-btn');
    await page.waitForFunction(() => document.getElementById('login-msg').textContent.length > 0);
    check((await page.textContent('#login-msg')).includes('工号或密码不正确'), 'wrong password is refused');

    await page.fill('#password', 'window pass 21');
    await page.click('#login-btn');
    await page.waitForSelector('#view-list:not([hidden])');
    check((await page.textContent('#who')).includes('陈测试'), 'signed in as the staff member');
    await page.waitForSelector(`tr[data-reference="${app.reference}"]`);
    check(true, "today's list shows the new application");

    // The urgent one is first, with a plain badge, and the waiting count.
    const first = await page.$eval('#apps tbody tr', (tr) => ({
      ref: tr.dataset.reference, text: tr.cells[0].textContent,
      badge: tr.querySelector('.urgent-badge') ? tr.querySelector('.urgent-badge').textContent : '' }));
    check(first.ref === uapp.reference && first.badge === '急', 'the urgent application is listed first with 「急」');
    const refs = await page.$$eval('#apps tbody tr', (trs) => trs.map((tr) => tr.dataset.reference));
    check(refs.length === 3 && refs[1] === napp.reference && refs[2] === app.reference,
      'the others follow, newest first');
    check(await page.$$eval('#apps tbody tr .urgent-badge', (b) => b.length) === 1, 'only the urgent one has the badge');
    check(await page.isVisible('#urgent-summary') &&
      (await page.textContent('#urgent-count')).includes('有 1 份紧急求助还没办完'), 'the list says one urgent application waits');
    await page.click('#urgent-link');
    await page.waitForFunction(() => document.getElementById('list-title').textContent.includes('紧急求助'));
    await page.waitForFunction(() => document.querySelectorAll('#apps tbody tr').length === 1);
    check(await page.$eval('#apps tbody tr', (tr) => tr.dataset.reference) === uapp.reference,
      'the urgent list shows just the urgent application');
    await page.click(`tr[data-reference="${uapp.reference}"] a.open-app`);
    await page.waitForSelector('#view-app:not([hidden])');
    await page.waitForFunction(() => document.getElementById('app-form').textContent.includes('申请人'));
    check(await page.isVisible('#app-urgent') &&
      (await page.textContent('#app-urgent')).includes('紧急求助：请尽快处理（可先行救助）'),
      'the urgent application says 「紧急求助：请尽快处理（可先行救助）」');
    check((await page.textContent('#app-items')).includes('临时救助'), 'it asks for 临时救助');
    await page.click('#back-link');
    await page.waitForSelector(`tr[data-reference="${app.reference}"]`);

    await page.fill('#search-ref', app.reference.toLowerCase());
    await page.click('#search-btn');
    await page.waitForFunction((r) => document.getElementById('list-title').textContent.includes(r), app.reference);
    // The title changes before the answer arrives and the rows are emptied
    // while it is awaited: wait for the answer's rows (or 没有找到申请。).
    await page.waitForFunction((r) => {
      const rows = [...document.querySelectorAll('#apps tbody tr')];
      return (rows.length > 0 && rows.every((tr) => tr.dataset.reference === r)) ||
        !document.getElementById('list-empty').hidden;
    }, app.reference);
    const rows = await page.$$('#apps tbody tr');
    check(rows.length === 1, 'search by reference finds exactly it');

    await page.click(`tr[data-reference="${app.reference}"] a.open-app`);
    await page.waitForSelector('#view-app:not([hidden])');
    await page.waitForFunction(() => document.getElementById('app-form').textContent.includes('测试申请人31'));
    check(!(await page.isVisible('#app-urgent')), 'an application that is not urgent says nothing of it');
    const form = await page.textContent('#app-form');
    check(form.includes('测试申请人31'), 'the unsealed form shows the applicant');
    check(form.includes('家庭经济状况'), 'the form shows every section');
    const items = await page.textContent('#app-items');
    check(items.includes('最低生活保障') && items.includes('民政'), 'dibao goes to 民政');
    check(items.includes('医疗救助') && items.includes('医保'), 'medical goes to 医保');

    await page.selectOption('#status-select', 'accepted');
    await page.fill('#status-note', '材料齐全，已受理，请等待入户调查。');
    await page.click('#status-btn');
    await page.waitForFunction(() => document.getElementById('status-msg').textContent.includes('已保存'));
    check((await page.textContent('#app-timeline')).includes('受理'), 'the timeline shows 受理');

    const st = await deviceGet(port, `/v1/status/${app.reference}?check=${app.last4}`);
    const body = JSON.parse(st.body);
    const last = body.timeline[body.timeline.length - 1];
    check(st.status === 200 && last.status === 'accepted' &&
      last.note === '材料齐全，已受理，请等待入户调查。', 'the status API reflects the change');

    await page.click('#nav-devices');
    await page.waitForSelector(`tr[data-device="${DEV}"]`);
    const dev = await page.textContent(`tr[data-device="${DEV}"]`);
    check(dev.includes('2025.07.1') && dev.includes('2小时1分钟'), 'devices page shows the heartbeat');

    await page.click('#logout-btn');
    await page.waitForSelector('#view-login:not([hidden])');
    check(true, 'sign out returns to the sign-in page');
  } finally {
    if (ctx) await ctx.close();
    fs.rmSync(userDir, { recursive: true, force: true });
    server.kill('SIGTERM');
  }
  const ex = await exited;
  check(ex.code === 0, 'server exits cleanly on SIGTERM');
  store.drop();
}

const guard = setTimeout(() => { console.error('console test: timed out'); process.exit(1); }, 150000);
main().then(() => {
  clearTimeout(guard);
  console.log(failures() ? `${failures()} failed` : 'all passed');
  process.exit(failures() ? 1 : 0);
}, (e) => {
  clearTimeout(guard);
  console.error('console test:', e);
  process.exit(1);
});
