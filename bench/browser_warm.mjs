// The warm browser: one Chromium, started once and kept running, that only
// navigates, as a browser-based hall terminal runs. bench_ui
// --compare-browser runs this beside the kiosk's own warm figures.
//
//   node bench/browser_warm.mjs RUNS URL
//
// Prints, medians over RUNS after three warm-up loads:
//   warm_browser_goto_png_ms    goto(URL) + a 1920x1080 PNG screenshot
//   warm_browser_goto_frames_ms goto(URL) + two animation frames (drawn)
//   warm_browser_pss_mib        PSS summed over the browser's processes,
//                               read while the page is shown
// playwright-core comes from tests/server/node_modules (npm ci there).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'tests', 'server', 'package.json'));
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch (e) {
  console.log('warm_browser: skipped (run `npm ci` in tests/server for playwright-core)');
  process.exit(0);
}

const runs = Math.max(3, parseInt(process.argv[2] || '20', 10));
const url = process.argv[3];
if (!url) {
  console.error('usage: node bench/browser_warm.mjs RUNS URL');
  process.exit(2);
}

function median(v) {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}
function p90(v) {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.round(0.9 * (s.length - 1))];
}

// Every process descended from pid (the browser, its zygotes, renderers,
// GPU and utility processes).
function descendants(pid) {
  const parent = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const after = st.slice(st.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(d), Number(after[1]));
    } catch { /* gone */ }
  }
  const out = [pid];
  for (let grew = true; grew;) {
    grew = false;
    for (const [p, pp] of parent) {
      if (!out.includes(p) && out.includes(pp)) { out.push(p); grew = true; }
    }
  }
  return out;
}

function pssKib(pid) {
  try {
    const m = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+)/m);
    return m ? Number(m[1]) : 0;
  } catch { return 0; }
}

// The browser's own process: the one whose command line names our profile
// and is not a child (--type=...).
function browserPid(profile) {
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.includes(profile) && !cmd.includes('--type=')) return Number(d);
    } catch { /* gone */ }
  }
  return 0;
}

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-warm-'));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1920, height: 1080 },
  args: ['--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run',
         '--disable-background-networking', '--disable-component-update',
         '--disable-sync'],
});
const page = ctx.pages()[0] || await ctx.newPage();
const twoFrames = () => page.evaluate(() => new Promise((r) =>
  requestAnimationFrame(() => requestAnimationFrame(r))));

for (let i = 0; i < 3; i++) {
  await page.goto(url);
  await page.screenshot({ type: 'png' });
}
const png = [], frames = [];
for (let i = 0; i < runs; i++) {
  let t = performance.now();
  await page.goto(url);
  await page.screenshot({ type: 'png' });
  png.push(performance.now() - t);
  t = performance.now();
  await page.goto(url);
  await twoFrames();
  frames.push(performance.now() - t);
}
await twoFrames();
await new Promise((r) => setTimeout(r, 500));
const pid = browserPid(profile);
const procs = pid ? descendants(pid) : [];
const pss = procs.reduce((s, p) => s + pssKib(p), 0);

console.log(`warm_browser_goto_png_ms: median ${median(png).toFixed(1)} p90 ${p90(png).toFixed(1)} (n=${runs})`);
console.log(`warm_browser_goto_frames_ms: median ${median(frames).toFixed(1)} p90 ${p90(frames).toFixed(1)} (n=${runs})`);
console.log(`warm_browser_pss_mib: ${(pss / 1024).toFixed(1)} (${procs.length} processes)`);
await ctx.close();
fs.rmSync(profile, { recursive: true, force: true });
