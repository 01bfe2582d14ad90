// Runs the WebRTC JS SDK's SignalingClient over a stand-in WebSocket, for the Go tests of
// internal/jspeer to compare its frames with those of our signaling package. It reads a JSON
// object on standard input: {"send":[{"role","op","payload":"<JSON>","recipient",
// "correlationId"}…], "receive":[{"role","frame":"<a frame the service sends>"}…]}, and prints
// {"sent":["<frame the SDK wrote>"…], "received":[{"event","payload","sender","status"}…]}:
// the frames the SDK wrote for each send, and the events it emitted for each frame received.
'use strict';

const { SignalingClient, Role } = require('amazon-kinesis-video-streams-webrtc');

// StandIn is the WebSocket the SDK opens: it records what is sent and delivers frames on demand.
class StandIn {
    constructor() {
        this.listeners = {};
        this.sent = [];
        StandIn.last = this;
        setImmediate(() => this.dispatch('open', {}));
    }
    addEventListener(type, fn) {
        (this.listeners[type] = this.listeners[type] || []).push(fn);
    }
    removeEventListener(type, fn) {
        this.listeners[type] = (this.listeners[type] || []).filter((f) => f !== fn);
    }
    dispatch(type, event) {
        for (const fn of this.listeners[type] || []) {
            fn(event);
        }
    }
    send(data) {
        this.sent.push(data);
    }
    close() {
        setImmediate(() => this.dispatch('close', {}));
    }
}
globalThis.WebSocket = StandIn;

async function open(role) {
    const client = new SignalingClient({
        channelARN: 'arn:aws:kinesisvideo:us-west-2:123456789012:channel/c/1',
        channelEndpoint: 'wss://stand-in',
        role: Role[role],
        clientId: role === 'VIEWER' ? 'viewer-1' : undefined,
        region: 'us-west-2',
        requestSigner: { getSignedURL: async () => 'wss://stand-in/' },
    });
    await new Promise((resolve) => {
        client.on('open', resolve);
        client.open();
    });
    return { client, socket: StandIn.last };
}

async function main() {
    const chunks = [];
    for await (const chunk of process.stdin) {
        chunks.push(chunk);
    }
    const input = JSON.parse(Buffer.concat(chunks).toString());
    const peers = { MASTER: await open('MASTER'), VIEWER: await open('VIEWER') };
    const sent = [];
    for (const s of input.send) {
        const { client, socket } = peers[s.role];
        const payload = JSON.parse(s.payload);
        const send = { sdpOffer: 'sendSdpOffer', sdpAnswer: 'sendSdpAnswer', iceCandidate: 'sendIceCandidate' }[s.op];
        client[send](payload, s.recipient || undefined, s.correlationId || undefined);
        sent.push(socket.sent.pop());
    }
    const received = [];
    for (const r of input.receive) {
        const { client, socket } = peers[r.role];
        const events = [];
        const record = (event) => (payload, sender) =>
            events.push({ event, payload: JSON.stringify(payload), sender: sender || '' });
        const handlers = { sdpOffer: record('sdpOffer'), sdpAnswer: record('sdpAnswer'), iceCandidate: record('iceCandidate') };
        const status = (s) => events.push({ event: 'statusResponse', status: s });
        for (const [name, fn] of Object.entries(handlers)) {
            client.on(name, fn);
        }
        client.on('statusResponse', status);
        socket.dispatch('message', { data: r.frame });
        for (const [name, fn] of Object.entries(handlers)) {
            client.off(name, fn);
        }
        client.off('statusResponse', status);
        received.push(events);
    }
    // The stand-in sockets stay open: exit once the result is written out.
    process.stdout.write(JSON.stringify({ sent, received }) + '\n', () => process.exit(0));
}

main().catch((err) => {
    process.stderr.write(String((err && err.stack) || err) + '\n');
    process.exit(1);
});
