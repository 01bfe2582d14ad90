// The streams page: every stream with its status, retention, media type, and what arrived in
// the last minute (fragments, data rate, live or idle), from ListStreams and ListFragments.

import { kv, listAll, listFragments, el, badge, fmtRate, fmtTime, describeError, refreshTable } from "./lib.js";

// window is how far back the activity columns look.
const windowMs = 60_000;

export async function streamsPage(main, _name, signal) {
  document.title = "Streams · kvslocal console";
  const status = el("p", { class: "status", role: "status" });
  const body = el("tbody");
  const table = el("table", { id: "streams" },
    el("caption", { class: "status" }, "Fragments that arrived in the last minute, and their data rate (bytes over media time); a stream is live when a fragment arrived in the last 10 seconds."),
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "Name"), el("th", { scope: "col" }, "Status"), el("th", { scope: "col" }, "Activity"),
      el("th", { scope: "col", class: "num" }, "Fragments"), el("th", { scope: "col", class: "num" }, "Data rate"),
      el("th", { scope: "col", class: "num" }, "Retention"), el("th", { scope: "col" }, "Media type"),
      el("th", { scope: "col" }, "Created"))),
    body);
  main.append(el("h1", {}, "Streams"), status, table);
  return refreshTable(signal, 5000, {
    body, status, noun: "stream", columns: 8,
    empty: "No streams yet. Create one with `kvs create-stream` or CreateStream.",
    load: async () => {
      const streams = await listAll((input) => kv().send(new KVSAWS.ListStreamsCommand(input), { abortSignal: signal }), { MaxResults: 100 }, "StreamInfoList");
      streams.sort((a, b) => a.StreamName.localeCompare(b.StreamName));
      const activity = await Promise.all(streams.map((s) => streamActivity(s)));
      return streams.map((s, i) => row(s, activity[i]));
    },
  });
}

// streamActivity sums up the fragments of the last minute.
async function streamActivity(s) {
  if (!s.DataRetentionInHours) return { archived: false };
  const now = Date.now();
  try {
    const frags = await listFragments(s.StreamName, new Date(now - windowMs), new Date(now + 1000));
    const bytes = frags.reduce((n, f) => n + Number(f.FragmentSizeInBytes || 0), 0);
    const newest = frags.reduce((t, f) => Math.max(t, +f.ServerTimestamp), 0);
    const ms = frags.reduce((n, f) => n + Number(f.FragmentLengthInMilliseconds || 0), 0);
    return { archived: true, count: frags.length, rate: ms ? bytes * 8 / (ms / 1000) : 0, live: newest > now - 10_000, newest };
  } catch (e) {
    return { archived: true, error: describeError(e) };
  }
}

function row(s, a) {
  let activity, count = "—", rate = "—";
  if (!a.archived) activity = el("span", {}, "not archived (retention 0)");
  else if (a.error) activity = el("span", { class: "error" }, a.error);
  else {
    activity = a.live ? badge("live", "live") : badge("idle", "idle");
    count = String(a.count);
    rate = fmtRate(a.rate);
  }
  return el("tr", { "data-stream": s.StreamName },
    el("th", { scope: "row" }, el("a", { href: "#/stream/" + encodeURIComponent(s.StreamName) }, s.StreamName)),
    el("td", {}, s.Status === "ACTIVE" ? s.Status : badge(s.Status, "bad")),
    el("td", { class: "activity" }, activity),
    el("td", { class: "num fragments" }, count),
    el("td", { class: "num rate" }, rate),
    el("td", { class: "num" }, s.DataRetentionInHours ? s.DataRetentionInHours + " h" : "0"),
    el("td", {}, s.MediaType || "—"),
    el("td", {}, fmtTime(s.CreationTime)));
}
