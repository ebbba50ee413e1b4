// Accord's browser tests: Playwright (playwright-core) driving Debian's Chromium against the
// release build, on a fresh SQLite database with the demo data. A wasm broken by
// optimisation fails here, because every scenario needs the page to hydrate.
//
// Run by scripts/test.sh; by hand: ACCORD_BIN=…/release/accord node end2end/run.mjs
// ACCORD_SCREENSHOTS=docs/screenshots also saves desktop and phone screenshots there.

import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';
import assert from 'node:assert/strict';

const root = resolve(new URL('..', import.meta.url).pathname);
const bin = process.env.ACCORD_BIN || join(process.env.HOME, '.cache/accord-target/release/accord');
const shots = process.env.ACCORD_SCREENSHOTS ? resolve(root, process.env.ACCORD_SCREENSHOTS) : null;
const PASSWORD = 'accord-demo';

function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); });
    s.on('error', fail);
  });
}

async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'accord-e2e-'));
  const port = await freePort();
  const env = {
    ...process.env,
    ACCORD_DATABASE_URL: `sqlite://${dir}/accord.db`,
    ACCORD_LISTEN: `127.0.0.1:${port}`,
    ACCORD_SITE_ROOT: join(root, 'target/site'),
    ACCORD_LOG: 'warn',
  };
  execFileSync(bin, ['demo'], { env, stdio: 'inherit' });
  const proc = spawn(bin, ['serve'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${base}/health`)).ok) return { base, proc, dir }; } catch { /* not yet */ }
    await new Promise(r => setTimeout(r, 100));
  }
  proc.kill();
  throw new Error('the server did not start');
}

const results = [];
async function scenario(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push([name, 'ok', Date.now() - t0]);
    console.log(`  ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    results.push([name, 'FAILED', Date.now() - t0]);
    console.log(`  FAIL ${name}\n${e.stack || e}`);
  }
}

/**
 * A page that fails the test on any uncaught error, console error, server error or missing
 * file. Refusals the tests provoke on purpose (422 invalid input, 409 conflict) are expected;
 * the browser logs those as "Failed to load resource", so that line is judged by its response.
 */
async function newPage(context, errors) {
  const page = await context.newPage();
  page.on('pageerror', e => errors.push(`pageerror: ${e.message}`));
  page.on('console', m => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(`console: ${m.text()}`);
  });
  page.on('response', r => {
    if (r.status() >= 500 || (r.status() === 404 && r.request().resourceType() !== 'document')) {
      errors.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    }
  });
  return page;
}

async function signIn(page, base, email) {
  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForURL(/\/tickets$/), page.click('button[type=submit]')]);
}

/** Waits until the page's wasm has hydrated: the requester list follows the customer. */
async function assertHydrated(page) {
  await page.selectOption('select[name="form[customer_id]"]', { label: 'Volga Retail' });
  await page.waitForFunction(
    () => document.querySelectorAll('select[name="form[requester_id]"] option').length > 1,
    null, { timeout: 15000 });
}

async function shoot(page, name) {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
}

const { base, proc, dir } = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-sync'],
});
const errors = [];
let ticketNumber = null;

try {
  console.log(`browser tests against ${base}`);
  const ctxA = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
  const a = await newPage(ctxA, errors);

  await scenario('sign in with the demo login', async () => {
    await a.goto(`${base}/tickets`);
    await a.waitForURL(/\/login/);
    await shoot(a, 'sign-in-desktop');
    await a.fill('input[name=email]', 'admin@accord.demo');
    await a.fill('input[name=password]', 'wrong password');
    await a.click('button[type=submit]');
    await a.waitForSelector('.notice.error');
    await signIn(a, base, 'admin@accord.demo');
    await a.waitForSelector('table.tickets tbody tr');
    assert.ok(await a.locator('table.tickets tbody tr').count() >= 50);
    await shoot(a, 'tickets-desktop');
  });

  await scenario('create a ticket (the form is live: it needs the wasm)', async () => {
    await a.click('a.newticket');
    await a.waitForURL(/\/tickets\/new/);
    await assertHydrated(a);
    await a.selectOption('select[name="form[requester_id]"]', { index: 1 });
    // Field-level message first: an empty title is refused by the server, nothing is lost.
    await a.fill('textarea[name="form[description]"]', 'Orders **stuck** since the update.');
    await a.evaluate(() => document.querySelector('input[name="form[title]"]').removeAttribute('required'));
    await a.click('main button[type=submit]');
    await a.waitForSelector('.field-error:has-text("Required")');
    assert.equal(await a.inputValue('textarea[name="form[description]"]'), 'Orders **stuck** since the update.');
    await a.fill('input[name="form[title]"]', 'E2E: checkout page hangs');
    await a.selectOption('select[name="form[priority]"]', 'urgent');
    await Promise.all([a.waitForURL(/\/tickets\/ACC-\d+$/), a.click('main button[type=submit]')]);
    ticketNumber = a.url().split('/').pop();
    await a.waitForSelector('h1:has-text("E2E: checkout page hangs")');
    assert.ok(await a.locator('.markdown strong:has-text("stuck")').count() === 1, 'markdown rendered');
  });

  await scenario('reply, add an internal note, see the history', async () => {
    await a.goto(`${base}/tickets/${ticketNumber}`);
    await a.fill('textarea[name="form[body]"]', 'We are on it. Log attached.');
    await a.setInputFiles('.comment-file', { name: 'checkout.log', mimeType: 'text/plain', buffer: Buffer.from('12:00 timeout\n') });
    await a.click('.comment-form button[type=submit]');
    await a.waitForSelector('li.comment.public:has-text("We are on it.") a:has-text("checkout.log")');
    assert.equal(await a.inputValue('textarea[name="form[body]"]'), '', 'the reply box is empty again');
    await a.click('.segmented label:has-text("Internal note")');
    await a.waitForSelector('.comment-form.internal');
    await a.fill('textarea[name="form[body]"]', 'Probably the payment provider.');
    await a.click('.comment-form button[type=submit]');
    await a.waitForSelector('li.comment.internal:has-text("Probably the payment provider.")');
    const history = await a.locator('ol.history').innerText();
    assert.match(history, /created the ticket/);
    assert.match(history, /replied to the customer/);
    assert.match(history, /added an internal note/);
    await shoot(a, 'ticket-desktop');
  });

  await scenario('change fields and see them in the history', async () => {
    await a.selectOption('select[name=status_id]', { label: 'In progress' });
    await a.click('form.props button[type=submit]');
    await a.waitForSelector('ol.history li:has-text("«In progress»")');
    await a.waitForSelector('.ticket-head .badge.status:has-text("In progress")');
  });

  await scenario('a stale edit shows who changed the ticket and keeps the input', async () => {
    const ctxB = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const b = await newPage(ctxB, errors);
    await signIn(b, base, 'maria@accord.demo');
    await b.goto(`${base}/tickets/${ticketNumber}`);
    await b.waitForSelector('form.props select[name=priority]');
    await a.goto(`${base}/tickets/${ticketNumber}`);
    await a.selectOption('select[name=priority]', 'low');
    await a.click('form.props button[type=submit]');
    await a.waitForSelector('ol.history li:has-text("«Low»")');
    // Maria still has the old version open.
    await b.selectOption('select[name=assignee_id]', { label: 'Ivan Petrov' });
    await b.click('form.props button[type=submit]');
    // Maria's profile is Swedish: the message names Alex in her language.
    await b.waitForSelector('.notice.conflict:has-text("Alex Admin ändrade ärendet under tiden")');
    assert.equal(await b.locator('select[name=assignee_id] option:checked').innerText(), 'Ivan Petrov');
    await b.click('.notice.conflict button:has-text("Spara min ändå")');
    await b.waitForSelector('ol.history li:has-text("«Ivan Petrov»")');
    await ctxB.close();
  });

  await scenario('the list filters, sorts and pages by URL', async () => {
    await a.goto(`${base}/tickets`);
    await a.waitForSelector('p.count');
    assert.match(await a.locator('p.count').innerText(), /^300|^30\d tickets$/);
    await a.fill('input[name=q]', 'printer');
    await a.locator('details:has(summary:text("Priority")) summary').click();
    await a.check('input[name=priority][value=urgent]');
    await Promise.all([a.waitForURL(/q=printer/), a.click('form.filters button[type=submit]')]);
    assert.match(a.url(), /priority=urgent/);
    const titles = await a.locator('table.tickets td.title').allInnerTexts();
    assert.ok(titles.length > 0 && titles.every(t => /printer/i.test(t)), titles.join(' | '));
    const prios = await a.locator('table.tickets .badge.prio').allInnerTexts();
    assert.ok(prios.every(p => p === 'Urgent'), prios.join(','));
    await shoot(a, 'tickets-filtered-desktop');
    // Sorting by a header keeps the filter; the bookmarkable URL reproduces the view.
    await Promise.all([a.waitForURL(/sort=title/), a.click('th a.sort:text("Title")')]);
    const url = a.url();
    assert.match(url, /q=printer/);
    const again = await newPage(ctxA, errors);
    await again.goto(url);
    assert.deepEqual(await again.locator('table.tickets td.title').allInnerTexts(), await a.locator('table.tickets td.title').allInnerTexts());
    await again.close();
    // Keyset paging: the next page continues where the first ended, without repeats.
    await a.goto(`${base}/tickets?sort=number&dir=asc`);
    const page1 = await a.locator('table.tickets td.num').allInnerTexts();
    await Promise.all([a.waitForURL(/after=/), a.click('a[rel=next]')]);
    const page2 = await a.locator('table.tickets td.num').allInnerTexts();
    assert.equal(page1.length, 50);
    assert.equal(Number(page2[0].slice(4)), Number(page1[49].slice(4)) + 1);
  });

  await scenario('bulk change: select tickets, set a priority', async () => {
    await a.goto(`${base}/tickets?q=printer&sort=number&dir=asc`);
    await a.waitForSelector('table.tickets td.pick input');
    const boxes = a.locator('table.tickets tbody td.pick input');
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await a.waitForSelector('.bulkbar:has-text("2 selected")');
    await a.selectOption('.bulkbar select[aria-label=Priority]', 'low');
    await a.click('.bulkbar button');
    await a.waitForSelector('.notice.ok:has-text("2 tickets updated")');
    const prios = await a.locator('table.tickets tbody tr').evaluateAll(rows => rows.slice(0, 2).map(r => r.querySelector('.badge.prio').innerText));
    assert.deepEqual(prios, ['Low', 'Low']);
    assert.equal(await a.locator('.bulkbar').count(), 0, 'the selection is cleared');
  });

  const card = (page, status) => page.locator(`${status ? `[data-status="${status}"] ` : ''}[data-card]:has-text("${ticketNumber}")`);
  const live = page => page.waitForSelector('.live.on', { timeout: 15000 });

  await scenario('board: drag a card with the mouse; it stays after a reload; another browser sees it live', async () => {
    const ctxB = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const b = await newPage(ctxB, errors);
    await signIn(b, base, 'maria@accord.demo');
    await b.goto(`${base}/board?q=checkout+hangs`);
    await live(b);
    await a.goto(`${base}/board`);
    await live(a);
    await shoot(a, 'board-desktop');
    await a.goto(`${base}/board?q=checkout+hangs`);
    await live(a);
    await card(a, 3).waitFor();
    const from = await card(a, 3).boundingBox();
    const to = await a.locator('[data-status="4"] .col-body').boundingBox();
    await a.mouse.move(from.x + from.width / 2, from.y + 12);
    await a.mouse.down();
    await a.mouse.move(from.x + from.width / 2 + 30, from.y + 30, { steps: 4 });
    await a.mouse.move(to.x + to.width / 2, to.y + 40, { steps: 12 });
    await a.waitForSelector('.bcard.ghost');
    await a.waitForSelector('[data-status="4"].over');
    await shoot(a, 'board-drag-desktop');
    await a.mouse.up();
    await card(a, 4).waitFor();
    assert.equal(await a.locator('.bcard.ghost').count(), 0, 'the lifted copy is gone');
    assert.equal(await a.locator('.board-notice').count(), 0, 'no refusal');
    // Maria's board follows without a reload.
    await card(b, 4).waitFor({ timeout: 5000 });
    assert.equal(await card(b, 3).count(), 0);
    await a.reload();
    await live(a);
    await card(a, 4).waitFor();
    // A click (no drag) still opens the ticket.
    await Promise.all([a.waitForURL(new RegExp(`/tickets/${ticketNumber}$`)), card(a, 4).locator('.bcard-title').click()]);
    await a.waitForSelector('.ticket-head .badge.status:has-text("Waiting for customer")');
    await ctxB.close();
  });

  await scenario('board: the keyboard picks up, moves and drops a card', async () => {
    await a.goto(`${base}/board?q=checkout+hangs`);
    await live(a);
    await card(a, 4).focus();
    await a.keyboard.press(' ');
    await a.waitForSelector('.bcard.held');
    await a.keyboard.press('ArrowRight');
    await a.waitForSelector('[data-status="5"].over');
    await a.keyboard.press(' ');
    await card(a, 5).waitFor();
    await a.waitForFunction(n => document.activeElement?.textContent.includes(n), ticketNumber);
    assert.match(await a.locator('[aria-live=assertive]').innerText(), /moved to Waiting for third party/);
    await a.reload();
    await card(a, 5).waitFor();
  });

  await scenario('board: a refused move goes back and says why', async () => {
    const ctxS = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const s = await newPage(ctxS, errors);
    // Sofia is an agent; the ticket is Ivan's, so she may not move it. Her profile is Swedish.
    await signIn(s, base, 'sofia@accord.demo');
    await s.goto(`${base}/board?q=checkout+hangs`);
    await live(s);
    const from = await card(s, 5).boundingBox();
    const to = await s.locator('[data-status="3"] .col-body').boundingBox();
    await s.mouse.move(from.x + 40, from.y + 12);
    await s.mouse.down();
    await s.mouse.move(to.x + to.width / 2, to.y + 40, { steps: 12 });
    await s.mouse.up();
    await s.waitForSelector('.board-notice:has-text("flyttades inte")');
    assert.match(await s.locator('.board-notice').innerText(), /bara den tilldelade eller en chef/);
    await card(s, 5).waitFor();
    assert.equal(await card(s, 3).count(), 0, 'rolled back');
    await s.reload();
    await card(s, 5).waitFor();
    await ctxS.close();
  });

  await scenario('board on a phone: long-press, drag to the next column, it stays', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const p = await newPage(phone, errors);
    await signIn(p, base, 'admin@accord.demo');
    await p.goto(`${base}/board`);
    await live(p);
    await shoot(p, 'board-phone');
    const w = await p.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w <= 390, `board page is ${w}px wide on a 390px phone`);
    await p.goto(`${base}/board?q=checkout+hangs&status=5,6`);
    await live(p);
    await card(p, 5).scrollIntoViewIfNeeded();
    const box = await card(p, 5).boundingBox();
    const cdp = await phone.newCDPSession(p);
    const touch = (type, x, y) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
    const [x0, y0] = [box.x + box.width / 2, box.y + box.height / 2];
    await touch('touchStart', x0, y0);
    await p.waitForTimeout(600);
    await p.waitForSelector('.board.dragging');
    for (let i = 1; i <= 12; i++) {
      await touch('touchMove', x0 + (372 - x0) * i / 12, y0 + 10 * i / 12);
      await p.waitForTimeout(25);
    }
    await p.waitForSelector('[data-status="6"].over');
    await shoot(p, 'board-drag-phone');
    await touch('touchEnd');
    await card(p, 6).waitFor();
    assert.equal(await p.locator('.board-notice').count(), 0, 'no refusal');
    await p.reload();
    await card(p, 6).waitFor();
    await phone.close();
  });

  await scenario('customers: create one, add a contact', async () => {
    await a.goto(`${base}/customers`);
    await a.fill('input[name="form[name]"]', 'Fjord Energy');
    await a.fill('input[name="form[timezone]"]', 'Mars/Base');
    await a.click('button:has-text("Create")');
    await a.waitForSelector('.field-error:has-text("Not a known timezone")');
    await a.fill('input[name="form[timezone]"]', 'Europe/Oslo');
    await Promise.all([a.waitForURL(/\/customers\/\d+$/), a.click('button:has-text("Create")')]);
    await a.fill('input[name="form[name]"]', 'Nora Fjell');
    await a.fill('input[name="form[email]"]', 'nora@fjord.example');
    await a.click('button:has-text("Add contact")');
    await a.waitForSelector('.contacts li:has-text("nora@fjord.example")');
    await a.goto(`${base}/customers/1`);
    await a.waitForSelector('h2:has-text("Contacts")');
    await shoot(a, 'customer-desktop');
  });

  await scenario('SLA: a calendar is refused field by field, then saved with a due-time preview', async () => {
    await a.goto(`${base}/admin/calendars`);
    await a.waitForSelector('table.list tbody tr:has-text("Stockholm office")');
    await a.fill('input[name="form[name]"]', 'Oslo office');
    await a.fill('input[name="form[timezone]"]', 'Europe/Oslo');
    await a.fill('input[name="form[mon]"]', '08:00-25:00');
    await a.fill('input[name="form[tue]"]', '12:00-08:00');
    await a.fill('textarea[name="form[holidays]"]', '2026-12-24 Julaften\n12-25 Juledag\nnot a date');
    await a.click('button:has-text("Create")');
    await a.waitForSelector('label.day:has-text("Monday") .field-error:has-text("25:00")');
    await a.waitForSelector('label.day:has-text("Tuesday") .field-error:has-text("end after")');
    await a.waitForSelector('.field-error:has-text("Line 3")');
    assert.equal(await a.inputValue('input[name="form[name]"]'), 'Oslo office', 'the input is kept');
    await a.fill('input[name="form[mon]"]', '08:00-12:00, 12:30-16:00');
    await a.fill('input[name="form[tue]"]', '08:00-16:00');
    await a.fill('textarea[name="form[holidays]"]', '2026-12-24 Julaften\n12-25 Juledag');
    await Promise.all([a.waitForURL(/\/admin\/calendars\/\d+$/), a.click('button:has-text("Create")')]);
    const preview = a.locator('[data-testid=preview]');
    await preview.waitFor();
    assert.match(await preview.innerText(), /4-hour target started now .* is due/s);
    assert.match(await preview.innerText(), /Europe\/Oslo/);
    await shoot(a, 'calendar-desktop');
  });

  await scenario('SLA: a policy on that calendar, chosen for a customer; the ticket shows its clocks', async () => {
    await a.goto(`${base}/admin/policies`);
    await a.waitForSelector('table.list tbody tr:has-text("Standard")');
    await a.fill('input[name="form[name]"]', 'Nordic business');
    await a.selectOption('select[name="form[calendar_id]"]', { label: 'Oslo office' });
    await a.fill('input[name="form[urgent_first]"]', 'soon');
    await a.click('button:has-text("Create")');
    await a.waitForSelector('.field-error:has-text("Not a duration")');
    await a.fill('input[name="form[urgent_first]"]', '30m');
    await Promise.all([a.waitForURL(/\/admin\/policies\/\d+$/), a.click('button:has-text("Create")')]);
    await a.waitForSelector('h1:has-text("Nordic business")');
    assert.equal(await a.inputValue('input[name="form[urgent_first]"]'), '30m');
    await shoot(a, 'policy-desktop');
    // Nordhavn Logistics follows the corporate default until it gets the new policy.
    await a.goto(`${base}/customers/1`);
    await a.selectOption('select[name=policy_id]', { label: 'Nordic business' });
    await a.click('form:has(select[name=policy_id]) button:has-text("Save")');
    await a.waitForSelector('form:has(select[name=policy_id]) .ok');
    await a.goto(`${base}/admin/policies`);
    await a.waitForSelector('table.list tbody tr:has-text("Nordic business") td.n:has-text("1")');
    await a.goto(`${base}/tickets/${ticketNumber}`);
    const sla = a.locator('[data-testid=sla]');
    await sla.locator('li[data-target=first_response]').waitFor();
    await sla.locator('li[data-target=resolution]').waitFor();
    await shoot(a, 'ticket-sla-desktop');
    // Nordhavn's open tickets switch terms in the background: their timeline and history say so.
    // (Hosting tickets keep the 24×7 policy of their service, which beats the customer's.)
    const open = await (await a.request.get(`${base}/api/v1/tickets?customer=1&status=1,2,3`)).json();
    let switched = null;
    for (const item of open.items) {
      const t = await (await a.request.get(`${base}/api/v1/tickets/${item.number}`)).json();
      if (!t.service || t.service[1] !== 'Hosting') { switched = item.number; break; }
    }
    let found = false;
    for (let i = 0; i < 20 && !found; i++) {
      await a.goto(`${base}/tickets/${switched}`);
      found = await a.locator('[data-testid=sla-switches]').count() > 0;
      if (!found) await a.waitForTimeout(500);
    }
    assert.ok(found, `no switch of terms shown on ${switched}`);
    const explain = a.locator('[data-testid=sla-explain]');
    await explain.evaluate(d => { d.open = true; });
    assert.match(await explain.locator('[data-testid=sla-switches]').innerText(), /Standard version 1 .*to Nordic business version 1/s);
    assert.match(await a.locator('ol.history').innerText(), /SLA terms switched from Standard version 1/);
    await explain.locator('[data-testid=sla-switches]').scrollIntoViewIfNeeded();
    await shoot(a, 'ticket-sla-terms-desktop');
  });

  await scenario('SLA countdown: agrees with the server\'s due instant, turns amber then red as time moves', async () => {
    // The browser's clock is Playwright's: it starts at the real time and is moved by hand.
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
    const p = await newPage(ctx, errors);
    await p.clock.install({ time: new Date() });
    await signIn(p, base, 'admin@accord.demo');
    const customers = await (await p.request.get(`${base}/api/v1/customers`)).json();
    const kastrup = customers.find(c => /Kastrup/.test(c.name));
    // Premium 24×7: an urgent ticket's first response is due in 15 minutes, warned at 12.
    const created = await p.request.post(`${base}/api/v1/tickets`, {
      headers: { Origin: base },
      data: { customer_id: String(kastrup.id), title: 'Countdown check: ward printer offline', description: '', priority: 'urgent', assignee_id: '' },
    });
    assert.equal(created.status(), 201, await created.text());
    const { number } = await created.json();
    const view = await (await p.request.get(`${base}/api/v1/tickets/${number}`)).json();
    const first = view.sla.clocks.find(c => c.target === 'first_response');
    const due = new Date(first.due.iso).getTime();
    await p.goto(`${base}/tickets?q=countdown`);
    const cd = p.locator('tr:has-text("Countdown check") [data-testid=countdown]');
    await cd.waitFor();
    assert.equal(new Date(await cd.getAttribute('data-due')).getTime(), due, 'the page shows the server\'s due instant');
    assert.equal(await cd.getAttribute('data-urgency'), 'normal');
    assert.match(await cd.innerText(), /1[45]m left/);
    const at = async (ms, urgency, text) => {
      await p.clock.setSystemTime(new Date(ms));
      await p.clock.runFor(1100);
      await p.waitForFunction(u => [...document.querySelectorAll('tr')].find(r => r.innerText.includes('Countdown check'))
        ?.querySelector('[data-testid=countdown]')?.dataset.urgency === u, urgency, { timeout: 5000 });
      assert.match(await cd.innerText(), text);
    };
    await at(due - 2 * 60 * 1000, 'warning', /[12]m left/);
    await shoot(p, 'tickets-sla-desktop');
    await at(due + 5 * 60 * 1000, 'breached', /[45]m overdue/);
    // The ticket page counts the same clock.
    await p.goto(`${base}/tickets/${number}`);
    const live = p.locator('[data-testid=sla] li[data-target=first_response] [data-testid=countdown]');
    await live.waitFor();
    await p.clock.runFor(1100);
    await p.waitForFunction(() => document.querySelector('[data-testid=sla] li[data-target=first_response] [data-testid=countdown]')?.dataset.urgency === 'breached', null, { timeout: 5000 });
    // Why: the rule and the first response's one running stretch.
    const explain = p.locator('[data-testid=sla-explain]');
    await explain.evaluate(d => { d.open = true; });
    await explain.locator('.timeline-clock[data-target=first_response] li').first().waitFor();
    assert.match(await explain.innerText(), /Premium 24×7 \(version \d+\)/);
    assert.equal(await explain.locator('.timeline-clock[data-target=first_response] li.running').count(), 1, await explain.innerHTML());
    await shoot(p, 'ticket-sla-live-desktop');
    // The board's card too, on a phone.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const q = await newPage(phone, errors);
    await q.clock.install({ time: new Date(due - 2 * 60 * 1000) });
    // Maria manages the desk: unassigned tickets' alerts reach her (in Swedish).
    await signIn(q, base, 'maria@accord.demo');
    await q.goto(`${base}/tickets?q=countdown`);
    await q.locator('[data-testid=countdown][data-urgency=warning]').first().waitFor();
    await shoot(q, 'tickets-sla-phone');
    await q.goto(`${base}/board?q=countdown`);
    await q.locator('.bcard [data-testid=countdown][data-urgency=warning]').first().waitFor();
    await shoot(q, 'board-sla-phone');
    await q.goto(`${base}/tickets/${number}`);
    await q.locator('[data-testid=sla] [data-testid=countdown][data-urgency=warning]').first().waitFor();
    await q.locator('[data-testid=sla-explain]').evaluate(d => { d.open = true; });
    await q.locator('[data-testid=sla]').scrollIntoViewIfNeeded();
    await shoot(q, 'ticket-sla-phone');
    await q.goto(`${base}/notifications`);
    await q.waitForSelector('main h1');
    await shoot(q, 'notifications-phone');
    const w = await q.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w <= 390, `notifications page is ${w}px wide`);
    await phone.close();
    await p.goto(`${base}/board?q=countdown`);
    await p.locator('.bcard [data-testid=countdown][data-urgency=breached]').first().waitFor();
    await shoot(p, 'board-sla-desktop');
    await ctx.close();
    const mc = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
    const m = await newPage(mc, errors);
    await signIn(m, base, 'maria@accord.demo');
    await m.goto(`${base}/notifications`);
    await m.waitForSelector('main h1');
    await shoot(m, 'notifications-desktop');
    // The desk's open tickets, most urgent first: red, amber and normal countdowns side by side.
    await m.goto(`${base}/tickets?status=1,2,3,4,5&sort=due`);
    await m.locator('[data-testid=countdown][data-urgency=breached]').first().waitFor();
    await shoot(m, 'tickets-due-desktop');
    await mc.close();
  });

  await scenario('pages loaded in parallel all hydrate', async () => {
    const pages = await Promise.all(Array.from({ length: 6 }, () => newPage(ctxA, errors)));
    await Promise.all(pages.map(p => p.goto(`${base}/tickets/new`)));
    await Promise.all(pages.map(p => assertHydrated(p)));
    for (const p of pages) await p.close();
  });

  await scenario('service catalog: create a service; one in use is refused deletion and deactivated instead', async () => {
    await a.goto(`${base}/admin/services`);
    await a.waitForSelector('table[data-testid=services] tbody tr');
    assert.ok(await a.locator('table[data-testid=services] tr:has-text("Hosting")').count() === 1);
    await shoot(a, 'services-desktop');
    await a.fill('input[name="form[name]"]', 'Database tuning');
    await a.fill('input[name="form[category]"]', 'Professional services');
    await a.fill('textarea[name="form[description]"]', 'Query reviews and index advice.');
    await Promise.all([a.waitForURL(/\/admin\/services\/\d+$/), a.click('main button[type=submit]')]);
    await a.waitForSelector('h1:has-text("Database tuning")');
    // Hosting is named by demo tickets: deleting it is refused, with why and a way out.
    await a.goto(`${base}/admin/services`);
    await Promise.all([a.waitForURL(/\/admin\/services\/\d+$/), a.click('table[data-testid=services] a:has-text("Hosting")')]);
    await a.waitForSelector('h1:has-text("Hosting")');
    await a.click('[data-testid=delete-service]');
    const refusal = a.locator('[data-testid=delete-refused]');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /cannot be deleted/);
    await shoot(a, 'service-refused-desktop');
    await refusal.locator('button').click();
    await a.waitForSelector('h1 .badge:text-is("Deactivated")');
    // Inactive: not offered on a new ticket; active again, it is.
    await a.goto(`${base}/tickets/new`);
    await assertHydrated(a);
    assert.equal(await a.locator('select[name="form[service_id]"] option:has-text("Hosting")').count(), 0);
    await a.goBack();
    await a.waitForSelector('h1:has-text("Hosting")');
    await a.click('[data-testid=toggle-service]');
    await a.waitForSelector('h1 .badge:text-is("Active")');
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const p = await newPage(phone, errors);
    await signIn(p, base, 'admin@accord.demo');
    await p.goto(`${base}/admin/services`);
    await p.waitForSelector('table[data-testid=services] tbody tr');
    await shoot(p, 'services-phone');
    const w = await p.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w <= 390, `services page is ${w}px wide`);
    await p.click('table[data-testid=services] a:has-text("Hosting")');
    await p.waitForSelector('h1:has-text("Hosting")');
    await p.click('[data-testid=delete-service]');
    await p.locator('[data-testid=delete-refused]').waitFor();
    await p.locator('[data-testid=service-lifecycle]').scrollIntoViewIfNeeded();
    await shoot(p, 'service-refused-phone');
    const w2 = await p.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w2 <= 390, `service page is ${w2}px wide`);
    await phone.close();
  });

  await scenario('agreements: create one in the form, copy it, end it; the list filters', async () => {
    await a.goto(`${base}/agreements`);
    await a.waitForSelector('table[data-testid=agreements] tbody tr');
    assert.ok(await a.locator('table[data-testid=agreements] tr:has-text("Managed operations")').count() >= 3, 'the demo agreements');
    await shoot(a, 'agreements-desktop');
    await a.click('a:has-text("New agreement")');
    await a.waitForURL(/\/agreements\/new/);
    await a.waitForSelector('select[name="form[customer_id]"]');
    await a.selectOption('select[name="form[customer_id]"]', { label: 'Volga Retail' });
    // The contacts follow the customer (needs the wasm).
    await a.waitForSelector('input[name^="form[contacts]"]');
    await a.fill('input[name="form[title]"]', 'Warehouse scanners');
    await a.fill('input[name="form[starts_on]"]', '2026-01-01');
    await a.fill('input[name="form[ends_on]"]', '2026-12-31');
    const row = a.locator('.terms-form tr:has-text("Retail POS support")');
    await row.locator('input[type=checkbox]').check();
    await row.locator('input[name$="[hourly_rate]"]').fill('950');
    await a.locator('input[name^="form[contacts]"]').first().check();
    // A rate without a currency is refused; then Volga's open-ended POS support agreement is
    // named as covering the same service: saved once confirmed.
    await a.click('main button:has-text("Create")');
    await a.waitForSelector('[data-testid=service-errors] .field-error:has-text("Required")');
    await row.locator('input[name$="[currency]"]').fill('SEK');
    await a.click('main button:has-text("Create")');
    await a.waitForSelector('[data-testid=service-errors] .field-error:has-text("AGR-")');
    await shoot(a, 'agreement-overlap-desktop');
    await a.check('input[name="form[confirm_overlap]"]');
    await Promise.all([a.waitForURL(/\/agreements\/\d+$/), a.click('main button:has-text("Create")')]);
    await a.waitForSelector('h1:has-text("Warehouse scanners") .badge:has-text("Active")');
    assert.match(await a.locator('table[data-testid=terms]').innerText(), /950\.00 SEK/);
    // New agreement from this one, for next year.
    await a.click('[data-testid=copy-dialog] summary');
    const dialog = a.locator('[data-testid=copy-dialog]');
    await dialog.locator('input[name=title]').fill('Warehouse scanners 2027');
    await dialog.locator('input[name=starts_on]').fill('2027-01-01');
    await dialog.locator('input[name=ends_on]').fill('2027-12-31');
    await shoot(a, 'agreement-copy-desktop');
    await dialog.locator('button[type=submit]').click();
    await dialog.locator('input[name=confirm_overlap]').check();
    const here = a.url();
    await Promise.all([a.waitForURL(u => u.toString() !== here), dialog.locator('button[type=submit]').click()]);
    await a.waitForSelector('h1:has-text("Warehouse scanners 2027") .badge:has-text("Planned")');
    assert.match(await a.locator('table[data-testid=terms]').innerText(), /950\.00 SEK/);
    await a.click('dd a:has-text("AGR-")');
    await a.waitForSelector('h1:has-text("Warehouse scanners") .badge:has-text("Active")');
    // Ended by hand with a reason: a last day in the past expires it at once.
    const extend = a.locator('.change-form[data-action=extend]');
    await extend.locator('input[name=ends_on]').fill('2026-11-30');
    await extend.locator('input[name=reason]').fill('Scanners replaced');
    await extend.locator('button').click();
    await a.waitForSelector('h1 .badge:has-text("Expired")');
    assert.match(await a.locator('[data-testid=agreement-history]').innerText(), /Scanners replaced/);
    await shoot(a, 'agreement-desktop');
    await a.goto(`${base}/agreements?status=expired`);
    await a.waitForSelector('table[data-testid=agreements] tr:has-text("Warehouse scanners")');
    assert.equal(await a.locator('table[data-testid=agreements] tr:has-text("Warehouse scanners 2027")').count(), 0);
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const p = await newPage(phone, errors);
    await signIn(p, base, 'admin@accord.demo');
    await p.goto(`${base}/agreements`);
    await p.waitForSelector('table[data-testid=agreements] tbody tr');
    await shoot(p, 'agreements-phone');
    assert.ok(await p.evaluate(() => document.documentElement.scrollWidth) <= 390, 'agreements list fits');
    await p.click('table[data-testid=agreements] a:has-text("Managed operations")');
    await p.waitForSelector('h1 .badge');
    await shoot(p, 'agreement-phone');
    assert.ok(await p.evaluate(() => document.documentElement.scrollWidth) <= 390, 'agreement page fits');
    await p.locator('[data-testid=copy-dialog] summary').click();
    await p.locator('[data-testid=copy-dialog]').scrollIntoViewIfNeeded();
    await shoot(p, 'agreement-copy-phone');
    await phone.close();
  });

  await scenario('agreements decide: an uncovered request is refused with who to ask; an agent overrides with a reason', async () => {
    await a.goto(`${base}/tickets/new`);
    await assertHydrated(a);
    // Volga's agreement covers POS support and consulting, not hosting: said before sending.
    await a.selectOption('select[name="form[service_id]"]', { label: 'Hosting' });
    const refused = a.locator('[data-testid=coverage].refused');
    await refused.waitFor();
    assert.match(await refused.innerText(), /No active agreement of Volga Retail covers this request\. Contact Maria Manager/);
    await a.fill('input[name="form[title]"]', 'E2E: host the loyalty site');
    await shoot(a, 'ticket-refused-desktop');
    // Sent without a reason: the server refuses it too, saying why and who to ask.
    await a.click('main button[type=submit]');
    await a.waitForSelector('.field-error:has-text("No active agreement of this customer")');
    assert.equal(await a.inputValue('input[name="form[title]"]'), 'E2E: host the loyalty site', 'nothing typed is lost');
    await a.fill('textarea[name="form[override_reason]"]', 'Pilot agreed by phone');
    await Promise.all([a.waitForURL(/\/tickets\/ACC-\d+$/), a.click('main button[type=submit]')]);
    await a.waitForSelector('h1:has-text("E2E: host the loyalty site")');
    assert.match(await a.locator('ol.history').innerText(), /opened without an agreement that covers it: Pilot agreed by phone/);
    // A covered service: the form names the agreement, and so does the ticket.
    await a.goto(`${base}/tickets/new`);
    await assertHydrated(a);
    await a.selectOption('select[name="form[service_id]"]', { label: 'Retail POS support' });
    await a.waitForSelector('[data-testid=coverage].ok:has-text("POS support")');
    await a.fill('input[name="form[title]"]', 'E2E: till freezes at closing');
    await Promise.all([a.waitForURL(/\/tickets\/ACC-\d+$/), a.click('main button[type=submit]')]);
    await a.waitForSelector('[data-testid=ticket-agreement] a:has-text("POS support")');
    // The agreement page lists its tickets (and the SLA compliance of their clocks).
    await a.click('[data-testid=ticket-agreement] a');
    await a.waitForSelector('table[data-testid=agreement-tickets] tr:has-text("E2E: till freezes at closing")');
    await shoot(a, 'agreement-tickets-desktop');
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const p = await newPage(phone, errors);
    await signIn(p, base, 'admin@accord.demo');
    await p.goto(`${base}/tickets/new`);
    await assertHydrated(p);
    await p.selectOption('select[name="form[service_id]"]', { label: 'Hosting' });
    await p.locator('[data-testid=coverage].refused').scrollIntoViewIfNeeded();
    await shoot(p, 'ticket-refused-phone');
    assert.ok(await p.evaluate(() => document.documentElement.scrollWidth) <= 390, 'the new-ticket form fits');
    await p.goto(a.url());
    await p.locator('table[data-testid=agreement-tickets]').scrollIntoViewIfNeeded();
    await shoot(p, 'agreement-tickets-phone');
    assert.ok(await p.evaluate(() => document.documentElement.scrollWidth) <= 390, 'the agreement page fits');
    await phone.close();
  });

  await scenario('a phone sees cards, not a squeezed table', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const p = await newPage(phone, errors);
    await p.goto(`${base}/login`);
    await shoot(p, 'sign-in-phone');
    await signIn(p, base, 'sofia@accord.demo');
    // Sofia's profile is Swedish.
    await p.waitForSelector('h1:has-text("Ärenden")');
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `page is ${width}px wide on a 390px phone`);
    await shoot(p, 'tickets-phone');
    await p.goto(`${base}/tickets/${ticketNumber}`);
    await p.waitForSelector('h2:has-text("Konversation")');
    await shoot(p, 'ticket-phone');
    const w2 = await p.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w2 <= 390, `ticket page is ${w2}px wide`);
    await p.goto(`${base}/customers/1`);
    await p.waitForSelector('h2:has-text("Kontakter")');
    await shoot(p, 'customer-phone');
    const w3 = await p.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w3 <= 390, `customer page is ${w3}px wide`);
    for (const [path, name] of [['/admin/calendars/1', 'calendar-phone'], ['/admin/policies/1', 'policy-phone']]) {
      await p.goto(`${base}${path}`);
      await p.waitForSelector('main h1');
      await shoot(p, name);
      const w = await p.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(w <= 390, `${path} is ${w}px wide`);
    }
    await phone.close();
  });

  await scenario('no errors in the browser console', async () => {
    assert.deepEqual(errors, []);
  });
} finally {
  await browser.close();
  proc.kill();
  rmSync(dir, { recursive: true, force: true });
}

const failed = results.filter(r => r[1] !== 'ok');
console.log(`${results.length - failed.length} of ${results.length} browser scenarios passed`);
process.exit(failed.length ? 1 : 0);
