package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestConsumerExample(t *testing.T) {
	var out strings.Builder
	// The demo producer writes 10 s of media at once; the consumer reads it from the start.
	if err := run(context.Background(), &out, options{stream: "example", start: "earliest", idle: 2 * time.Second}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if n := strings.Count(out.String(), "tag camera = demo"); n != 5 || !strings.Contains(out.String(), "read 5 fragments (770 frames)") {
		t.Fatalf("%d tagged fragments:\n%s", n, out.String())
	}
}
