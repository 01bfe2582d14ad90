package archived

import (
	"context"
	"io"

	"github.com/kvsgo/sdk/kvs"
)

// GetClip downloads the media of a time range as one MP4 file: the fragments that start in
// ClipFragmentSelector's range, up to the first 100 MB or 200 fragments. The stream must keep
// data, carry H.264 or H.265 video (optionally with AAC or G.711 audio) with codec private data,
// and keep the same codec private data and tracks throughout the range. Read Payload as it
// comes, or parse it with ParseClip; the caller must close it.
func (c *Client) GetClip(ctx context.Context, in *GetClipInput, optFns ...func(*Options)) (*GetClipOutput, error) {
	resp, err := send(ctx, c, "GetClip", "/getClip", in,
		func(in *GetClipInput) stream { return stream{in.StreamName, in.StreamARN, kvs.APINameGetClip} },
		func(in *GetClipInput) error {
			r := in.ClipFragmentSelector.TimestampRange
			return checkRange("GetClipInput", "ClipFragmentSelector.TimestampRange", r.StartTimestamp, r.EndTimestamp)
		}, optFns)
	if err != nil {
		return nil, err
	}
	return &GetClipOutput{ContentType: resp.Header.Get("Content-Type"), Payload: resp.Body}, nil
}

// GetClipInput is the input of GetClip. Name the stream by StreamName or StreamARN.
type GetClipInput struct {
	// StreamName is the name of the stream.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
	// ClipFragmentSelector is the clock and the range of fragment start times of the clip: the
	// end after the start, at most 24 hours from it, and in the past for SERVER_TIMESTAMP.
	// Fragments with the same producer timestamp are included once.
	ClipFragmentSelector FragmentSelector `json:"ClipFragmentSelector,omitzero" validate:"required"`
}

// GetClipOutput is the output of GetClip.
type GetClipOutput struct {
	// ContentType is the media type of the clip (video/mp4).
	ContentType string
	// Payload streams the MP4 file. Close it when done.
	Payload io.ReadCloser
}
