// Package browsertest runs the kvslocal console (package
// [github.com/kvsgo/sdk/kvstest/console]) in a real browser: headless Chromium, driven with
// chromedp, opens its pages against an in-process emulator while a producer streams into it and
// a pion master sends video over WebRTC, and checks what a person would see. It is a module of
// its own, so that chromedp and pion stay out of the SDK's dependencies; it has no API.
//
//	cd kvstest/console/browsertest && go test ./...
//
// The tests skip when Chromium is missing (they fail instead under KVSGO_CI=1). Screenshots of
// each page go to the folder KVSGO_ARTIFACTS names, or to the test's temporary folder.
package browsertest
