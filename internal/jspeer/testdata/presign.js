// Signs connection URLs with the WebRTC JS SDK's default request signer, for the Go tests of
// internal/jspeer to compare with our signaling.PresignURL. It reads a JSON array of cases on
// standard input, {"endpoint","query":{…},"region","accessKeyId","secretAccessKey",
// "sessionToken","date":"<ISO 8601>"}, and prints the JSON array of their signed URLs.
'use strict';

const { SigV4RequestSigner } = require('amazon-kinesis-video-streams-webrtc');

async function main() {
    const chunks = [];
    for await (const chunk of process.stdin) {
        chunks.push(chunk);
    }
    const cases = JSON.parse(Buffer.concat(chunks).toString());
    const urls = [];
    for (const c of cases) {
        const credentials = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken || undefined };
        const signer = new SigV4RequestSigner(c.region, credentials);
        urls.push(await signer.getSignedURL(c.endpoint, c.query, new Date(c.date)));
    }
    process.stdout.write(JSON.stringify(urls) + '\n');
}

main().catch((err) => {
    process.stderr.write(String((err && err.stack) || err) + '\n');
    process.exit(1);
});
