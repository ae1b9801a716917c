// One contract, end to end: the real kiosk (headless, scripted) fills real
// applications, seals them and delivers them over mutual TLS to the real
// kiosk-server, and the staff console in Debian's chromium shows what the
// applicant gave — every answer row, every signature (the applicant's, a
// household member's fingerprint mark), a signature deferred to the home
// visit said so, the staff member who filed it (代办), urgent and referral.
//
// Applications (synthetic people): the 低保 + 医疗救助 household of
// tests/scripts/form_dibao_medical.txt with the wife's signature taken as a
// fingerprint mark; the 特困 application of form_tekun.txt (the son signs
// at the home visit); and a 帮别人求助 referral filed by staff (王芳, S0001).
//
// An applicant of 慈善帮扶 (tests/scripts/camera_materials.txt) places an
// ID card on the simulated reader instead of typing the name and the ID
// number (tests/data/devices/idcard/applicant.json, 赵德明), and
// photographs three pages of two materials with the simulated document
// camera: the console shows the card's fields and each page the kiosk
// sealed, under the material's name.
//
// Then the region's form is published and a 医保 reviewer opens the
// household: the rows the kiosk sealed are matched to the published form's
// fields by the server, so the reviewer gets the applicant, the household
// and 医疗救助's answers, never 低保's savings or bank card.
//
// Environment (set by tests/server/CMakeLists.txt): KIOSK_SERVER,
// KIOSK_BIN, SUBMIT_SAMPLE, SRV_PKI, SRV_WORK, KIOSK_SOURCE.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM, check, failures, launchChromium, loadChromium, requireEnv, testStore, waitForFile } from './harness.mjs';

const chromium = loadChromium('kiosk-console test');

const env = (k) => requireEnv('kiosk-console test', k);
const SERVER = env('KIOSK_SERVER'), KIOSK = env('KIOSK_BIN');
const PKI = env('SRV_PKI'), WORK = env('SRV_WORK'), SRC = env('KIOSK_SOURCE');
const SUBMIT = env('SUBMIT_SAMPLE');
const PW = 'window pass 31', RPW = 'reviewer pass 32';

// After the receipt: wait (real time) until the delivery worker says the
// backend has it.
const DELIVERED = '\nhold 4s\nexpect text "已经送到民政所了"\nhold 1s\n';

function script(name, edit) {
  let t = fs.readFileSync(path.join(SRC, 'tests', 'scripts', name), 'utf8');
  if (edit) t = edit(t);
  return t + DELIVERED;
}

// Runs the kiosk once with script text (one kiosk: the same data folder
// every time, so its references go on); returns the references it printed.
function runKiosk(port, dir, text, extra = []) {
  fs.mkdirSync(dir, { recursive: true });
  const sp = path.join(dir, 'script.txt');
  fs.writeFileSync(sp, text);
  const r = spawnSync(KIOSK, ['--headless', '--window', '1280x800', '--script', sp,
    '--set', `backend.url=https://127.0.0.1:${port}`,
    '--set', `backend.ca_file=${path.join(PKI, 'ca.crt')}`,
    '--set', `backend.client_cert=${path.join(PKI, 'devices', 'KIOSK-140500-001.crt')}`,
    '--set', `backend.client_key=${path.join(PKI, 'devices', 'KIOSK-140500-001.key')}`,
    '--set', 'device.region=140500',
    '--set', `paths.data=${path.join(dir, 'data')}`,
    '--set', `paths.printer=${path.join(dir, 'printer')}`, ...extra],
  { env: { ...process.env, KIOSK_HOME: SRC }, timeout: 120000 });
  const err = r.stderr.toString();
  const refs = [...err.matchAll(/receipt: receipt ([A-Z0-9-]+)/g)].map((m) => m[1]);
  if (r.status !== 0) console.error(err.split('\n').filter((l) => /error/.test(l)).join('\n'));
  return { status: r.status, refs: [...new Set(refs)] };
}

async function main() {
  if (!fs.existsSync(CHROMIUM)) {
    console.error('kiosk-console test: /usr/bin/chromium is missing (apt-get install chromium)');
    process.exit(1);
  }
  fs.mkdirSync(WORK, { recursive: true });
  const base0 = path.join(WORK, `e2e-${process.pid}`);
  fs.rmSync(base0, { recursive: true, force: true });
  fs.mkdirSync(base0, { recursive: true });
  const store = testStore('kiosk-console test', path.join(base0, 'server.db'), `e2e_${process.pid}`);
  const { db, portFile } = store;
  const add = spawnSync(SERVER, ['staff', 'add', '--db', db, '--role', 'window', 'S0031', '窗口测试'],
    { input: PW + '\n' });
  check(add.status === 0, 'a window staff account is made');

  const server = spawn(SERVER, ['serve', '--config', '/dev/null', '--pki', PKI, '--db', db, '--port', '0',
    '--port-file', portFile, '--log-level', 'warn'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise((resolve) => server.on('exit', (code, sig) => resolve({ code, sig })));
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiosk-e2e-chromium-'));
  let ctx = null;
  try {
    const port = parseInt(await waitForFile(portFile, 10000), 10);

    // The household, the wife signing with a fingerprint mark.
    const household = runKiosk(port, path.join(base0, 'k1'), script('form_dibao_medical.txt',
      (t) => t.replace('tap choice.now\nexpect screen sign', 'tap choice.fingerprint\nexpect screen sign')));
    check(household.status === 0 && household.refs.length === 1,
      'the kiosk files the 低保 household and the backend has it');
    const tekun = runKiosk(port, path.join(base0, 'k1'), script('form_tekun.txt'));
    check(tekun.status === 0 && tekun.refs.length === 1,
      'the kiosk files the 特困 application and the backend has it');
    // Staff (王芳, S0001, the bundle's development account) file a referral.
    const staffRef = 'expect screen home\ntap entry.staff\ntype "S0001"\ntap staff.pin\ntype "246810"\n' +
      'tap staff.login\nexpect screen staff_menu\ntap menu.assist\nexpect screen home\n' +
      fs.readFileSync(path.join(SRC, 'tests', 'scripts', 'referral.txt'), 'utf8')
        .replace(/^expect screen home\ncheck layout\nshot home\n/m, '')
        .replace(/tap receipt\.done\nexpect screen home\n?$/m, '') + DELIVERED;
    const referral = runKiosk(port, path.join(base0, 'k1'), staffRef);
    check(referral.status === 0 && referral.refs.length === 1,
      'staff file a referral for a neighbour and the backend has it');

    // The camera script shows its pages by paths relative to its folder.
    const typed = 'type "吴秀珍"\ntap form.next\ntype "140502195001010037"\ntap form.next\n';
    const fromCard = 'tap form.card\ncard place ../data/devices/idcard/applicant.json\nwait 500ms\n' +
      'expect text "这些是从身份证上读出来的"\ntap form.next\n' +
      'expect text "这些是从身份证上读出来的"\ntap form.next\n';
    const camText = script('camera_materials.txt', (t) => {
      check(t.includes(typed), 'the camera script types the name and the ID number (replaced by a card here)');
      return t.replace(typed, fromCard)
        .replaceAll('../data/', path.join(SRC, 'tests', 'data') + '/')
        .replace(/tap receipt\.done\nexpect screen home\n?$/m, '');
    });
    const photographed = runKiosk(port, path.join(base0, 'k1'), camText,
      ['--set', 'idcard.kind=sim', '--set', 'camera.driver=sim', '--set', 'camera.max_pages_per_item=2']);
    check(photographed.status === 0 && photographed.refs.length === 1,
      'the kiosk files an application with three photographed pages and the backend has it');

    ctx = await launchChromium(chromium, userDir);
    const page = ctx.pages()[0] || await ctx.newPage();
    page.setDefaultTimeout(45000);
    const base = `https://localhost:${port}`;
    await page.goto(base + '/console/#/today');
    await page.waitForSelector('#view-login:not([hidden])');
    await page.fill('#staff-id', 'S0031');
    await page.fill('#password', PW);
    await page.click('#login-btn');
    await page.waitForSelector('#view-list:not([hidden])');

    // Opens one application by its reference; returns the console API's
    // answer for it (what the server opened) next to what the page shows.
    const open = async (ref) => {
      await page.goto(base + '/console/#/search/' + encodeURIComponent(ref));
      // The row of this reference: the list on screen before the search
      // answers is another one, and is replaced when it does.
      const row = page.locator(`#apps tbody tr[data-reference="${ref}"]`);
      await row.waitFor();
      const uuid = await row.getAttribute('data-uuid');
      const api = await page.evaluate(async (u) => {
        const r = await fetch('/api/console/applications/' + u, { credentials: 'same-origin' });
        return r.json();
      }, uuid);
      await page.goto(base + '/console/#/app/' + uuid);
      await page.waitForSelector('#view-app:not([hidden])');
      await page.waitForFunction((u) => document.querySelector('#app-ref').textContent.length > 0, uuid);
      await page.waitForTimeout(300);
      const shown = await page.evaluate(() => ({
        rows: [...document.querySelectorAll('#app-form tr')].map((tr) =>
          [...tr.children].map((td) => td.textContent)),
        sigs: [...document.querySelectorAll('#app-signature-list img')].map((i) =>
          ({ key: i.dataset.key, w: i.naturalWidth, alt: i.alt })),
        meta: document.querySelector('#app-meta').textContent,
        urgent: !document.querySelector('#app-urgent').hidden,
        text: document.querySelector('#view-app').textContent,
      }));
      return { uuid, api, shown };
    };
    // Every answer row the server opened is on the page, as it is.
    const allRows = (o) => {
      const want = (o.api.display || []).flatMap((s) => s.rows || []);
      const have = new Set(o.shown.rows.map((r) => r.join('\u0001')));
      const missing = want.filter((r) => !have.has(r.label + '\u0001' + String(r.value)));
      if (missing.length) console.error('missing rows:', missing.length);
      return want.length > 0 && missing.length === 0;
    };

    const h = await open(household.refs[0]);
    check(allRows(h), 'household: every answer row of the sealed application is on the page');
    check(h.shown.text.includes('赵德明') && h.shown.text.includes('孙桂兰') && h.shown.text.includes('赵小雨'),
      'household: the three people typed at the kiosk are there');
    const keys = (h.api.signatures || []).map((s) => s.key);
    check(keys[0] === 'applicant_signature' && keys.includes('members[0].signature'),
      'household: the server gives the applicant\'s and the wife\'s signatures by their schema keys');
    check(h.shown.sigs.length === keys.length && h.shown.sigs.every((s) => s.w > 0),
      'household: each signature is drawn (the images load)');
    check(h.shown.sigs.some((s) => s.alt === '申请人签名') && h.shown.sigs.some((s) => s.alt === '第1位家里人的签名'),
      'household: each signature says whose it is');
    check(/按手印/.test(h.shown.text), 'household: the wife\'s fingerprint mark is said to be one');
    check(!h.shown.urgent && /一般/.test(h.shown.meta), 'household: not urgent');
    check(/无（本人申请）/.test(h.shown.meta), 'household: nobody assisted');

    const t = await open(tekun.refs[0]);
    check(allRows(t), 'tekun: every answer row is on the page');
    check(/工作人员再找他签|上门时再签|入户调查时/.test(t.shown.text),
      'tekun: the son\'s signature is said to be collected at the home visit');
    check(!(t.api.signatures || []).some((s) => s.key.startsWith('obligors[')),
      'tekun: no signature is made up for the son');
    check(t.shown.sigs.length === 1 && t.shown.sigs[0].key === 'applicant_signature' && t.shown.sigs[0].w > 0,
      'tekun: the applicant\'s signature is drawn');

    const r = await open(referral.refs[0]);
    check(allRows(r), 'referral: every answer row is on the page');
    check(/帮别人求助/.test(r.shown.meta), 'referral: shown as 帮别人求助, a lead to visit');
    check(r.shown.urgent && /紧急求助/.test(r.shown.meta), 'referral: in danger now, so urgent');
    check(/S0001/.test(r.shown.meta), 'referral: the staff member who filed it (代办) is named');
    check(r.shown.sigs.length === 0, 'referral: no signature');
    check(r.api.kind === 'referral' && (r.api.items || []).length === 0, 'referral: kind and no items in the API');

    const c = await open(photographed.refs[0]);
    check(allRows(c), 'card and camera: every answer row is on the page');
    check(c.shown.text.includes('赵德明') && c.shown.text.includes('140502196503081235') &&
      !c.shown.text.includes('吴秀珍'), 'card and camera: the name and ID number read from the card are what the office sees');
    const pages = c.api.pages || [];
    check(pages.length === 3, `photographed: the server opened three pages (${pages.length})`);
    check(pages.filter((p) => p.material === '身份证').length === 2 &&
      pages.filter((p) => p.material === '家里困难情况的说明').length === 1,
    'photographed: two pages of 身份证 and one of 家里困难情况的说明, named as on the kiosk\'s checklist');
    check(pages.every((p) => (p.items || []).includes('charity') && p.width > 0 && p.height > 0 &&
      p.width <= 1600 && p.height <= 1600), 'photographed: each page serves 慈善帮扶 and was scaled by the kiosk');
    const thumbs = await page.evaluate(async () => {
      const imgs = [...document.querySelectorAll('#app-pages-list img')];
      await Promise.all(imgs.map((i) => (i.complete ? null : new Promise((r) => { i.onload = r; i.onerror = r; }))));
      return imgs.map((i) => ({ w: i.naturalWidth, h: i.naturalHeight, alt: i.alt }));
    });
    check(thumbs.length === 3 && thumbs.every((t) => t.w > 0),
      'photographed: the console draws the three pages (the images load)');
    check(pages.every((p) => thumbs.some((t) => t.w === p.width && t.h === p.height)),
      'photographed: each picture drawn is the size the kiosk sent');
    check(/拍的材料/.test(c.shown.text) && thumbs.some((t) => t.alt.includes('身份证')),
      'photographed: the section and each picture say which material it is');

    // A 医保 reviewer, with the region's form published: the server scopes
    // the kiosk's own rows by the form's fields.
    const pub = spawnSync(SUBMIT, [String(port), '--publish', '2026.12.6',
      'form.json=' + path.join(SRC, 'assets', 'bundle', 'form.json')], { env: process.env });
    check(pub.status === 0 && JSON.parse(pub.stdout.toString()).status === 201,
      'the region\'s form is published');
    const addR = spawnSync(SERVER, ['staff', 'add', '--db', db, '--role', 'reviewer', '--dept', 'yibao',
      'S0032', '医保审核'], { input: RPW + '\n' });
    check(addR.status === 0, 'a 医保 reviewer account is made');
    await ctx.clearCookies();
    await page.goto(base + '/console/#/today');
    await page.waitForSelector('#view-login:not([hidden])');
    await page.fill('#staff-id', 'S0032');
    await page.fill('#password', RPW);
    await page.click('#login-btn');
    await page.waitForSelector('#view-list:not([hidden])');
    const y = await page.evaluate(async (u) => {
      const r = await fetch('/api/console/applications/' + u, { credentials: 'same-origin' });
      return r.json();
    }, h.uuid);
    const yRows = (y.display || []).flatMap((sec) => sec.rows || []).map((row) => row.label + '=' + row.value);
    const yText = yRows.join('\n');
    check(yText.includes('赵德明') && yText.includes('孙桂兰'),
      'reviewer: the applicant and the household the kiosk sent are there');
    check(/看病自付/.test(yText), 'reviewer: 医疗救助\'s answers from the kiosk are there');
    check(!/存款/.test(yText) && !/银行卡号/.test(yText) && !/6217000012345670/.test(yText),
      'reviewer: 低保\'s savings and bank card are not sent');
    check((y.items || []).length === 1 && y.items[0].id === 'medical' && y.other_items === 1,
      'reviewer: only 医疗救助 among the items, one other item said to exist');
    const hWant = (h.api.display || []).flatMap((sec) => sec.rows || []).length;
    check(yRows.length > 0 && yRows.length < hWant, 'reviewer: fewer rows than the window sees');
  } finally {
    if (ctx) await ctx.close();
    server.kill('SIGTERM');
    const ex = await exited;
    check(ex.code === 0, 'kiosk-server stops cleanly');
    fs.rmSync(userDir, { recursive: true, force: true });
    fs.rmSync(base0, { recursive: true, force: true });
    store.drop();
  }
  if (failures()) { console.error(`${failures()} check(s) failed`); process.exit(1); }
  console.log('all checks passed');
}

main().catch((e) => { console.error(e); process.exit(1); });
