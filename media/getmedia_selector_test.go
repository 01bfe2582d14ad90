package media_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/media"
)

// TestGetMediaSelectorNeedsItsMember checks that GetMedia refuses, before any request, a start
// selector without the member its type needs.
func TestGetMediaSelectorNeedsItsMember(t *testing.T) {
	c := media.New(media.Options{Options: kvs.Options{Region: "us-east-1"}, Endpoint: "http://127.0.0.1:1"})
	for sel, field := range map[media.StartSelectorType]string{
		media.StartSelectorTypeFragmentNumber:    "StartSelector.AfterFragmentNumber",
		media.StartSelectorTypeServerTimestamp:   "StartSelector.StartTimestamp",
		media.StartSelectorTypeProducerTimestamp: "StartSelector.StartTimestamp",
		media.StartSelectorTypeContinuationToken: "StartSelector.ContinuationToken",
	} {
		_, err := c.GetMedia(context.Background(), &media.GetMediaInput{StreamName: "s", StartSelector: media.StartSelector{StartSelectorType: sel}})
		var ipe smithy.InvalidParamsError
		if !errors.As(err, &ipe) || !strings.Contains(err.Error(), field) {
			t.Errorf("%s alone: %v, want an invalid-parameter error naming %s", sel, err, field)
		}
	}
}
