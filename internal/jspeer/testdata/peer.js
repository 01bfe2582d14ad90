// A signaling peer made of the official clients, driven by the Go tests of internal/jspeer: the
// AWS SDK for JavaScript finds the channel, its endpoints and its ICE servers, and the WebRTC JS
// SDK's SignalingClient connects as MASTER or VIEWER with its default request signer.
//
// Configuration, from the environment: KVS_ENDPOINT (the control-plane endpoint), AWS_REGION,
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (optional), KVS_CHANNEL (the channel name), KVS_ROLE (MASTER or
// VIEWER) and KVS_CLIENT_ID (a viewer's client ID). NODE_EXTRA_CA_CERTS makes Node trust
// kvslocal's certificate authority.
//
// It prints one JSON object a line on standard output, for each event: {"event":"open",
// "connectMs":…,"iceServers":…}, {"event":"sdpOffer"|"sdpAnswer"|"iceCandidate","payload":
// "<JSON.stringify of the payload the SDK emitted>","sender":…}, {"event":"statusResponse",
// "status":{…}}, {"event":"error","message":…} and {"event":"close"}. It reads one command a
// line on standard input: {"op":"sdpOffer"|"sdpAnswer"|"iceCandidate","payload":"<JSON>",
// "recipient":…,"correlationId":…} sends the payload with the SDK, {"op":"close"} closes the
// connection; the end of standard input closes it too. It exits once the connection is closed.
'use strict';

// Node 20 has no WebSocket global, which the SDK expects (browsers and Node 22 have one).
globalThis.WebSocket = globalThis.WebSocket || require('ws');

const readline = require('node:readline');
const {
    KinesisVideoClient,
    DescribeSignalingChannelCommand,
    GetSignalingChannelEndpointCommand,
} = require('@aws-sdk/client-kinesis-video');
const { KinesisVideoSignalingClient, GetIceServerConfigCommand } = require('@aws-sdk/client-kinesis-video-signaling');
const { SignalingClient, Role } = require('amazon-kinesis-video-streams-webrtc');

// emit prints an event; then, when given, runs done once the line is written out (so that
// exiting does not lose it where writes to a pipe are asynchronous).
function emit(event, done) {
    process.stdout.write(JSON.stringify(event) + '\n', done);
}

function required(name) {
    const v = process.env[name];
    if (!v) {
        throw new Error(`${name} is not set`);
    }
    return v;
}

async function main() {
    const region = required('AWS_REGION');
    const credentials = {
        accessKeyId: required('AWS_ACCESS_KEY_ID'),
        secretAccessKey: required('AWS_SECRET_ACCESS_KEY'),
        sessionToken: process.env.AWS_SESSION_TOKEN || undefined,
    };
    const role = Role[required('KVS_ROLE')];
    if (!role) {
        throw new Error(`KVS_ROLE ${process.env.KVS_ROLE} is neither MASTER nor VIEWER`);
    }
    const clientId = role === Role.VIEWER ? required('KVS_CLIENT_ID') : undefined;
    const began = performance.now();

    const kinesisVideo = new KinesisVideoClient({ region, credentials, endpoint: required('KVS_ENDPOINT') });
    const { ChannelInfo } = await kinesisVideo.send(new DescribeSignalingChannelCommand({ ChannelName: required('KVS_CHANNEL') }));
    const { ResourceEndpointList } = await kinesisVideo.send(
        new GetSignalingChannelEndpointCommand({
            ChannelARN: ChannelInfo.ChannelARN,
            SingleMasterChannelEndpointConfiguration: { Protocols: ['WSS', 'HTTPS'], Role: role },
        }),
    );
    const endpoints = Object.fromEntries(ResourceEndpointList.map((e) => [e.Protocol, e.ResourceEndpoint]));
    const signalingAPI = new KinesisVideoSignalingClient({ region, credentials, endpoint: endpoints.HTTPS });
    const { IceServerList } = await signalingAPI.send(
        new GetIceServerConfigCommand({ ChannelARN: ChannelInfo.ChannelARN, ClientId: clientId }),
    );

    const client = new SignalingClient({
        channelARN: ChannelInfo.ChannelARN,
        channelEndpoint: endpoints.WSS,
        clientId,
        role,
        region,
        credentials,
        systemClockOffset: kinesisVideo.config.systemClockOffset,
    });
    client.on('open', () =>
        emit({ event: 'open', connectMs: performance.now() - began, iceServers: IceServerList.length }),
    );
    for (const [name, event] of [
        ['sdpOffer', 'sdpOffer'],
        ['sdpAnswer', 'sdpAnswer'],
        ['iceCandidate', 'iceCandidate'],
    ]) {
        client.on(name, (payload, sender) => emit({ event, payload: JSON.stringify(payload), sender }));
    }
    client.on('statusResponse', (status) => emit({ event: 'statusResponse', status }));
    client.on('error', (err) => emit({ event: 'error', message: String((err && err.message) || err) }));
    client.on('close', () => emit({ event: 'close' }, () => process.exit(0)));

    const send = {
        sdpOffer: (p, to, id) => client.sendSdpOffer(p, to, id),
        sdpAnswer: (p, to, id) => client.sendSdpAnswer(p, to, id),
        iceCandidate: (p, to, id) => client.sendIceCandidate(p, to, id),
    };
    const commands = readline.createInterface({ input: process.stdin });
    commands.on('line', (line) => {
        try {
            const cmd = JSON.parse(line);
            if (cmd.op === 'close') {
                client.close();
            } else if (send[cmd.op]) {
                send[cmd.op](JSON.parse(cmd.payload), cmd.recipient, cmd.correlationId);
            } else {
                throw new Error(`unknown op ${cmd.op}`);
            }
        } catch (err) {
            emit({ event: 'error', message: `command ${line}: ${err.message}` });
        }
    });
    commands.on('close', () => client.close());
    client.open();
}

main().catch((err) => emit({ event: 'error', message: String((err && err.stack) || err) }, () => process.exit(1)));
