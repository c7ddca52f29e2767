// Shared helpers of the browser tests: which site is under test (or build
// one), a small static HTTP server that publishes a site under a sub-path,
// the browser, the fixture a test file shares (useSite: the site, the
// browser and the server, set up before its tests and closed after them),
// a watcher that records everything that went wrong on a page (console
// errors, uncaught exceptions, Content-Security-Policy violations, failed
// requests), and what the tests of every file use with them: a browser
// context per test (withContext), a pause for late events (settle) and
// short URLs for messages (short).
//
// Only Node's standard library and playwright-core are used; the browser is
// the system's Chromium (`CHROME_PATH`, which `cargo xtask test` sets, or
// the first of the usual names on PATH), never a downloaded one.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { chromium } from 'playwright-core';

/** The repository root (the directory with Cargo.toml and content/). */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The window sizes the tests look at: a laptop and a phone. */
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 375, height: 740 };
/** Where tests leave screenshots and PDFs for people to look at. */
export const SCREENSHOTS = path.join(repoRoot, 'target', 'screenshots');

/**
 * The Chromium the tests drive: `CHROME_PATH`, else the first of the names
 * distributions give it on PATH (as `cargo xtask test` looks for it).
 */
export const CHROMIUM = process.env.CHROME_PATH || findOnPath(['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']);

function findOnPath(names) {
  const dirs = (process.env.PATH || '').split(path.delimiter).filter(Boolean);
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      if (fs.existsSync(candidate)) return candidate;
    }
  }
  return names[0];
}
/** How the tests start it. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The sub-path the HTTP server publishes a site under. */
export const BASE_PATH = '/course/';

// ---------------------------------------------------------------------------
// The site under test

const tempDirs = [];

/** A fresh temporary directory, removed when the process exits. */
export function makeTempDir(prefix = 'tokenbook-browser-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

process.on('exit', () => {
  if (process.env.TOKENBOOK_KEEP_TMP) return;
  for (const dir of tempDirs) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Best effort only.
    }
  }
});

/**
 * Runs `cargo xtask build --out OUT [--content CONTENT]` in the repository
 * root and resolves to OUT. Rejects with the build's own output on failure.
 */
export function buildSite({ out, content } = {}) {
  const args = ['xtask', 'build', '--out', out];
  if (content) args.push('--content', content);
  return new Promise((resolve, reject) => {
    execFile(
      'cargo',
      args,
      { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024, timeout: 15 * 60 * 1000 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`\`cargo ${args.join(' ')}\` failed in ${repoRoot} (${error.message.split('\n')[0]}):\n${stderr}${stdout}`));
        } else {
          resolve(out);
        }
      },
    );
  });
}

let siteDirPromise;

/**
 * The absolute path of the built site under test: `$TOKENBOOK_SITE` when
 * set, otherwise a site built now from the repository's content into a
 * temporary directory (once per process).
 */
export function siteDir() {
  siteDirPromise ??= (async () => {
    const fromEnv = process.env.TOKENBOOK_SITE;
    if (fromEnv) {
      if (!path.isAbsolute(fromEnv)) {
        throw new Error(`TOKENBOOK_SITE must be an absolute path, got ${JSON.stringify(fromEnv)}`);
      }
      if (!fs.existsSync(path.join(fromEnv, 'index.html'))) {
        throw new Error(`TOKENBOOK_SITE=${fromEnv} is not a built site: ${path.join(fromEnv, 'index.html')} does not exist`);
      }
      return fromEnv;
    }
    const out = path.join(makeTempDir(), 'public');
    return buildSite({ out });
  })();
  return siteDirPromise;
}

const builtWithBase = new Map();

/**
 * A site built from a temporary copy of the repository's `content/` whose
 * `site.toml` has its `base_url` replaced by `baseUrl` (once per base URL
 * and process). Used where the base path matters: the 404 page links to
 * its stylesheet and pages absolutely, from the base URL's path.
 *
 * `$TOKENBOOK_COURSE_SITE`, when set, is taken instead as an already built
 * site with base_url path `/course/` (for runs without cargo).
 */
export function siteWithBaseUrl(baseUrl) {
  const prebuilt = process.env.TOKENBOOK_COURSE_SITE;
  if (prebuilt && new URL(baseUrl).pathname === '/course/') {
    if (!path.isAbsolute(prebuilt) || !fs.existsSync(path.join(prebuilt, '404.html'))) {
      return Promise.reject(new Error(`TOKENBOOK_COURSE_SITE=${prebuilt} is not the absolute path of a built site with a 404.html`));
    }
    return Promise.resolve(prebuilt);
  }
  if (!builtWithBase.has(baseUrl)) {
    builtWithBase.set(baseUrl, (async () => {
      const tmp = makeTempDir();
      const content = path.join(tmp, 'content');
      await fsp.cp(path.join(repoRoot, 'content'), content, { recursive: true });
      const tomlPath = path.join(content, 'site.toml');
      const toml = await fsp.readFile(tomlPath, 'utf8');
      const line = /^(\s*base_url\s*=\s*)("(?:[^"\\]|\\.)*"|'[^']*')(.*)$/m;
      if (!line.test(toml)) {
        throw new Error(`${path.join(repoRoot, 'content', 'site.toml')} has no \`base_url = "..."\` line to replace`);
      }
      await fsp.writeFile(tomlPath, toml.replace(line, (_, key, _old, rest) => `${key}${JSON.stringify(baseUrl)}${rest}`));
      return buildSite({ out: path.join(tmp, 'public'), content });
    })());
  }
  return builtWithBase.get(baseUrl);
}

/**
 * The lesson pages of a built site, as paths relative to its root
 * (`01-what-the-grant-is-for/index.html`), in file name order: every
 * `DIR/index.html` holding an `<article class="lesson">`.
 */
export function lessonPaths(root) {
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => `${e.name}/index.html`)
    .filter((rel) => {
      const file = path.join(root, rel);
      return fs.existsSync(file) && /<article\b[^>]*\bclass="[^"]*\blesson\b/.test(fs.readFileSync(file, 'utf8'));
    })
    .sort();
}

/** The `file://` URL of a file of a built site. */
export function fileUrl(root, rel = 'index.html') {
  return pathToFileURL(path.join(root, rel)).href;
}

// ---------------------------------------------------------------------------
// Static HTTP server under a sub-path

export const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * Serves the directory `root` on 127.0.0.1 on a free port, under `base`
 * (default `/course/`), like a static host would publish the site there:
 *
 * - `BASE + "x/y.css"` is the file `root/x/y.css`;
 * - `BASE + "x/"` is `root/x/index.html`; `BASE + "x"` (a directory)
 *   redirects to `BASE + "x/"`, and so does `BASE` without its slash;
 * - anything else (a missing file, a path outside `base`) is answered with
 *   `root/404.html` and status 404.
 *
 * Resolves to `{ origin, url, close }`: `url` is the site's address
 * (`http://127.0.0.1:PORT/course/`) and `close()` stops the server.
 * `requests` lists every `{ method, path, status }` served.
 */
export async function serveSite(root, { base = BASE_PATH } = {}) {
  if (!base.startsWith('/') || !base.endsWith('/')) throw new Error(`base must start and end with "/", got ${base}`);
  const realRoot = await fsp.realpath(root);
  const requests = [];

  async function notFound(req, res) {
    let body;
    try {
      body = await fsp.readFile(path.join(realRoot, '404.html'));
    } catch {
      body = Buffer.from('404 Not Found (and the site has no 404.html)\n');
    }
    send(req, res, 404, CONTENT_TYPES['.html'], body);
  }

  function send(req, res, status, type, body, extra = {}) {
    requests.push({ method: req.method, path: req.url, status });
    res.writeHead(status, {
      'Content-Type': type,
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...extra,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  function redirect(req, res, location) {
    send(req, res, 301, 'text/plain; charset=utf-8', Buffer.from(`Moved to ${location}\n`), { Location: location });
  }

  async function handle(req, res) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(req, res, 405, 'text/plain; charset=utf-8', Buffer.from('Method Not Allowed\n'), { Allow: 'GET, HEAD' });
      return;
    }
    const url = new URL(req.url, 'http://127.0.0.1');
    let pathname;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      await notFound(req, res);
      return;
    }
    if (pathname === base.slice(0, -1)) {
      redirect(req, res, base + url.search);
      return;
    }
    if (!pathname.startsWith(base) || pathname.includes('\0')) {
      await notFound(req, res);
      return;
    }
    const rel = pathname.slice(base.length);
    if (rel.split('/').some((segment) => segment === '..')) {
      await notFound(req, res);
      return;
    }
    let file = path.join(realRoot, ...rel.split('/').filter(Boolean));
    if (file !== realRoot && !file.startsWith(realRoot + path.sep)) {
      await notFound(req, res);
      return;
    }
    let stat = await fsp.stat(file).catch(() => null);
    if (stat?.isDirectory()) {
      if (!pathname.endsWith('/')) {
        redirect(req, res, `${url.pathname}/${url.search}`);
        return;
      }
      file = path.join(file, 'index.html');
      stat = await fsp.stat(file).catch(() => null);
    } else if (pathname.endsWith('/')) {
      stat = null; // "x.html/" is not a file
    }
    if (!stat?.isFile()) {
      await notFound(req, res);
      return;
    }
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    send(req, res, 200, type, await fsp.readFile(file));
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) {
        send(req, res, 500, 'text/plain; charset=utf-8', Buffer.from(`500 ${error.message}\n`));
      } else {
        res.destroy(error);
      }
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: origin + base,
    base,
    root: realRoot,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// ---------------------------------------------------------------------------
// Browser

/** Launches the system Chromium, headless, with a fresh profile. */
function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`no Chromium found (${CHROMIUM}): run \`cargo xtask test --setup\`, or set CHROME_PATH (the tests never download a browser)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Closes a browser from launchBrowser(), if there is one. */
async function closeBrowser(browser) {
  if (browser) await browser.close();
}

// ---------------------------------------------------------------------------
// What a test file shares

/**
 * Chromium for the tests of one file: launched in a before() hook, closed
 * in an after() hook. Returns the object whose `browser` holds it once
 * before() has run.
 */
export function useBrowser() {
  const fixture = { browser: null };
  before(async () => {
    fixture.browser = await launchBrowser();
  });
  after(async () => {
    await closeBrowser(fixture.browser);
  });
  return fixture;
}

/**
 * The fixture of a test file: before its tests, the site (`build()`, by
 * default siteDir(): the site under test), Chromium (unless `browser` is
 * false), an HTTP server publishing the site (`serve`: serveSite's
 * options, a function of the site's directory giving them, or false for no
 * server), then `setup(fixture)` for what the file needs besides; after
 * them, everything closed. Returns the object that holds them once its
 * hooks have run: `{ dir, browser, server }`.
 *
 * Node's runner starts top-level before() hooks as they are registered,
 * without waiting for each other: anything that needs the site goes in
 * `setup`, not in a before() of its own.
 */
export function useSite({ build = siteDir, browser = true, serve = {}, setup = () => {} } = {}) {
  const fixture = browser ? useBrowser() : { browser: null };
  fixture.dir = null;
  fixture.server = null;
  before(async () => {
    fixture.dir = await build();
    if (serve) fixture.server = await serveSite(fixture.dir, typeof serve === 'function' ? serve(fixture.dir) : serve);
    await setup(fixture);
  });
  after(async () => {
    await fixture.server?.close();
  });
  return fixture;
}

/**
 * Records, for every page of `context` (existing and future), what went
 * wrong: console errors, uncaught exceptions, `securitypolicyviolation`
 * events, failed requests and HTTP error responses. Call before the first
 * navigation. Returns the list it fills; each entry is a one-line string
 * naming the page's URL.
 */
export async function watchProblems(context) {
  const problems = [];
  await context.exposeBinding('__tokenbookReportCspViolation', ({ page }, v) => {
    problems.push(
      `CSP violation on ${page.url()}: ${v.directive} blocked ${v.blocked || '(inline)'}` +
        (v.source ? ` at ${v.source}:${v.line}:${v.column}` : '') +
        (v.sample ? ` sample ${JSON.stringify(v.sample)}` : ''),
    );
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__tokenbookReportCspViolation({
        directive: e.violatedDirective,
        blocked: e.blockedURI,
        source: e.sourceFile,
        line: e.lineNumber,
        column: e.columnNumber,
        sample: e.sample,
      });
    });
  });
  // Chromium asks for /favicon.ico by itself; the site never references it.
  const isFaviconProbe = (url) => {
    try {
      return new URL(url).pathname === '/favicon.ico';
    } catch {
      return false;
    }
  };
  const watch = (page) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error') {
        const loc = msg.location();
        if (isFaviconProbe(loc?.url)) return;
        problems.push(`console error on ${page.url()}: ${msg.text()}${loc?.url ? ` (at ${loc.url}:${loc.lineNumber})` : ''}`);
      }
    });
    page.on('pageerror', (error) => problems.push(`uncaught exception on ${page.url()}: ${error.message}`));
    page.on('requestfailed', (request) => {
      if (isFaviconProbe(request.url())) return;
      // A request still in flight when the test navigates on (the playground
      // fetching its WebAssembly, say) is aborted by the browser; a missing
      // file shows up as an HTTP error response below instead.
      if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
      problems.push(`request failed on ${page.url()}: ${request.url()} (${request.failure()?.errorText})`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400 && !isFaviconProbe(response.url())) {
        problems.push(`HTTP ${response.status()} on ${page.url()}: ${response.url()}`);
      }
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return problems;
}

/** Formats a list of problems for an assertion message. */
export function listing(title, items) {
  return `${title} (${items.length}):\n  - ${items.join('\n  - ')}`;
}

/** Parses a CSS color such as `rgb(13, 17, 23)` into [r, g, b, a]. */
export function parseColor(css) {
  const m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/.exec(css.trim());
  if (!m) throw new Error(`cannot parse the color ${JSON.stringify(css)}`);
  let a = m[4] === undefined ? 1 : parseFloat(m[4]);
  if (m[4]?.endsWith('%')) a /= 100;
  return [Number(m[1]), Number(m[2]), Number(m[3]), a];
}

/** The WCAG relative luminance (0 black .. 1 white) of a CSS color. */
export function luminance(css) {
  const [r, g, b] = parseColor(css).map((v) => v / 255);
  const lin = (c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/**
 * Runs `fn(context, problems)` in a new context of `browser` (with
 * `watchProblems` attached), always closing the context.
 */
export async function withBrowserContext(browser, options, fn) {
  const context = await browser.newContext(options);
  try {
    const problems = await watchProblems(context);
    return await fn(context, problems);
  } finally {
    await context.close();
  }
}

/**
 * Runs `fn(context, problems)` in a new desktop-sized context (`options`
 * on top) of the browser of `site`, a useSite() fixture, always closing it.
 */
export function withContext(site, options, fn) {
  return withBrowserContext(site.browser, { viewport: DESKTOP, ...options }, fn);
}

/** Lets queued events (CSP reports, console messages) arrive. */
export const settle = (page) => page.waitForTimeout(150);

/**
 * A URL made short for messages: a `file://` URL of `site` (a useSite()
 * fixture) as the path in its directory, an address of its server without
 * the origin; a fragment over 120 characters (a token) cut with its
 * length, and any other URL over 200 characters cut.
 */
export function short(url, site) {
  const cutHash = (hash) => (hash.length > 120 ? `${hash.slice(0, 120)}… (${hash.length} characters)` : hash);
  try {
    const u = new URL(url);
    if (u.protocol === 'file:' && site?.dir) return path.relative(site.dir, decodeURIComponent(u.pathname)) + cutHash(u.hash);
    if (site?.server && u.origin === site.server.origin) return u.pathname + u.search + cutHash(u.hash);
    return url.length > 200 ? `${url.slice(0, 200)}…` : url;
  } catch {
    return url;
  }
}
