package media_test

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/kvsgo/sdk/media"
)

// blackHole accepts connections and never answers: a service that takes no data.
func blackHole(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go func() { _, _ = io.Copy(io.Discard, c) }()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String()
}

// stuckProducer returns a producer whose buffer holds one byte at most (Block policy) and
// whose service never answers, written to until its buffer is full, and the frames from the
// first one that did not fit.
func stuckProducer(t *testing.T) (*media.Producer, []sampleFrame) {
	t.Helper()
	frames, _ := loadSamples(t, 4)
	_, client, name := emulator(t, 24, fastLimits)
	opts := client.Options()
	hole := media.New(media.Options{Options: opts.Options, Control: opts.Control, Endpoint: blackHole(t)})
	p, err := media.NewProducer(context.Background(), hole, media.ProducerConfig{StreamName: name, Tracks: avTracks(),
		KeepUntil: media.AckEventPersisted, Buffer: media.BufferConfig{Policy: media.Block, MaxBytes: 1}})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range frames {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		err := p.WriteFrame(ctx, frame(f))
		cancel()
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			return p, frames[i:]
		case err != nil:
			t.Fatal(err)
		}
	}
	t.Fatal("the buffer never filled")
	return nil, nil
}

func frame(f sampleFrame) media.Frame {
	return media.Frame{Track: f.track, Timestamp: f.at, Keyframe: f.key, Data: f.data}
}

// TestProducerOutlivesItsSetupContext ends NewProducer's context right after setup: the
// producer goes on and delivers everything.
func TestProducerOutlivesItsSetupContext(t *testing.T) {
	frames, _ := loadSamples(t, 4)
	_, client, name := emulator(t, 24, fastLimits)
	setup, cancel := context.WithCancel(context.Background())
	p, err := media.NewProducer(setup, client, fastProducer(media.ProducerConfig{StreamName: name, Tracks: avTracks()}))
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, f := range frames {
		if err := p.WriteFrame(ctx, frame(f)); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(ctx); err != nil {
		t.Fatalf("Close after the setup context ended: %v", err)
	}
	if st := p.Stats(); st.FragmentsPersisted != 2 {
		t.Errorf("stats %+v", st)
	}
}

// TestProducerSetupContextBoundsSetup gives NewProducer an ended context: the DescribeStream
// it needs fails with it.
func TestProducerSetupContextBoundsSetup(t *testing.T) {
	_, client, name := emulator(t, 24, fastLimits)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: name, Tracks: avTracks()})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("NewProducer with an ended context = %v", err)
	}
}

// TestWriteFrameHonoursItsContext blocks WriteFrame on a full buffer and ends its context: it
// returns promptly with the context's error, and the producer keeps its place (the next call
// blocks the same way).
func TestWriteFrameHonoursItsContext(t *testing.T) {
	p, frames := stuckProducer(t)
	for i, end := range []func(context.Context) (context.Context, context.CancelFunc){
		func(ctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeout(ctx, 20*time.Millisecond)
		},
		context.WithCancel,
	} {
		ctx, cancel := end(context.Background())
		returned := make(chan error, 1)
		go func() { returned <- p.WriteFrame(ctx, frame(frames[0])) }()
		if i == 1 {
			select {
			case err := <-returned:
				t.Fatalf("WriteFrame returned %v before its context ended", err)
			case <-time.After(20 * time.Millisecond):
			}
			cancel()
		}
		<-ctx.Done()
		endedAt := time.Now()
		select {
		case err := <-returned:
			late := time.Since(endedAt)
			if !errors.Is(err, ctx.Err()) {
				t.Fatalf("WriteFrame = %v, want %v", err, ctx.Err())
			}
			t.Logf("WriteFrame returned %v after its context ended", late)
		case <-time.After(5 * time.Second):
			t.Fatal("WriteFrame did not return after its context ended")
		}
		cancel()
	}
	before := p.Stats().FramesWritten
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := p.WriteFrame(ctx, frame(frames[0])); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WriteFrame after the failed ones = %v, want it to wait for room again", err)
	}
	if after := p.Stats().FramesWritten; after != before {
		t.Errorf("frames written went from %d to %d: a WriteFrame that failed wrote its frame", before, after)
	}
	closeCtx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_ = p.Close(closeCtx)
}

// TestCloseUnblocksWriteFrame closes a producer from other goroutines while WriteFrame waits
// for room: WriteFrame returns ErrProducerClosed, every Close returns the same *CloseError
// (what was left), later Closes too, and NextEvent ends with io.EOF.
func TestCloseUnblocksWriteFrame(t *testing.T) {
	p, frames := stuckProducer(t)
	blocked := make(chan error, 1)
	go func() { blocked <- p.WriteFrame(context.Background(), frame(frames[0])) }()
	select {
	case err := <-blocked:
		t.Fatalf("WriteFrame returned %v on a full buffer", err)
	case <-time.After(20 * time.Millisecond):
	}

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	closing := time.Now()
	results := make(chan error, 3)
	for range 3 {
		go func() { results <- p.Close(ctx) }()
	}
	select {
	case err := <-blocked:
		if !errors.Is(err, media.ErrProducerClosed) {
			t.Fatalf("pending WriteFrame = %v, want ErrProducerClosed", err)
		}
		t.Logf("pending WriteFrame returned %v after Close began", time.Since(closing))
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not unblock WriteFrame")
	}
	var first error
	for range 3 {
		err := <-results
		var ce *media.CloseError
		if !errors.As(err, &ce) || ce.Unacknowledged != 1 || !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, media.ErrCloseIncomplete) {
			t.Fatalf("Close = %v, want a CloseError with the one fragment left and the deadline", err)
		}
		if first == nil {
			first = err
		} else if err != first {
			t.Errorf("concurrent Closes returned %v and %v", first, err)
		}
	}
	if err := p.Close(context.Background()); err != first {
		t.Errorf("a later Close = %v, want the first result %v", err, first)
	}
	if err := p.WriteFrame(context.Background(), frame(frames[1])); !errors.Is(err, media.ErrProducerClosed) {
		t.Errorf("WriteFrame after Close = %v", err)
	}
	for {
		_, err := p.NextEvent(context.Background())
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}
