// Shared pieces of the console's pages: credentials, the signed clients, formatting and small
// DOM helpers. Every request goes to the emulator's public endpoints, signed with SigV4 by the
// AWS SDK for JavaScript (window.KVSAWS, vendored in vendor/aws.js).

export const region = document.querySelector('meta[name="kvs-region"]').content;

const storageKey = "kvslocal-console-credentials";

// takeCredentialsFromFragment moves credentials handed in the URL fragment
// (#access-key=…&secret-key=…) into the tab's session storage and clears them from the address.
export function takeCredentialsFromFragment() {
  const h = location.hash.replace(/^#/, "");
  if (!h.includes("access-key=")) return;
  const p = new URLSearchParams(h);
  saveCredentials(p.get("access-key") || "", p.get("secret-key") || "", p.get("session-token") || "");
  history.replaceState(null, "", location.pathname + location.search + "#/streams");
}

export function saveCredentials(accessKeyId, secretAccessKey, sessionToken) {
  const c = { accessKeyId, secretAccessKey };
  if (sessionToken) c.sessionToken = sessionToken;
  sessionStorage.setItem(storageKey, JSON.stringify(c));
}

export function forgetCredentials() { sessionStorage.removeItem(storageKey); }

export function credentials() {
  try {
    const c = JSON.parse(sessionStorage.getItem(storageKey) || "null");
    return c && c.accessKeyId && c.secretAccessKey ? c : null;
  } catch { return null; }
}

function clientConfig(endpoint) {
  return { region, endpoint, credentials: credentials(), maxAttempts: 2 };
}

let control;
// kv returns the control-plane client: the emulator serves the console at its control-plane
// endpoint, so that is this page's origin.
export function kv() {
  if (!control) control = new KVSAWS.KinesisVideoClient(clientConfig(location.origin));
  return control;
}

export function resetClients() { control = undefined; endpoints.clear(); }

const endpoints = new Map();
// dataEndpoint returns the endpoint GetDataEndpoint names for an API of a stream, cached.
export function dataEndpoint(streamName, apiName) {
  const key = streamName + "\n" + apiName;
  if (!endpoints.has(key)) {
    const p = kv().send(new KVSAWS.GetDataEndpointCommand({ StreamName: streamName, APIName: apiName }))
      .then((o) => o.DataEndpoint);
    p.catch(() => endpoints.delete(key));
    endpoints.set(key, p);
  }
  return endpoints.get(key);
}

// archived returns an archived-media client for an API of a stream, at its data endpoint.
export async function archived(streamName, apiName) {
  return new KVSAWS.KinesisVideoArchivedMediaClient(clientConfig(await dataEndpoint(streamName, apiName)));
}

// emulatorCall sends a signed JSON request to an operation only the emulator has, at path of
// the control plane, and returns the decoded answer.
export async function emulatorCall(path, input, signal) {
  const url = new URL(path, location.origin);
  const body = JSON.stringify(input);
  const signer = new KVSAWS.SignatureV4({ service: "kinesisvideo", region, credentials: credentials(), sha256: KVSAWS.Sha256 });
  const req = await signer.sign({
    method: "POST", protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined,
    path: url.pathname, query: {}, body,
    headers: { host: url.host, "content-type": "application/json" },
  });
  const headers = { ...req.headers };
  delete headers.host; // the browser sets it, to the same value
  const resp = await fetch(url, { method: "POST", headers, body, signal });
  const text = await resp.text();
  const out = text ? JSON.parse(text) : {};
  if (!resp.ok) {
    const e = new Error(out.message || out.Message || `HTTP ${resp.status}`);
    e.name = resp.headers.get("x-amzn-errortype")?.split(":")[0] || out.__type || `HTTP ${resp.status}`;
    e.$metadata = { httpStatusCode: resp.status };
    throw e;
  }
  return out;
}

// listAll calls a paginated operation until its last page and returns the items of key.
export async function listAll(send, input, key, limit = 10000) {
  const items = [];
  let token;
  do {
    const out = await send({ ...input, NextToken: token });
    items.push(...(out[key] || []));
    token = out.NextToken;
  } while (token && items.length < limit);
  return items;
}

// isAuthError reports whether the emulator refused the credentials themselves.
export function isAuthError(e) {
  const s = e?.$metadata?.httpStatusCode;
  return s === 401 || s === 403 && /Signature|Token|Credential|AccessDenied|UnrecognizedClient|Forbidden/i.test(e.name + " " + e.message);
}

// describeError words an error for the page; a signature mismatch's long canonical request is
// cut off after its first sentence (the emulator's log has it whole).
export function describeError(e) {
  const name = e?.name && e.name !== "Error" ? e.name + ": " : "";
  let msg = e?.message || String(e);
  const cut = msg.search(/\s+The Canonical String/);
  if (cut > 0) msg = msg.slice(0, cut);
  return name + msg;
}

// failureText words a failed call for the page, telling a refusal of the credentials apart.
export function failureText(e) {
  return (isAuthError(e) ? "The emulator refused these credentials (sign out, then sign in with those kvslocal printed): " : "") + describeError(e);
}

// el builds an element: el("td", {class: "num"}, "12", child…).
export function el(tag, attrs, ...children) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) n.addEventListener(k.slice(2), v);
    else if (k === "text") n.textContent = v;
    else n.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    n.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return n;
}

export function facts(pairs) {
  return el("dl", { class: "facts" }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== "")
    .flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
}

export function badge(text, kind) { return el("span", { class: "badge " + kind }, text); }

export function fmtTime(d) {
  if (!d) return "";
  const t = d instanceof Date ? d : new Date(d);
  return t.toLocaleString(undefined, { hour12: false });
}

export function fmtClock(d) {
  const t = d instanceof Date ? d : new Date(d);
  return t.toLocaleTimeString(undefined, { hour12: false }) + "." + String(t.getMilliseconds()).padStart(3, "0");
}

export function fmtBytes(n) {
  if (n < 1024) return n + " B";
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + " kB";
  return (n / 1024 / 1024).toFixed(1) + " MB";
}

export function fmtRate(bitsPerSecond) {
  if (bitsPerSecond >= 1e6) return (bitsPerSecond / 1e6).toFixed(2) + " Mbit/s";
  return (bitsPerSecond / 1e3).toFixed(1) + " kbit/s";
}

// loadScript loads a vendored library once.
const scripts = new Map();
export function loadScript(src) {
  if (!scripts.has(src)) {
    scripts.set(src, new Promise((resolve, reject) => {
      const s = el("script", { src });
      s.onload = resolve;
      s.onerror = () => reject(new Error("cannot load " + src));
      document.head.append(s);
    }));
  }
  return scripts.get(src);
}

// every runs fn now and then every ms milliseconds until signal aborts, never overlapping.
export async function every(ms, signal, fn) {
  while (!signal.aborted) {
    await fn();
    await new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      signal.addEventListener("abort", () => { clearTimeout(t); resolve(); }, { once: true });
    });
  }
}

// fragmentsSince lists the fragments of a stream whose server timestamps fall in [from, to],
// sorted by producer timestamp.
export async function listFragments(streamName, from, to, limit = 1000) {
  const c = await archived(streamName, "LIST_FRAGMENTS");
  const frags = await listAll((input) => c.send(new KVSAWS.ListFragmentsCommand(input)), {
    StreamName: streamName, MaxResults: Math.min(limit, 1000),
    FragmentSelector: { FragmentSelectorType: "SERVER_TIMESTAMP", TimestampRange: { StartTimestamp: from, EndTimestamp: to } },
  }, "Fragments", limit);
  frags.sort((a, b) => a.ProducerTimestamp - b.ProducerTimestamp || a.ServerTimestamp - b.ServerTimestamp);
  return frags;
}

// refreshTable fills the rows of a table every ms milliseconds until signal aborts: load
// returns the rows (elements), status tells how many (noun) and when, or why it failed. The
// promise it returns settles once the first load has been shown.
export function refreshTable(signal, ms, { body, status, load, noun, empty, columns }) {
  let done;
  const ready = new Promise((r) => { done = r; });
  every(ms, signal, async () => {
    try {
      const rows = await load();
      if (signal.aborted) return;
      body.replaceChildren(...rows);
      if (!rows.length) body.append(el("tr", {}, el("td", { colspan: columns }, empty)));
      status.textContent = `${rows.length} ${noun}${rows.length === 1 ? "" : "s"}, updated ${new Date().toLocaleTimeString(undefined, { hour12: false })}`;
    } catch (e) {
      if (signal.aborted) return;
      body.replaceChildren();
      status.replaceChildren(el("span", { class: "error", role: "alert" },
        failureText(e)));
    }
    done();
  });
  return ready;
}
