// Browser tests of the lab in exercises (static/js/lab.js and the lab's
// WebAssembly module) on a site built by `cargo xtask build`, tried as a
// new reader would: the acceptance list of the lab issue.
//
//   cd tests/browser && TOKENBOOK_SITE=/abs/path/public node --test lab.test.mjs
//
// Each test opens its own browser context; the browser and the HTTP server
// (the site under /course/) are shared. Every request a page makes is
// logged, and must go to the site's own origin: the simulated hosts are
// never fetched.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { DESKTOP, listing, useSite, withBrowserContext } from './site.mjs';

/** A lesson with exercises, and the exercise whose start is a correct token request. */
const LESSON = '06-scopes-and-audiences/index.html';
const EXERCISE = 'scope-read-only';
const READY_TIMEOUT = 10_000;
const BASIC = 'Basic YmlsbGluZy1zZXJ2aWNlOkZBS0Utc2VjcmV0LWZvci10aGUtY291cnNlLW9ubHk=';

const course = useSite({
  setup: ({ dir }) => {
    assert.ok(fs.existsSync(path.join(dir, 'wasm/tokenbook_lab_wasm_bg.wasm')), 'the site has the lab module');
  },
});

/** Runs `fn(page, requests, problems)` on a fresh page of a new context. */
function withPage(options, fn) {
  return withBrowserContext(course.browser, { viewport: DESKTOP, ...options }, async (context, problems) => {
    const requests = [];
    context.on('request', (request) => requests.push(request.url()));
    const page = await context.newPage();
    return fn(page, requests, problems);
  });
}

async function open(page, rel = LESSON, hash = '') {
  await page.goto(`${course.server.url}${rel}${hash}`);
  await page.waitForFunction(() => document.documentElement.dataset.labReady === 'true', null, { timeout: READY_TIMEOUT });
}

/** The lab panel of exercise `id`: its parts, and ways to press its buttons and send. */
function lab(page, id = EXERCISE) {
  const section = page.locator(`#exercise-${id}`);
  const request = section.getByRole('textbox', { name: 'Request', exact: true });
  const response = section.getByRole('status', { name: 'Response' });
  /** Clicks a button and waits until the lab has done what it does (`data-lab-actions`). */
  async function press(name) {
    const before = Number((await section.getAttribute('data-lab-actions')) ?? 0);
    await section.getByRole('button', { name, exact: true }).click();
    await page.waitForFunction(({ sel, n }) => Number(document.querySelector(sel).dataset.labActions ?? 0) > n, { sel: `#exercise-${id}`, n: before });
  }
  return {
    section,
    request,
    response,
    press,
    why: section.locator('.lab-why'),
    async send(text) {
      if (text !== undefined) await request.fill(text);
      await press('Send');
      return response.textContent();
    },
    async edit(change) {
      await request.fill(change(await request.inputValue()));
    },
  };
}

const tokenOf = (text) => JSON.parse(text.slice(text.indexOf('\n\n') + 2)).access_token;

function onlyOwnOrigin(requests) {
  const foreign = requests.filter((url) => !url.startsWith(course.server.origin));
  assert.deepEqual(foreign, [], listing('requests to other origins', foreign));
}

test('the acceptance list: token, repeated grant_type, wrong secret, ledger:admin, API 200, 403, expiry', async () => {
  await withPage({}, async (page, requests, problems) => {
    await open(page);
    const l = lab(page);
    // The lab's module, and the playground's, whose token operations it borrows.
    const fetched = (name) => requests.some((url) => url.endsWith(`/wasm/${name}_bg.wasm`));
    const fetchedModule = () => fetched('tokenbook_lab_wasm') && fetched('tokenbook_wasm');
    assert.ok(!fetched('tokenbook_lab_wasm') && !fetched('tokenbook_wasm'), 'the lab module and the playground module it borrows from are fetched on first use, not with the page');
    assert.match(await l.section.locator('.lab-clock').textContent(), /starts with the first request/);
    // The prefilled request gets an at+jwt.
    const ok = await l.send();
    assert.ok(fetchedModule(), 'sending fetched the lab module and the playground module');
    assert.match(ok, /^HTTP\/1\.1 200 OK\n/);
    assert.match(ok, /Cache-Control: no-store/);
    const token = tokenOf(ok);
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url'));
    assert.equal(header.typ, 'at+jwt');
    assert.match(await l.why.textContent(), /RFC 9068 §2/);

    await l.edit((t) => `${t}&grant_type=client_credentials`);
    assert.match(await l.send(), /^HTTP\/1\.1 400 Bad Request[\s\S]*"error": "invalid_request"/);
    assert.match(await l.why.textContent(), /RFC 6749 §3\.2/);

    // The helper builds the Basic header from what is typed beside it.
    await l.request.fill(`POST /oauth2/token HTTP/1.1\nHost: auth.example.com\nAuthorization: ${BASIC}\nContent-Type: application/x-www-form-urlencoded\n\ngrant_type=client_credentials`);
    await l.section.locator('summary', { hasText: 'Helpers' }).click();
    await l.section.getByLabel('Client secret').fill('FAKE-wrong-secret');
    await l.press('Build Basic header');
    const wrong = await l.send();
    assert.match(wrong, /^HTTP\/1\.1 401 Unauthorized\n/);
    assert.match(wrong, /\nWWW-Authenticate: Basic realm="auth\.example\.com"\n/);
    assert.match(wrong, /"error": "invalid_client"/);

    const admin = await l.send(`POST /oauth2/token HTTP/1.1\nHost: auth.example.com\nAuthorization: ${BASIC}\nContent-Type: application/x-www-form-urlencoded\n\ngrant_type=client_credentials&scope=ledger%3Aadmin`);
    assert.match(admin, /"error": "invalid_scope"/);

    // A read-only token, copied into an API request by the helper.
    await l.send(`POST /oauth2/token HTTP/1.1\nHost: auth.example.com\nAuthorization: ${BASIC}\nContent-Type: application/x-www-form-urlencoded\n\ngrant_type=client_credentials&scope=ledger%3Aread`);
    await l.request.fill('GET /ledger/entries HTTP/1.1\nHost: ledger.example.com');
    await l.press('Copy the last token into the request');
    assert.match(await l.request.inputValue(), /^GET \/ledger\/entries HTTP\/1\.1\nHost: ledger\.example\.com\nAuthorization: Bearer eyJ/);
    assert.match(await l.send(), /^HTTP\/1\.1 200 OK/);
    await l.edit((t) => t.replace(/^GET/, 'POST'));
    const forbidden = await l.send();
    assert.match(forbidden, /^HTTP\/1\.1 403 Forbidden\nWWW-Authenticate: Bearer realm="ledger", error="insufficient_scope", scope="ledger:write"/);

    // Past exp and the leeway.
    await l.edit((t) => t.replace(/^POST/, 'GET'));
    await l.press('Clock +5 min');
    await l.press('Clock +5 min');
    await l.press('Clock +5 min');
    assert.match(await l.section.locator('.lab-clock').textContent(), /\(\+900 s\)/);
    const expired = await l.send();
    assert.match(expired, /^HTTP\/1\.1 401 Unauthorized\nWWW-Authenticate: Bearer realm="ledger", error="invalid_token"/);
    assert.match(await l.why.textContent(), /expiry check failed/);

    onlyOwnOrigin(requests);
    assert.deepEqual(problems, [], listing('problems', problems));
  });
});

test('a federated workload (lesson 10): the cluster token for the wrong audience is refused, the one for auth.example.com is accepted, and the ledger answers', async () => {
  await withPage({}, async (page, requests, problems) => {
    await open(page, '10-workload-identity-federation/index.html');
    const l = lab(page, 'federation-audience');
    const start = await l.request.inputValue();
    assert.match(start, /client_assertion=\{\{k8s_token:https:\/\/k8s\.example\.com\}\}$/);
    assert.match(await l.send(), /^HTTP\/1\.1 400 Bad Request[\s\S]*"error": "invalid_client"/);
    assert.match(await l.why.textContent(), /cluster's own API/);
    const issued = await l.send(start.replace('{{k8s_token:https://k8s.example.com}}', '{{k8s_token}}'));
    assert.match(issued, /^HTTP\/1\.1 200 OK\n/, issued.slice(0, 300));
    const claims = JSON.parse(Buffer.from(tokenOf(issued).split('.')[1], 'base64url'));
    assert.equal(claims.sub, 'billing-service');
    assert.match(await l.send('GET /ledger/entries HTTP/1.1\nHost: ledger.example.com\nAuthorization: Bearer {{access_token}}'), /^HTTP\/1\.1 200 OK\n/);
    assert.match(await l.section.locator('.lab-progress').textContent(), /^Done ✓\./);
    onlyOwnOrigin(requests);
    assert.deepEqual(problems, [], listing('problems', problems));
  });
});

test('DPoP (lesson 09) through the helpers: a bound token, a proof per request with ath, a replay and a bearer refused', async () => {
  await withPage({}, async (page, requests, problems) => {
    await open(page, '09-stronger-client-authentication/index.html');
    const l = lab(page, 'dpop-bound-token');
    await l.section.locator('summary', { hasText: 'Helpers' }).click();
    await l.press('Add DPoP proof');
    const tokenRequest = await l.request.inputValue();
    const proofOf = (text) => text.match(/^DPoP: (\S+)$/m)?.[1];
    const part = (jwt, i) => JSON.parse(Buffer.from(jwt.split('.')[i], 'base64url'));
    const first = proofOf(tokenRequest);
    assert.ok(first, tokenRequest);
    assert.equal(part(first, 0).typ, 'dpop+jwt');
    assert.equal(part(first, 0).jwk.kty, 'RSA');
    assert.deepEqual([part(first, 1).htm, part(first, 1).htu], ['POST', 'https://auth.example.com/oauth2/token']);
    const issued = await l.send();
    assert.match(issued, /^HTTP\/1\.1 200 OK\n/, issued.slice(0, 300));
    assert.equal(JSON.parse(issued.slice(issued.indexOf('\n\n') + 2)).token_type, 'DPoP');
    const token = tokenOf(issued);
    assert.ok(part(token, 1).cnf.jkt, 'bound to the key');
    // The API request: the token under the DPoP scheme, then a new proof for it.
    await l.request.fill('GET /ledger/entries HTTP/1.1\nHost: ledger.example.com\nAuthorization: DPoP x');
    await l.press('Copy the last token into the request');
    assert.match(await l.request.inputValue(), new RegExp(`^Authorization: DPoP ${token}$`, 'm'));
    await l.press('Add DPoP proof');
    const second = proofOf(await l.request.inputValue());
    assert.notEqual(part(second, 1).jti, part(first, 1).jti);
    assert.equal(part(second, 1).htu, 'https://ledger.example.com/ledger/entries');
    assert.equal(part(second, 1).ath, crypto.createHash('sha256').update(token).digest('base64url'));
    assert.match(await l.send(), /^HTTP\/1\.1 200 OK\n/);
    assert.match(await l.section.locator('.lab-progress').textContent(), /^Done ✓/);
    // The same proof again is a replay; the token as Bearer is refused.
    assert.match(await l.send(), /^HTTP\/1\.1 401 Unauthorized\nWWW-Authenticate: DPoP realm="ledger", error="invalid_dpop_proof", algs="RS256"/);
    assert.match(await l.why.textContent(), /already accepted/);
    assert.match(await l.send(`GET /ledger/entries HTTP/1.1\nHost: ledger.example.com\nAuthorization: Bearer ${token}`), /^HTTP\/1\.1 401 Unauthorized\nWWW-Authenticate: Bearer realm="ledger", error="invalid_token"/);
    assert.match(await l.why.textContent(), /RFC 9449 §7\.2/);
    onlyOwnOrigin(requests);
    assert.deepEqual(problems, [], listing('problems', problems));
  });
});

test('hostile requests get a server answer and the page stays responsive', async () => {
  await withPage({}, async (page, requests, problems) => {
    await open(page);
    const l = lab(page);
    assert.match(await l.send('x'.repeat(1024 * 1024)), /^HTTP\/1\.1 413 Content Too Large/);
    assert.match(await l.send('\u0000\u0001\u0002<script>alert(1)</script>'), /^HTTP\/1\.1 400 Bad Request/);
    assert.match(await l.send('POST /oauth2/token HTTP/1.1\nHost auth.example.com\n\n'), /^HTTP\/1\.1 400/);
    assert.match(await l.why.textContent(), /without a colon/);
    // The target's authority names the host (RFC 9112 §3.2.2): another host, 421.
    assert.match(await l.send('GET https://evil.example.net/ HTTP/1.1\nHost: ledger.example.com'), /^HTTP\/1\.1 421/);
    assert.match(await l.send('GET / HTTP/1.1\nHost: www.example.org'), /^HTTP\/1\.1 421/);
    assert.match(await l.why.textContent(), /two hosts only/);
    // Text stays text.
    assert.equal(await page.locator('section.exercise script').count(), 0);
    onlyOwnOrigin(requests);
    assert.deepEqual(problems, [], listing('problems', problems));
  });
});

test('an exercise is graded on the outcome, progress survives a reload, and a link opens its state', async () => {
  await withPage({}, async (page, requests, problems) => {
    await open(page);
    const l = lab(page);
    assert.match(await l.section.locator('.lab-progress').textContent(), /^0 of 3 done on this page; 0 in the whole course\.$/);
    await l.send();
    assert.equal(await l.section.locator('.lab-goals li[data-met="yes"]').count(), 0, 'the start meets no goal');
    await l.edit((t) => t.replace('scope=ledger%3Aread+ledger%3Awrite', 'scope=ledger%3Aread'));
    await l.send();
    await l.request.fill('GET /ledger/entries HTTP/1.1\nHost: ledger.example.com\nAuthorization: Bearer {{access_token}}');
    await l.send();
    assert.equal(await l.section.locator('.lab-goals li[data-met="yes"]').count(), 2);
    assert.match(await l.section.locator('.lab-progress').textContent(), /^Done ✓\. 1 of 3 done on this page; 1 in the whole course\.$/);
    // The address now opens this exercise with this request.
    const hash = new URL(page.url()).hash;
    assert.match(hash, /^#exercise=scope-read-only&request=/);
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.labReady === 'true');
    assert.match(await lab(page).section.locator('.lab-progress').textContent(), /^Done ✓\. 1 of 3/);
    assert.equal(await lab(page).request.inputValue(), 'GET /ledger/entries HTTP/1.1\nHost: ledger.example.com\nAuthorization: Bearer {{access_token}}');
    // Another lesson counts the course's progress too.
    await open(page, '07-how-the-api-validates/index.html', '#exercise=validate-insufficient-scope');
    const other = lab(page, 'validate-insufficient-scope');
    assert.match(await other.section.locator('.lab-progress').textContent(), /^0 of 4 done on this page; 1 in the whole course\.$/);
    assert.ok(await other.request.evaluate((el) => el === document.activeElement), 'the linked exercise has focus');
    onlyOwnOrigin(requests);
    assert.deepEqual(problems, [], listing('problems', problems));
  });
});

test('private_key_jwt through the helper, and the median time to answer', async () => {
  await withPage({}, async (page, requests, problems) => {
    await open(page, '09-stronger-client-authentication/index.html');
    const l = lab(page, 'auth-private-key-jwt');
    await l.edit((t) => t.replace(/Authorization: .*\n/, ''));
    await l.section.locator('summary', { hasText: 'Helpers' }).click();
    await l.press('Sign client assertion');
    assert.match(await l.request.inputValue(), /&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=eyJ/);
    assert.match(await l.send(), /^HTTP\/1\.1 200 OK/);
    assert.match(await l.section.locator('.lab-progress').textContent(), /^Done ✓/);
    // The same assertion again is a replay.
    assert.match(await l.send(), /"error": "invalid_client"/);
    assert.match(await l.why.textContent(), /already used/);
    // Median over token requests (each signs an RS256 token).
    const times = [];
    for (let i = 0; i < 15; i++) {
      await l.send(`POST /oauth2/token HTTP/1.1\nHost: auth.example.com\nAuthorization: ${BASIC}\nContent-Type: application/x-www-form-urlencoded\n\ngrant_type=client_credentials`);
      times.push(Number(await l.section.getAttribute('data-lab-ms')));
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    console.log(`lab: median time to answer a token request ${median.toFixed(1)} ms (of ${times.length})`);
    assert.ok(median <= 50, `median ${median} ms`);
    onlyOwnOrigin(requests);
    assert.deepEqual(problems, [], listing('problems', problems));
  });
});

test('without JavaScript every exercise shows its task, start and folded solution with the answers', async () => {
  // Lessons, not the redirect pages of their old addresses.
  const pages = fs.readdirSync(course.dir).filter((d) => {
    const file = path.join(course.dir, d, 'index.html');
    return /^\d\d-/.test(d) && fs.existsSync(file) && !fs.readFileSync(file, 'utf8').includes('http-equiv="refresh"');
  });
  let total = 0;
  await withPage({ javaScriptEnabled: false }, async (page) => {
    for (const dir of pages) {
      await page.goto(`${course.server.url}${dir}/index.html`);
      const sections = page.locator('section.exercise');
      const n = await sections.count();
      for (let i = 0; i < n; i++) {
        const s = sections.nth(i);
        assert.ok(await s.locator('.exercise-title').isVisible(), `${dir}: title`);
        assert.ok(await s.locator('.exercise-task').isVisible(), `${dir}: task`);
        assert.match(await s.locator('pre').first().textContent(), /HTTP\/1\.1/);
        const solution = s.locator('details.exercise-solution');
        assert.equal(await solution.getAttribute('open'), null, 'folded');
        assert.match(await solution.textContent(), /The server answers:[\s\S]*HTTP\/1\.1 [0-9]{3}/);
        assert.equal(await s.locator('.lab').count(), 0, 'no lab without JavaScript');
      }
      total += n;
    }
  });
  assert.ok(total >= 12, `only ${total} exercises in the course`);
});
