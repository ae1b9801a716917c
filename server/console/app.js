/* Staff console. Plain JavaScript, no libraries. Every value that comes
 * from an application is put on the page with textContent, never as HTML.
 * Views are chosen by the URL hash: #/today, #/list?FILTERS, #/search/TEXT,
 * #/urgent,
 * #/app/UUID, #/queue[/DEPT], #/audit[/DATE], #/staff, #/devices. Each item of an
 * application has its own status; the server decides which moves are
 * allowed and says why not, in Chinese, which is shown as it comes. Urgent applications (an emergency item chosen at
 * the kiosk) carry a 「急」 badge; the server lists those still waiting
 * first. */
'use strict';

const STATUS = {
  submitted: '已提交', accepted: '受理', reviewing: '审核', publicized: '公示',
  approved: '审批', paid: '发放', returned: '退回补正', refused: '不予'
};

const ROLE = { window: '窗口受理', reviewer: '部门审核', admin: '管理员' };

const ACTION = { open: '查看申请内容', status: '更改办理状态', correct: '更正办理状态' };

let me = null;          /* the signed-in member of staff (/api/console/me) */
let depts = null;       /* departments and item names (/api/console/departments) */

const $ = (id) => document.getElementById(id);

/* Urgent and still waiting for the office: not 发放 (done) and not 退回补正
 * (with the applicant). The server orders lists by the same rule. */
const urgentWaiting = (a) => a.urgent && a.status !== 'paid' &&
  a.status !== 'returned' && a.status !== 'refused';

function urgentBadge() {
  const b = el('span', '急', 'urgent-badge');
  b.title = '紧急求助';
  return b;
}

/* Narrow screens show the rows of .cards tables as cards: each cell says
 * what it is (its column's heading). */
function labelCells(table) {
  const heads = [...table.tHead.rows[0].cells].map((c) => c.textContent);
  for (const tr of table.tBodies[0].rows) {
    [...tr.cells].forEach((td, i) => { if (heads[i]) td.dataset.label = heads[i]; });
  }
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

async function api(method, path, body) {
  const opt = { method, headers: {}, credentials: 'same-origin' };
  if (body !== undefined) {
    opt.headers['Content-Type'] = 'application/json';
    opt.body = JSON.stringify(body);
  }
  const res = await fetch(path, opt);
  let data = null;
  if (res.status !== 204) {
    try { data = await res.json(); } catch (e) { data = null; }
  }
  if (res.status === 401 && path !== '/api/console/login') {
    show('login');
  }
  return { status: res.status, data, retry: res.headers.get('Retry-After') };
}

function show(view) {
  const pv = document.getElementById('page-viewer');
  if (pv && pv.open) pv.close();
  for (const v of ['login', 'list', 'app', 'queue', 'audit', 'staff', 'devices']) {
    $('view-' + v).hidden = v !== view;
  }
  $('nav').hidden = view === 'login';
}

function fmtTime(s) {
  return s ? s.replace('T', ' ').replace(/(Z|[+-]\d\d:\d\d)$/, '') : '';
}

function fmtUptime(sec) {
  const d = Math.floor(sec / 86400), h = Math.floor(sec % 86400 / 3600),
    m = Math.floor(sec % 3600 / 60);
  return (d ? d + '天' : '') + (h ? h + '小时' : '') + m + '分钟';
}

async function whoami() {
  const r = await api('GET', '/api/console/me');
  if (r.status === 200) {
    me = r.data;
    const role = ROLE[me.role] || '';
    $('who').textContent = me.name + '（' + me.id + '）' +
      (me.department_name ? ' ' + me.department_name : '') + ' ' + role +
      (me.supervisor ? '·主管' : '');
    $('nav-audit').hidden = me.role !== 'admin';
    $('nav-staff').hidden = me.role !== 'admin';
    if (!depts) {
      const d = await api('GET', '/api/console/departments');
      if (d.status === 200) depts = d.data;
    }
    return true;
  }
  return false;
}

function itemName(id) {
  return (depts && depts.items && depts.items[id]) || id;
}

/* ---- sign in ---- */

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  $('login-msg').textContent = '';
  const r = await api('POST', '/api/console/login',
    { id: $('staff-id').value.trim(), password: $('password').value });
  $('password').value = '';
  if (r.status === 200) {
    await whoami();
    location.hash = '#/today';
    route();
    return;
  }
  const err = r.data && r.data.error;
  if (err === 'locked') {
    const sec = parseInt(r.retry, 10) || 60;
    const wait = sec < 60 ? sec + ' 秒' : '约 ' + Math.ceil(sec / 60) + ' 分钟';
    $('login-msg').textContent = '密码错误次数过多，请' + wait + '后再试。';
  } else if (err === 'rate_limited') {
    $('login-msg').textContent = '尝试过于频繁，请稍后再试。';
  } else if (err === 'bad_credentials') {
    $('login-msg').textContent = '工号或密码不正确。';
  } else if (err === 'account_disabled') {
    $('login-msg').textContent = '这个账号已停用，请找管理员。';
  } else {
    $('login-msg').textContent = '登录失败，请稍后再试。';
  }
});

$('logout-btn').addEventListener('click', async () => {
  await api('POST', '/api/console/logout');
  sessionStorage.removeItem(FIND_KEY);
  $('search-ref').value = '';
  $('who').textContent = '';
  me = null;
  show('login');
});

/* ---- list ---- */

/* A referral (帮别人求助) names no items: it is a lead to visit. */
const REFERRAL = '帮别人求助（线索，请上门看看）';

function itemsText(items, kind) {
  if (kind === 'referral') return REFERRAL;
  return items.map((i) => i.name || i.id).join('、');
}

function deptText(items) {
  return [...new Set(items.map((i) => i.department))].join('、');
}

/* The list's filters as query parameters (the form's state). */
const FILTERS = [['status', 'f-status'], ['item', 'f-item'], ['department', 'f-dept'],
  ['assisted', 'f-assisted'], ['urgent', 'f-urgent'], ['kind', 'f-kind']];

function fillPickers() {
  if (!depts || $('f-item').options.length > 1) return;
  for (const [id, name] of Object.entries(depts.items || {})) {
    const o = el('option', name);
    o.value = id;
    $('f-item').append(o);
  }
  for (const d of depts.departments || []) {
    const o = el('option', d.name);
    o.value = d.id;
    $('f-dept').append(o);
  }
}

/* What was typed into 查找 may be a name or an ID number: it is kept in
 * this tab's sessionStorage, not in the URL, so it never lands in the
 * browser's history; the URL only says find=1. */
const FIND_KEY = 'console-find';

function findText(p) {
  if (p.get('find')) return sessionStorage.getItem(FIND_KEY) || '';
  return p.get('q') || '';
}

/* The form into query parameters (offset left out). */
function formParams() {
  const p = new URLSearchParams();
  /* Upper case: references are printed so; names and ID numbers are
   * searched without regard to ASCII case anyway. */
  const q = $('search-ref').value.trim().toUpperCase();
  if (q) {
    sessionStorage.setItem(FIND_KEY, q);
    p.set('find', '1');
  }
  const range = $('f-range').value;
  if (range === 'range' && $('f-from').value && $('f-to').value) {
    p.set('from', $('f-from').value);
    p.set('to', $('f-to').value);
  } else if (range === 'backlog') {
    p.set('backlog', '1');
  }
  for (const [k, id] of FILTERS) if ($(id).value) p.set(k, $(id).value);
  if ($('f-sort').value !== 'newest') p.set('sort', $('f-sort').value);
  if ($('f-limit').value !== '100') p.set('limit', $('f-limit').value);
  return p;
}

/* Query parameters back into the form (after a reload or a link). */
function paramsToForm(p) {
  $('search-ref').value = findText(p);
  $('f-range').value = p.get('backlog') ? 'backlog' : p.get('from') ? 'range' : 'today';
  $('f-from').value = p.get('from') || '';
  $('f-to').value = p.get('to') || '';
  for (const [k, id] of FILTERS) $(id).value = p.get(k) || '';
  $('f-sort').value = p.get('sort') || 'newest';
  $('f-limit').value = p.get('limit') || '100';
  syncRange();
}

function syncRange() {
  const dates = $('f-range').value === 'range';
  for (const e of document.querySelectorAll('.f-dates')) e.hidden = !dates;
}
$('f-range').addEventListener('change', syncRange);

function listTitle(p) {
  const q = findText(p);
  if (q) return '查找结果：' + q;
  if (p.get('backlog')) return '未办完的申请（不限日期）';
  if (p.get('from')) return p.get('from') + ' 至 ' + p.get('to') + ' 的申请';
  return '今日申请';
}

/* which: 'urgent' = every urgent one still waiting; else a
 * URLSearchParams of the filters (empty = today). */
/* Each view counts as one turn: an answer that arrives after a later view
 * was asked for (a slow server, a quick click) is dropped, so it never
 * draws over the newer one nor puts back the date just typed. */
let shown = 0;

async function showList(which) {
  const turn = ++shown;
  show('list');
  fillPickers();
  const urgentOnly = which === 'urgent';
  const p = urgentOnly ? new URLSearchParams('urgent=waiting') : which;
  if (!urgentOnly) paramsToForm(p);
  const ap = new URLSearchParams(p);
  ap.delete('find');
  if (findText(p)) ap.set('q', findText(p));
  const path = '/api/console/applications?' + ap.toString();
  const exp = new URLSearchParams(ap);
  $('list-count').textContent = '';
  $('list-empty').hidden = true;
  $('apps').tBodies[0].replaceChildren();
  exp.delete('offset');
  exp.delete('limit');
  const expQuery = urgentOnly ? '?urgent=yes&backlog=1'
    : (exp.toString() ? '?' + exp.toString() : '');
  $('export-link').href = '/api/console/applications.csv' + expQuery;
  $('export-xlsx-link').href = '/api/console/applications.xlsx' + expQuery;
  $('list-title').textContent = urgentOnly ? '紧急求助（还没办完的，等得最久的在前）'
    : listTitle(p);
  const r = await api('GET', path);
  if (turn !== shown) return; /* a later view was asked for meanwhile */
  const body = $('apps').tBodies[0];
  body.replaceChildren();
  if (r.status !== 200) {
    $('list-count').textContent = r.data && r.data.message ? '查询条件有误：' + r.data.message : '查询失败，请稍后再试。';
    $('pager').hidden = true;
    return;
  }
  const apps = r.data.applications;
  const waiting = r.data.urgent_waiting || 0;
  $('urgent-summary').hidden = waiting === 0;
  $('urgent-count').textContent = '有 ' + waiting + ' 份紧急求助还没办完，请尽快处理。';
  $('urgent-link').hidden = urgentOnly;
  $('list-empty').hidden = apps.length > 0;
  const total = r.data.total || 0;
  const offset = r.data.offset || 0;
  $('list-count').textContent = apps.length
    ? '共 ' + total + ' 份，显示第 ' + (offset + 1) + '–' + (offset + apps.length) + ' 份'
    : '';
  $('list-count').dataset.total = total;
  const limit = r.data.limit || apps.length || 1;
  $('pager').hidden = urgentOnly || total <= limit;
  $('prev-btn').disabled = offset === 0;
  $('next-btn').disabled = r.data.next_offset === null || r.data.next_offset === undefined;
  $('page-info').textContent = '第 ' + (Math.floor(offset / limit) + 1) + ' / ' +
    Math.max(1, Math.ceil(total / limit)) + ' 页';
  $('prev-btn').onclick = () => {
    const n = new URLSearchParams(p);
    n.set('offset', String(Math.max(0, offset - limit)));
    location.hash = '#/list?' + n.toString();
  };
  $('next-btn').onclick = () => {
    const n = new URLSearchParams(p);
    n.set('offset', String(r.data.next_offset));
    location.hash = '#/list?' + n.toString();
  };
  for (const a of apps) {
    const tr = document.createElement('tr');
    tr.dataset.uuid = a.uuid;
    tr.dataset.reference = a.reference;
    tr.dataset.urgent = a.urgent ? '1' : '0';
    if (urgentWaiting(a)) tr.className = 'urgent-waiting';
    const ref = el('td');
    if (a.urgent) ref.append(urgentBadge());
    ref.append(document.createTextNode(a.reference));
    tr.append(ref, el('td', fmtTime(a.received_at)),
      el('td', itemsText(a.items, a.kind)),
      el('td', a.kind === 'referral' ? '民政' : deptText(a.items)),
      el('td', a.device_id));
    const st = el('td');
    st.append(el('span', a.status_label, 'status'));
    tr.append(st);
    const open = el('td');
    const link = el('a', '查看');
    link.href = '#/app/' + a.uuid;
    link.className = 'open-app';
    open.append(link);
    tr.append(open);
    body.append(tr);
  }
  labelCells($('apps'));
}

$('search-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const p = formParams();
  const h = p.toString() ? '#/list?' + p.toString() : '#/today';
  if (location.hash === h) route(); /* the same URL, another search */
  else location.hash = h;
});
$('today-btn').addEventListener('click', () => {
  paramsToForm(new URLSearchParams());
  location.hash = '#/today';
});

/* ---- one application ---- */

let currentUuid = null;

function renderTimeline(tl) {
  const ol = $('app-timeline');
  ol.replaceChildren();
  for (const e of tl) {
    const li = el('li');
    if (e.item) li.append(document.createTextNode(itemName(e.item) + '：'));
    else li.append(document.createTextNode('整份申请：'));
    li.append(el('strong', e.status_label || STATUS[e.status] || e.status));
    li.append(document.createTextNode(' ' + fmtTime(e.at)));
    if (e.staff_id) li.append(document.createTextNode('（' + e.staff_id + '）'));
    if (e.note) li.append(el('div', e.note, 'muted'));
    ol.append(li);
  }
}

async function showApp(uuid) {
  const turn = ++shown;
  show('app');
  currentUuid = uuid;
  $('status-msg').textContent = '';
  const r = await api('GET', '/api/console/applications/' + encodeURIComponent(uuid));
  if (turn !== shown) return; /* a later view was asked for meanwhile */
  if (r.status !== 200) {
    $('app-urgent').hidden = true;
    $('app-ref').textContent = '';
    $('app-form').replaceChildren(el('p', '没有找到这份申请。', 'msg'));
    renderPages({ pages: [] });
    return;
  }
  const a = r.data;
  $('app-urgent').hidden = !a.urgent;
  $('app-ref').textContent = a.reference;
  const meta = $('app-meta');
  meta.replaceChildren();
  const rows = [['受理编号', a.reference],
    ['类型', a.kind === 'referral' ? REFERRAL : '救助申请'],
    ['提交时间', fmtTime(a.received_at)],
    ['自助机', a.device_id], ['行政区划', a.region],
    ['紧急程度', a.urgent ? '紧急求助' : '一般'],
    ['代办人员', a.assisted_by || '无（本人申请）'],
    [a.items.length > 1 ? '整体进度（以最慢的事项计）' : '当前状态', a.status_label]];
  for (const [k, v] of rows) meta.append(el('dt', k), el('dd', v));
  const items = $('app-items').tBodies[0];
  items.replaceChildren();
  const pick = $('status-item');
  pick.replaceChildren(el('option', a.items.length ? '本人可办的全部事项' : '整份申请'));
  pick.options[0].value = '';
  for (const i of a.items) {
    const tr = el('tr');
    tr.dataset.item = i.id;
    const st = el('td');
    st.append(el('span', i.status_label || STATUS[i.status] || '', 'status'));
    if (i.may_change === false) st.append(el('span', ' 非本部门', 'muted'));
    tr.append(el('td', i.name || i.id), el('td', i.department), st,
      el('td', fmtTime(i.updated_at)));
    items.append(tr);
    if (i.may_change) {
      const o = el('option', (i.name || i.id) + '（现为' + (i.status_label || '') + '）');
      o.value = i.id;
      o.dataset.next = (i.next || []).join(' ');
      pick.append(o);
    }
  }
  /* With one item to move, it is the one picked. */
  if (pick.options.length === 2) pick.selectedIndex = 1;
  pickNext();
  /* A reviewer is sent only its department's items and what they need
   * (the server leaves the rest out); say so. */
  const scope = $('app-scope');
  scope.hidden = !a.scoped;
  scope.textContent = !a.scoped ? ''
    : (a.other_items > 0 ? '这份申请还有 ' + a.other_items + ' 个事项由其他部门办理，这里不显示。' : '')
      + (a.scope_form ? '下面只列出申请人、家里人的情况和本部门事项需要的内容。'
        : '本地区的表格内容还没有发布到服务器，下面只列出申请人和家里人的情况。');
  $('app-sealed-msg').hidden = a.unsealed;
  const form = $('app-form');
  form.replaceChildren();
  for (const sec of a.display || []) {
    const div = el('div', null, 'form-section');
    div.append(el('h3', sec.section));
    const t = el('table');
    for (const row of sec.rows || []) {
      const tr = el('tr');
      tr.append(el('td', row.label), el('td', row.value));
      t.append(tr);
    }
    div.append(t);
    form.append(div);
  }
  renderMaterials(a.materials);
  const sigList = $('app-signature-list');
  sigList.replaceChildren();
  for (const sg of a.signatures || []) {
    const fig = el('figure', null, 'signature');
    const label = signatureLabel(sg.key);
    const img = el('img');
    img.src = 'data:image/png;base64,' + sg.png;
    img.alt = label;
    img.dataset.key = sg.key;
    fig.append(img, el('figcaption', label));
    sigList.append(fig);
  }
  $('app-signatures').hidden = !(a.signatures || []).length;
  renderPages(a);
  renderTimeline(a.timeline || []);
}

/* ---- photographed pages (拍的材料) ---- */

let viewerPages = [];   /* the pages of the open application, in order */
let viewerAt = 0;

function pageUrl(uuid, p) {
  return '/api/console/applications/' + encodeURIComponent(uuid) +
    '/page?index=' + p.index;
}

function pageLabel(p) {
  return p.material + ' · 第' + p.page + '页';
}

function pageImg(uuid, p, cls) {
  const img = el('img', null, cls);
  img.src = pageUrl(uuid, p);
  img.alt = pageLabel(p);
  img.dataset.index = p.index;
  if (p.width && p.height) {
    img.width = p.width;
    img.height = p.height;
  }
  img.addEventListener('error', () => {
    img.hidden = true;
    img.after(el('span', '这张照片打不开，请刷新后再试。', 'msg'));
  }, { once: true });
  return img;
}

/* The pages grouped by material (in the order the kiosk photographed
 * them), as thumbnails; and, for printing, each page on a sheet of its
 * own after the form. A reviewer is sent only its items' pages. */
function renderPages(a) {
  const pages = a.pages || [];
  const list = $('app-pages-list');
  const sheets = $('app-pages-print');
  list.replaceChildren();
  sheets.replaceChildren();
  viewerPages = pages;
  $('app-pages').hidden = pages.length === 0;
  const groups = new Map();
  for (const p of pages) {
    if (!groups.has(p.material)) groups.set(p.material, []);
    groups.get(p.material).push(p);
  }
  for (const [material, ps] of groups) {
    const div = el('div', null, 'page-group');
    div.append(el('h4', material));
    const items = [...new Set(ps.flatMap((p) => p.items || []))].map(itemName);
    if (items.length) div.append(el('p', '用于：' + items.join('、'), 'muted'));
    const row = el('div', null, 'page-thumbs');
    for (const p of ps) {
      const fig = el('figure', null, 'page-thumb');
      const b = el('button', null, 'page-open');
      b.type = 'button';
      b.title = '放大看';
      b.append(pageImg(a.uuid, p));
      b.addEventListener('click', () => openViewer(pages.indexOf(p)));
      /* 「全家人的身份证、户口本 · 第1页」, never broken inside 「· 第1页」. */
      const cap = el('figcaption', p.material + ' ');
      cap.append(el('span', '· 第' + p.page + '页', 'nowrap'));
      fig.append(b, cap);
      row.append(fig);
    }
    div.append(row);
    list.append(div);
  }
  pages.forEach((p, i) => {
    const fig = el('figure', null, 'page-sheet');
    fig.append(el('figcaption', '受理编号 ' + a.reference + ' · 拍的材料 · ' +
      pageLabel(p) + '（第' + (i + 1) + '张，共' + pages.length + '张）'));
    fig.append(pageImg(a.uuid, p));
    sheets.append(fig);
  });
}

function openViewer(i) {
  if (!viewerPages.length || !currentUuid) return;
  viewerAt = (i + viewerPages.length) % viewerPages.length;
  const p = viewerPages[viewerAt];
  const img = $('page-viewer-img');
  img.src = pageUrl(currentUuid, p);
  img.alt = pageLabel(p);
  $('page-viewer-title').textContent = pageLabel(p);
  $('page-viewer-count').textContent = '第 ' + (viewerAt + 1) + ' 张，共 ' +
    viewerPages.length + ' 张';
  const single = viewerPages.length < 2;
  $('page-prev').hidden = single;
  $('page-next').hidden = single;
  const d = $('page-viewer');
  if (!d.open) d.showModal();
}

$('page-close').addEventListener('click', () => $('page-viewer').close());
$('page-prev').addEventListener('click', () => openViewer(viewerAt - 1));
$('page-next').addEventListener('click', () => openViewer(viewerAt + 1));
$('page-viewer').addEventListener('keydown', (ev) => {
  if (ev.key === 'ArrowLeft') openViewer(viewerAt - 1);
  else if (ev.key === 'ArrowRight') openViewer(viewerAt + 1);
});
/* A click on the dark area around the picture closes it. */
$('page-viewer').addEventListener('click', (ev) => {
  if (ev.target === $('page-viewer')) $('page-viewer').close();
});

/* What to bring, per item, from the catalogue the region publishes to its
 * kiosks; without one the window says what is needed. */
function renderMaterials(materials) {
  const box = $('app-materials-list');
  box.replaceChildren();
  const fallback = '材料清单以窗口告知为准';
  if (!materials) {
    box.append(el('p', fallback + '（服务器上没有本地区发布的事项目录）。', 'materials-none'));
    return;
  }
  for (const m of materials) {
    const div = el('div', null, 'materials-item');
    div.dataset.item = m.item;
    div.append(el('h4', m.name));
    if (!m.materials.length) {
      div.append(el('p', fallback + '。', 'materials-none'));
    } else {
      const ul = el('ul', null, 'checklist');
      for (const t of m.materials) ul.append(el('li', t));
      div.append(ul);
    }
    box.append(div);
  }
}

/* Whose signature a key is: the field's path in the submission. */
function signatureLabel(key) {
  if (key === 'applicant_signature') return '申请人签名';
  let m = /^members\[(\d+)\]\./.exec(key);
  if (m) return '第' + (Number(m[1]) + 1) + '位家里人的签名';
  m = /^obligors\[(\d+)\]\./.exec(key);
  if (m) return '第' + (Number(m[1]) + 1) + '位赡养（抚养、扶养）人的签名';
  return '签名（' + key + '）';
}

/* Offers the picked item's usual next step first; the server still
 * judges whatever is chosen. */
function pickNext() {
  const o = $('status-item').selectedOptions[0];
  const next = o && o.dataset.next ? o.dataset.next.split(' ') : [];
  if (next.length) $('status-select').value = next[0];
}
$('status-item').addEventListener('change', pickNext);

$('status-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  if (!currentUuid) return;
  const status = $('status-select').value;
  const body = { status, note: $('status-note').value };
  $('status-msg').textContent = '';
  if ($('status-item').value) body.item = $('status-item').value;
  const r = await api('POST', '/api/console/applications/' +
    encodeURIComponent(currentUuid) + '/status', body);
  if (r.status === 200) {
    const uuid = currentUuid;
    const n = r.data.items_changed.length;
    await showApp(uuid);
    $('status-msg').textContent = '已保存：' + STATUS[status] +
      (n > 1 ? '（' + n + '个事项）' : '');
    $('status-note').value = '';
  } else if (r.data && r.data.message && /[\u4e00-\u9fff]/.test(r.data.message)) {
    $('status-msg').textContent = r.data.message;
  } else {
    $('status-msg').textContent = '保存失败，请重试。';
  }
});

/* ---- a department's queue ---- */

async function showQueue(dept) {
  const turn = ++shown;
  show('queue');
  const sel = $('queue-dept');
  sel.replaceChildren();
  for (const d of (depts && depts.departments) || []) {
    const o = el('option', d.name);
    o.value = d.id;
    sel.append(o);
  }
  const want = dept || (me && me.department) || (sel.options[0] && sel.options[0].value);
  sel.value = want;
  /* A reviewer sees only its own department's. */
  sel.disabled = me && me.role === 'reviewer';
  $('queue-pick').hidden = sel.disabled;
  /* Nothing of another department's queue stays while this one loads. */
  const body = $('queue').tBodies[0];
  body.replaceChildren();
  $('queue-title').textContent = '部门待办';
  const r = await api('GET', '/api/console/queue?department=' + encodeURIComponent(want));
  if (turn !== shown) return; /* a later view was asked for meanwhile */
  body.replaceChildren();
  if (r.status !== 200) {
    $('queue-title').textContent = (r.data && r.data.message) || '无法查看待办。';
    $('queue-empty').hidden = true;
    return;
  }
  $('queue-title').textContent = r.data.department_name + ' · 待办事项（' +
    r.data.items.length + '）';
  $('queue-empty').hidden = r.data.items.length > 0;
  for (const q of r.data.items) {
    const tr = el('tr');
    tr.dataset.uuid = q.uuid;
    tr.dataset.item = q.item;
    if (q.overdue) tr.className = 'overdue';
    const ref = el('td');
    if (q.urgent) ref.append(urgentBadge());
    ref.append(document.createTextNode(q.reference));
    const st = el('td');
    st.append(el('span', q.status_label, 'status'));
    const left = el('td', null, 'days-left');
    if (q.time_limit_days === null) {
      left.textContent = '未设时限';
    } else if (q.overdue) {
      left.append(el('span', '超期', 'overdue-badge'),
        document.createTextNode(' 已超 ' + (-q.working_days_left) + ' 个工作日'));
    } else {
      left.textContent = q.working_days_left === 0 ? '今天到期'
        : '还剩 ' + q.working_days_left + ' 个工作日';
    }
    left.title = '时限 ' + (q.time_limit_days || '—') + ' 个工作日，已用 ' +
      q.working_days_used + ' 个';
    const open = el('td');
    const link = el('a', '办理');
    link.href = '#/app/' + q.uuid;
    link.className = 'open-app';
    open.append(link);
    tr.append(ref, el('td', q.item_name), st, el('td', fmtTime(q.received_at)),
      left, open);
    body.append(tr);
  }
  labelCells($('queue'));
}

$('queue-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  location.hash = '#/queue/' + encodeURIComponent($('queue-dept').value);
});

/* ---- the audit log (administrators) ---- */

async function showAudit(date) {
  const turn = ++shown;
  show('audit');
  const body = $('audit').tBodies[0];
  body.replaceChildren();
  const asked = $('audit-date').value;
  const r = await api('GET', '/api/console/audit' +
    (date ? '?date=' + encodeURIComponent(date) : ''));
  if (turn !== shown) return; /* a later view was asked for meanwhile */
  body.replaceChildren();
  if (r.status !== 200) {
    $('audit-empty').hidden = false;
    $('audit-empty').textContent = (r.data && r.data.message) || '无法查看操作记录。';
    return;
  }
  /* The day shown goes into the field, unless someone typed another
   * there while it loaded: that one is about to be asked for. */
  if ($('audit-date').value === asked) $('audit-date').value = r.data.date;
  $('audit-empty').hidden = r.data.entries.length > 0;
  $('audit-empty').textContent = '这一天没有操作记录。';
  for (const e of r.data.entries) {
    const tr = el('tr');
    const app = el('td');
    if (e.uuid) {
      const a = el('a', e.uuid.slice(0, 8) + '…');
      a.href = '#/app/' + e.uuid;
      a.title = e.uuid;
      app.append(a);
    }
    const pg = /^page (\d+)$/.exec(e.detail || '');
    const change = pg ? '看拍的材料（第' + (Number(pg[1]) + 1) + '张）'
      : (e.detail || '').split('->').map((c) => STATUS[c] || c).join(' → ');
    tr.append(el('td', fmtTime(e.at)), el('td', e.staff_id),
      el('td', ACTION[e.action] || e.action), app,
      el('td', e.item ? itemName(e.item) : '—'), el('td', change || '—'));
    body.append(tr);
  }
  labelCells($('audit'));
}

$('audit-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  location.hash = '#/audit/' + $('audit-date').value;
});

/* ---- staff accounts (administrators) ---- */

async function showStaff() {
  const turn = ++shown;
  show('staff');
  const body = $('staff').tBodies[0];
  body.replaceChildren();
  const r = await api('GET', '/api/console/staff');
  if (turn !== shown) return; /* a later view was asked for meanwhile */
  if (r.status !== 200) {
    body.append(el('tr'));
    body.rows[0].append(el('td', (r.data && r.data.message) || '无法查看账号。'));
    return;
  }
  const dsel = $('new-dept');
  if (!dsel.options.length) {
    dsel.append(el('option', '（不属于部门）'));
    dsel.options[0].value = '';
    for (const d of (depts && depts.departments) || []) {
      const o = el('option', d.name);
      o.value = d.id;
      dsel.append(o);
    }
  }
  for (const st of r.data.staff) {
    const tr = el('tr');
    tr.dataset.staff = st.id;
    tr.dataset.disabled = st.disabled ? '1' : '0';
    if (st.disabled) tr.className = 'disabled';
    const act = el('td');
    if (st.id !== me.id) {
      const b = el('button', st.disabled ? '启用' : '停用', st.disabled ? 'small' : 'small secondary');
      b.type = 'button';
      b.setAttribute('aria-label', (st.disabled ? '启用 ' : '停用 ') + st.name + '（' + st.id + '）');
      b.addEventListener('click', () => setDisabled(st, !st.disabled));
      act.append(b);
    }
    tr.append(el('td', st.id), el('td', st.name), el('td', ROLE[st.role] || st.role),
      el('td', st.department_name || '—'), el('td', st.supervisor ? '是（主管）' : '否'),
      el('td', st.disabled ? '已停用' : '正常'), act);
    body.append(tr);
  }
  labelCells($('staff'));
}

async function setDisabled(st, off) {
  if (off && !confirm('停用 ' + st.name + '（' + st.id + '）的账号？停用后马上不能登录。')) return;
  const r = await api('POST', '/api/console/staff/' + encodeURIComponent(st.id) + '/disabled',
    { disabled: off });
  await showStaff();
  $('staff-password').hidden = true;
  $('staff-msg').textContent = r.status === 200
    ? (off ? '已停用 ' : '已启用 ') + st.name + '（' + st.id + '）。'
    : (r.data && r.data.message) || '没有改成，请稍后再试。';
}

$('staff-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const body = {
    id: $('new-id').value.trim(), name: $('new-name').value.trim(),
    role: $('new-role').value, supervisor: $('new-supervisor').checked,
  };
  if ($('new-dept').value) body.department = $('new-dept').value;
  if ($('new-password').value) body.password = $('new-password').value;
  $('staff-msg').textContent = '';
  $('staff-password').hidden = true;
  const r = await api('POST', '/api/console/staff', body);
  if (r.status === 201) {
    $('staff-form').reset();
    await showStaff();
    $('staff-msg').textContent = '已添加 ' + r.data.name + '（' + r.data.id + '）。';
    if (r.data.password) {
      /* Shown this once only: the server keeps only its hash. */
      const p = $('staff-password');
      p.replaceChildren(document.createTextNode('初始密码：'),
        el('strong', r.data.password, 'pw'),
        document.createTextNode('　请现在抄下来交给本人，这个密码只显示这一次。'));
      p.hidden = false;
    }
  } else {
    $('staff-msg').textContent = (r.data && r.data.message && /[\u4e00-\u9fff]/.test(r.data.message))
      ? r.data.message : '没有添加成功：请检查工号（字母、数字）、姓名和密码（至少 8 个字）。';
  }
});

/* ---- devices ---- */

async function showDevices() {
  const turn = ++shown;
  show('devices');
  const r = await api('GET', '/api/console/devices');
  if (turn !== shown) return; /* a later view was asked for meanwhile */
  const body = $('devices').tBodies[0];
  body.replaceChildren();
  if (r.status !== 200) return;
  $('devices-empty').hidden = r.data.devices.length > 0;
  for (const d of r.data.devices) {
    const tr = el('tr');
    tr.dataset.device = d.device_id;
    tr.dataset.offline = d.offline ? '1' : '0';
    if (d.offline) tr.className = 'offline';
    const on = el('td');
    on.append(d.offline ? el('span', '离线', 'offline-badge') : el('span', '在线', 'online-badge'));
    if (d.offline) on.append(document.createTextNode(' ' + fmtAgo(d.seen_ago_s) + '没有心跳'));
    tr.append(el('td', d.device_id), on, el('td', fmtTime(d.last_seen)),
      el('td', d.content_version || '—'), el('td', d.outbox_depth),
      el('td', d.quarantined), el('td', fmtUptime(d.uptime_s)),
      el('td', (d.last_errors || []).join('；') || '无'));
    body.append(tr);
  }
  labelCells($('devices'));
  const mins = Math.round((r.data.offline_after_s || 900) / 60);
  $('devices-note').textContent = '超过 ' + mins + ' 分钟没有心跳的自助机显示为「离线」，请到现场查看（电源、网络）。';
}

/* How long ago, in plain words: 「25 分钟前」「3 小时前」「2 天前」. */
function fmtAgo(sec) {
  if (sec < 3600) return Math.max(1, Math.floor(sec / 60)) + ' 分钟';
  if (sec < 86400) return Math.floor(sec / 3600) + ' 小时';
  return Math.floor(sec / 86400) + ' 天';
}

$('print-btn').addEventListener('click', () => window.print());

/* ---- routing ---- */

async function route() {
  if (!(await whoami())) {
    show('login');
    return;
  }
  const h = location.hash;
  let m;
  if ((m = h.match(/^#\/app\/([0-9a-f-]{36})$/))) await showApp(m[1]);
  else if ((m = h.match(/^#\/search\/(.+)$/))) await showList(new URLSearchParams({ q: decodeURIComponent(m[1]) }));
  else if ((m = h.match(/^#\/list\?(.*)$/))) await showList(new URLSearchParams(m[1]));
  else if (h === '#/urgent') await showList('urgent');
  else if (h === '#/devices') await showDevices();
  else if (h === '#/staff') await showStaff();
  else if ((m = h.match(/^#\/queue(?:\/([a-z0-9_-]+))?$/))) await showQueue(m[1]);
  else if ((m = h.match(/^#\/audit(?:\/(\d{4}-\d\d-\d\d))?$/))) await showAudit(m[1]);
  else await showList(new URLSearchParams());
  document.body.dataset.ready = h || '#/today';
}

window.addEventListener('hashchange', route);
route();
