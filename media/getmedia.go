package media

import (
	"context"
	"io"
	"time"

	"github.com/kvsgo/sdk/internal/rpc"
	"github.com/kvsgo/sdk/internal/validate"
	"github.com/kvsgo/sdk/kvs"
)

// GetMedia starts reading a stream's media from the point StartSelector names. The response
// body streams a sequence of MKV documents, one per fragment, each with the service's tags
// (fragment number, timestamps, continuation token); read it with NewFragmentReader, or use a
// Consumer, which also reconnects. The caller must close Payload. The service ends the body
// after a few seconds without new fragments and after about 45 minutes.
func (c *Client) GetMedia(ctx context.Context, in *GetMediaInput, optFns ...func(*Options)) (*GetMediaOutput, error) {
	const op = "GetMedia"
	if in == nil {
		in = &GetMediaInput{}
	}
	if err := requireStream(op, "GetMediaInput", in.StreamName, in.StreamARN, false); err != nil {
		return nil, err
	}
	if err := in.StartSelector.checkMember(); err != nil {
		return nil, rpc.OperationError(ServiceID, op, err)
	}
	cfg, done, err := c.dataConfig(ctx, op, kvs.APINameGetMedia, in.StreamName, in.StreamARN, optFns)
	if err != nil {
		return nil, err
	}
	resp, err := cfg.Send(ctx, op, "/getMedia", in)
	done(err)
	if err != nil {
		return nil, err
	}
	return &GetMediaOutput{ContentType: resp.Header.Get("Content-Type"), Payload: resp.Body}, nil
}

// checkMember checks that the selector carries the member its type needs, which the service
// requires (InvalidArgumentException) although the model does not say so.
func (s StartSelector) checkMember() error {
	const input = "GetMediaInput"
	switch {
	case s.StartSelectorType == StartSelectorTypeFragmentNumber && s.AfterFragmentNumber == "":
		return validate.Errorf(input, "StartSelector.AfterFragmentNumber", "required with StartSelectorType FRAGMENT_NUMBER")
	case (s.StartSelectorType == StartSelectorTypeServerTimestamp || s.StartSelectorType == StartSelectorTypeProducerTimestamp) && s.StartTimestamp.IsZero():
		return validate.Errorf(input, "StartSelector.StartTimestamp", "required with StartSelectorType %s", s.StartSelectorType)
	case s.StartSelectorType == StartSelectorTypeContinuationToken && s.ContinuationToken == "":
		return validate.Errorf(input, "StartSelector.ContinuationToken", "required with StartSelectorType CONTINUATION_TOKEN")
	}
	return nil
}

// requireStream checks that a stream is named by name or ARN: at least one, or exactly one when
// exclusive.
func requireStream(op, input, name, arn string, exclusive bool) error {
	switch {
	case name == "" && arn == "":
		return rpc.OperationError(ServiceID, op, validate.Errorf(input, "StreamName", "set StreamName or StreamARN"))
	case exclusive && name != "" && arn != "":
		return rpc.OperationError(ServiceID, op, validate.Errorf(input, "StreamName", "set StreamName or StreamARN, not both"))
	}
	return nil
}

// GetMediaInput is the input of GetMedia. Name the stream by StreamName or StreamARN.
type GetMediaInput struct {
	// StreamName is the name of the stream.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
	// StartSelector says where in the stream to start.
	StartSelector StartSelector `json:"StartSelector,omitzero" validate:"required"`
}

// StartSelector names the first fragment GetMedia returns.
type StartSelector struct {
	// StartSelectorType says which of the other members locate the start.
	StartSelectorType StartSelectorType `json:"StartSelectorType,omitzero" validate:"required"`
	// AfterFragmentNumber is the fragment after which reading starts, for FRAGMENT_NUMBER.
	AfterFragmentNumber string `json:"AfterFragmentNumber,omitzero" validate:"min=1,max=128,pattern=fragmentNumber"`
	// StartTimestamp is the time to start at, for SERVER_TIMESTAMP and PRODUCER_TIMESTAMP: the
	// first fragment that starts at or after it, or the one that contains it.
	StartTimestamp time.Time `json:"StartTimestamp,omitzero"`
	// ContinuationToken resumes an earlier read, for CONTINUATION_TOKEN: the token the service
	// sent in the last fragment's tags.
	ContinuationToken string `json:"ContinuationToken,omitzero" validate:"min=1,max=128,pattern=continuationToken"`
}

// StartSelectorType selects how GetMedia finds its first fragment.
type StartSelectorType string

// Values of StartSelectorType.
const (
	// StartSelectorTypeFragmentNumber starts with the fragment after AfterFragmentNumber.
	StartSelectorTypeFragmentNumber StartSelectorType = "FRAGMENT_NUMBER"
	// StartSelectorTypeServerTimestamp starts at StartTimestamp by the server's clock.
	StartSelectorTypeServerTimestamp StartSelectorType = "SERVER_TIMESTAMP"
	// StartSelectorTypeProducerTimestamp starts at StartTimestamp by the producer's clock.
	StartSelectorTypeProducerTimestamp StartSelectorType = "PRODUCER_TIMESTAMP"
	// StartSelectorTypeNow starts with the newest fragment: the one being received, or else the
	// next to arrive.
	StartSelectorTypeNow StartSelectorType = "NOW"
	// StartSelectorTypeEarliest starts with the oldest stored fragment.
	StartSelectorTypeEarliest StartSelectorType = "EARLIEST"
	// StartSelectorTypeContinuationToken resumes after the fragment ContinuationToken names.
	StartSelectorTypeContinuationToken StartSelectorType = "CONTINUATION_TOKEN"
)

// Values returns every value of StartSelectorType the service model defines.
func (StartSelectorType) Values() []StartSelectorType {
	return []StartSelectorType{StartSelectorTypeFragmentNumber, StartSelectorTypeServerTimestamp,
		StartSelectorTypeProducerTimestamp, StartSelectorTypeNow, StartSelectorTypeEarliest, StartSelectorTypeContinuationToken}
}

// GetMediaOutput is the output of GetMedia.
type GetMediaOutput struct {
	// ContentType is the media type of the payload (video/webm for MKV).
	ContentType string
	// Payload streams the media. Close it when done.
	Payload io.ReadCloser
}
