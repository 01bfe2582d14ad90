// Package archived is a client of the Amazon Kinesis Video Streams archived-media API: it
// lists a stream's stored fragments, reads their media, downloads MP4 clips, opens HLS and
// MPEG-DASH playback sessions and extracts images.
//
// # The client
//
// Create a [Client] from an aws.Config, as for the control plane:
//
//	client := archived.NewFromConfig(cfg)
//
// Every operation goes to the stream's data endpoint for its API (LIST_FRAGMENTS,
// GET_MEDIA_FOR_FRAGMENT_LIST, GET_CLIP, GET_HLS_STREAMING_SESSION_URL,
// GET_DASH_STREAMING_SESSION_URL, GET_IMAGES). The client looks it up with GetDataEndpoint and
// caches it per stream and API in its control-plane client (Options.Control; share one between
// clients to share the cache); an answer that says the endpoint is wrong evicts it.
// Options.Endpoint sends every call to one endpoint instead, such as kvstest's DataURL.
//
// Inputs are checked before any I/O: the constraints of the service model, that a stream is
// named (StreamName or StreamARN), and the documented rules the model cannot express: a clip or
// session range ends after it starts and within 24 hours, a LIVE session takes no range, an
// ON_DEMAND one needs both ends and a LIVE_REPLAY one a start, a GetImages range spans at most
// 300 seconds with a sampling interval of at least 200 ms. Errors are *smithy.OperationError
// values wrapping the modeled errors ([ResourceNotFoundException], [NoDataRetentionException],
// [MissingCodecPrivateDataException], …), found with errors.As; the errors shared with the
// control plane are the kvs types.
//
// # Fragments
//
// ListFragments returns one page of the fragments that start in a time range, in no particular
// order. [NewListFragmentsPaginator] walks the pages; FragmentsInRange returns the whole range
// sorted by producer or server timestamp, optionally with one fragment per producer timestamp
// (a producer that resends after a reconnection leaves duplicates). GetMediaForFragmentList
// streams the media of listed fragments as MKV documents in the GetMedia format; its output's
// Fragments method decodes them with media.NewFragmentReader, each fragment with its frames,
// and reports a fragment the service could not serve as a *media.StreamError without stopping.
//
// # Clips, sessions and images
//
// GetClip streams an MP4 file of a range (the first 200 fragments or 100 MB); [ParseClip] reads
// one into its tracks and samples. GetHLSStreamingSessionURL and GetDASHStreamingSessionURL
// return a URL, carrying a session token, that a player (or ffmpeg) opens; it stays valid for
// Expires seconds. GetImages returns a page of images at every sampling interval of a range;
// [NewGetImagesPaginator] walks the pages and Images yields each image decoded, with
// NO_MEDIA or MEDIA_ERROR where there is none.
//
// The package kvstest emulates all of this in process, from media written with the media
// package's Producer; see its documentation for what it reproduces.
package archived
