// Package media streams video and audio into and out of Amazon Kinesis Video Streams: PutMedia
// and GetMedia, with the machinery a real producer and a real consumer need around them.
//
// # Producing
//
// A [Producer] turns frames into the MKV stream PutMedia takes and keeps the stream flowing:
//
//	p, err := media.NewProducer(ctx, client, media.ProducerConfig{
//		StreamName: "camera-1",
//		Tracks:     []media.TrackConfig{{Codec: media.CodecH264}, {Codec: media.CodecAAC}},
//	})
//	err = p.WriteFrame(ctx, media.Frame{Track: 1, Timestamp: pts, Data: accessUnit})
//	...
//	err = p.Close(ctx) // nil once every fragment is PERSISTED
//
// It takes H.264/H.265 access units (Annex-B or length-prefixed; [AccessUnitReader] splits an
// Annex-B elementary stream into them), AAC (raw or ADTS), G.711 and PCM, and builds each
// track's decoder configuration from the stream when it is not given. It interleaves tracks by
// timestamp, starts a fragment at the first key frame after FragmentDuration (2 s), and keeps
// every fragment until the service acknowledges it PERSISTED (RECEIVED for a stream that keeps
// no data). When a connection drops, stalls, is throttled, or gets a retriable error, it
// reconnects with exponential backoff and full jitter, refreshes credentials and the data
// endpoint, and sends again, on the new connection, every fragment the service did not receive:
// no frame is lost. Fragments the service rejects for good are reported (EventFragmentFailed),
// never dropped silently, and a bounded buffer either blocks WriteFrame or drops the oldest
// fragments (reported too). NextEvent and [Stats] tell what happened.
//
// A Producer's lifecycle: NewProducer's ctx bounds its setup only (the DescribeStream call that
// decides KeepUntil); ending it later does not touch the producer. Each WriteFrame's ctx bounds
// that call: a WriteFrame waiting for room under the Block policy returns promptly with an error
// wrapping ctx.Err(), its frame not written and the stream unchanged, so the next call goes on
// where it left off; NextEvent's ctx bounds that call the same way. Close(ctx) may be called
// from any goroutine, at any time, more than once: it makes a waiting WriteFrame return
// ErrProducerClosed at once, waits until every fragment is acknowledged or ctx ends, stops the
// sender and its connection, and returns nil or a *CloseError counting what it could not finish
// (the fragments left unacknowledged, rejected or dropped, and why); later calls return the same
// result, and NextEvent returns the events left and then io.EOF.
//
// # Consuming
//
// A [Consumer] reads a stream from any starting point and keeps reading across the ends of
// GetMedia responses and across failures, resuming from the last complete fragment's
// continuation token, so that each fragment comes once:
//
//	c, err := media.NewConsumer(ctx, client, media.ConsumerConfig{StreamName: "camera-1",
//		Start: media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}})
//	for f, err := range c.Fragments(ctx) {
//		// f.FragmentNumber, f.ServerTimestamp, f.ProducerTimestamp, f.MillisBehindNow,
//		// f.ContinuationToken, f.Frames, f.Tags
//	}
//
// A fragment is handed over as soon as its trailing tags (continuation token, millis behind
// now) have arrived. The loop ends cleanly at IdleTimeout, at the end of ctx and after Close;
// [Consumer.Err] says which. NextChunk returns frames as they arrive, before their fragment's
// trailing tags, for the lowest latency. [FragmentReader] decodes any GetMedia-format stream (a
// response, a file, the service's captures) on its own; in-band errors come as *[StreamError].
//
// # Lifecycle of long-lived objects
//
// Every long-lived object of this package follows one rule, the shape of net.Dialer.DialContext
// and http.Server: the constructor's context bounds the setup only, never the object's life;
// each blocking call's context bounds that call alone, is honoured promptly, and its end does not
// lose the object's place; Close is safe from any goroutine, idempotent, makes every pending call
// return promptly with a documented error, and reports what it could not finish.
//
// For the Consumer: NewConsumer's ctx bounds the first GetMedia call (errors no retry can fix
// are returned there). Next and NextChunk return their ctx's error when it ends while they wait,
// and the next call goes on in the same response, from the same place: a short context per
// call costs no extra GetMedia call. Close ends the response, makes a waiting Next or NextChunk
// return ErrConsumerClosed, and waits for the consumer's goroutine; it returns nil (a consumer
// has nothing left to finish). Reading ends for good with io.EOF at a quiet IdleTimeout, an
// *IdleError when calls failed during the quiet, ErrConsumerClosed, or an error no retry can fix.
//
// # Low level
//
// [Client.PutMedia] and [Client.GetMedia] are the bare operations: a caller-supplied MKV body with
// its acknowledgements read through [AckReader], and the raw media stream.
package media
