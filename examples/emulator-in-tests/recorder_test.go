package recorder_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	recorder "github.com/kvsgo/sdk/examples/emulator-in-tests"
	"github.com/kvsgo/sdk/examples/internal/samples"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// TestRecorderMarksMotion is the kind of test an application writes with kvstest: the emulator
// runs in the test process, the application gets srv.Config() where it would get its AWS
// configuration, and the test reads back what the application stored.
func TestRecorderMarksMotion(t *testing.T) {
	srv := kvstest.NewServer(kvstest.WithMediaLimits(kvstest.MediaLimits{GetMediaIdle: 300 * time.Millisecond}))
	defer srv.Close()

	// Faults the application must survive: a throttled CreateStream (retried by the SDK) and a
	// PutMedia connection cut in the middle of the recording (resent by the producer).
	srv.Throttle("CreateStream", 1)
	srv.AddPutMediaFaults(kvstest.PutMediaFault{CutAfterBytes: 100_000})

	ctx := context.Background()
	rec, err := recorder.Open(ctx, srv.Config(), "front-door")
	if err != nil {
		t.Fatal(err)
	}
	frames, err := samples.Frames(1)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range frames {
		if f.Track != 1 {
			continue // video only
		}
		motion := f.Timestamp >= 4*time.Second && f.Timestamp < 6*time.Second
		if err := rec.Frame(ctx, f.Timestamp, f.Data, motion && f.Keyframe); err != nil {
			t.Fatal(err)
		}
	}
	if err := rec.Close(ctx); err != nil {
		t.Fatal(err)
	}

	// Read the stream back and check the marks.
	control := kvs.NewFromConfig(srv.Config())
	client := media.New(media.Options{Options: control.Options(), Control: control})
	c, err := media.NewConsumer(ctx, client, media.ConsumerConfig{StreamName: "front-door",
		Start: media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}, IdleTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var marked []int
	n := 0
	for f, err := range c.Fragments(ctx) {
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if v, ok := f.Tag("motion"); ok && v == "yes" {
			marked = append(marked, n)
		}
		n++
	}
	if n != 5 || len(marked) != 1 || marked[0] != 2 {
		t.Fatalf("%d fragments, motion marked on %v; want 5 and [2]", n, marked)
	}
	if srv.Calls("CreateStream") != 2 || srv.Calls("PutMedia") < 2 {
		t.Errorf("the injected faults did not happen: %d CreateStream, %d PutMedia", srv.Calls("CreateStream"), srv.Calls("PutMedia"))
	}
}
