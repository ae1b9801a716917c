// Photographed pages (拍的材料) in the staff console, in a real browser
// (Debian's chromium, playwright-core): an application with three pages
// from the kiosk's document camera (server_submit_pages: 全家人的身份证、
// 户口本 pages 1 and 2 for 低保 and 医疗救助, the hospital papers for
// 医疗救助 only). Window staff see them as thumbnails grouped by material,
// each loaded (naturalWidth > 0), open one large and step to the next; in
// print media each page is on a sheet of its own after the form (the PDF
// has the sheets and their captions). A 民政 reviewer sees only the pages
// of its item; an application without pages shows no 拍的材料; axe-core
// finds no accessibility violations with the pages or one shown large. Screenshots
// at 1366×768 and 390×844 go to SHOTS (default /tmp).
//
// Environment (set by tests/server/CMakeLists.txt): KIOSK_SERVER,
// SUBMIT_PAGES, SUBMIT_SAMPLE, SRV_PKI, SRV_WORK.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, check, failures, launchChromium, loadChromium, requireEnv, testStore, waitForFile } from './harness.mjs';

const NAME = 'console pages test';
const AXE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node_modules', 'axe-core', 'axe.min.js');
const chromium = loadChromium(NAME);
const env = (k) => requireEnv(NAME, k);
const SERVER = env('KIOSK_SERVER'), SUBMIT_PAGES = env('SUBMIT_PAGES'), SUBMIT = env('SUBMIT_SAMPLE');
const PKI = env('SRV_PKI'), WORK = env('SRV_WORK');
const SHOTS = process.env.SHOTS || '/tmp';
const DEV = 'KIOSK-140500-001';
const PW = 'console pages 1';
const ID_MAT = '全家人的身份证、户口本';

const pdfPages = (buf) => (buf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) || []).length;

async function main() {
  if (!fs.existsSync(CHROMIUM)) {
    console.error(`${NAME}: /usr/bin/chromium is missing`);
    process.exit(1);
  }
  fs.mkdirSync(WORK, { recursive: true });
  const store = testStore(NAME, path.join(WORK, `browser-pages-${process.pid}.db`));
  const { db, portFile } = store;
  for (const [id, name, role, dept] of [['W01', '窗口受理', 'window', 'window'],
    ['RMZ', '民政审核', 'reviewer', 'mzj']]) {
    const r = spawnSync(SERVER, ['staff', 'add', '--db', db, '--role', role, '--dept', dept, id, name],
      { input: PW + '\n' });
    check(r.status === 0, `staff add ${id} (${role})`);
  }
  const server = spawn(SERVER, ['serve', '--config', '/dev/null', '--pki', PKI, '--db', db,
    '--port', '0', '--port-file', portFile, '--log-level', 'warn'],
  { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiosk-console-pages-'));
  const axeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiosk-console-pages-axe-'));
  let ctx = null;
  try {
    const port = parseInt(await waitForFile(portFile, 10000), 10);
    const app = JSON.parse(spawnSync(SUBMIT_PAGES, [String(port), DEV, '61'],
      { env: process.env }).stdout.toString());
    check(app.status === 201, 'an application with three photographed pages is submitted');
    const plain = JSON.parse(spawnSync(SUBMIT, [String(port), DEV, '62'],
      { env: process.env }).stdout.toString());
    check(plain.status === 201, 'and one without pages');

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
    const login = async (id) => {
      await page.goto(base + '/console/#/today');
      await page.waitForSelector('#view-login:not([hidden])');
      await page.fill('#staff-id', id);
      await page.fill('#password', PW);
      await page.click('#login-btn');
      await page.waitForSelector('#view-list:not([hidden])');
    };
    // Every <img> of the selector loaded with a picture.
    const loaded = (sel) => page.waitForFunction((s) => {
      const imgs = [...document.querySelectorAll(s)];
      return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0);
    }, sel);

    await login('W01');
    await page.goto(base + '/console/#/app/' + app.uuid);
    await page.waitForFunction(() => document.getElementById('app-form').textContent.includes('测试申请人61'));
    check(await page.isVisible('#app-pages'), 'the application shows 拍的材料');
    check((await page.textContent('#app-pages h3')) === '拍的材料', 'under the heading 拍的材料');
    await loaded('#app-pages-list img');
    const thumbs = await page.$$eval('#app-pages-list img', (is) => is.map((i) => ({
      w: i.naturalWidth, h: i.naturalHeight, alt: i.alt })));
    check(thumbs.length === 3 && thumbs.every((t) => t.w > 0),
      'three thumbnails, each an image that loaded (naturalWidth ' + thumbs.map((t) => t.w).join(', ') + ')');
    check(thumbs[0].w === 600 && thumbs[0].h === 800 && thumbs[1].w === 800,
      'the pictures are the pages sent (600×800, 800×600)');
    const groups = await page.$$eval('#app-pages-list .page-group', (gs) => gs.map((g) => ({
      title: g.querySelector('h4').textContent, text: g.textContent,
      n: g.querySelectorAll('figure').length })));
    check(groups.length === 2 && groups[0].title === ID_MAT && groups[0].n === 2 && groups[1].n === 1,
      'grouped by material: ' + groups.map((g) => g.title + '×' + g.n).join('，'));
    check(groups[0].text.includes(ID_MAT + ' · 第1页') && groups[0].text.includes(ID_MAT + ' · 第2页'),
      'captions say which material and which page (' + ID_MAT + ' · 第1页)');
    check(groups[0].text.includes('用于：最低生活保障、医疗救助') && groups[1].text.includes('用于：医疗救助'),
      'each material says which items it is for');
    check(await page.isHidden('#app-pages-print'), 'the print sheets are not on the screen');
    await shoot('pages');

    // One page large; the next; closed.
    await page.click('#app-pages-list figure:first-child button');
    await page.waitForSelector('#page-viewer[open]');
    await loaded('#page-viewer-img');
    const big = await page.$eval('#page-viewer-img', (i) => ({ w: i.naturalWidth, shown: i.getBoundingClientRect().width }));
    check(big.w === 600 && big.shown > 172, `a click shows the page large (${Math.round(big.shown)} px wide)`);
    check((await page.textContent('#page-viewer-title')) === ID_MAT + ' · 第1页', 'with its name');
    await page.screenshot({ path: path.join(SHOTS, 'console-page-large-1366.png') });
    await page.click('#page-next');
    await page.waitForFunction(() => document.getElementById('page-viewer-title').textContent.endsWith('第2页'));
    check((await page.textContent('#page-viewer-count')).includes('第 2 张，共 3 张'), '下一张 goes to page 2 of 3');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#page-viewer:not([open])', { state: 'attached' });
    check(true, 'Esc closes it');

    // Printed: the form, then each page on a sheet of its own.
    await page.emulateMedia({ media: 'print' });
    check(await page.isHidden('#app-pages-list'), 'printed: no thumbnails');
    await loaded('#app-pages-print img');
    const sheets = await page.$$eval('#app-pages-print figure.page-sheet', (fs) => fs.map((f) => ({
      w: f.querySelector('img').naturalWidth, visible: f.getBoundingClientRect().height > 0,
      brk: getComputedStyle(f).breakBefore, cap: f.querySelector('figcaption').textContent })));
    check(sheets.length === 3 && sheets.every((s) => s.visible && s.w > 0),
      'printed: the three pages show, loaded');
    check(sheets.every((s) => s.brk === 'page'), 'printed: each page starts a new sheet');
    check(sheets[2].cap.includes(app.reference) && sheets[2].cap.includes('第3张，共3张'),
      'printed: each sheet names the reference and which of how many it is');
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.screenshot({ path: path.join(SHOTS, 'console-pages-print-1366.png'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    fs.writeFileSync(path.join(SHOTS, 'console-pages-print.pdf'), pdf);
    const n = pdfPages(pdf);
    check(n >= 4 && n <= 5, `printed on A4: the form and three sheets, ${n} pages`);
    const pdfPath = path.join(userDir, 'pages.pdf');
    fs.writeFileSync(pdfPath, pdf);
    const txt = spawnSync('pdftotext', ['-enc', 'UTF-8', pdfPath, '-']);
    const flat = (txt.stdout || '').toString().replace(/\s+/g, '');
    check(txt.status === 0 && flat.includes('测试申请人61') && flat.includes(ID_MAT + '·第2页') &&
      flat.includes('病历、住院费用清单和发票·第1页'), 'the PDF has the form and each sheet\'s caption');
    const pdfImages = (pdf.toString('latin1').match(/\/Subtype\s*\/Image/g) || []).length;
    check(pdfImages >= 3, `the PDF holds the page images (${pdfImages} images)`);
    await page.emulateMedia({ media: 'screen' });

    // Without pages: no 拍的材料, nothing to print.
    await page.goto(base + '/console/#/app/' + plain.uuid);
    await page.waitForFunction(() => document.getElementById('app-form').textContent.includes('测试申请人62'));
    check(await page.isHidden('#app-pages') && (await page.$$('#app-pages-print figure')).length === 0,
      'an application without pages shows no 拍的材料');

    // A 民政 reviewer: the pages for 低保 only.
    await page.click('#logout-btn');
    await login('RMZ');
    await page.goto(base + '/console/#/app/' + app.uuid);
    await page.waitForFunction(() => document.getElementById('app-form').textContent.includes('测试申请人61'));
    await loaded('#app-pages-list img');
    const mine = await page.$$eval('#app-pages-list figcaption', (cs) => cs.map((c) => c.textContent));
    check(mine.length === 2 && mine.every((c) => c.startsWith(ID_MAT)),
      'a 民政 reviewer sees the two pages for 低保, not the hospital papers');
    const usedFor = await page.textContent('#app-pages-list .page-group p');
    check(usedFor === '用于：最低生活保障', 'and is not told the other department\'s item (' + usedFor + ')');
    await shoot('pages-reviewer');
    await ctx.close();
    ctx = null;

    // Accessibility (axe-core, injected, so this browser ignores the CSP):
    // the application with its pages, and one page shown large.
    ctx = await launchChromium(chromium, axeDir, { bypassCSP: true });
    const ap = ctx.pages()[0] || await ctx.newPage();
    ap.setDefaultTimeout(45000);
    const axe = async (what) => {
      for (const [w, h] of [[1366, 768], [390, 844]]) {
        await ap.setViewportSize({ width: w, height: h });
        await ap.addScriptTag({ path: AXE });
        const res = await ap.evaluate(async () => {
          const r = await window.axe.run(document, { resultTypes: ['violations'] });
          return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
        });
        if (res.length) console.error(`  ${what} at ${w}: ${res.join('; ')}`);
        check(res.length === 0, `${what} at ${w}×${h}: no accessibility violations`);
      }
      await ap.setViewportSize({ width: 1366, height: 768 });
    };
    await ap.goto(base + '/console/#/today');
    await ap.waitForSelector('#view-login:not([hidden])');
    await ap.fill('#staff-id', 'W01');
    await ap.fill('#password', PW);
    await ap.click('#login-btn');
    await ap.waitForSelector('#view-list:not([hidden])');
    await ap.goto(base + '/console/#/app/' + app.uuid);
    await ap.waitForFunction(() => document.querySelectorAll('#app-pages-list img').length === 3);
    await axe('the application with 拍的材料');
    await ap.click('#app-pages-list figure:first-child button');
    await ap.waitForSelector('#page-viewer[open]');
    await axe('a page shown large');
  } finally {
    if (ctx) await ctx.close();
    fs.rmSync(userDir, { recursive: true, force: true });
    fs.rmSync(axeDir, { recursive: true, force: true });
    server.kill('SIGTERM');
  }
  check(await exited === 0, 'server exits cleanly on SIGTERM');
  store.drop();
}

const guard = setTimeout(() => { console.error(`${NAME}: timed out`); process.exit(1); }, 150000);
main().then(() => {
  clearTimeout(guard);
  console.log(failures() ? `${failures()} failed` : 'all passed');
  process.exit(failures() ? 1 : 0);
}, (e) => {
  clearTimeout(guard);
  console.error(`${NAME}:`, e);
  process.exit(1);
});
