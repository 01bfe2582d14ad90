package media_test

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// quietLimits keeps an idle GetMedia response open for a minute, so that a test sees whether the
// consumer waits inside one response or makes new calls.
var quietLimits = kvstest.WithMediaLimits(kvstest.MediaLimits{GetMediaIdle: time.Minute, GetMediaCallsPerSecond: -1, PutMediaCallsPerSecond: -1})

// promptly is the bound on returning after a context's end or Close in these tests: far above
// the 50 ms the consumer meets on loopback (BenchmarkConsumerCancel measures it), so that a
// loaded machine does not fail them, and far below any wait the consumer itself could cause.
const promptly = 2 * time.Second

// TestConsumerCallDeadline gives every Next a 20 ms deadline while the stream is quiet: each
// call returns the deadline's error promptly, the consumer keeps its single response open, and
// once media flows the fragments come through calls with the same short deadlines.
func TestConsumerCallDeadline(t *testing.T) {
	defer wiretest.LeakCheck(t)()
	frames, _ := loadSamples(t, 4)
	srv, client, name := emulator(t, 24, quietLimits)
	defer srv.Close()
	c, err := media.NewConsumer(context.Background(), client, media.ConsumerConfig{StreamName: name})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	next := func() (*media.Fragment, error, time.Duration) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		start := time.Now()
		f, err := c.Next(ctx)
		return f, err, time.Since(start)
	}
	for range 5 {
		if f, err, took := next(); !errors.Is(err, context.DeadlineExceeded) || f != nil || took > promptly {
			t.Fatalf("quiet Next = %v, %v after %v; want the deadline's error", f, err, took)
		}
	}
	if err := c.Err(); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Err = %v", err)
	}
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	produce(t, client, media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: start}, frames)
	var got []*media.Fragment
	for deadline := time.Now().Add(30 * time.Second); len(got) < 2 && time.Now().Before(deadline); {
		f, err, _ := next()
		if errors.Is(err, context.DeadlineExceeded) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, f)
	}
	if len(got) != 2 || !got[0].ProducerTimestamp.Equal(start) {
		t.Fatalf("read %d fragments", len(got))
	}
	checkFrames(t, start, frames, got)
	if st := c.Stats(); st.Calls != 1 || st.Errors != 0 {
		t.Errorf("short deadlines changed the calls: %+v", st)
	}
}

// TestConsumerCloseUnblocks closes a consumer from other goroutines while Next waits on a quiet
// stream: Next returns ErrConsumerClosed promptly, Close is idempotent and nothing leaks.
func TestConsumerCloseUnblocks(t *testing.T) {
	defer wiretest.LeakCheck(t)()
	srv, client, name := emulator(t, 24, quietLimits)
	defer srv.Close()
	c, err := media.NewConsumer(context.Background(), client, media.ConsumerConfig{StreamName: name})
	if err != nil {
		t.Fatal(err)
	}
	returned := make(chan error, 1)
	go func() {
		_, err := c.Next(context.Background())
		returned <- err
	}()
	go func() {
		_, err := c.NextChunk(context.Background()) // waits for the Next above, then for Close
		returned <- err
	}()
	time.Sleep(10 * time.Millisecond) // most likely both are waiting; either way they must end
	closedAt := time.Now()
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		}()
	}
	for range 2 {
		select {
		case err := <-returned:
			if !errors.Is(err, media.ErrConsumerClosed) {
				t.Errorf("pending call returned %v, want ErrConsumerClosed", err)
			}
		case <-time.After(promptly):
			t.Fatal("a pending call did not return after Close")
		}
	}
	t.Logf("pending calls returned %v after Close", time.Since(closedAt))
	wg.Wait()
	if _, err := c.Next(context.Background()); !errors.Is(err, media.ErrConsumerClosed) {
		t.Errorf("Next after Close: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestConsumerIdleInsideResponse ends a quiet NOW read at IdleTimeout although the emulator keeps
// its response open for a minute: idleness is measured inside responses, with one call.
func TestConsumerIdleInsideResponse(t *testing.T) {
	srv, client, name := emulator(t, 24, quietLimits)
	defer srv.Close()
	c, err := media.NewConsumer(context.Background(), client, media.ConsumerConfig{StreamName: name, IdleTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	n := 0
	for f, err := range c.Fragments(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		n += len(f.Frames)
	}
	if err := c.Err(); err != io.EOF || n != 0 {
		t.Fatalf("loop ended with Err %v after %d frames, want io.EOF", err, n)
	}
	if _, err := c.Next(context.Background()); err != io.EOF {
		t.Errorf("after the end: %v", err)
	}
	if st := c.Stats(); st.Calls != 1 {
		t.Errorf("%d calls, want 1", st.Calls)
	}
}

// TestConsumerIdleCountsOnlyWaiting abandons calls with short deadlines adding up to more than
// IdleTimeout, and waits between them: only the time spent waiting counts, and it adds up.
func TestConsumerIdleCountsOnlyWaiting(t *testing.T) {
	srv, client, name := emulator(t, 24, quietLimits)
	defer srv.Close()
	c, err := media.NewConsumer(context.Background(), client, media.ConsumerConfig{StreamName: name, IdleTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var waited time.Duration
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		start := time.Now()
		_, err := c.Next(ctx)
		waited += time.Since(start)
		cancel()
		if err == io.EOF {
			break
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond) // the caller's own time: not idleness
	}
	if waited < 300*time.Millisecond {
		t.Errorf("ended after waiting %v in all, before IdleTimeout", waited)
	}
}

// TestConsumerNowAfterTheProducer starts a NOW consumer after the producer stopped, as the
// README's snippets run one after the other: the loop ends cleanly at IdleTimeout, and a
// cancelled context ends it cleanly too, with Err telling which.
func TestConsumerNowAfterTheProducer(t *testing.T) {
	frames, _ := loadSamples(t, 4)
	_, client, name := emulator(t, 24, liveLimits)
	produce(t, client, media.ProducerConfig{StreamName: name, Tracks: avTracks()}, frames)
	c, err := media.NewConsumer(context.Background(), client, media.ConsumerConfig{StreamName: name, IdleTimeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, err := range c.Fragments(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Err(); err != io.EOF {
		t.Errorf("Err = %v, want io.EOF", err)
	}

	c2, err := media.NewConsumer(context.Background(), client, media.ConsumerConfig{StreamName: name})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	for _, err := range c2.Fragments(ctx) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := c2.Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("Err = %v, want context.Canceled", err)
	}
}

// TestConsumerResumesAtOnce cuts every response after its first fragment, with a retry delay of
// an hour: the consumer must resume at once after a single failure (a backoff would stall it).
func TestConsumerResumesAtOnce(t *testing.T) {
	frames, _ := loadSamples(t, 10)
	srv, client, name := emulator(t, 24, liveLimits)
	start := time.Date(2026, 12, 1, 11, 0, 0, 0, time.UTC)
	produce(t, client, media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: start}, frames)
	stored := consumeAll(t, client, name)
	size := 0
	for _, fr := range stored[0].Frames {
		size += len(fr.Data)
	}
	for range len(stored) - 1 {
		srv.AddGetMediaFaults(kvstest.GetMediaFault{CutAfterBytes: int64(size * 3 / 2)})
	}
	c, err := media.NewConsumer(context.Background(), client, media.ConsumerConfig{StreamName: name, IdleTimeout: time.Second,
		Start:           media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest},
		MinCallInterval: time.Millisecond, RetryBaseDelay: time.Hour, RetryMaxDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var got []*media.Fragment
	for f, err := range c.Fragments(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, f)
	}
	checkFrames(t, start, frames, got)
	if st := c.Stats(); st.Errors < len(stored)-2 || st.Failures != 0 {
		t.Errorf("the cuts did not happen, or failures are left: %+v", st)
	}
}

// TestConsumerIdleShowsFailures cuts every response before its first fragment: the read ends
// at IdleTimeout with an *IdleError counting the failures, never a quiet io.EOF.
func TestConsumerIdleShowsFailures(t *testing.T) {
	frames, _ := loadSamples(t, 4)
	srv, client, name := emulator(t, 24, liveLimits)
	produce(t, client, media.ProducerConfig{StreamName: name, Tracks: avTracks()}, frames)
	for range 1000 {
		srv.AddGetMediaFaults(kvstest.GetMediaFault{CutAfterBytes: 100})
	}
	c, err := media.NewConsumer(context.Background(), client, media.ConsumerConfig{StreamName: name, IdleTimeout: 300 * time.Millisecond,
		Start:           media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest},
		MinCallInterval: time.Millisecond, RetryBaseDelay: time.Millisecond, RetryMaxDelay: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var yielded error
	for _, err := range c.Fragments(context.Background()) {
		yielded = err
	}
	var ie *media.IdleError
	if !errors.As(yielded, &ie) || errors.Is(yielded, io.EOF) || ie.Failures < 1 || ie.Last == nil {
		t.Fatalf("loop ended with %v (%+v), want an *IdleError with failures", yielded, c.Stats())
	}
	if st := c.Stats(); st.Failures != ie.Failures || st.Fragments != 0 {
		t.Errorf("stats %+v, error %+v", st, ie)
	}
}
