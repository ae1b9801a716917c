// Daily work in the staff console, in a real browser (Debian's chromium,
// playwright-core), with the server's clock fixed (KIOSK_SERVER_FAKE_NOW):
// three applications and a kiosk heartbeat on Tuesday 3 November 2026;
// the server is restarted twenty minutes later. Window staff then find an
// application by the applicant's name and by ID number (the keyed index),
// filter the list and page through it, export it as CSV (downloaded and
// read back: BOM, header, rows), print one application to PDF (A4, one or
// two pages, the signature image in it), and see the silent kiosk marked
// 「离线」. Screenshots of each changed page at 1366×768 and 390×844 go to
// SHOTS (default /tmp).
//
// Environment (set by tests/server/CMakeLists.txt): KIOSK_SERVER,
// SUBMIT_SAMPLE, SRV_PKI, SRV_WORK.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import https from 'node:https';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, check, failures, launchChromium, loadChromium, requireEnv, testStore, waitForFile } from './harness.mjs';

const chromium = loadChromium('console daily test');

const env = (k) => requireEnv('console daily test', k);
const SERVER = env('KIOSK_SERVER'), SUBMIT = env('SUBMIT_SAMPLE');
const PKI = env('SRV_PKI'), WORK = env('SRV_WORK');
/* The source tree: the shipped catalogue is published from it. */
const SOURCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS = process.env.SHOTS || '/tmp';
const DEV = 'KIOSK-140500-001';
const PW = 'console daily 1';

// Local 10:00 of a day in China (UTC+8), as unix seconds.
const at10 = (y, m, d) => Math.floor(Date.UTC(y, m - 1, d, 2, 0, 0) / 1000);

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

// Pages of a PDF: its /Type /Page objects (not /Pages).
const pdfPages = (buf) => (buf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) || []).length;

async function main() {
  if (!fs.existsSync(CHROMIUM)) {
    console.error('console daily test: /usr/bin/chromium is missing');
    process.exit(1);
  }
  fs.mkdirSync(WORK, { recursive: true });
  const store = testStore('console daily test', path.join(WORK, `browser-daily-${process.pid}.db`));
  const { db, portFile } = store;
  const r0 = spawnSync(SERVER, ['staff', 'add', '--db', db, '--role', 'window', 'W01', '窗口受理'],
    { input: PW + '\n' });
  check(r0.status === 0, 'staff add W01 (window)');

  let server = null, exited = null;
  const start = async (now) => {
    fs.rmSync(portFile, { force: true });
    server = spawn(SERVER, ['serve', '--config', '/dev/null', '--pki', PKI, '--db', db,
      '--port', '0', '--port-file', portFile, '--log-level', 'warn',
      '--device-offline-minutes', '15'],
    { stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, TZ: 'CST-8', KIOSK_SERVER_FAKE_NOW: String(now) } });
    exited = new Promise((resolve) => server.on('exit', (code, sig) => resolve({ code, sig })));
    return parseInt(await waitForFile(portFile, 10000), 10);
  };
  const stop = async () => { server.kill('SIGTERM'); return exited; };
  const submit = (port, n, urgent) => JSON.parse(spawnSync(SUBMIT,
    [String(port), DEV, String(n), ...(urgent ? ['true'] : [])], { env: process.env }).stdout.toString());

  const t0 = at10(2026, 11, 3);
  let port = await start(t0);
  const apps = [submit(port, 51), submit(port, 52), submit(port, 53, true)];
  check(apps.every((a) => a.status === 201), 'three applications are submitted');
  check(await devicePost(port, '/v1/devices/heartbeat', {
    device_id: DEV, content_version: '2025.07.1', outbox_depth: 0,
    quarantined: 0, uptime_s: 600, last_errors: [] }) === 204, 'the kiosk sends a heartbeat');
  check((await stop()).code === 0, 'the server stops cleanly');
  port = await start(t0 + 20 * 60);

  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiosk-console-daily-'));
  const dlDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiosk-console-dl-'));
  let ctx = null;
  try {
    ctx = await chromium.launchPersistentContext(userDir, {
      executablePath: CHROMIUM, headless: true, ignoreHTTPSErrors: true,
      acceptDownloads: true, downloadsPath: dlDir,
      viewport: { width: 1366, height: 768 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
        '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
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
    const listRefs = () => page.$$eval('#apps tbody tr', (trs) => trs.map((tr) => tr.dataset.reference));
    const search = async (text) => {
      await page.fill('#search-ref', text);
      await page.click('#search-btn');
      await page.waitForFunction((t) => document.getElementById('list-title').textContent.includes(t) &&
        document.body.dataset.ready.startsWith('#/list'), text.toUpperCase());
      await page.waitForFunction(() => document.getElementById('list-count').textContent !== '' ||
        !document.getElementById('list-empty').hidden);
    };

    await page.goto(base + '/console/#/today');
    await page.waitForSelector('#view-login:not([hidden])');
    await page.fill('#staff-id', 'W01');
    await page.fill('#password', PW);
    await page.click('#login-btn');
    await page.waitForSelector('#view-list:not([hidden])');
    await page.waitForFunction(() => document.querySelectorAll('#apps tbody tr').length === 3);
    check((await page.textContent('#list-count')).includes('共 3 份'), 'today: 共 3 份');
    const listText = await page.textContent('#apps');
    check(listText.includes('最低生活保障') && listText.includes('医疗救助') && !listText.includes('dibao'),
      'the list shows item names, not ids');

    // By name and by ID number.
    await search('测试申请人52');
    let refs = await listRefs();
    check(refs.length === 1 && refs[0] === apps[1].reference, 'search by name finds exactly it');
    check(!decodeURIComponent(await page.evaluate(() => location.href)).includes('测试申请人'),
      'the name is not in the URL (nor the browser history)');
    await search(apps[2].id_number);
    refs = await listRefs();
    check(refs.length === 1 && refs[0] === apps[2].reference, 'search by ID number finds exactly it');
    check(!(await page.evaluate(() => location.href)).includes(apps[2].id_number),
      'the ID number is not in the URL');
    await search(apps[0].reference.replace(/-/g, '').toLowerCase());
    refs = await listRefs();
    check(refs.length === 1 && refs[0] === apps[0].reference, 'a reference typed without dashes, lower case');
    await search('测试申请人99');
    check(!(await page.isHidden('#list-empty')), 'an unknown name finds nothing, and says so');

    // Filters and pages.
    await page.fill('#search-ref', '');
    await page.selectOption('#f-urgent', 'no');
    await page.selectOption('#f-limit', '50');
    await page.click('#search-btn');
    await page.waitForFunction(() => document.body.dataset.ready.includes('urgent=no'));
    await page.waitForFunction(() => document.querySelectorAll('#apps tbody tr').length === 2);
    check(true, 'the urgent filter (一般) leaves two');
    await page.goto(base + '/console/#/list?limit=2');
    await page.waitForFunction(() => document.body.dataset.ready === '#/list?limit=2');
    await page.waitForFunction(() => document.querySelectorAll('#apps tbody tr').length === 2);
    check(await page.isVisible('#pager') && (await page.textContent('#page-info')).includes('1 / 2'),
      'two to a page: page 1 of 2');
    await page.click('#next-btn');
    await page.waitForFunction(() => document.body.dataset.ready.includes('offset=2'));
    await page.waitForFunction(() => document.querySelectorAll('#apps tbody tr').length === 1);
    check((await page.textContent('#list-count')).includes('显示第 3–3 份'), 'page 2 shows the third');
    await page.goto(base + '/console/#/list?urgent=no');
    await page.waitForFunction(() => document.body.dataset.ready === '#/list?urgent=no');
    await page.waitForFunction(() => document.querySelectorAll('#apps tbody tr').length === 2);
    await shoot('daily-list');

    // CSV of the filtered list.
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-link')]);
    const csvPath = path.join(dlDir, 'export.csv');
    await dl.saveAs(csvPath);
    const csv = fs.readFileSync(csvPath);
    check(csv[0] === 0xEF && csv[1] === 0xBB && csv[2] === 0xBF, 'the CSV starts with a UTF-8 BOM');
    const lines = csv.toString('utf8').slice(1).split('\r\n').filter((l) => l);
    check(lines[0] === '"受理编号","提交时间","申请事项","办理部门","状态","紧急","类型","代办工号"',
      'the CSV header');
    check(lines.length === 3 && lines.slice(1).every((l) => l.includes('"最低生活保障、医疗救助"') &&
      l.includes('"否","申请"')), 'the CSV has the two filtered rows with item names');
    check(!csv.toString('utf8').includes('测试申请人'), 'and no names');

    // Print one application: first without a catalogue on the server (the
    // window tells what to bring), then with the region's catalogue
    // published (the checklist per item).
    await page.goto(base + '/console/#/app/' + apps[2].uuid);
    await page.waitForFunction(() => document.getElementById('app-form').textContent.includes('测试申请人53'));
    check((await page.textContent('#app-materials')).includes('材料清单以窗口告知为准'),
      'without a catalogue: 材料清单以窗口告知为准');
    const pub = spawnSync(SUBMIT, [String(port), '--publish', '2026.12.5',
      'catalogue.json=' + path.join(SOURCE, 'assets', 'bundle', 'catalogue.json')], { env: process.env });
    check(pub.status === 0 && JSON.parse(pub.stdout.toString()).status === 201, 'the region\'s catalogue is published');
    await page.goto(base + '/console/#/today');
    await page.goto(base + '/console/#/app/' + apps[2].uuid);
    await page.waitForSelector('#app-materials .materials-item[data-item="dibao"] li');
    await page.waitForSelector('#app-signature-list img');
    const mats = await page.$$eval('#app-materials .materials-item', (ds) => ds.map((d) => ({
      item: d.dataset.item, name: d.querySelector('h4').textContent,
      n: d.querySelectorAll('li').length, text: d.textContent })));
    check(mats.length === 2 && mats[0].name === '最低生活保障' && mats[0].n === 5 &&
      mats[0].text.includes('全家人的身份证、户口本') && mats[1].item === 'temporary' && mats[1].n > 0,
      'the checklist per item from the catalogue: ' + mats.map((m) => m.name + '×' + m.n).join('，'));
    await page.emulateMedia({ media: 'print' });
    check(await page.isVisible('#app-materials li') && await page.isVisible('.sign-line'),
      'printed: the checklist and the line for the clerk\'s signature show');
    check(await page.isHidden('.top') && await page.isHidden('#status-form') && await page.isHidden('#print-btn'),
      'printed: no menu, no buttons, no status form');
    check(await page.isVisible('#app-signature-list img'), 'printed: the signature shows');
    const sigOk = await page.$eval('#app-signature-list img', (i) => i.complete && i.naturalWidth > 0);
    check(sigOk, 'the signature image is loaded');
    await shoot('print');
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    fs.writeFileSync(path.join(SHOTS, 'console-print.pdf'), pdf);
    const n = pdfPages(pdf);
    check(n >= 1 && n <= 2, `the application prints on A4 in ${n} page(s)`);
    check(/\/Subtype\s*\/Image/.test(pdf.toString('latin1')), 'the PDF holds the signature image');
    // The PDF's own text (poppler's pdftotext): the checklist and the
    // signatures are on the paper, not only on the screen.
    const pdfPath = path.join(dlDir, 'print.pdf');
    fs.writeFileSync(pdfPath, pdf);
    const txt = spawnSync('pdftotext', ['-enc', 'UTF-8', pdfPath, '-']);
    check(txt.status === 0, 'pdftotext reads the PDF (apt-get install poppler-utils)');
    const flat = (txt.stdout || '').toString().replace(/\s+/g, '');
    check(flat.includes('需要带的材料') && flat.includes('全家人的身份证、户口本') &&
      flat.includes('经办人签字') && flat.includes('申请人签名'),
      'the PDF has the checklist, the clerk\'s signature line and the applicant\'s signature');
    await page.emulateMedia({ media: 'screen' });

    // The kiosk has been silent for 20 minutes: 离线.
    await page.click('#nav-devices');
    await page.waitForSelector(`tr[data-device="${DEV}"]`);
    const dev = await page.textContent(`tr[data-device="${DEV}"]`);
    check(dev.includes('离线') && dev.includes('20 分钟没有心跳'), 'the silent kiosk is marked 离线, 20 分钟');
    check((await page.textContent('#devices-note')).includes('15 分钟'), 'the page says when a kiosk counts as offline');
    await shoot('devices');
  } finally {
    if (ctx) await ctx.close();
    fs.rmSync(userDir, { recursive: true, force: true });
    fs.rmSync(dlDir, { recursive: true, force: true });
  }
  const ex = await stop();
  check(ex.code === 0, 'server exits cleanly on SIGTERM');
  store.drop();
}

const guard = setTimeout(() => { console.error('console daily test: timed out'); process.exit(1); }, 150000);
main().then(() => {
  clearTimeout(guard);
  console.log(failures() ? `${failures()} failed` : 'all passed');
  process.exit(failures() ? 1 : 0);
}, (e) => {
  clearTimeout(guard);
  console.error('console daily test:', e);
  process.exit(1);
});
