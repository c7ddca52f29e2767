// What the JavaScript unit tests share: the repository, the golden vectors
// the Rust tests write (tests/golden), and the site's scripts loaded the
// way a page loads them — a classic script run as a script in this
// process's global scope (so its one global is where a page would have
// it; site.js on a stand-in page), the playground as the module it is.
//
// Node's standard library only: `npm run unit` needs no npm package and no
// browser.

import fs from 'node:fs';
import { register } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A vector file of tests/golden, parsed. */
export function golden(name) {
  const file = path.join(repoRoot, 'tests/golden', name);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * Runs the classic script `rel` (a path from the repository root) as a
 * page would, in this process's global scope, and returns the global
 * object.
 */
export function runClassicScript(rel) {
  const file = path.join(repoRoot, rel);
  vm.runInThisContext(fs.readFileSync(file, 'utf8'), { filename: file });
  return globalThis;
}

/**
 * A stand-in for the little of a page site.js's el() touches: elements
 * that record their attributes, listeners and children, text nodes, and a
 * page at `location` (the fields the tests set: `protocol`).
 */
class FakeNode {}
class FakeText extends FakeNode {
  constructor(data) {
    super();
    this.data = data;
  }
}
class FakeElement extends FakeNode {
  constructor(localName) {
    super();
    this.localName = localName;
    this.attributes = new Map();
    this.listeners = [];
    this.childNodes = [];
  }
  setAttribute(name, value) {
    this.attributes.set(name.toLowerCase(), String(value));
  }
  addEventListener(type, listener) {
    this.listeners.push([type, listener]);
  }
  appendChild(child) {
    this.childNodes.push(child);
    return child;
  }
}

/**
 * Runs static/js/site.js as a page with nothing to enhance would (no
 * theme button, navigation, headings or playground), on a stand-in page
 * whose `location` the tests may change, and returns what it shares,
 * `window.tokenbook`, with that `location`.
 */
export function runSiteScript() {
  const location = { protocol: 'https:', href: 'https://example.org/course/01-x/' };
  Object.assign(globalThis, {
    Node: FakeNode,
    location,
    window: { addEventListener() {} },
    document: {
      currentScript: null,
      documentElement: new FakeElement('html'),
      addEventListener() {},
      getElementById: () => null,
      querySelector: () => null,
      querySelectorAll: () => [],
      createElement: (tag) => new FakeElement(tag),
      createTextNode: (text) => new FakeText(text),
    },
  });
  runClassicScript('static/js/site.js');
  return { ...globalThis.window.tokenbook, location, FakeText };
}

/** What the playground's WebAssembly glue exports, as a module that does nothing. */
const WASM_STUB = `data:text/javascript,${encodeURIComponent(
  'export default async function init() {}\n' +
    'export function inspectToken() { throw new Error("no WebAssembly in the unit tests"); }\n' +
    'export function validateToken() { throw new Error("no WebAssembly in the unit tests"); }\n',
)}`;

/** Resolves the glue the playground imports (built into public/wasm, not in static/) to WASM_STUB. */
const HOOKS = `data:text/javascript,${encodeURIComponent(
  'export async function resolve(specifier, context, next) {\n' +
    `  if (specifier === "../wasm/tokenbook_wasm.js") return { url: ${JSON.stringify(WASM_STUB)}, shortCircuit: true };\n` +
    '  return next(specifier, context);\n' +
    '}\n',
)}`;

/**
 * Imports static/js/playground.js as a page without a playground would
 * run it (it finds no section to bring alive), its WebAssembly glue
 * stubbed out, and returns its exports. site.js does not run here: the
 * `window.tokenbook` the playground reads as it loads is an empty stub,
 * so the tests reach nothing that would need site.js's `el`, `copy` or
 * `pageAddress`.
 */
export async function importPlayground() {
  register(HOOKS);
  globalThis.document ??= { querySelectorAll: () => [] };
  globalThis.window ??= {};
  globalThis.window.tokenbook ??= {};
  return import(pathToFileURL(path.join(repoRoot, 'static/js/playground.js')).href);
}
