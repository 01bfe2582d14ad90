package archived

import (
	"context"

	"github.com/kvsgo/sdk/kvs"
)

// GetHLSStreamingSessionURL creates an HLS streaming session and returns the URL of its master
// playlist. The URL carries a session token that grants access to the stream's media for
// Expires seconds: hand it to a player (or ffmpeg) and keep it as secret as credentials. The
// stream must keep data and carry H.264 or H.265 video, optionally with AAC audio, with codec
// private data. A stream has at most ten active HLS sessions; a new one closes the oldest.
func (c *Client) GetHLSStreamingSessionURL(ctx context.Context, in *GetHLSStreamingSessionURLInput, optFns ...func(*Options)) (*GetHLSStreamingSessionURLOutput, error) {
	return invoke[GetHLSStreamingSessionURLOutput](ctx, c, "GetHLSStreamingSessionURL", "/getHLSStreamingSessionURL", in,
		func(in *GetHLSStreamingSessionURLInput) stream {
			return stream{in.StreamName, in.StreamARN, kvs.APINameGetHLSStreamingSessionURL}
		}, func(in *GetHLSStreamingSessionURLInput) error {
			return checkStreamingSelector("GetHLSStreamingSessionURLInput", "HLSFragmentSelector", in.PlaybackMode, in.HLSFragmentSelector)
		}, optFns)
}

// GetHLSStreamingSessionURLInput is the input of GetHLSStreamingSessionURL. Name the stream by
// StreamName or StreamARN; every other member has a default.
type GetHLSStreamingSessionURLInput struct {
	// StreamName is the name of the stream.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
	// PlaybackMode is LIVE (the default), LIVE_REPLAY or ON_DEMAND.
	PlaybackMode PlaybackMode `json:"PlaybackMode,omitzero"`
	// HLSFragmentSelector is the clock and, for ON_DEMAND and LIVE_REPLAY, the time range of
	// the session.
	HLSFragmentSelector StreamingFragmentSelector `json:"HLSFragmentSelector,omitzero"`
	// ContainerFormat is FRAGMENTED_MP4 (the default) or MPEG_TS.
	ContainerFormat ContainerFormat `json:"ContainerFormat,omitzero"`
	// DiscontinuityMode says where the media playlists mark discontinuities; ALWAYS with server
	// timestamps and NEVER with producer timestamps by default.
	DiscontinuityMode DiscontinuityMode `json:"DiscontinuityMode,omitzero"`
	// DisplayFragmentTimestamp, when ALWAYS, gives each segment its start time
	// (EXT-X-PROGRAM-DATE-TIME) on the selector's clock.
	DisplayFragmentTimestamp Display `json:"DisplayFragmentTimestamp,omitzero"`
	// Expires is the lifetime of the session in seconds, 300 (the default) to 43200.
	Expires *int32 `json:"Expires,omitzero" validate:"min=300,max=43200"`
	// MaxMediaPlaylistFragmentResults caps the fragments of a media playlist (1 to 5000): the
	// newest ones for LIVE, the oldest for ON_DEMAND. The default is 5 for LIVE and LIVE_REPLAY
	// and 1000 for ON_DEMAND.
	MaxMediaPlaylistFragmentResults *int64 `json:"MaxMediaPlaylistFragmentResults,omitzero" validate:"min=1,max=5000"`
}

// GetHLSStreamingSessionURLOutput is the output of GetHLSStreamingSessionURL.
type GetHLSStreamingSessionURLOutput struct {
	// HLSStreamingSessionURL is the URL of the session's master playlist, with its token.
	HLSStreamingSessionURL string `json:"HLSStreamingSessionURL,omitzero"`
}

// GetDASHStreamingSessionURL creates an MPEG-DASH streaming session and returns the URL of its
// manifest, which carries a session token valid for Expires seconds. The stream must keep data
// and carry H.264 or H.265 video, optionally with AAC or G.711 audio, with codec private data
// that does not change within the session. A stream has at most ten active DASH sessions; a new
// one closes the oldest.
func (c *Client) GetDASHStreamingSessionURL(ctx context.Context, in *GetDASHStreamingSessionURLInput, optFns ...func(*Options)) (*GetDASHStreamingSessionURLOutput, error) {
	return invoke[GetDASHStreamingSessionURLOutput](ctx, c, "GetDASHStreamingSessionURL", "/getDASHStreamingSessionURL", in,
		func(in *GetDASHStreamingSessionURLInput) stream {
			return stream{in.StreamName, in.StreamARN, kvs.APINameGetDASHStreamingSessionURL}
		}, func(in *GetDASHStreamingSessionURLInput) error {
			return checkStreamingSelector("GetDASHStreamingSessionURLInput", "DASHFragmentSelector", in.PlaybackMode, in.DASHFragmentSelector)
		}, optFns)
}

// GetDASHStreamingSessionURLInput is the input of GetDASHStreamingSessionURL. Name the stream
// by StreamName or StreamARN; every other member has a default.
type GetDASHStreamingSessionURLInput struct {
	// StreamName is the name of the stream.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
	// PlaybackMode is LIVE (the default), LIVE_REPLAY or ON_DEMAND.
	PlaybackMode PlaybackMode `json:"PlaybackMode,omitzero"`
	// DisplayFragmentTimestamp, when ALWAYS, adds each fragment's start time on the selector's
	// clock to its S element of the manifest, as the attribute kvs:ts.
	DisplayFragmentTimestamp Display `json:"DisplayFragmentTimestamp,omitzero"`
	// DisplayFragmentNumber, when ALWAYS, adds each fragment's number to its S element, as the
	// attribute kvs:fn.
	DisplayFragmentNumber Display `json:"DisplayFragmentNumber,omitzero"`
	// DASHFragmentSelector is the clock and, for ON_DEMAND and LIVE_REPLAY, the time range of
	// the session.
	DASHFragmentSelector StreamingFragmentSelector `json:"DASHFragmentSelector,omitzero"`
	// Expires is the lifetime of the session in seconds, 300 (the default) to 43200.
	Expires *int32 `json:"Expires,omitzero" validate:"min=300,max=43200"`
	// MaxManifestFragmentResults caps the fragments of the manifest: the newest ones for LIVE,
	// the oldest for ON_DEMAND. The default is 5 for LIVE and LIVE_REPLAY and 1000 for
	// ON_DEMAND.
	MaxManifestFragmentResults *int64 `json:"MaxManifestFragmentResults,omitzero" validate:"min=1,max=5000"`
}

// GetDASHStreamingSessionURLOutput is the output of GetDASHStreamingSessionURL.
type GetDASHStreamingSessionURLOutput struct {
	// DASHStreamingSessionURL is the URL of the session's manifest, with its token.
	DASHStreamingSessionURL string `json:"DASHStreamingSessionURL,omitzero"`
}
