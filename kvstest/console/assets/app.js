// The console's entry point: sign-in, and the pages by the address's fragment:
// #/streams, #/stream/NAME, #/channels, #/channel/NAME.

import { credentials, takeCredentialsFromFragment, saveCredentials, forgetCredentials, resetClients, el, region } from "./lib.js";
import { streamsPage } from "./streams.js";
import { streamPage } from "./stream.js";
import { channelsPage } from "./channels.js";
import { channelPage } from "./channel.js";

const main = document.getElementById("main");
let current; // the AbortController of the page shown

function route() {
  current?.abort();
  current = new AbortController();
  const signal = current.signal;
  const [, section = "streams", ...rest] = location.hash.replace(/^#/, "").split("/");
  const name = decodeURIComponent(rest.join("/"));
  document.querySelectorAll("nav a").forEach((a) => {
    if (a.dataset.section === section.replace(/s?$/, "s")) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  });
  showWho();
  main.replaceChildren();
  if (!credentials()) return signInPage();
  const pages = { streams: streamsPage, stream: streamPage, channels: channelsPage, channel: channelPage };
  const page = pages[section];
  if (!page) {
    document.title = "Not found · kvslocal console";
    main.append(el("h1", {}, "No such page"), el("p", {}, el("a", { href: "#/streams" }, "Go to the streams")));
    return;
  }
  const started = performance.now();
  page(main, name, signal).then(() => {
    if (!signal.aborted) document.body.dataset.pageReadyMs = String(Math.round(performance.now() - started));
  }, (e) => { if (!signal.aborted) main.append(el("p", { class: "error", role: "alert" }, String(e?.message || e))); });
}

function showWho() {
  const who = document.getElementById("who");
  const c = credentials();
  who.replaceChildren();
  if (!c) return;
  who.append(`Signed in as ${c.accessKeyId} · ${region} `,
    el("button", { type: "button", onclick: () => { forgetCredentials(); resetClients(); route(); } }, "Sign out"));
}

function signInPage() {
  document.title = "Sign in · kvslocal console";
  const form = el("form", { class: "signin" },
    el("label", { for: "ak" }, "Access key ID"), el("input", { id: "ak", name: "ak", required: true, autocomplete: "username" }),
    el("label", { for: "sk" }, "Secret access key"), el("input", { id: "sk", name: "sk", type: "password", required: true, autocomplete: "current-password" }),
    el("label", { for: "st" }, "Session token (optional)"), el("input", { id: "st", name: "st", type: "password" }),
    el("button", { type: "submit", class: "primary" }, "Sign in"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    saveCredentials(form.ak.value.trim(), form.sk.value.trim(), form.st.value.trim());
    resetClients();
    if (!location.hash || location.hash === "#") location.hash = "#/streams"; else route();
  });
  main.append(el("h1", {}, "Sign in"),
    el("p", {}, `The console calls the emulator's APIs from this browser, signed like any client: give the credentials kvslocal printed (region ${region}). They stay in this tab's session storage.`),
    form);
  form.ak.focus();
}

takeCredentialsFromFragment();
window.addEventListener("hashchange", () => { route(); main.focus(); });
route();
