// The signaling channels page: every channel with who is connected and how many messages the
// relay delivered (the emulator's DescribeSignalingChannelActivity, signed like the APIs).

import { kv, listAll, emulatorCall, el, badge, fmtTime, describeError, refreshTable } from "./lib.js";

export const activityPath = "/emulator/describeSignalingChannelActivity";

export async function channelsPage(main, _name, signal) {
  document.title = "Signaling channels · kvslocal console";
  const status = el("p", { class: "status", role: "status" });
  const body = el("tbody");
  main.append(el("h1", {}, "Signaling channels"), status, el("table", { id: "channels" },
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "Name"), el("th", { scope: "col" }, "Type"), el("th", { scope: "col" }, "Status"),
      el("th", { scope: "col" }, "Master"), el("th", { scope: "col", class: "num" }, "Viewers"),
      el("th", { scope: "col", class: "num" }, "Messages relayed"), el("th", { scope: "col" }, "Created"))),
    body));
  return refreshTable(signal, 3000, {
    body, status, noun: "channel", columns: 7,
    empty: "No signaling channels yet.",
    load: async () => {
      const chans = await listAll((input) => kv().send(new KVSAWS.ListSignalingChannelsCommand(input), { abortSignal: signal }), { MaxResults: 100 }, "ChannelInfoList");
      chans.sort((a, b) => a.ChannelName.localeCompare(b.ChannelName));
      const acts = await Promise.all(chans.map((c) => emulatorCall(activityPath, { ChannelARN: c.ChannelARN }, signal).catch((e) => ({ error: describeError(e) }))));
      return chans.map((c, i) => row(c, acts[i]));
    },
  });
}

function row(c, a) {
  return el("tr", { "data-channel": c.ChannelName },
    el("th", { scope: "row" }, el("a", { href: "#/channel/" + encodeURIComponent(c.ChannelName) }, c.ChannelName)),
    el("td", {}, c.ChannelType),
    el("td", {}, c.ChannelStatus === "ACTIVE" ? c.ChannelStatus : badge(c.ChannelStatus, "bad")),
    a.error ? el("td", { colspan: 3, class: "error" }, a.error) : [
      el("td", { class: "master" }, a.MasterConnected ? badge("connected", "live") : badge("none", "idle")),
      el("td", { class: "num viewers" }, String(a.ViewerClientIds.length)),
      el("td", { class: "num relayed" }, String(a.MessagesRelayed)),
    ],
    el("td", {}, fmtTime(c.CreationTime)));
}
