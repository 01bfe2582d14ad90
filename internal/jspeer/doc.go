// Package jspeer holds the tests that run the official Kinesis Video Streams WebRTC SDK for
// JavaScript (npm amazon-kinesis-video-streams-webrtc, with the AWS SDK for JavaScript's
// kinesis-video clients) unchanged against kvslocal, built from this tree and serving TLS, and
// against the signaling client of this module: offers, answers and ICE candidates both ways,
// two viewers, a replaced master, a message to an absent viewer.
//
// The Node programs and the npm lock file are in testdata; install them with
//
//	npm ci --omit=optional --prefix internal/jspeer/testdata
//
// (.ci/run does). Without node or those modules the tests skip, and fail under KVSGO_CI=1. The
// package has no API: it is only its tests.
package jspeer
