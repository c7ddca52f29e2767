// The token playground. Every `section.playground` on a page comes with a
// build-time rendering of its sample (shown without JavaScript); this module
// loads the WebAssembly module and turns each section into an interactive
// playground: decode and explain, validate, walk the client credentials
// flow, and watch a secret leak out of a browser app.
//
// Rules this file keeps:
// - Token text is untrusted: it only ever reaches the page as textContent,
//   never as HTML.
// - A token the reader pastes or types stays in this page's memory: it is
//   never written into the address (history, synced history and address
//   bar suggestions would keep it), storage or the title. Only "Copy link to
//   this example" puts it in a link, and says so. A token that came in a
//   link (#token=…) was in the address already and stays there.
// - Nothing is requested from another origin; the only requests are this
//   site's own WebAssembly and the naive app's script (same origin).
// - Every credential is a fake one from the course; the authorization
//   server and the API are simulated in this page.

import init, { inspectToken, validateToken } from "../wasm/tokenbook_wasm.js";

/**
 * The steps, in tab order: the name `#step=` and a fence's `step=` use
 * (tokenbook-site's playground STEPS; the unit tests hold the two to
 * tests/golden/playground.json), the tab's label, and what draws its panel.
 */
export const STEPS = [
  { id: "decode", label: "Decode & explain", render: (playground) => playground.renderDecode() },
  { id: "validate", label: "Validate", render: (playground) => playground.renderValidate() },
  { id: "flow", label: "The flow", render: (playground) => playground.renderFlow() },
  { id: "lab", label: "The lab", render: (playground) => playground.renderLab() },
  { id: "leak", label: "The leak", render: (playground) => playground.renderLeak() },
];

/** The check (tokenbook-token's CHECK_NAMES) whose failure makes the simulated API answer 403. */
export const SCOPE_CHECK = "scope";

/**
 * What site.js, which loads this module, shares: the element builder
 * (strings become text, never HTML), copying to the clipboard, and the
 * page's own address.
 */
const { el, copy, pageAddress } = window.tokenbook;

/**
 * The longest text the token box keeps showing, in characters: four times
 * the longest token the playground reads. Chromium takes seconds to lay out
 * a 10 MB line in a textarea, so a longer paste is read (and refused with
 * its length) but taken out of the box before the page is drawn again.
 */
export const SHOWN_INPUT_LIMIT = 64 * 1024;

/** Text with `code` spans: backquoted parts become <code>, as text nodes. */
function rich(text) {
  return String(text).split("`").map((part, i) => (i % 2 ? el("code", {}, part) : part));
}

/** The error text of a failed wasm call: message, then hint. */
function errorText(error) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The parameters of a URL fragment (`#sample=expired&step=validate`, or a
 * link's `#token=…&step=decode`): { sample, token, step }, or null when it
 * names none of them.
 */
export function parseFragment(hash) {
  const text = hash.replace(/^#/, "");
  if (!/(^|&)(sample|token|step)=/.test(text)) return null;
  const params = new URLSearchParams(text);
  return { sample: params.get("sample"), token: params.get("token"), step: params.get("step") };
}

/**
 * The fragment that opens `state` again: its sample, or its token when the
 * token came from a link (`state.tokenFromLink`) or `withToken` asks for a
 * link to it; and the step. A pasted token is left out, and so is an empty
 * token box (no token at all): the fragment then names the step alone.
 */
export function fragmentFor(state, { withToken = false } = {}) {
  const params = new URLSearchParams();
  if (state.token === null) params.set("sample", state.sample);
  else if (state.token && (withToken || state.tokenFromLink)) params.set("token", state.token);
  params.set("step", state.step);
  return `#${params.toString()}`;
}

/** Puts `state` into the address in place (no new history entry). */
function writeFragment(state) {
  history.replaceState(null, "", fragmentFor(state));
}

function base64Utf8(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** `application/x-www-form-urlencoded` encoding of one value (RFC 6749 2.3.1). */
function formEncode(value) {
  return encodeURIComponent(value).replace(/%20/g, "+").replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

class Playground {
  constructor(section, data) {
    this.section = section;
    this.data = data;
    // The Leak step needs the course's leaky app (site.toml, [playground]).
    // The Lab step needs its data (a free lab's, from the build).
    this.steps = STEPS.filter((step) => (step.id !== "leak" || data.naive_app) && (step.id !== "lab" || data.lab));
    this.samples = new Map(data.samples.map((s) => [s.id, s]));
    const fragment = parseFragment(location.hash);
    this.state = {
      sample: this.samples.has(section.dataset.sample) ? section.dataset.sample : data.samples[0].id,
      token: null,
      tokenFromLink: false,
      step: this.hasStep(section.dataset.step) ? section.dataset.step : "decode",
    };
    // Headings the playground adds go one level below its own title.
    const title = section.querySelector(":scope > .heading > :is(h2, h3, h4, h5)");
    this.subheading = `h${Math.min(6, (title ? Number(title.localName[1]) : 3) + 1)}`;
    this.linked = false;
    if (fragment && section === document.querySelector("section.playground")) {
      this.linked = true;
      if (fragment.token) {
        this.state.token = fragment.token;
        this.state.tokenFromLink = true;
      } else if (fragment.sample && this.samples.has(fragment.sample)) this.state.sample = fragment.sample;
      if (this.hasStep(fragment.step)) this.state.step = fragment.step;
    }
    this.build();
    this.render();
    if (this.linked) section.scrollIntoView();
  }

  /** True when this playground has the step `id`. */
  hasStep(id) {
    return this.steps.some((step) => step.id === id);
  }

  get token() {
    return this.state.token ?? this.samples.get(this.state.sample).token;
  }

  /** The clock: a sample is read a few minutes after it was issued. */
  get now() {
    if (this.state.token === null) return this.samples.get(this.state.sample).now;
    return Math.floor(Date.now() / 1000);
  }

  build() {
    const id = this.section.id || "playground";
    const staticPart = this.section.querySelector(".pg-static");
    if (staticPart) staticPart.hidden = true;

    this.tabs = el("div", { class: "pg-tabs", role: "tablist", "aria-label": "Playground steps" });
    this.panels = new Map();
    for (const { id: step, label } of this.steps) {
      const tab = el("button", {
        type: "button",
        role: "tab",
        id: `${id}-tab-${step}`,
        "aria-controls": `${id}-panel-${step}`,
        class: "pg-tab",
        onclick: () => this.go(step),
        onkeydown: (event) => this.tabKey(event, step),
      }, label);
      this.tabs.append(tab);
      this.panels.set(step, el("div", { role: "tabpanel", id: `${id}-panel-${step}`, "aria-labelledby": `${id}-tab-${step}`, class: "pg-panel" }));
    }

    this.picker = el("select", { id: `${id}-sample`, onchange: () => this.pick(this.picker.value) });
    for (const sample of this.data.samples) this.picker.append(el("option", { value: sample.id }, sample.title));
    this.picker.append(el("option", { value: "" }, "A token I paste"));
    this.input = el("textarea", {
      id: `${id}-token`,
      class: "pg-input",
      rows: 4,
      spellcheck: "false",
      autocomplete: "off",
      oninput: () => this.paste(this.input.value),
    });
    this.notice = el("p", { class: "pg-notice", role: "status" });
    this.point = el("p", { class: "pg-point" });
    this.linkStatus = el("p", { class: "pg-link-status pg-small", role: "status" });
    this.linkField = el("div", { class: "pg-link-field" });
    const linkButton = el("button", { type: "button", class: "pg-button", onclick: () => this.copyLink() }, "Copy link to this example");

    const ui = el(
      "div",
      { class: "pg-live" },
      el("div", { class: "pg-source" },
        el("label", { for: this.picker.id }, "Sample"), this.picker,
        el("label", { for: this.input.id }, "Token (paste your own: it never leaves this page)"), this.input,
        this.point, this.notice,
        el("div", { class: "pg-share" }, linkButton, this.linkStatus, this.linkField)),
      this.tabs,
      [...this.panels.values()],
    );
    this.section.append(ui);
  }

  tabKey(event, step) {
    const steps = this.steps;
    const index = steps.findIndex((s) => s.id === step);
    const move = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!move) return;
    event.preventDefault();
    event.stopPropagation();
    const next = steps[(index + move + steps.length) % steps.length].id;
    this.go(next);
    this.tabs.querySelector(`[aria-controls$="-panel-${next}"]`).focus();
  }

  go(step) {
    this.state.step = step;
    this.render();
    writeFragment(this.state);
  }

  pick(sampleId) {
    this.state.tokenFromLink = false;
    if (!sampleId) {
      this.state.token = this.input.value.trim();
    } else {
      this.state.sample = sampleId;
      this.state.token = null;
    }
    this.render();
    writeFragment(this.state);
  }

  paste(text) {
    const trimmed = text.trim();
    const sample = this.data.samples.find((s) => s.token === trimmed);
    this.state.tokenFromLink = false;
    if (sample) {
      this.state.sample = sample.id;
      this.state.token = null;
    } else {
      this.state.token = trimmed;
    }
    this.render({ keepInput: text.length <= SHOWN_INPUT_LIMIT });
    writeFragment(this.state);
  }

  /**
   * "Copy link to this example": the page's address with the fragment that
   * opens this sample, or this token, at this step. Copied when the
   * browser lets the page write to the clipboard, else shown in a field to
   * copy by hand; either way the page says when the link holds a token.
   */
  async copyLink() {
    const link = pageAddress() + fragmentFor(this.state, { withToken: true });
    const warning = !this.state.token
      ? ""
      : " The link contains the token itself: anyone who gets the link can read it, and every browser that opens it keeps it in its history.";
    this.linkField.replaceChildren();
    try {
      await copy(link);
      this.linkStatus.textContent = `Link copied.${warning}`;
    } catch {
      const field = el("input", { type: "text", id: `${this.section.id || "playground"}-link`, class: "pg-input", value: link, readonly: true, spellcheck: "false", autocomplete: "off" });
      this.linkField.append(el("label", { for: field.id }, "Link to this example"), field);
      this.linkStatus.textContent = `The browser did not let the page copy: copy the link from the field below.${warning}`;
      field.focus();
      field.select();
    }
  }

  render({ keepInput = false } = {}) {
    const pasted = this.state.token !== null;
    // A link made for the example before no longer shows it.
    this.linkStatus.textContent = "";
    this.linkField.replaceChildren();
    this.picker.value = pasted ? "" : this.state.sample;
    const tooLongToShow = this.token.length > SHOWN_INPUT_LIMIT;
    if (!keepInput) this.input.value = tooLongToShow ? "" : this.token;
    const sample = pasted ? null : this.samples.get(this.state.sample);
    this.point.textContent = sample ? sample.lesson_point : "";
    this.notice.textContent = tooLongToShow
      ? `The pasted text is ${this.token.length.toLocaleString("en-US")} characters long, too long to show, so the box is empty again. Nothing left your browser: it was read right here and is kept in this page only.`
      : pasted
      ? "This token is not one of the course's samples. Nothing leaves your browser: it is decoded and checked right here, in WebAssembly, and kept in this page only (not in its address, not stored)."
      : `Sample signed with the course's fake key. The playground's clock is set to ${new Date(this.now * 1000).toISOString().replace(".000Z", "Z")}, a few minutes after it was issued.`;
    for (const [step, panel] of this.panels) {
      const active = step === this.state.step;
      panel.hidden = !active;
      const tab = this.tabs.querySelector(`[aria-controls="${panel.id}"]`);
      tab.setAttribute("aria-selected", String(active));
      tab.tabIndex = active ? 0 : -1;
    }
    const current = this.steps.find((step) => step.id === this.state.step);
    this.panels.get(current.id).replaceChildren(...current.render(this));
  }

  inspect(token = this.token) {
    try {
      return { ok: true, value: JSON.parse(inspectToken(token, this.now)) };
    } catch (error) {
      return { ok: false, error: errorText(error) };
    }
  }

  problem(text) {
    const [message, ...hint] = text.split("\n");
    return el("div", { class: "pg-problem", role: "alert" }, el("p", {}, el("strong", {}, "Cannot read this token: "), message), hint.length ? el("p", {}, hint.join(" ")) : null);
  }

  /**
   * A free lab: the request editor and the simulated servers of the
   * exercises (js/lab.js and the lab's module, fetched when this step is
   * first shown), kept across tab switches.
   */
  renderLab() {
    if (!this.labHost) {
      this.labHost = el("div", { class: "pg-lab" }, el("p", {}, "Loading the lab…"));
      import("./lab.js")
        .then(({ openLab }) => openLab(this.labHost, this.section, this.data.lab))
        .catch((error) => this.labHost.replaceChildren(el("p", { class: "pg-problem", role: "alert" }, `The lab could not start: ${errorText(error)}`)));
    }
    return [this.labHost];
  }

  renderDecode() {
    if (!this.token) return [el("p", {}, "Paste a token above, or pick a sample.")];
    const result = this.inspect();
    if (!result.ok) return [this.problem(result.error)];
    const t = result.value;
    const [h, p, s] = t.segments;
    const coloured = el("pre", { class: "pg-token-parts", "aria-label": "The token, coloured by part" },
      el("span", { class: "pg-h" }, h), ".", el("span", { class: "pg-p" }, p), ".", el("span", { class: "pg-s" }, s));
    const verdict = t.classification;
    const verdictClass = { app: "pg-verdict-app", user: "pg-verdict-user" }[verdict.verdict] ?? "pg-verdict-unclear";
    return [
      el("div", { class: `pg-verdict ${verdictClass}` },
        el("p", { class: "pg-verdict-title" }, rich(verdict.summary)),
        el("ul", {}, verdict.reasons.map((r) => el("li", {}, rich(r))))),
      coloured,
      el("div", { class: "pg-columns" },
        el("div", {}, el("p", { class: "pg-label pg-h" }, "Header"), el("pre", { class: "pg-json", tabindex: "0" }, t.header_pretty)),
        el("div", {}, el("p", { class: "pg-label pg-p" }, "Payload"), el("pre", { class: "pg-json", tabindex: "0" }, t.payload_pretty))),
      el("p", { class: "pg-label pg-s" }, `Signature: ${t.signature_bytes} bytes${t.algorithm ? ` (${t.algorithm})` : ""}. Decoding needs no key: anyone holding the token can read it. Only validation needs the key.`),
      this.claimTable("Header", t.header_claims),
      this.claimTable("Claims", t.claims),
    ];
  }

  claimTable(caption, claims) {
    return el("div", { class: "scroll", tabindex: 0 },
      el("table", { class: "pg-claims" },
        el("caption", {}, caption),
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Claim"), el("th", { scope: "col" }, "Value"), el("th", { scope: "col" }, "What it means"))),
        el("tbody", {}, claims.map((c) => el("tr", {},
          el("th", { scope: "row" }, el("code", {}, c.name)),
          el("td", {}, el("code", {}, c.value), c.time ? el("span", { class: "pg-time" }, ` ${c.time.iso} (${c.time.summary})`) : null),
          el("td", {}, rich(c.meaning), el("span", { class: "pg-source-note" }, ` ${c.source}`)))))));
  }

  renderValidate() {
    if (!this.token) return [el("p", {}, "Paste a token above, or pick a sample.")];
    const sample = this.state.token === null ? this.samples.get(this.state.sample) : null;
    const keys = this.data.keys;
    const form = el("form", { class: "pg-form", onsubmit: (e) => e.preventDefault() });
    const keyKind = el("select", { id: `${this.section.id}-key-kind` },
      el("option", { value: "rsa" }, "RS256: the course's public key (PEM)"),
      el("option", { value: "jwk" }, "RS256: the course's JWKS"),
      el("option", { value: "hmac" }, "HS256: a shared secret"),
      el("option", { value: "none" }, "No key"));
    keyKind.value = sample ? (sample.verify_with === "hmac" ? "hmac" : "rsa") : "rsa";
    // A reader may paste a real secret here: autocomplete off, so the
    // browser neither keeps it with the page's history entry (to refill the
    // field) nor offers it again.
    const keyText = el("textarea", { id: `${this.section.id}-key`, rows: 3, spellcheck: "false", autocomplete: "off", class: "pg-input" });
    const fill = () => {
      keyText.value = { rsa: keys.rsa_public_pem, jwk: keys.jwks, hmac: keys.hs256_secret, none: "" }[keyKind.value];
    };
    fill();
    const field = (label, value, name) => {
      // maxlength: the browser cuts a huge paste short instead of laying it out for seconds.
      const input = el("input", { id: `${this.section.id}-${name}`, value, spellcheck: "false", autocomplete: "off", maxlength: 2048 });
      return [el("label", { for: input.id }, label), input];
    };
    const [issLabel, iss] = field("Expected issuer (iss)", keys.issuer, "iss");
    const [audLabel, aud] = field("Expected audience (aud)", sample?.expected_audience ?? keys.audience, "aud");
    const [scopeLabel, scope] = field("Required scope", sample?.required_scope ?? "ledger:read", "scope");
    const [leewayLabel, leeway] = field("Leeway for exp and nbf (seconds)", "60", "leeway");
    const result = el("div", { class: "pg-result", "aria-live": "polite" });
    const run = () => {
      // As the token box: a paste too long to show is taken out at once.
      if (keyText.value.length > SHOWN_INPUT_LIMIT) {
        const length = keyText.value.length.toLocaleString("en-US");
        keyText.value = "";
        result.replaceChildren(el("div", { class: "pg-problem", role: "alert" }, el("p", {}, `The key text was ${length} characters long, more than the playground reads (${SHOWN_INPUT_LIMIT.toLocaleString("en-US")}), so the box is empty again.`)));
        return;
      }
      const options = {
        key: { kind: keyKind.value, value: keyText.value },
        expected_issuer: iss.value || null,
        expected_audience: aud.value || null,
        required_scope: scope.value || null,
        allowed_algorithms: [],
        leeway_seconds: Number.parseInt(leeway.value, 10) || 0,
        now: this.now,
      };
      let report;
      try {
        report = JSON.parse(validateToken(this.token, JSON.stringify(options)));
      } catch (error) {
        result.replaceChildren(this.problem(errorText(error)));
        return;
      }
      const mark = { passed: "✅", failed: "❌", skipped: "➖" };
      result.replaceChildren(
        el("p", { class: report.valid ? "pg-ok" : "pg-bad" }, report.valid ? "✅ The API would accept this token." : "❌ The API would reject this token."),
        el("ul", { class: "pg-checks" }, report.checks.map((c) =>
          el("li", { class: `pg-check-${c.status}`, "data-check": c.name }, el("span", { "aria-hidden": "true" }, `${mark[c.status] ?? ""} `), el("strong", {}, `${c.name}: ${c.status}. `), rich(c.detail)))),
        report.warnings.length ? el("div", { class: "pg-warnings" }, el("p", {}, "⚠️ Warnings"), el("ul", {}, report.warnings.map((w) => el("li", {}, rich(w))))) : null,
      );
    };
    keyKind.addEventListener("change", () => { fill(); run(); });
    for (const input of [keyText, iss, aud, scope, leeway]) input.addEventListener("input", run);
    form.append(
      el("label", { for: keyKind.id }, "Verify the signature with"), keyKind,
      el("label", { for: keyText.id, class: "visually-hidden" }, "The key or secret"), keyText,
      issLabel, iss, audLabel, aud, scopeLabel, scope, leewayLabel, leeway,
    );
    run();
    return [form, result];
  }

  /** The simulated world's clock: the samples' (read a few minutes after they were issued). */
  get worldNow() {
    return this.data.samples[0].now;
  }

  /**
   * The simulated authorization server: checks the client and the scope
   * (RFC 6749 sections 3.3, 5.1, 5.2) and hands out the RS256 token the
   * build issued for that scope, signed with the course's FAKE key.
   */
  tokenEndpoint(clientId, clientSecret, scope) {
    const client = this.data.client;
    if (clientId !== client.id || clientSecret !== client.secret) {
      return { status: 401, header: 'Basic realm="auth.example.com"', body: { error: "invalid_client", error_description: "Client authentication failed." } };
    }
    const requested = scope.trim() ? scope.trim().split(/ +/) : [client.default_scope];
    const refused = requested.filter((s) => !client.scopes.includes(s));
    if (refused.length) {
      return { status: 400, body: { error: "invalid_scope", error_description: `${client.id} may not be granted ${refused.join(" ")}.` } };
    }
    const granted = client.scopes.filter((s) => requested.includes(s)).join(" ");
    return { status: 200, body: { access_token: client.tokens[granted], token_type: "Bearer", expires_in: client.token_lifetime, scope: granted } };
  }

  /** The simulated API's endpoints, each with the scope it requires. */
  static ENDPOINTS = {
    "ledger:read": { request: "GET /ledger/entries", body: { entries: [{ id: "FAKE-entry-1", amount: "42.00", currency: "EUR" }] } },
    "ledger:write": { request: "POST /ledger/entries", body: { created: "FAKE-entry-2" } },
  };

  /**
   * The simulated API: the endpoint for `scope` checks the token as lesson
   * 07 teaches (RS256 only, the course's key, exact issuer and audience,
   * expiry with the leeway, the scope).
   */
  apiCall(token, scope = "ledger:read") {
    const endpoint = Playground.ENDPOINTS[scope] ?? Playground.ENDPOINTS["ledger:read"];
    const api = this.data.api;
    const options = {
      key: { kind: "rsa", value: this.data.keys.rsa_public_pem },
      expected_issuer: this.data.keys.issuer,
      expected_audience: api.identifier,
      required_scope: scope,
      allowed_algorithms: ["RS256"],
      leeway_seconds: api.leeway_seconds,
      now: this.worldNow,
    };
    const report = JSON.parse(validateToken(token, JSON.stringify(options)));
    const requestText = `${endpoint.request} HTTP/1.1\nHost: ${api.host}\nAuthorization: Bearer ${token}`;
    if (report.valid) return { status: 200, body: endpoint.body, report, requestText };
    const scopeFailed = report.checks.some((c) => c.name === SCOPE_CHECK && c.status === "failed");
    return scopeFailed
      ? { status: 403, header: `Bearer error="insufficient_scope", scope="${scope}"`, body: { error: "insufficient_scope" }, report, requestText }
      : { status: 401, header: 'Bearer error="invalid_token"', body: { error: "invalid_token" }, report, requestText };
  }

  /** What the client may ask for: each of its scopes, and all of them. */
  get scopeChoices() {
    const scopes = this.data.client.scopes;
    return scopes.length > 1 ? [...scopes, scopes.join(" ")] : [...scopes];
  }

  httpExchange(requestText, response) {
    const reason = { 200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden" }[response.status];
    let responseText = `HTTP/1.1 ${response.status} ${reason}\nContent-Type: application/json\nCache-Control: no-store\n`;
    if (response.header) responseText += `WWW-Authenticate: ${response.header}\n`;
    responseText += `\n${JSON.stringify(response.body, null, 2)}`;
    return [
      el("p", { class: "pg-label" }, "Request"), el("pre", { class: "pg-http", tabindex: "0" }, requestText),
      el("p", { class: "pg-label" }, "Response"), el("pre", { class: "pg-http", tabindex: "0" }, responseText),
    ];
  }

  tokenRequestText(clientId, clientSecret, scope) {
    const basic = base64Utf8(`${formEncode(clientId)}:${formEncode(clientSecret)}`);
    return `POST /oauth2/token HTTP/1.1\nHost: auth.example.com\nAuthorization: Basic ${basic}\nContent-Type: application/x-www-form-urlencoded\n\ngrant_type=client_credentials&scope=${formEncode(scope)}`;
  }

  renderFlow() {
    const client = this.data.client;
    const scopeSelect = el("select", { id: `${this.section.id}-flow-scope` }, this.scopeChoices.map((s) => el("option", { value: s }, s)));
    const out = el("div", { class: "pg-flow", "aria-live": "polite" });
    const run = () => {
      const scope = scopeSelect.value;
      const response = this.tokenEndpoint(client.id, client.secret, scope);
      const parts = [el(this.subheading, {}, "1. The service asks the authorization server for a token"), ...this.httpExchange(this.tokenRequestText(client.id, client.secret, scope), response)];
      if (response.status === 200) {
        const token = response.body.access_token;
        const api = this.apiCall(token);
        parts.push(
          el(this.subheading, {}, "2. What the token says"),
          el("p", {}, "An app token: its subject is the client itself. ",
            el("button", { type: "button", class: "pg-link", onclick: () => { this.state.token = token; this.state.tokenFromLink = false; this.go("decode"); } }, "Open it in Decode & explain")),
          el(this.subheading, {}, "3. The service calls the API with the token"),
          ...this.httpExchange(api.requestText, api),
          el("p", {}, api.status === 200 ? "The API checked the signature, issuer, audience, expiry and the ledger:read scope, and answered." : "The API refused: the token lacks the ledger:read scope this endpoint requires."),
        );
      }
      out.replaceChildren(...parts);
    };
    scopeSelect.addEventListener("change", run);
    run();
    return [
      el("p", {}, "Everything below is simulated in this page with the course's fake client ", el("code", {}, client.id), " and its fake secret. Pick the scope the service asks for:"),
      el("label", { for: scopeSelect.id }, "Scope"), scopeSelect, out,
    ];
  }

  renderLeak() {
    const out = el("div", { class: "pg-leak", "aria-live": "polite" });
    const appUrl = new URL(this.data.naive_app.script, document.baseURI).href;
    const pageUrl = new URL(this.data.naive_app.page, document.baseURI).href;
    const start = el("button", { type: "button", class: "pg-button", onclick: () => this.leakStep1(out) }, "Look inside its JavaScript");
    return [
      el("p", {}, "A team built a browser app that calls the token endpoint itself, so they shipped the client secret in its JavaScript. ",
        el("a", { href: pageUrl }, "Open the naive app"), " — then see what anyone can do with it."),
      el("p", {}, "Step 1: every visitor downloads the app's script; reading it takes no skill at all."),
      start, el("p", { class: "pg-small" }, `It fetches ${appUrl} from this site, as any browser does.`),
      out,
    ];
  }

  async leakStep1(out) {
    let script;
    try {
      const response = await fetch(new URL(this.data.naive_app.script, document.baseURI), { credentials: "omit" });
      script = await response.text();
    } catch (error) {
      out.replaceChildren(this.problem(`Could not load the naive app's script (${errorText(error)}).\nOpen this page over HTTP (cargo xtask serve, or any static server): browsers do not fetch files from file:// pages.`));
      return;
    }
    const pattern = /(client_?secret["']?\s*[:=]\s*["'])([^"']+)(["'])/i;
    const match = pattern.exec(script);
    const idMatch = /client_?id["']?\s*[:=]\s*["']([^"']+)["']/i.exec(script);
    if (!match || !idMatch) {
      out.replaceChildren(el("p", {}, "No secret found in the script."));
      return;
    }
    const secret = match[2];
    const clientId = idMatch[1];
    const lineStart = script.lastIndexOf("\n", match.index) + 1;
    const lineEnd = script.indexOf("\n", match.index);
    const line = script.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
    const at = line.indexOf(secret);
    const lineNumber = script.slice(0, match.index).split("\n").length;
    const choices = [...this.scopeChoices, this.data.ungranted_scope];
    const scopeSelect = el("select", { id: `${this.section.id}-leak-scope` }, choices.map((s) => el("option", { value: s }, s)));
    scopeSelect.value = this.scopeChoices.at(-1);
    const rest = el("div");
    out.replaceChildren(
      el("p", {}, `Found on line ${lineNumber} of the script (search for "secret"):`),
      el("pre", { class: "pg-http", tabindex: "0" }, line.slice(0, at), el("mark", {}, secret), line.slice(at + secret.length)),
      el("p", {}, "Step 2: with the client id ", el("code", {}, clientId), " and this secret, anyone can ask for a token — with any scope the client may have. Pick one (or one it may not have, to see the server refuse it):"),
      el("label", { for: scopeSelect.id }, "Scope"), scopeSelect,
      el("button", { type: "button", class: "pg-button", onclick: () => this.leakStep2(rest, clientId, secret, scopeSelect.value) }, "Ask for a token with the stolen secret"),
      rest,
    );
  }

  leakStep2(out, clientId, secret, scope) {
    const response = this.tokenEndpoint(clientId, secret, scope);
    const parts = [...this.httpExchange(this.tokenRequestText(clientId, secret, scope), response)];
    if (response.status === 200) {
      const granted = response.body.scope.split(" ");
      const endpointScope = granted.includes("ledger:write") ? "ledger:write" : granted[0];
      const api = this.apiCall(response.body.access_token, endpointScope);
      parts.push(
        el("p", {}, "Step 3: the authorization server cannot tell the attacker from the real app — the credentials are right. Now the attacker calls the endpoint that scope opens:"),
        ...this.httpExchange(api.requestText, api),
        el("p", {}, api.status === 200
          ? `The API accepts it: to the API, this is ${clientId} acting with ${response.body.scope}.`
          : `The API refused (${api.status}): ${api.report.checks.find((c) => c.status === "failed")?.detail ?? ""}`),
      );
    } else if (response.body.error === "invalid_scope") {
      parts.push(el("p", {}, `The server refuses (invalid_scope, RFC 6749 section 5.2): ${clientId} was never allowed ${scope}. The stolen secret opens exactly what ${clientId} may do — ${this.data.client.scopes.join(" and ")} — which is already enough to write to the ledger.`));
    }
    parts.push(
      el("div", { class: "pg-instead" },
        el("p", {}, el("strong", {}, "What to do instead")),
        el("ul", {},
          el("li", {}, "Keep the client secret on a server you control; client credentials is for confidential clients only (RFC 6749 section 2.1)."),
          el("li", {}, "A browser app signs the user in with the authorization code grant and PKCE (RFC 7636) and gets a user token — no secret in the browser."),
          el("li", {}, "Or let a small backend for the frontend sign the user in (authorization code flow with PKCE) and keep the tokens on the server; the browser holds only a session cookie."),
          el("li", {}, "A secret that shipped is public: rotate it."))),
    );
    out.replaceChildren(...parts);
  }
}

async function main() {
  // Only sections that carry their page data come alive.
  const sections = [...document.querySelectorAll("section.playground")].filter((s) => s.querySelector("template.pg-data"));
  if (!sections.length) return;
  try {
    await init();
  } catch (error) {
    for (const section of sections) {
      section.append(el("p", { class: "pg-problem", role: "alert" },
        `The interactive playground could not start (${errorText(error)}). The sample above is shown as it was rendered when the site was built. Pages opened from file:// cannot load WebAssembly: serve the site over HTTP.`));
    }
    return;
  }
  for (const section of sections) {
    const data = JSON.parse(section.querySelector("template.pg-data").content.textContent);
    section.classList.add("pg-ready");
    section.playground = new Playground(section, data);
  }
  window.addEventListener("hashchange", () => {
    const fragment = parseFragment(location.hash);
    const first = sections[0]?.playground;
    if (!fragment || !first) return;
    first.state.tokenFromLink = false;
    if (fragment.token) {
      first.state.token = fragment.token;
      first.state.tokenFromLink = true;
    } else if (fragment.sample && first.samples.has(fragment.sample)) {
      first.state.sample = fragment.sample;
      first.state.token = null;
    }
    if (first.hasStep(fragment.step)) first.state.step = fragment.step;
    first.render();
  });
  document.documentElement.dataset.playground = "ready";
  performance.mark("playground-ready");
}

main();
