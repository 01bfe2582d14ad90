// Package jspeer holds the tests that run the official Kinesis Video Streams WebRTC SDK for
// JavaScript (npm amazon-kinesis-video-streams-webrtc, with the AWS SDK for JavaScript's
// kinesis-video clients) unchanged against kvslocal, built from this tree and serving TLS, and
// against the signaling client of this module: offers, answers and ICE candidates both ways,
// two viewers, a replaced master, a message to an absent viewer, temporary credentials, one
// port. The SDK's signer and signaling.PresignURL must sign the same URL byte for byte, the SDK
// and our signaling package must write the same frames and read each other's, and the blocks
// of cmd/kvslocal/README.md (the AWS CLI, boto3, the JS SDK) run as written.
//
// The Node programs and the npm lock file are in testdata; install them with
//
//	npm ci --omit=optional --prefix internal/jspeer/testdata
//
// (.ci/run does). Without node or those modules the tests skip, and fail under KVSGO_CI=1. The
// package has no API: it is only its tests.
package jspeer
