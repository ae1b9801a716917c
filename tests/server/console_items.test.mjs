// Joint processing in the staff console, in a real browser (Debian's
// chromium, playwright-core). The server's clock is fixed with
// KIOSK_SERVER_FAKE_NOW and a holiday calendar is configured: application
// A arrives on Monday 28 September 2026, the server is restarted on Monday
// 16 November and B arrives. Then 民政's reviewer sees its queue (A's 低保
// 「超期」, B's with 30 working days left), is refused an illegal move with
// the server's Chinese message, and accepts A's 低保; 医保's reviewer moves
// A's 医疗救助 in its own queue; an administrator reads the 操作记录.
// Screenshots of each new page at 1366×768 and 390×844 go to SHOTS
// (default /tmp).
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
const chromium = loadChromium('console items test');

const env = (k) => requireEnv('console items test', k);
const SERVER = env('KIOSK_SERVER'), SUBMIT = env('SUBMIT_SAMPLE');
const PKI = env('SRV_PKI'), WORK = env('SRV_WORK');
const SHOTS = process.env.SHOTS || '/tmp';
const DEV = 'KIOSK-140500-001';
const PW = 'console items 1';

// Local 10:00 of a day in China (UTC+8), as unix seconds.
const at10 = (y, m, d) => Math.floor(Date.UTC(y, m - 1, d, 2, 0, 0) / 1000);

async function main() {
  if (!fs.existsSync(CHROMIUM)) {
    console.error('console items test: /usr/bin/chromium is missing');
    process.exit(1);
  }
  fs.mkdirSync(WORK, { recursive: true });
  const store = testStore('console items test', path.join(WORK, `browser-items-${process.pid}.db`));
  const { db, portFile } = store;
  const cal = path.join(WORK, `browser-items-${process.pid}.calendar.json`);
  fs.writeFileSync(cal, JSON.stringify({
    holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
    workdays: ['2026-10-10'] }));

  const staff = [['MZ01', '民政审核', 'reviewer', 'mzj'], ['YB01', '医保审核', 'reviewer', 'yibao'],
    ['ADM1', '系统管理员', 'admin', null]];
  for (const [id, name, role, dept] of staff) {
    const args = ['staff', 'add', '--db', db, '--role', role];
    if (dept) args.push('--dept', dept);
    const r = spawnSync(SERVER, [...args, id, name], { input: PW + '\n' });
    check(r.status === 0, `staff add ${id} (${role}${dept ? ', ' + dept : ''})`);
  }

  let server = null, exited = null;
  const start = async (now) => {
    fs.rmSync(portFile, { force: true });
    server = spawn(SERVER, ['serve', '--config', '/dev/null', '--pki', PKI, '--db', db,
      '--port', '0', '--port-file', portFile, '--log-level', 'warn', '--calendar', cal],
    { stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, TZ: 'CST-8', KIOSK_SERVER_FAKE_NOW: String(now) } });
    exited = new Promise((resolve) => server.on('exit', (code, sig) => resolve({ code, sig })));
    return parseInt(await waitForFile(portFile, 10000), 10);
  };
  const stop = async () => { server.kill('SIGTERM'); return exited; };
  const submit = (port, n) => JSON.parse(spawnSync(SUBMIT, [String(port), DEV, String(n)],
    { env: process.env }).stdout.toString());

  let port = await start(at10(2026, 9, 28));
  const a = submit(port, 41);
  check(a.status === 201, 'A is submitted on 28 September');
  check((await stop()).code === 0, 'the server stops cleanly');
  port = await start(at10(2026, 11, 16));
  const b = submit(port, 42);
  check(b.status === 201, 'B is submitted on 16 November');

  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiosk-console-items-'));
  let ctx = null;
  try {
    ctx = await launchChromium(chromium, userDir);
    const page = ctx.pages()[0] || await ctx.newPage();
    page.setDefaultTimeout(45000);
    const base = `https://localhost:${port}`;
    const shoot = async (name) => {
      await page.setViewportSize({ width: 1366, height: 768 });
      await page.screenshot({ path: path.join(SHOTS, `console-${name}-1366.png`), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: path.join(SHOTS, `console-${name}-390.png`), fullPage: true });
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
    const signOut = async () => {
      await page.click('#logout-btn');
      await page.waitForSelector('#view-login:not([hidden])');
    };
    const queueRows = () => page.$$eval('#queue tbody tr', (trs) => trs.map((tr) => ({
      uuid: tr.dataset.uuid, item: tr.dataset.item, overdue: tr.classList.contains('overdue'),
      text: tr.textContent })));

    // 民政's reviewer: its queue, oldest first, A overdue across the holiday.
    await signIn('MZ01');
    check((await page.textContent('#who')).includes('县民政局'), 'the reviewer is shown with its department');
    check(!(await page.isVisible('#nav-audit')), 'a reviewer has no 操作记录 link');
    await page.click('#nav-queue');
    await page.waitForSelector('#view-queue:not([hidden])');
    await page.waitForFunction(() => document.querySelectorAll('#queue tbody tr').length > 0);
    let rows = await queueRows();
    check(rows.length === 2 && rows[0].uuid === a.uuid && rows[1].uuid === b.uuid &&
      rows.every((r) => r.item === 'dibao'), '民政 queue: both 低保 items, oldest first');
    check(rows[0].overdue && rows[0].text.includes('超期') && rows[0].text.includes('已超 1 个工作日'),
      'A (30 working days, a holiday week in between) is marked 「超期」');
    check(!rows[1].overdue && rows[1].text.includes('还剩 30 个工作日'), 'B has 30 working days left');
    check(await page.isDisabled('#queue-dept'), 'a reviewer cannot pick another department');
    await shoot('queue');

    // Open A: only 低保 may be moved here; an illegal move is refused.
    await page.click(`#queue tr[data-uuid="${a.uuid}"] a.open-app`);
    await page.waitForSelector('#view-app:not([hidden])');
    await page.waitForFunction(() => document.getElementById('app-form').textContent.includes('申请人'));
    const opts = await page.$$eval('#status-item option', (os) => os.map((o) => o.value));
    check(opts.length === 2 && opts[1] === 'dibao', '民政 may move 低保 only');
    check(await page.$('#app-items tr[data-item="medical"]') === null &&
      (await page.textContent('#app-scope')).includes('还有 1 个事项由其他部门办理'),
      '医疗救助 (医保\'s) is not sent to 民政, and the page says so');
    await page.selectOption('#status-item', 'dibao');
    await page.selectOption('#status-select', 'approved');
    await page.click('#status-btn');
    await page.waitForFunction(() => document.getElementById('status-msg').textContent.length > 0);
    check((await page.textContent('#status-msg')) === '「已提交」的事项不能直接改为「审批」。',
      'an illegal move is refused with its message');
    await page.selectOption('#status-item', 'dibao');
    await page.selectOption('#status-select', 'accepted');
    await page.fill('#status-note', '材料齐全，已受理。');
    await page.click('#status-btn');
    await page.waitForFunction(() => document.getElementById('status-msg').textContent.includes('已保存'));
    check((await page.textContent('#app-items tr[data-item="dibao"]')).includes('受理'), '低保 is now 受理');
    await page.selectOption('#status-item', 'dibao');
    await page.selectOption('#status-select', 'accepted');
    await page.click('#status-btn');
    await page.waitForFunction(() => document.getElementById('status-msg').textContent.includes('不用再改'));
    check(true, 'the same status twice is refused');
    await shoot('detail');
    await signOut();

    // 医保's reviewer: its own queue, and A's 医疗救助 through two steps.
    await signIn('YB01');
    await page.click('#nav-queue');
    await page.waitForSelector('#queue tbody tr[data-item="medical"]');
    rows = await queueRows();
    check(rows.length === 2 && rows.every((r) => r.item === 'medical') && rows[0].overdue,
      '医保 queue: the 医疗救助 items, A overdue');
    await page.click(`#queue tr[data-uuid="${a.uuid}"] a.open-app`);
    await page.waitForSelector('#view-app:not([hidden])');
    await page.waitForFunction(() => document.querySelectorAll('#status-item option').length === 2);
    for (const [s, label] of [['accepted', '受理'], ['reviewing', '审核']]) {
      await page.selectOption('#status-item', 'medical');
      await page.selectOption('#status-select', s);
      await page.click('#status-btn');
      await page.waitForFunction((l) => document.getElementById('status-msg').textContent === '已保存：' + l, label);
    }
    const items = await page.textContent('#app-items');
    check((await page.textContent('#app-items tr[data-item="medical"]')).includes('审核') &&
      await page.$('#app-items tr[data-item="dibao"]') === null,
      '医保 moved its own item to 审核 and is not sent 民政\'s (' + items.length + ')');
    await page.selectOption('#status-item', 'medical');
    await page.selectOption('#status-select', 'publicized');
    await page.click('#status-btn');
    await page.waitForFunction(() => document.getElementById('status-msg').textContent.includes('公示'));
    check((await page.textContent('#status-msg')).includes('没有公示环节'), '医疗救助 has no publicity step');
    await signOut();

    // The administrator's 操作记录.
    await signIn('ADM1');
    check(await page.isVisible('#nav-audit'), 'an administrator has the 操作记录 link');
    await page.click('#nav-audit');
    await page.waitForSelector('#view-audit:not([hidden])');
    await page.waitForFunction(() => document.querySelectorAll('#audit tbody tr').length > 0);
    const audit = await page.textContent('#audit');
    check(audit.includes('查看申请内容') && audit.includes('更改办理状态') &&
      audit.includes('MZ01') && audit.includes('YB01') && audit.includes('最低生活保障') &&
      audit.includes('已提交 → 受理'), '操作记录 lists reads and changes by both reviewers');
    check(!audit.includes('测试申请人'), 'and no personal data');
    check((await page.inputValue('#audit-date')) === '2026-11-16', 'for the server\'s today');
    await shoot('audit');
    await page.click('#nav-staff');
    await page.waitForSelector('#staff tr[data-staff="YB01"]');
    const acc = await page.textContent('#staff tr[data-staff="YB01"]');
    check(acc.includes('部门审核') && acc.includes('医保'), '工作人员 lists the accounts with role and department');
    await shoot('staff');
    await page.click('#nav-audit');
    await page.waitForSelector('#view-audit:not([hidden])');
    await page.fill('#audit-date', '2026-09-28');
    await page.click('#audit-btn');
    await page.waitForFunction(() => !document.getElementById('audit-empty').hidden);
    check(true, 'another day has no records');
  } finally {
    if (ctx) await ctx.close();
    fs.rmSync(userDir, { recursive: true, force: true });
    fs.rmSync(cal, { force: true });
  }
  const ex = await stop();
  check(ex.code === 0, 'server exits cleanly on SIGTERM');
  store.drop();
}

const guard = setTimeout(() => { console.error('console items test: timed out'); process.exit(1); }, 150000);
main().then(() => {
  clearTimeout(guard);
  console.log(failures() ? `${failures()} failed` : 'all passed');
  process.exit(failures() ? 1 : 0);
}, (e) => {
  clearTimeout(guard);
  console.error('console items test:', e);
  process.exit(1);
});
