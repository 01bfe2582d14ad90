package archived

import (
	"context"
	"io"
	"iter"
	"net/http"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/media"
)

// send calls an operation whose response body is media, returning the response with its body
// open.
func send[In any](ctx context.Context, c *Client, op, path string, in *In, s func(*In) stream,
	check func(*In) error, optFns []func(*Options)) (*http.Response, error) {
	in, cfg, done, err := prepare(ctx, c, op, in, s, check, optFns)
	if err != nil {
		return nil, err
	}
	resp, err := cfg.Send(ctx, op, path, in)
	done(err)
	return resp, err
}

// GetMediaForFragmentList returns the media of the listed fragments (numbers from
// ListFragments), in the order given: a sequence of MKV documents, one per fragment, in the
// format of GetMedia with the service's tags (fragment number, server and producer
// timestamps). A fragment that cannot be served comes as a document carrying the error's tags
// instead. Read Payload with Fragments, or with media.NewFragmentReader; the caller must close
// it.
func (c *Client) GetMediaForFragmentList(ctx context.Context, in *GetMediaForFragmentListInput, optFns ...func(*Options)) (*GetMediaForFragmentListOutput, error) {
	resp, err := send(ctx, c, "GetMediaForFragmentList", "/getMediaForFragmentList", in,
		func(in *GetMediaForFragmentListInput) stream {
			return stream{in.StreamName, in.StreamARN, kvs.APINameGetMediaForFragmentList}
		}, nil, optFns)
	if err != nil {
		return nil, err
	}
	return &GetMediaForFragmentListOutput{ContentType: resp.Header.Get("Content-Type"), Payload: resp.Body}, nil
}

// GetMediaForFragmentListInput is the input of GetMediaForFragmentList. Name the stream by
// StreamName or StreamARN.
type GetMediaForFragmentListInput struct {
	// StreamName is the name of the stream.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
	// Fragments are the numbers of the fragments to return, 1 to 1000 of them.
	Fragments []string `json:"Fragments,omitzero" validate:"required,min=1,max=1000;elem:min=1,max=128,pattern=fragmentNumber"`
}

// GetMediaForFragmentListOutput is the output of GetMediaForFragmentList.
type GetMediaForFragmentListOutput struct {
	// ContentType is the media type of the payload (video/webm).
	ContentType string
	// Payload streams the fragments' MKV documents. Close it when done.
	Payload io.ReadCloser
}

// Fragments reads the payload fragment by fragment, each with its frames, and closes it when
// the loop ends. A fragment the service could not serve comes with its *media.StreamError
// (the number of the fragment is in its FragmentNumber), and reading goes on; any other error
// ends the loop.
func (o *GetMediaForFragmentListOutput) Fragments() iter.Seq2[*media.Fragment, error] {
	return func(yield func(*media.Fragment, error) bool) {
		defer o.Payload.Close()
		r := media.NewFragmentReader(o.Payload)
		for {
			f, err := r.Next()
			if err == io.EOF {
				return
			}
			if !yield(f, err) {
				return
			}
			if _, inBand := err.(*media.StreamError); err != nil && !inBand {
				return
			}
		}
	}
}
