// The lab in exercises. Every `section.exercise` comes rendered at
// build time (task, starting request, folded solution); with its data
// (`template.lab-data`) this module adds a lab panel, and loads the lab's
// WebAssembly on first use (the first Send, clock move, certificate or
// helper; at once for an exercise the address links to): a request editor, Send, the exact response, why the
// server answered that way, the lab's clock, a client certificate, and
// helpers beside the editor (Basic header, signed client assertion, the
// last token, a DPoP proof).
//
// Rules this file keeps:
// - Request and response text is untrusted: it reaches the page as text or
//   as a textarea's value, never as HTML.
// - Nothing is requested from any origin but this site (its modules): the
//   simulated hosts live in the WebAssembly, never on the network.
// - Every credential is a fake one of the course.
// - Progress stays in this browser's localStorage only.

import init, { LabSession, basicHeader } from "../wasm/tokenbook_lab_wasm.js";
// The token operations the lab's module borrows (decode, validate, sign,
// a key's JWK) are the playground's module's: one copy in the browser.
import initTokens, { decodeToken, validateToken, signJwt, publicJwk } from "../wasm/tokenbook_wasm.js";

const DONE_KEY = "tokenbook-lab-done";
const ASSERTION_TYPE = "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer";

// site.js's element builder, shared by the site's scripts.
const { el } = window.tokenbook;

let loading = null;
/**
 * The lab's module and the playground's, fetched and started once, when
 * first needed; the lab's calls the other through window.tokenbook.tokens.
 */
function loadModule() {
  window.tokenbook.tokens = { decodeToken, validateToken, signJwt, publicJwk };
  loading ??= Promise.all([initTokens(), init()]);
  return loading;
}

/** The ids of the exercises done in this browser. */
function doneIds() {
  try {
    const ids = JSON.parse(localStorage.getItem(DONE_KEY) || "[]");
    return Array.isArray(ids) ? ids.filter((id) => typeof id === "string") : [];
  } catch {
    return [];
  }
}

function markDone(id) {
  const ids = doneIds();
  if (ids.includes(id)) return;
  ids.push(id);
  try {
    localStorage.setItem(DONE_KEY, JSON.stringify(ids));
  } catch {
    // Storage may be off: progress then lasts as long as the page.
  }
}

/** The fragment's parameters: `#exercise=ID&request=…`. */
function fragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  return { exercise: params.get("exercise"), request: params.get("request") };
}

/** `text` with its header line `name:` replaced by `line`, or `line` added after Host. */
function withHeader(text, name, line) {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const end = lines.indexOf("") === -1 ? lines.length : lines.indexOf("");
  const at = lines.slice(0, end).findIndex((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  if (at > 0) lines[at] = line;
  else {
    const host = lines.slice(0, end).findIndex((l) => l.toLowerCase().startsWith("host:"));
    lines.splice(host > 0 ? host + 1 : Math.min(1, lines.length), 0, line);
  }
  return lines.join("\n");
}

/** `text` whose form body carries `client_assertion=assertion` (and its type). */
function withAssertion(text, assertion) {
  const normal = text.replace(/\r\n/g, "\n");
  const split = normal.indexOf("\n\n");
  const head = split === -1 ? normal : normal.slice(0, split);
  let body = split === -1 ? "" : normal.slice(split + 2);
  if (/(^|&)client_assertion=[^&]*/.test(body)) body = body.replace(/((?:^|&)client_assertion=)[^&]*/, `$1${assertion}`);
  else {
    if (!/(^|&)client_assertion_type=/.test(body)) body += `${body ? "&" : ""}client_assertion_type=${ASSERTION_TYPE}`;
    body += `&client_assertion=${assertion}`;
  }
  return `${head}\n\n${body}`;
}

/** The lab panel of one exercise section. */
class ExerciseLab {
  /**
   * The lab panel of `section` with its page data; `all` the labs of the
   * page (for progress). With a `host` it is a free lab (the playground's
   * Lab step): no goals, no progress, the panel in `host`, and the address
   * left to the playground.
   */
  constructor(section, page, all, host = null) {
    const data = page.exercise;
    this.page = page;
    this.free = host !== null;
    this.section = section;
    this.data = data;
    this.id = data.id;
    this.all = all;
    this.session = null;
    this.actions = 0;
    const prefix = `lab-${this.id}`;
    this.request = el("textarea", { id: `${prefix}-request`, class: "lab-request", rows: 10, spellcheck: "false", autocomplete: "off" });
    this.request.value = data.start;
    // An <output> (role status): several exercises on a page may each have
    // one named Response without making them same-named landmarks.
    this.response = el("output", { class: "lab-response", id: `${prefix}-response`, "aria-label": "Response", tabindex: 0 });
    this.why = el("p", { class: "lab-why", "aria-live": "polite" });
    this.clock = el("span", { class: "lab-clock" });
    // The goals in words, as the build wrote them.
    const words = [...section.querySelectorAll("ul.exercise-goals > li")].map((li) => li.textContent);
    this.goals = el("ul", { class: "lab-goals" }, data.goal.map((goal, i) => el("li", {}, words[i] ?? goal.says ?? "")));
    this.progress = el("p", { class: "lab-progress", "aria-live": "polite" });
    this.certificate = el("select", { id: `${prefix}-certificate`, onchange: () => this.act(() => this.setCertificate()) },
      ["", ...page.certificates].map((name) => el("option", { value: name }, name || "none")));
    this.certificate.value = data.certificate ?? "";
    const helpers = this.helpers(prefix);
    const panel = el("div", { class: "lab", role: "group", "aria-labelledby": `${prefix}-title` },
      el("p", { class: "lab-title", id: `${prefix}-title` }, el("strong", {}, "Try it in the lab"), " (simulated servers, in this page only)"),
      this.progress,
      el("label", { for: this.request.id }, "Request"),
      this.request,
      el("p", { class: "lab-note" }, "Content-Length may be left out: the lab counts the body, as curl does when it adds the field. A real server reads a request without it as having no body (RFC 9112 §6.3)."),
      el("div", { class: "lab-buttons" },
        el("button", { type: "button", class: "lab-send", onclick: () => this.act(() => this.send()) }, "Send"),
        el("button", { type: "button", onclick: () => this.act(() => this.advance(300)) }, "Clock +5 min"),
        el("button", { type: "button", onclick: () => this.act(() => this.advance(3600)) }, "Clock +1 h"),
        el("button", { type: "button", onclick: () => this.act(() => this.reset()) }, "Start over")),
      el("p", {}, "Lab clock: ", this.clock, " · ", el("label", { for: this.certificate.id }, "Client certificate "), this.certificate),
      helpers,
      el("p", { class: "lab-label" }, "Response"),
      this.response,
      this.why,
      el("p", { class: "lab-label" }, "Goals"),
      this.goals);
    if (this.free) {
      for (const part of [this.progress, this.goals, this.goals.previousSibling]) part.remove();
      host.append(panel);
    } else {
      section.insertBefore(panel, section.querySelector("template.lab-data"));
    }
    this.request.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) this.act(() => this.send());
    });
    this.showClock();
    if (!this.free) this.showProgress();
  }

  /** The exercise's lab, started (and the module fetched) on first use. */
  async lab() {
    await loadModule();
    if (!this.session) {
      this.session = LabSession.forExercise(JSON.stringify(this.data));
      this.start = this.session.now();
      this.session.setCertificate(this.certificate.value);
    }
    return this.session;
  }

  /** Runs one action of the reader's; counts it (`data-lab-actions`) when done. */
  async act(action) {
    try {
      await action();
    } catch (error) {
      this.why.textContent = String(error.message ?? error);
    }
    this.actions += 1;
    this.section.dataset.labActions = String(this.actions);
  }

  helpers(prefix) {
    const id = el("input", { id: `${prefix}-client-id`, value: this.page.client.id, size: 16, autocomplete: "off" });
    const secret = el("input", { id: `${prefix}-client-secret`, value: this.page.client.password, size: 30, autocomplete: "off" });
    const method = el("select", { id: `${prefix}-assertion-method` },
      el("option", { value: "private_key_jwt" }, "private_key_jwt (the client's FAKE key)"),
      el("option", { value: "client_secret_jwt" }, "client_secret_jwt (HMAC with the FAKE secret)"));
    const note = el("p", { class: "lab-note", "aria-live": "polite" });
    const report = (text) => { note.textContent = text; };
    return el("details", { class: "lab-helpers" }, el("summary", {}, "Helpers"),
      el("p", {},
        el("label", { for: id.id }, "Client id "), id, " ",
        el("label", { for: secret.id }, "Client secret "), secret, " ",
        el("button", { type: "button", onclick: () => this.act(async () => {
          await loadModule();
          this.request.value = withHeader(this.request.value, "Authorization", `Authorization: ${basicHeader(id.value, secret.value)}`);
          report("The Authorization header now holds Basic base64(urlencode(id):urlencode(secret)), as RFC 6749 §2.3.1 asks.");
        }) }, "Build Basic header")),
      el("p", {},
        el("label", { for: method.id }, "Method "), method, " ",
        el("button", { type: "button", onclick: () => this.act(async () => {
          try {
            const assertion = (await this.lab()).clientAssertion(id.value, method.value);
            this.request.value = withAssertion(this.request.value, assertion);
            report("A client assertion signed now (aud the issuer, a minute to live, a new jti) is in the body; remove any other client authentication.");
          } catch (error) { report(String(error.message ?? error)); }
        }) }, "Sign client assertion")),
      el("p", {},
        el("button", { type: "button", onclick: () => this.act(async () => {
          const token = (await this.lab()).lastToken();
          if (!token) { report("The lab has issued no token yet: send a token request first."); return; }
          // A request that already speaks DPoP keeps the DPoP scheme.
          const head = this.request.value.replace(/\r\n/g, "\n").split("\n\n")[0];
          const scheme = /^(authorization:[ \t]*dpop[ \t]|dpop:)/im.test(head) ? "DPoP" : "Bearer";
          this.request.value = withHeader(this.request.value, "Authorization", `Authorization: ${scheme} ${token}`);
          report(scheme === "DPoP"
            ? "The last token issued is in the Authorization header under the DPoP scheme (RFC 9449 §7.1); now add a new proof for it."
            : "The last token issued is in the Authorization header (RFC 6750 §2.1).");
        }) }, "Copy the last token into the request")),
      el("p", {},
        el("button", { type: "button", onclick: () => this.act(async () => {
          try {
            const proof = (await this.lab()).dpopProof(this.request.value);
            this.request.value = withHeader(this.request.value, "DPoP", `DPoP: ${proof}`);
            report("A DPoP proof signed now with the lab client's FAKE key is in the DPoP header: typ dpop+jwt, the public key in jwk, this request's method (htm) and URL (htu), a new jti, and ath, the token's hash, when the token goes under Authorization: DPoP (RFC 9449 §4.2). Every request needs a new one.");
          } catch (error) { report(String(error.message ?? error)); }
        }) }, "Add DPoP proof")),
      note);
  }

  async send() {
    const session = await this.lab();
    const started = performance.now();
    let sent;
    try {
      sent = JSON.parse(session.send(this.request.value));
    } catch (error) {
      this.response.textContent = "";
      this.why.textContent = String(error.message ?? error);
      return;
    }
    this.section.dataset.labMs = String(performance.now() - started);
    this.response.textContent = sent.text.replace(/\r\n/g, "\n");
    this.why.textContent = sent.explanation;
    [...this.goals.children].forEach((item, i) => {
      item.classList.toggle("lab-met", Boolean(sent.met[i]));
      item.dataset.met = sent.met[i] ? "yes" : "no";
    });
    this.showClock();
    if (sent.met.length && sent.met.every(Boolean)) {
      markDone(this.id);
      this.all.forEach((lab) => lab.showProgress());
    }
    if (this.free) return;
    const params = new URLSearchParams({ exercise: this.id, request: this.request.value });
    history.replaceState(null, "", `#${params}`);
  }

  async advance(seconds) {
    (await this.lab()).advance(seconds);
    this.showClock();
  }

  async setCertificate() {
    (await this.lab()).setCertificate(this.certificate.value);
  }

  reset() {
    this.session?.free();
    this.session = null;
    this.request.value = this.data.start;
    this.certificate.value = this.data.certificate ?? "";
    this.response.textContent = "";
    this.why.textContent = "";
    [...this.goals.children].forEach((item) => { item.classList.remove("lab-met"); delete item.dataset.met; });
    this.showClock();
  }

  showClock() {
    if (!this.session) {
      this.clock.textContent = "starts with the first request";
      return;
    }
    const now = this.session.now();
    this.clock.textContent = `${new Date(now * 1000).toISOString().replace(".000", "")} (+${now - this.start} s)`;
  }

  showProgress() {
    const done = doneIds();
    const here = this.all.filter((lab) => done.includes(lab.id)).length;
    const mark = done.includes(this.id) ? "Done ✓. " : "";
    this.progress.textContent = `${mark}${here} of ${this.all.length} done on this page; ${done.length} in the whole course.`;
  }
}

/** Loads the lab panel's stylesheet; resolves when it is applied (or failed). */
function loadStyles() {
  return new Promise((resolve) => {
    const link = el("link", { rel: "stylesheet", href: new URL("../css/lab.css", import.meta.url).href });
    link.addEventListener("load", resolve);
    link.addEventListener("error", resolve);
    document.head.append(link);
  });
}

/**
 * A free lab in `host` (the playground's Lab step): `section` carries its
 * action count, `page` is its data (tokenbook-site's free_lab_data).
 */
export async function openLab(host, section, page) {
  await loadStyles();
  host.replaceChildren();
  return new ExerciseLab(section, page, [], host);
}

async function main() {
  const sections = [...document.querySelectorAll("section.exercise")].filter((s) => s.querySelector("template.lab-data"));
  if (!sections.length) return;
  // The panels appear styled, not first bare and then restyled.
  await loadStyles();
  const all = [];
  sections.forEach((section) => {
    try {
      const page = JSON.parse(section.querySelector("template.lab-data").content.textContent);
      all.push(new ExerciseLab(section, page, all));
    } catch (error) {
      section.append(el("p", { class: "lab-note", role: "note" }, `The lab could not start: ${error.message ?? error}`));
    }
  });
  all.forEach((lab) => lab.showProgress());
  const { exercise, request } = fragment();
  const target = all.find((lab) => lab.id === exercise);
  if (target) {
    if (request !== null) target.request.value = request;
    target.section.scrollIntoView();
    target.request.focus({ preventScroll: true });
    // A linked exercise is about to be used: fetch the module now.
    target.act(() => target.lab());
  }
  document.documentElement.dataset.labReady = "true";
}

main();
