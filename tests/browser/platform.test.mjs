// Browser tests of the officials' platform: `zhijian demo` on a fresh store,
// Debian's chromium driven by playwright-core, run with `node --test`.
//
// ZHIJIAN_BIN names the binary (default ../../target/debug/zhijian), CHROMIUM
// the browser (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = process.env.ZHIJIAN_BIN || path.resolve(here, '../../target/debug/zhijian');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

let server;
let browser;
let base;
let dir;
const passwords = {};

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'zhijian-browser-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  server = spawn(bin, ['demo', '--db', `sqlite:${dir}/demo.db`, '--addr', `127.0.0.1:${port}`], {
    env: { ...process.env, HOME: dir },
  });
  let out = '';
  server.stderr.on('data', (d) => { out += d; });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start within 120 s:\n${out}`)), 120000);
    server.stdout.on('data', (d) => {
      out += d;
      if (out.includes('访问 open')) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.on('exit', (code) => reject(new Error(`demo exited with ${code}:\n${out}`)));
  });
  for (const line of out.split('\n')) {
    const m = line.match(/^\s{2}(\w+)\s+(\S+)\s/);
    if (m) passwords[m[1]] = m[2];
  }
  assert.ok(passwords.city && passwords.clerk, `accounts printed:\n${out}`);
  base = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  server?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A page logged in as `user`, failing the test on any request leaving the platform. */
async function loggedIn(user, t) {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const outside = [];
  page.on('request', (r) => { if (!r.url().startsWith(base)) outside.push(r.url()); });
  t.after(async () => {
    await context.close();
    assert.deepEqual(outside, [], 'every request stays on the platform (no CDN, no web fonts)');
  });
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', passwords[user]);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/`);
  return page;
}

/** The texts of one column of the page's data table, by header. */
async function column(page, header) {
  return page.$$eval('table.grid', (tables, header) => {
    const t = tables[tables.length - 1];
    const i = [...t.querySelectorAll('thead th')].findIndex((th) => th.textContent.trim() === header);
    if (i < 0) return null;
    return [...t.querySelectorAll('tbody tr')].map((tr) => tr.children[i]?.textContent.trim() ?? '');
  }, header);
}

test('a city official sees only the institutions of the city', async (t) => {
  const page = await loggedIn('city', t);
  await page.waitForSelector('#chart-cities canvas');
  await page.goto(`${base}/institutions?per_page=200`);
  const codes = await column(page, '地区代码');
  assert.ok(codes && codes.length > 0, 'the list has institutions');
  for (const c of codes) assert.match(c, /^4201/, `region ${c} belongs to the city 420100`);
  const admin = await loggedIn('admin', t);
  await admin.goto(`${base}/institutions?per_page=200`);
  const all = await column(admin, '地区代码');
  assert.ok(all.some((c) => !c.startsWith('4201')), 'other cities exist, so the filter is real');
});

test('a city official opens a finding and confirms it', async (t) => {
  const page = await loggedIn('city', t);
  await page.goto(`${base}/findings?status=open`);
  const link = page.locator('table.grid tbody tr td a[href^="/findings/"]').first();
  const href = await link.getAttribute('href');
  await link.click();
  await page.waitForURL(`${base}${href}`);
  assert.ok((await page.textContent('#evidence')).length > 2, 'the evidence is shown');
  assert.match(await page.textContent('main'), /法律依据/);
  await page.selectOption('select[name=status]', 'confirmed');
  await page.fill('textarea[name=reason]', '经核查属实（浏览器测试）');
  await page.click('#mark-submit');
  await page.waitForURL(`${base}${href}`);
  const statuses = await column(page, '处理状态');
  assert.equal(statuses[0], '属实');
  assert.match(await page.textContent('main'), /经核查属实（浏览器测试）/);
});

test('a city official exports the risk list as the screening workbook', async (t) => {
  const page = await loggedIn('city', t);
  await page.goto(`${base}/risk`);
  const ranks = await column(page, '风险排名');
  assert.ok(ranks.length > 0, 'the risk list has institutions');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const file = path.join(dir, 'risk.xlsx');
  await download.saveAs(file);
  const bytes = readFileSync(file);
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an xlsx (zip) file');
  for (const part of ['xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml', 'xl/worksheets/sheet3.xml']) {
    assert.ok(bytes.includes(Buffer.from(part)), `the workbook has ${part} (风险清单, 预警明细, 规则说明)`);
  }
});

test('an institution clerk cannot open another institution', async (t) => {
  const admin = await loggedIn('admin', t);
  await admin.goto(`${base}/institutions?per_page=200`);
  const ids = await column(admin, '机构编码');
  const clerk = await loggedIn('clerk', t);
  await clerk.goto(`${base}/institutions`);
  const own = await column(clerk, '机构编码');
  assert.equal(own.length, 1, 'the clerk sees one institution');
  const other = ids.find((id) => id !== own[0]);
  const response = await clerk.goto(`${base}/institutions/${other}`);
  assert.equal(response.status(), 404);
  assert.match(await clerk.textContent('#error-message'), /不在您的管辖范围内/);
  const own_page = await clerk.goto(`${base}/institutions/${own[0]}`);
  assert.equal(own_page.status(), 200);
  const findings = await clerk.goto(`${base}/findings`);
  assert.equal(findings.status(), 403, 'screening results are not for institutions');
});
