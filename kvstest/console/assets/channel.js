// A signaling channel's page: its description and activity, and a WebRTC viewer that connects
// with the official Kinesis Video Streams WebRTC SDK (vendor/kvs-webrtc.js) and shows the
// master's media.

import { kv, emulatorCall, el, facts, badge, fmtTime, describeError, failureText, loadScript, every, region, credentials } from "./lib.js";
import { activityPath } from "./channels.js";

export async function channelPage(main, name, signal) {
  document.title = `${name} · Signaling channels · kvslocal console`;
  main.append(el("p", {}, el("a", { href: "#/channels" }, "← All signaling channels")), el("h1", {}, name));
  let info;
  try {
    info = (await kv().send(new KVSAWS.DescribeSignalingChannelCommand({ ChannelName: name }), { abortSignal: signal })).ChannelInfo;
  } catch (e) {
    main.append(el("p", { class: "error", role: "alert" }, failureText(e)));
    return;
  }
  const activity = el("div", { id: "activity" });
  const viewer = new Viewer(info, signal);
  main.append(el("div", { class: "grid" },
    el("section", { "aria-labelledby": "h-viewer" }, el("h2", { id: "h-viewer" }, "Viewer"), viewer.node),
    el("section", { "aria-labelledby": "h-channel" },
      el("h2", { id: "h-channel" }, "Channel"), facts([
        ["ARN", info.ChannelARN], ["Type", info.ChannelType], ["Status", info.ChannelStatus],
        ["Message TTL", info.SingleMasterConfiguration?.MessageTtlSeconds + " s"], ["Version", info.Version], ["Created", fmtTime(info.CreationTime)],
      ]),
      el("h2", {}, "Activity"), activity)));
  let done;
  const ready = new Promise((r) => { done = r; });
  every(2000, signal, async () => {
    try {
      const a = await emulatorCall(activityPath, { ChannelARN: info.ChannelARN }, signal);
      activity.replaceChildren(facts([
        ["Master", a.MasterConnected ? badge("connected", "live") : badge("not connected", "idle")],
        ["Viewers", a.ViewerClientIds.length ? a.ViewerClientIds.join(", ") : "none"],
        ["Messages relayed", String(a.MessagesRelayed)],
        ["Waiting for a master", String(a.MessagesHeld)],
      ]));
    } catch (e) {
      if (!signal.aborted) activity.replaceChildren(el("p", { class: "error" }, describeError(e)));
    }
    done();
  });
  return ready;
}

// Viewer connects to the channel as a VIEWER and plays what the master sends.
class Viewer {
  constructor(info, signal) {
    this.info = info;
    this.signal = signal;
    this.video = el("video", { id: "remote", autoplay: true, playsinline: true, muted: true, controls: true, "aria-describedby": "viewer-status" });
    this.video.muted = true;
    this.status = el("p", { id: "viewer-status", class: "status", role: "status" }, "Not connected.");
    this.stats = el("div", { id: "viewer-stats" });
    this.button = el("button", { type: "button", class: "primary", id: "connect", onclick: () => (this.pc ? this.stop("Disconnected.") : this.start()) }, "Connect as viewer");
    this.node = el("div", {}, this.video, this.status, el("div", { class: "row" }, this.button), this.stats);
    signal.addEventListener("abort", () => this.stop());
  }

  say(text, error) { this.status.replaceChildren(error ? el("span", { class: "error" }, text) : text); }

  stop(text) {
    clearInterval(this.timer);
    this.client?.close();
    this.pc?.close();
    this.client = this.pc = undefined;
    this.button.textContent = "Connect as viewer";
    if (text) this.say(text);
  }

  async start() {
    this.button.textContent = "Disconnect";
    const arn = this.info.ChannelARN;
    const clientId = "console-" + Math.random().toString(36).slice(2, 10);
    try {
      this.say("Finding the channel's endpoints…");
      await loadScript("/console/vendor/kvs-webrtc.js");
      const ep = await kv().send(new KVSAWS.GetSignalingChannelEndpointCommand({
        ChannelARN: arn, SingleMasterChannelEndpointConfiguration: { Protocols: ["WSS", "HTTPS"], Role: "VIEWER" },
      }));
      const byProto = Object.fromEntries(ep.ResourceEndpointList.map((e) => [e.Protocol, e.ResourceEndpoint]));
      if (!byProto.WSS?.startsWith("wss://")) {
        throw new Error(`the channel's WebSocket endpoint is ${byProto.WSS}, and the WebRTC SDK connects only to wss:// endpoints: start kvslocal with -tls`);
      }
      const sig = new KVSAWS.KinesisVideoSignalingClient({ region, endpoint: byProto.HTTPS, credentials: credentials(), maxAttempts: 2 });
      const ice = await sig.send(new KVSAWS.GetIceServerConfigCommand({ ChannelARN: arn, ClientId: clientId }));
      this.iceServers = ice.IceServerList || [];
      if (this.signal.aborted || !this.button.textContent.startsWith("Disconnect")) return;
      // On one machine the peers reach each other through their host candidates; the console
      // uses no STUN or TURN server, so no packet leaves the machine.
      const pc = new RTCPeerConnection({ iceServers: [] });
      this.pc = pc;
      const client = new KVSWebRTC.SignalingClient({
        channelARN: arn, channelEndpoint: byProto.WSS, clientId, role: KVSWebRTC.Role.VIEWER, region, credentials: credentials(),
        systemClockOffset: kv().config.systemClockOffset || 0,
      });
      this.client = client;
      pc.addTransceiver("video", { direction: "recvonly" });
      pc.addTransceiver("audio", { direction: "recvonly" });
      pc.ontrack = (ev) => { if (!this.video.srcObject) this.video.srcObject = ev.streams[0] || new MediaStream([ev.track]); };
      pc.onicecandidate = ({ candidate }) => { if (candidate) client.sendIceCandidate(candidate); };
      pc.onconnectionstatechange = () => {
        this.say(`Peer connection ${pc.connectionState}.`, pc.connectionState === "failed");
        this.video.dataset.connection = pc.connectionState;
      };
      client.on("open", async () => {
        this.say("Signaling open: sending the offer…");
        await pc.setLocalDescription(await pc.createOffer());
        client.sendSdpOffer(pc.localDescription);
      });
      client.on("sdpAnswer", async (answer) => { await pc.setRemoteDescription(answer); this.say("Answer received: connecting…"); });
      client.on("iceCandidate", (c) => pc.addIceCandidate(c).catch(() => {}));
      client.on("error", (e) => this.say("Signaling error: " + describeError(e), true));
      client.on("close", () => { if (this.client === client) this.say("Signaling closed."); });
      client.open();
      this.timer = setInterval(() => this.showStats(), 1000);
    } catch (e) {
      this.stop();
      this.say(describeError(e), true);
    }
  }

  async showStats() {
    if (!this.pc) return;
    const report = await this.pc.getStats();
    let v, pair;
    report.forEach((s) => {
      if (s.type === "inbound-rtp" && s.kind === "video") v = s;
      if (s.type === "transport" && s.selectedCandidatePairId) pair = report.get(s.selectedCandidatePairId);
    });
    const local = pair && report.get(pair.localCandidateId), remote = pair && report.get(pair.remoteCandidateId);
    const path = remote ? `${local.address}:${local.port} → ${remote.address}:${remote.port} (${remote.candidateType})` : "—";
    this.video.dataset.path = path;
    const frames = v?.framesDecoded || 0;
    this.video.dataset.framesDecoded = String(frames);
    this.video.dataset.framesReceived = String(v?.framesReceived || 0);
    this.stats.replaceChildren(facts([
      ["Frames received", String(v?.framesReceived || 0)], ["Frames decoded", String(frames)],
      ["Resolution", v?.frameWidth ? `${v.frameWidth}×${v.frameHeight}` : "—"], ["Bytes received", String(v?.bytesReceived || 0)],
      ["Connected through", path],
      ["ICE servers offered", `${this.iceServers.length} (not used: the console connects through host candidates)`],
    ]));
  }
}
