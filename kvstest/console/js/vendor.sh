#!/bin/sh
# Rebuilds ../assets/vendor, the third-party JavaScript the console embeds, from the packages
# pinned in package-lock.json: `npm ci`, then esbuild (itself pinned) bundles the AWS SDK clients,
# and the prebuilt browser builds of hls.js and the Kinesis Video Streams WebRTC SDK are copied
# as their packages ship them. The output is committed, so users need no build step; running this
# again gives the same bytes (.ci/run checks that). Run it with `go generate ./kvstest/console`.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
out=../assets/vendor
rm -rf "$out"
mkdir -p "$out"
./node_modules/.bin/esbuild aws-entry.js --bundle --minify --format=iife --global-name=KVSAWS \
	--platform=browser --target=es2020 --legal-comments=eof --log-level=warning --outfile="$out/aws.js"
cp node_modules/hls.js/dist/hls.light.min.js "$out/hls.js"
cp node_modules/amazon-kinesis-video-streams-webrtc/dist/kvs-webrtc.min.js "$out/kvs-webrtc.js"
{
	echo "Third-party code in this folder, from the npm packages pinned in ../../js/package-lock.json."
	for p in hls.js amazon-kinesis-video-streams-webrtc @aws-sdk/client-kinesis-video @smithy/signature-v4 @aws-crypto/sha256-browser; do
		v=$(node -p "require('./node_modules/$p/package.json').version")
		echo
		echo "==== $p $v"
		for f in LICENSE LICENSE.txt LICENSE.md NOTICE.txt; do
			[ -f "node_modules/$p/$f" ] && cat "node_modules/$p/$f"
		done
		true
	done
} >"$out/LICENSES.txt"
