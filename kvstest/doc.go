// Package kvstest is an in-process emulator of Amazon Kinesis Video Streams, for testing code
// that uses the service without an AWS account or a network. It is shaped like
// net/http/httptest: start a Server, point clients at it, Close it.
//
//	s := kvstest.NewServer()
//	defer s.Close()
//	client := kvs.NewFromConfig(s.Config())                 // or kinesisvideo.NewFromConfig(s.Config())
//	_, err := client.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "camera-1", DataRetentionInHours: 24})
//
// The command kvslocal (in cmd/kvslocal) serves the same emulator on a fixed port for clients
// in other languages and for the AWS CLI.
//
// # Endpoints
//
// A Server listens on four ports of 127.0.0.1: the control plane at URL, the data plane at
// DataURL (what GetDataEndpoint returns, for every API name and stream), and the signaling
// endpoints at SignalingURL and SignalingWebSocketURL (what GetSignalingChannelEndpoint returns
// for HTTPS and WSS). Without TLS the WebSocket URL is ws://, where the service's is always
// wss://; WithTLS serves every endpoint over TLS with httptest's certificate, making the URLs
// https:// and wss://, and Client and Config carry an HTTP client that trusts it.
//
// Config returns an aws.Config with the server's region, credentials and URL, which both the
// kvs client and the AWS SDK's own kinesisvideo client accept unchanged.
//
// # Authentication
//
// Every request on every endpoint must be signed with Signature Version 4, in the Authorization
// header or in the query of a presigned URL, with the server's key pair (WithCredentials; the
// access key ID "test" and the secret "test" by default), for its region and the service name
// "kinesisvideo". The signature is recomputed from the request, so a request whose signed
// headers, query, path or body were changed after signing fails. Refusals take the service's
// shape, all with HTTP 403:
//
//   - no signature: MissingAuthenticationTokenException;
//   - a malformed Authorization header or presigned query: IncompleteSignatureException;
//   - an unknown access key ID or session token: UnrecognizedClientException;
//   - a signature that does not match (wrong secret, changed request), a credential scoped to
//     another region or service, a signing time more than 5 minutes away from the server's
//     clock, an expired presigned URL: InvalidSignatureException, whose message says which. For a
//     mismatch it also gives the canonical request and string to sign the server computed.
//
// WithAnyCredentials accepts any access key ID but still verifies signatures with the server's
// secret. The signature of a streaming request (PutMedia) is verified without reading its body,
// with the payload hash producers sign a stream with: UNSIGNED-PAYLOAD or the hash of an empty
// body.
//
// # State
//
// The server keeps streams, signaling channels, their tags and their edge, storage,
// notification and image generation configurations in memory, with the service's rules: names
// are unique (ResourceInUseException), every update of a stream or channel gives it a new
// Version and an update naming an older one fails (VersionMismatchException), a resource that is
// not ACTIVE cannot be changed (ResourceInUseException), a resource has at most 50 tags
// (TagsPerResourceExceededLimitException), and the account quotas of WithLimits apply. Inputs
// are checked against the constraints of the service model and refused with
// InvalidArgumentException; a body that is not JSON is refused with SerializationException, one
// over 1 MiB with RequestEntityTooLargeException (HTTP 413). ARNs have the service's format,
// with the server's region and 12-digit account (WithAccountID). List operations page with
// opaque tokens that stay valid while items are added or removed.
//
// New streams and channels are CREATING, updated ones UPDATING, deleted ones DELETING, each for
// as long as WithDelays says, on the server's clock; by default every change completes at once.
// WithClock replaces that clock, so a test can step time instead of sleeping, and can also
// check how clients handle clock skew.
//
// # Errors
//
// Errors are sent as the service sends them: the code in the X-Amzn-ErrorType header, the
// message in the "message" member of a JSON body, the status of the API reference, and a request
// ID in X-Amzn-RequestId. A path that is no operation of the control plane (such as a data-plane
// path sent to the control-plane endpoint) is answered HTTP 403 with no error code and an empty
// body, as the service does; on the other endpoints, an unknown path is answered HTTP 404
// UnknownOperationException.
//
// # Fault injection
//
// FailNext, Throttle, SetLatency and OnCall change how the next calls of an operation, or of
// every operation (AnyOperation), are answered, and Calls counts them. They apply to
// authenticated calls that reached an operation, in this order: the call is counted, the
// latency passes, the hook runs, then a queued failure, if any, is answered instead of the
// operation. They work for every operation, including the data-plane and signaling ones.
//
// # Archived media
//
// The archived-media operations serve what PutMedia stored in streams that keep data. The
// service's documented rules and errors apply: ranges of fragment start times, inclusive at
// both ends; 24 hours at most for clips and sessions, 300 seconds for images;
// NoDataRetentionException for a stream that keeps no data; ResourceNotFoundException for a
// range without fragments (for LIVE: none in the last 30 seconds); UnsupportedStreamMediaType,
// MissingCodecPrivateData and InvalidCodecPrivateData exceptions for tracks that are not H.264
// or H.265 video with AAC (or, for GetClip and DASH, G.711) audio and valid codec private data.
//
//   - ListFragments pages by fragment number, each page in random order (the service promises
//     none); its NextToken carries the selector. GetMediaForFragmentList sends the documents
//     in the order asked, a missing fragment as a document with its number and error 4000.
//   - GetClip writes a progressive MP4 (mp4ff) of the range, one fragment per producer
//     timestamp (the oldest), laid end to end, cut after 200 fragments or 100 MB
//     (WithArchivedLimits); tracks or codec private data that change within it are refused.
//   - HLS and DASH sessions get URLs at the service's paths on DataURL
//     (/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=…, /dash/v1/getDASHManifest.mpd?…),
//     served without a signature: the token, authenticated by the server, names the session,
//     its stream and its expiry (Expires, on the server's clock). A forged, expired or closed
//     session's token gets NotAuthorizedException. A stream keeps ten sessions of each kind;
//     a new one closes the oldest. LIVE shows the newest fragments, LIVE_REPLAY adds one each
//     time the one before has had the time to play, ON_DEMAND the oldest of the range. HLS
//     serves fMP4 (per-track playlists, audio as a rendition) or MPEG-TS, with the
//     discontinuity modes, program dates and a new initialization segment after a change of
//     codec private data; DASH lays the fragments end to end in a SegmentTimeline, with the
//     kvs:fn and kvs:ts attributes when asked. ffmpeg decodes every frame of both.
//   - GetImages decodes the latest frame at or before each sampling time (3 s by default) with
//     ffmpeg, scaled and encoded as asked; without ffmpeg (not in PATH, or WithFFmpeg("")) an
//     image with media carries MEDIA_ERROR and the X-Kvstest-Images response header says why.
//
// Not reproduced: the service's token format, playlist and manifest details beyond what players
// need (bandwidths are estimates, media sequence numbers count from the session's first
// fragment), the limit of 500 codec changes per HLS session, fragments that start before a
// server-timestamp range's stream head, request-rate limits, and the eventual consistency of
// ListFragments (a fragment is listed as soon as it is received).
//
// # What is not emulated
//
// The emulator stores configurations but acts on none: it sends no notification, delivers no
// image for an image generation configuration, runs no edge agent (an edge configuration goes from SYNCING to IN_SYNC after
// Delays.EdgeSync) and enforces no KMS key or IAM permission (AccessDeniedException and
// NotAuthorizedException are never returned unless injected). It applies no request-rate
// limits of its own; use Throttle. See the package's tests for the behaviour it is checked
// against.
package kvstest
