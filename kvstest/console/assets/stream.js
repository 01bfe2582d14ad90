// A stream's page: its description, a player (live, or on demand from a fragment of the
// timeline) fed by the emulator's HLS sessions, the fragment timeline, a clip download, the
// latest images, its tags and its configurations.

import { kv, archived, listFragments, el, facts, badge, fmtTime, fmtClock, fmtBytes, describeError, failureText, loadScript, every } from "./lib.js";

const ranges = [["5 minutes", 5 * 60], ["1 hour", 3600], ["6 hours", 6 * 3600], ["24 hours", 24 * 3600]];
const clipSeconds = 30;
// maxListed bounds the fragments the timeline lists.
const maxListed = 2000;

export async function streamPage(main, name, signal) {
  document.title = `${name} · Streams · kvslocal console`;
  main.append(el("p", {}, el("a", { href: "#/streams" }, "← All streams")), el("h1", {}, name));
  let info;
  try {
    info = (await kv().send(new KVSAWS.DescribeStreamCommand({ StreamName: name }), { abortSignal: signal })).StreamInfo;
  } catch (e) {
    main.append(el("p", { class: "error", role: "alert" }, failureText(e)));
    return;
  }
  if (signal.aborted) return;
  const player = new Player(name, signal);
  const timeline = new Timeline(name, info, player, signal);
  const images = el("div", { class: "images", id: "images" });
  const imageStatus = el("p", { class: "status", role: "status" });
  const tags = el("div", { id: "tags" });
  const configs = el("div", { id: "configurations" });
  main.append(
    el("div", { class: "grid" },
      el("section", { "aria-labelledby": "h-player" }, el("h2", { id: "h-player" }, "Player"), player.node),
      el("section", { "aria-labelledby": "h-timeline" }, el("h2", { id: "h-timeline" }, "Fragments"), timeline.node)),
    el("section", { "aria-labelledby": "h-images" }, el("h2", { id: "h-images" }, "Latest images"), imageStatus, images),
    el("div", { class: "grid" },
      el("section", { "aria-labelledby": "h-about" }, el("h2", { id: "h-about" }, "Stream"), facts([
        ["Status", info.Status], ["ARN", info.StreamARN], ["Media type", info.MediaType || "—"],
        ["Retention", info.DataRetentionInHours ? info.DataRetentionInHours + " hours" : "0 (not archived)"],
        ["Device", info.DeviceName], ["KMS key", info.KmsKeyId], ["Version", info.Version], ["Created", fmtTime(info.CreationTime)],
      ])),
      el("div", {},
        el("section", { "aria-labelledby": "h-tags" }, el("h2", { id: "h-tags" }, "Tags"), tags),
        el("section", { "aria-labelledby": "h-configs" }, el("h2", { id: "h-configs" }, "Configurations"), configs))));

  const jobs = [showTags(name, tags, signal), showConfigurations(name, configs, signal)];
  if (info.DataRetentionInHours > 0) {
    jobs.push(timeline.refresh().then(() => showImages(name, timeline.fragments, images, imageStatus)));
    player.playLive();
    let runs = 0; // the first run is the refresh above
    every(10_000, signal, async () => {
      if (!runs++) return;
      await timeline.refresh();
      await showImages(name, timeline.fragments, images, imageStatus);
    }).catch(() => {});
  } else {
    player.say("The stream keeps no media (retention 0): there is nothing to play.");
    imageStatus.textContent = "No images: the stream keeps no media.";
  }
  await Promise.all(jobs);
}

// Player plays HLS sessions of the stream with hls.js, in a <video> element.
class Player {
  constructor(name, signal) {
    this.name = name;
    this.signal = signal;
    this.video = el("video", { id: "player", controls: true, muted: true, playsinline: true, "aria-describedby": "player-status" });
    this.video.muted = true;
    this.status = el("p", { id: "player-status", class: "status", role: "status" });
    this.liveButton = el("button", { type: "button", id: "play-live", onclick: () => this.playLive() }, "Play live");
    this.node = el("div", {}, this.video, this.status, el("div", { class: "row" }, this.liveButton));
    signal.addEventListener("abort", () => this.stop());
  }

  say(text, error) {
    this.status.replaceChildren(error ? el("span", { class: "error" }, text) : text);
  }

  stop() {
    this.hls?.destroy();
    this.hls = undefined;
    this.video.removeAttribute("src");
  }

  async playLive() {
    this.video.dataset.mode = "LIVE";
    await this.play({ PlaybackMode: "LIVE" }, "Live");
  }

  async playFrom(start, end, label) {
    this.video.dataset.mode = "ON_DEMAND";
    await this.play({
      PlaybackMode: "ON_DEMAND",
      HLSFragmentSelector: { FragmentSelectorType: "SERVER_TIMESTAMP", TimestampRange: { StartTimestamp: start, EndTimestamp: end } },
    }, label);
  }

  async play(selector, label) {
    this.stop();
    this.say(`${label}: opening an HLS session…`);
    try {
      await loadScript("/console/vendor/hls.js");
      const c = await archived(this.name, "GET_HLS_STREAMING_SESSION_URL");
      const out = await c.send(new KVSAWS.GetHLSStreamingSessionURLCommand({
        StreamName: this.name, ContainerFormat: "MPEG_TS", DiscontinuityMode: "ALWAYS", Expires: 3600, ...selector,
      }), { abortSignal: this.signal });
      if (this.signal.aborted) return;
      this.video.dataset.sessionUrl = out.HLSStreamingSessionURL;
      if (window.Hls && Hls.isSupported()) {
        const hls = new Hls({ liveSyncDurationCount: 2, enableWorker: true, lowLatencyMode: false });
        this.hls = hls;
        hls.on(Hls.Events.ERROR, (_ev, d) => { if (d.fatal) this.say(`${label}: playback failed (${d.type}: ${d.details})`, true); });
        hls.on(Hls.Events.MANIFEST_PARSED, () => this.say(`${label}: playing.`));
        hls.loadSource(out.HLSStreamingSessionURL);
        hls.attachMedia(this.video);
      } else if (this.video.canPlayType("application/vnd.apple.mpegurl")) {
        this.video.src = out.HLSStreamingSessionURL;
        this.say(`${label}: playing.`);
      } else {
        this.say("This browser plays neither HLS nor Media Source Extensions.", true);
        return;
      }
      await this.video.play().catch(() => {});
    } catch (e) {
      if (!this.signal.aborted) this.say(`${label}: ${describeError(e)}`, true);
    }
  }
}

// Timeline lists the fragments of a time range as buttons: a click plays from the fragment.
class Timeline {
  constructor(name, info, player, signal) {
    this.name = name;
    this.info = info;
    this.player = player;
    this.signal = signal;
    this.fragments = [];
    this.range = el("select", { id: "range", onchange: () => this.refresh() },
      ranges.map(([label, s]) => el("option", { value: s }, "last " + label)));
    this.list = el("ol", { class: "timeline", id: "timeline", "aria-label": "Fragments, oldest first; arrow keys move between them" });
    this.list.addEventListener("keydown", (ev) => this.onKey(ev));
    this.summary = el("p", { class: "status", role: "status" });
    this.detail = el("div", { id: "fragment-detail" });
    this.node = el("div", {},
      el("div", { class: "row" }, el("label", { for: "range" }, "Show"), this.range,
        el("button", { type: "button", onclick: () => this.refresh() }, "Refresh")),
      this.summary, this.list, this.detail);
  }

  async refresh() {
    const now = Date.now();
    try {
      const frags = await listFragments(this.name, new Date(now - Number(this.range.value) * 1000), new Date(now + 1000), maxListed);
      if (this.signal.aborted) return;
      this.fragments = frags;
      this.render();
    } catch (e) {
      if (!this.signal.aborted) this.summary.replaceChildren(el("span", { class: "error" }, describeError(e)));
    }
  }

  render() {
    const frags = this.fragments;
    const selected = this.selected?.FragmentNumber;
    const items = frags.map((f, i) => {
      const prev = frags[i - 1];
      const gap = prev && +f.ProducerTimestamp - (+prev.ProducerTimestamp + Number(prev.FragmentLengthInMilliseconds)) > 1000;
      const label = `Fragment ${f.FragmentNumber} at ${fmtClock(f.ProducerTimestamp)}, ${(Number(f.FragmentLengthInMilliseconds) / 1000).toFixed(1)} s, ${fmtBytes(Number(f.FragmentSizeInBytes))}`;
      return el("li", {}, el("button", {
        type: "button", class: gap ? "gap" : undefined, title: label, "aria-label": label,
        "aria-pressed": f.FragmentNumber === selected ? "true" : "false", "data-fragment": f.FragmentNumber,
        onclick: () => this.select(f),
      }, fmtClock(f.ProducerTimestamp).slice(3, 8)));
    });
    const focused = this.list.contains(document.activeElement) ? document.activeElement.dataset.fragment : undefined;
    this.list.replaceChildren(...items);
    // One stop in the tab order: the chosen fragment, or the newest; arrow keys move within.
    const buttons = [...this.list.querySelectorAll("button")];
    const current = buttons.find((b) => b.dataset.fragment === selected) || buttons.at(-1);
    buttons.forEach((b) => { b.tabIndex = b === current ? 0 : -1; });
    if (focused) (buttons.find((b) => b.dataset.fragment === focused) || current)?.focus(); // a refresh keeps the focus
    if (!frags.length) {
      this.summary.textContent = "No fragments in this range.";
      return;
    }
    const bytes = frags.reduce((n, f) => n + Number(f.FragmentSizeInBytes), 0);
    this.summary.textContent = `${frags.length} fragments, ${fmtBytes(bytes)}, from ${fmtTime(frags[0].ProducerTimestamp)} to ${fmtTime(frags.at(-1).ProducerTimestamp)}` +
      (frags.length >= maxListed ? ` (the first ${maxListed} listed: choose a shorter range for the others)` : "") + ". Choose one to play from it.";
  }

  // onKey moves the focus along the timeline: ← → one fragment, Home and End to either end.
  onKey(ev) {
    const buttons = [...this.list.querySelectorAll("button")];
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    const to = { ArrowLeft: i - 1, ArrowRight: i + 1, ArrowUp: i - 1, ArrowDown: i + 1, Home: 0, End: buttons.length - 1 }[ev.key];
    if (to === undefined || to < 0 || to >= buttons.length) return;
    ev.preventDefault();
    buttons[i].tabIndex = -1;
    buttons[to].tabIndex = 0;
    buttons[to].focus();
  }

  // select plays from fragment f on demand, and offers a clip from it.
  select(f) {
    this.selected = f;
    this.list.querySelectorAll("button").forEach((b) => {
      const chosen = b.dataset.fragment === f.FragmentNumber;
      b.setAttribute("aria-pressed", chosen ? "true" : "false");
      b.tabIndex = chosen ? 0 : -1;
    });
    const start = new Date(+f.ServerTimestamp);
    const last = this.fragments.at(-1);
    const end = new Date(Math.max(+last.ServerTimestamp + Number(last.FragmentLengthInMilliseconds), +start + 1000));
    this.player.playFrom(start, end, `From ${fmtClock(f.ProducerTimestamp)}`);
    const clipEnd = new Date(Math.min(+start + clipSeconds * 1000, +end));
    const link = el("span", { id: "clip-link" });
    const button = el("button", { type: "button", id: "clip", onclick: () => this.downloadClip(start, clipEnd, link, button) },
      `Download a clip (MP4, ${Math.round((clipEnd - start) / 1000)} s from here)`);
    this.detail.replaceChildren(
      facts([["Fragment", f.FragmentNumber], ["Producer time", fmtTime(f.ProducerTimestamp)], ["Server time", fmtTime(f.ServerTimestamp)],
        ["Length", Number(f.FragmentLengthInMilliseconds) + " ms"], ["Size", fmtBytes(Number(f.FragmentSizeInBytes))]]),
      el("div", { class: "row" }, button, link));
  }

  async downloadClip(start, end, link, button) {
    button.disabled = true;
    link.textContent = "Asking for the clip…";
    try {
      const c = await archived(this.name, "GET_CLIP");
      const out = await c.send(new KVSAWS.GetClipCommand({
        StreamName: this.name,
        ClipFragmentSelector: { FragmentSelectorType: "SERVER_TIMESTAMP", TimestampRange: { StartTimestamp: start, EndTimestamp: end } },
      }), { abortSignal: this.signal });
      const bytes = await out.Payload.transformToByteArray();
      const url = URL.createObjectURL(new Blob([bytes], { type: out.ContentType || "video/mp4" }));
      this.signal.addEventListener("abort", () => URL.revokeObjectURL(url));
      const file = `${this.name}-${start.toISOString().replace(/[:.]/g, "-")}.mp4`;
      const a = el("a", { href: url, download: file, id: "clip-file", "data-bytes": bytes.length }, `${file} (${fmtBytes(bytes.length)})`);
      link.replaceChildren(a);
      a.click();
    } catch (e) {
      link.replaceChildren(el("span", { class: "error" }, describeError(e)));
    } finally {
      button.disabled = false;
    }
  }
}

// showImages shows a few images of the newest fragments (GetImages).
async function showImages(name, frags, node, status) {
  if (!frags.length) {
    status.textContent = "No images: no fragments in the last minutes.";
    return;
  }
  const last = frags.at(-1);
  const end = new Date(+last.ServerTimestamp + Number(last.FragmentLengthInMilliseconds));
  const interval = 2000;
  const start = new Date(Math.max(+frags[0].ServerTimestamp, +end - 4 * interval));
  try {
    const c = await archived(name, "GET_IMAGES");
    const out = await c.send(new KVSAWS.GetImagesCommand({
      StreamName: name, ImageSelectorType: "SERVER_TIMESTAMP", StartTimestamp: start, EndTimestamp: end,
      SamplingInterval: interval, Format: "JPEG", WidthPixels: 320, MaxResults: 4,
    }));
    const imgs = (out.Images || []).filter((i) => i.ImageContent);
    node.replaceChildren(...imgs.map((i) => el("figure", {},
      el("img", { src: "data:image/jpeg;base64," + i.ImageContent, alt: `Frame of ${name} at ${fmtClock(i.TimeStamp)}`, width: 320 }),
      el("figcaption", {}, fmtClock(i.TimeStamp)))));
    const failed = (out.Images || []).filter((i) => i.Error);
    status.textContent = `${imgs.length} image${imgs.length === 1 ? "" : "s"} from ${fmtClock(start)} to ${fmtClock(end)}` +
      (failed.length ? `; ${failed.length} without media (${failed[0].Error})` : "") + ".";
  } catch (e) {
    status.replaceChildren(el("span", { class: "error" }, describeError(e)));
  }
}

async function showTags(name, node, signal) {
  try {
    const out = await kv().send(new KVSAWS.ListTagsForStreamCommand({ StreamName: name }), { abortSignal: signal });
    const tags = Object.entries(out.Tags || {}).sort(([a], [b]) => a.localeCompare(b));
    if (!tags.length) { node.replaceChildren(el("p", {}, "No tags.")); return; }
    node.replaceChildren(el("table", {},
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Key"), el("th", { scope: "col" }, "Value"))),
      el("tbody", {}, tags.map(([k, v]) => el("tr", {}, el("td", {}, k), el("td", {}, v))))));
  } catch (e) {
    node.replaceChildren(el("p", { class: "error" }, describeError(e)));
  }
}

// showConfigurations shows each configuration of the stream, or that it has none.
async function showConfigurations(name, node, signal) {
  const calls = [
    ["Image generation", KVSAWS.DescribeImageGenerationConfigurationCommand, "ImageGenerationConfiguration"],
    ["Notifications", KVSAWS.DescribeNotificationConfigurationCommand, "NotificationConfiguration"],
    ["Edge", KVSAWS.DescribeEdgeConfigurationCommand, null],
  ];
  const parts = await Promise.all(calls.map(async ([label, Command, key]) => {
    try {
      const out = await kv().send(new Command({ StreamName: name }), { abortSignal: signal });
      const { $metadata, ...rest } = out;
      const value = key ? out[key] : rest;
      return [label, value && Object.keys(value).length ? el("pre", {}, JSON.stringify(value, null, 2)) : "none"];
    } catch (e) {
      return [label, /NotFoundException$/.test(e.name) ? "none" : el("span", { class: "error" }, describeError(e))];
    }
  }));
  node.replaceChildren(facts(parts));
}
