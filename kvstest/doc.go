// Package kvstest is an in-process emulator of Amazon Kinesis Video Streams, for testing code
// that uses the service without an AWS account or a network. It is shaped like
// net/http/httptest: start a [Server], point clients at it, Close it.
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
// A Server listens on five ports of 127.0.0.1: the control plane at URL, the data plane at
// DataURL (what GetDataEndpoint returns for PUT_MEDIA and GET_MEDIA) and ArchivedURL (what it
// returns for the archived-media API names: the service too gives the two families different
// hosts; each port serves every data-plane operation), and the signaling
// endpoints at SignalingURL and SignalingWebSocketURL (what GetSignalingChannelEndpoint returns
// for HTTPS and WSS). [WithAddrs] fixes the five addresses; [WithOnePort] serves all five on one,
// routed by path. Without TLS the WebSocket URL is ws://, where the service's is always wss://;
// [WithTLS] serves every endpoint over TLS with httptest's certificate, making the URLs https://
// and wss://, and Client and Config carry an HTTP client that trusts it. For clients outside the
// test process, [WithTLSCertificate] serves a certificate of [NewLocalCertificate], whose
// authority they can be told to trust.
//
// Config returns an aws.Config with the server's region, credentials and URL, which both the
// kvs client and the AWS SDK's own kinesisvideo client accept unchanged.
//
// # Authentication
//
// Every request on every endpoint must be signed with Signature Version 4, in the Authorization
// header or in the query of a presigned URL, with the server's key pair ([WithCredentials]; the
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
// [WithAnyCredentials] accepts any access key ID but still verifies signatures with the server's
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
// (TagsPerResourceExceededLimitException), and the account quotas of [WithLimits] apply. Inputs
// are checked against the constraints of the service model and refused with
// InvalidArgumentException; a body that is not JSON is refused with SerializationException, one
// over 1 MiB with RequestEntityTooLargeException (HTTP 413). ARNs have the service's format,
// with the server's region and 12-digit account ([WithAccountID]). List operations page with
// opaque tokens that stay valid while items are added or removed.
//
// New streams and channels are CREATING, updated ones UPDATING, deleted ones DELETING, each for
// as long as [WithDelays] says, on the server's clock; by default every change completes at once.
// [WithClock] replaces that clock, so a test can step time instead of sleeping, and can also
// check how clients handle clock skew.
//
// # Errors
//
// Errors are sent as the service sends them: the code in the x-amzn-ErrorType header, the
// message in the "message" member of a JSON body, the status of the API reference, and a request
// ID in x-amzn-RequestId, on every endpoint. The header names are written in exactly that case
// (the C producer finds the request ID by a case-sensitive comparison); the media API reference
// spells them x-amz-ErrorType and x-amz-RequestId, but the official clients' parsers read the
// x-amzn- names, so those are sent (kvsgo's clients accept both). A request that asks for
// "Expect: 100-continue" gets a bare 100 Continue before its body is read, PutMedia included. A path that is no operation of the control plane (such as a data-plane
// path sent to the control-plane endpoint) is answered HTTP 403 with no error code and an empty
// body, as the service does; on the other endpoints, an unknown path is answered HTTP 404
// UnknownOperationException.
//
// # Fault injection
//
// FailNext, Throttle, SetLatency and OnCall change how the next calls of an operation, or of
// every operation ([AnyOperation]), are answered, and Calls counts them. They apply to
// authenticated calls that reached an operation, in this order: the call is counted, the
// latency passes, the hook runs, then a queued failure, if any, is answered instead of the
// operation. They work for every operation, including the data-plane and signaling ones.
//
// # Media: PutMedia and GetMedia
//
// DataURL serves PutMedia and GetMedia for streams that exist: GetDataEndpoint and PutMedia
// serve a stream from CreateStream on (CREATING included, as the official C producer needs: it
// goes from CreateStream straight to GetDataEndpoint and PutMedia) until it is DELETING. PutMedia reads the MKV body
// as it arrives (HTTP/1.1 chunked, acknowledgements written on the same connection while the
// body is still being read) and turns each cluster into a fragment: it acknowledges BUFFERING
// when the cluster starts, RECEIVED when it ends (at the next cluster, Tags element, end of the
// Segment or end of the body) and PERSISTED when the stream keeps data (after
// MediaLimits.PersistDelay); it sends IDLE every IdleAckInterval without data and ends the
// request after IdleTimeout. Fragments get 47-digit numbers that grow along the stream, the
// server's arrival time and a producer timestamp computed from the cluster timecode and the
// x-amzn-fragment-timecode-type and x-amzn-producer-start-timestamp headers, as documented.
// Broken rules get an ERROR acknowledgement, after which the request ends: 4001 (fragment over
// MaxFragmentSize), 4002 (over MaxFragmentDuration), 4003 (connection older than
// MaxConnectionDuration), 4004 (timecode below the previous fragment's), 4005 (more than three
// tracks), 4006 (not MKV, a cluster before the tracks, a second EBML header), 4008 (the stream
// was deleted), 4009 (more metadata tags than MaxFragmentMetadata), 4010 (a frame of an
// undeclared track), 4011 (a declared track without frames), 4012 (a metadata name starting with
// AWS, or bad event metadata). An ERROR for metadata names the fragment the metadata came with.
// Event metadata (AWS_KINESISVIDEO_NOTIFICATION, AWS_KINESISVIDEO_IMAGE_GENERATION with an
// optional AWS_KINESISVIDEO_IMAGE_PREFIX, followed by the user's pairs) marks the next fragment:
// once it is PERSISTED, an enabled notification configuration records a Notification
// (Notifications, WithNotificationLog) and an enabled image generation configuration generates
// its images with ffmpeg (GeneratedImages, WithImageDir), before the PERSISTED acknowledgement is
// written. PutMediaConnections records every PutMedia connection: headers, the wait between the
// headers and the first body byte, the acknowledgements, and the body's start
// (WithPutMediaCapture). A stream takes one PutMedia connection at a time (ConnectionLimitExceededException) and
// five calls per second of each API (ClientLimitExceededException); [MediaLimits] changes both.
//
// GetMedia streams the fragments after its start selector (NOW: the fragment being received,
// else the next; EARLIEST; FRAGMENT_NUMBER: after that fragment; SERVER_TIMESTAMP and
// PRODUCER_TIMESTAMP: the fragment containing the time, else the next; CONTINUATION_TOKEN), one
// MKV document each: EBML header, Segment, the producer's Info and Tracks, the producer's
// metadata and the service's FRAGMENT_NUMBER, SERVER_TIMESTAMP and PRODUCER_TIMESTAMP tags, the
// cluster, then MILLIS_BEHIND_NOW and CONTINUATION_TOKEN. A fragment still arriving is sent frame
// by frame as its frames come; the response ends after GetMediaIdle without a new fragment, and
// at the first fragment boundary after GetMediaMaxDuration. A start fragment that does not exist
// is reported in the body (ERROR_ID 4000), as the service does; a selector without the member its
// type needs (AfterFragmentNumber, StartTimestamp, ContinuationToken) is refused with
// InvalidArgumentException, and a stream takes three GetMedia connections at a time
// (MediaLimits.GetMediaConnections; ConnectionLimitExceededException beyond). AddPutMediaFaults and
// AddGetMediaFaults cut connections after a number of bytes or fragments, stall
// acknowledgements, or answer a fragment with an error acknowledgement.
//
// Media moves as fast as the machine allows unless [MediaLimits.ServiceMediaRates] (kvslocal
// -service-rates) paces it like the service: PutMedia sessions read at 12.5 MB/s, 5 new
// fragments per second and stream, GetMedia sessions sent at 25 MB/s. The pace holds the
// client back through TCP flow control; nothing is refused.
//
// The stored fragments are what the archived-media operations serve.
//
// # WebRTC signaling
//
// SignalingWebSocketURL serves the WebSocket API of signaling channels: ConnectAsMaster, and
// ConnectAsViewer when the URL names a client with X-Amz-ClientId (these are the operation names
// for fault injection). The handshake is a GET of a URL presigned as signaling.PresignURL signs
// it, verified like any request: an expired or altered URL fails with InvalidSignatureException
// (HTTP 403). The channel must exist and be ACTIVE (ResourceNotFoundException, 404) and a
// viewer's client ID valid (InvalidArgumentException, 400). A channel takes one master and ten
// viewers: a new master replaces the connected one and a viewer reconnecting with its client ID
// replaces its old connection (the old one is closed with status 1008), an eleventh viewer is
// refused with ClientLimitExceededException (400). The connection is registered before the
// handshake completes, so messages can be sent to a client as soon as its Connect returns.
//
// A viewer's messages go to the master with senderClientId set to the viewer's client ID,
// whatever recipientClientId they name; the master's go to the viewer recipientClientId names.
// The messagePayload goes on exactly as the sender wrote it (the relay checks that it decodes,
// and that it is at most 10 KiB of JSON, but does not re-encode it), so members the emulator
// does not model and nulls such as a candidate's "usernameFragment":null arrive unchanged.
// A message that cannot be delivered (the viewer is not connected, the master named no
// recipient, the frame does not decode) is reported to its sender with a STATUS_RESPONSE
// (InvalidArgumentException, "400") when it carries a correlationId, and dropped otherwise.
// Messages for the master sent while none is connected wait for one for the channel's
// MessageTtlSeconds (on the server's clock); a newer SDP offer or answer from the same viewer
// replaces a waiting one. The relay closes a connection after an hour, after ten minutes in
// which the client sent nothing (pings count), and a minute after GO_AWAY; [SignalingLimits]
// shortens these for tests. SendGoAway, SendReconnectICEServer and DropSignalingConnection act
// on a client's connection, and SignalingPeers tells who is connected.
//
// At SignalingURL, GetIceServerConfig returns one TURN server with three URIs at 127.0.0.1:443,
// where no TURN server listens, and credentials that expire after the Ttl it reports (300 s, or
// SignalingLimits.ICECredentialTTL); VerifyTURNCredentials checks them. SendAlexaOfferToMaster
// delivers the offer to the master through the relay (or keeps it until one connects) and
// returns the master's answer, or no answer once it has waited long enough.
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
//   - HLS and DASH sessions get URLs at the service's paths on ArchivedURL
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
// # Browsers
//
// Pages of any origin may call every endpoint, as the AWS SDK for JavaScript and the WebRTC
// SDK's pages call the service: CORS preflights are answered without credentials, and answers
// to requests with an Origin header let the page read them. The requests themselves are
// authenticated as always. WithConsole mounts a web console (package
// [github.com/kvsgo/sdk/kvstest/console], which kvslocal serves) at "/" of the control plane;
// it is such a page, and learns who is connected to a signaling channel from
// DescribeSignalingChannelActivity, an operation only the emulator has (POST
// /emulator/describeSignalingChannelActivity, signed like the others).
//
// # Storage and retention
//
// By default everything is kept in memory and lost with the server. WithDataDir keeps streams,
// signaling channels (with their versions, tags and configurations) and stored media in a
// directory instead: a fragment is acknowledged PERSISTED only once it is on disk, and a server
// started again on the directory, after Close or after the process was killed, serves every such
// fragment as before, never a fragment the crash cut off, and numbers new fragments above the old.
// Fragments older than their stream's DataRetentionInHours (on the server's clock, WithClock) are
// removed in the background, a bounded number per second; a stream without retention stores
// nothing. The store is internal/store (see the layout below). A stored fragment keeps only its metadata in memory: its frames are read from the store, one
// fragment at a time, whenever a call serves them, so memory does not grow with the stored media.
// A restart reads the fragment index (each fragment's metadata and frame figures), not the frames,
// so its time does not grow with the bytes stored; a fragment damaged on disk is found when a call
// serves it (in-band error 5000, or InternalFailure), and one the retention sweep removes while a
// call reads it is expired: GetMedia goes on without it, GetMediaForFragmentList answers 4000 for
// it, the other calls ResourceNotFoundException.
//
// # Package layout
//
// kvstest is the facade (Server, options, faults, test helpers) and wires the internal packages,
// each of one concern and tested on its own; arrows point down only, and none imports kvstest:
//
//	kvstest              Server, options, faults, records; the router (control.go registers the
//	 │                   control plane's operations, media.go the data plane's), the signaling
//	 │                   handshake and API, persistence (opening the store, restoring)
//	 ├─ internal/archive   archived media: ListFragments, GetMediaForFragmentList, GetClip, HLS
//	 │   │                 and DASH sessions and playback, GetImages (ffmpeg), the notifications
//	 │   │                 and images of marked fragments
//	 │   └─ internal/pack  packaging: tracks, samples, progressive and fragmented MP4, MPEG-TS
//	 ├─ internal/mediaapi  each stream's media (fragments stored and arriving), PutMedia with its
//	 │   │                 acknowledgements and event tags, GetMedia, MKV documents, fragment
//	 │   │                 numbers, retention; archive reads its media
//	 │   ├─ internal/state  control plane: streams, channels, tags, edge, storage, notification
//	 │   │   │              and image configurations, pagination, snapshots; generic over the
//	 │   │   │              stream's media
//	 │   │   └─ internal/relay  signaling relay of a channel, and serving one WebSocket within limits
//	 │   └─ internal/store  MediaStore: Memory, and Disk (bbolt index + per-stream segment files)
//	 ├─ internal/serve     the call of an operation (request, writer, Fail, Reply), which every
//	 │                     handler answers through
//	 ├─ internal/sigv4     SigV4 verification of headers, presigned URLs and streaming payloads
//	 └─ internal/apierr    the error answer every package returns, and input decoding; all but
//	                       store import it
//
// A package drawn under another is imported by it. Besides: kvstest imports every package;
// archive imports mediaapi, state and serve; mediaapi imports serve; pack reads store.Frame.
//
// # What is not emulated
//
// The emulator paces the service's throughput limits only when asked (MediaLimits.ServiceMediaRates), and
// how the service reacts to a producer over them beyond slowing its reading is not documented,
// so not reproduced. Notifications and generated images are recorded, not published to Amazon
// SNS or S3 (the object keys of images are the emulator's own layout). It runs no edge agent (an edge configuration goes from SYNCING to IN_SYNC after
// Delays.EdgeSync) and enforces no KMS key or IAM permission (AccessDeniedException and
// NotAuthorizedException are never returned unless injected). Apart from the per-stream call
// limits of PutMedia and GetMedia (MediaLimits), it applies no request-rate limits of its own,
// the signaling connection rate included; use Throttle. It relays signaling
// messages but runs no TURN server, and the texts of its status responses and the codes it
// closes signaling connections with are its own: the service documents neither. See the
// package's tests for the behaviour it is checked against.
package kvstest
