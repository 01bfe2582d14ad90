package media_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/kvsgo/sdk/media"
)

// TestConsumerKeepsUpOnAHarshNetwork follows a live stream (24 s of H.264+AAC in 2 s fragments
// of about 90 KB, written straight to the emulator) with a Consumer whose GetMedia responses go
// through a proxy that resets every connection after 40 to 160 KB from the service, while the
// processors are kept busy.
//
// Nothing in it depends on how fast the machine is: the producer is paced by events, not by
// the wall clock. Before each video key frame (where fragments begin) it waits until every
// fragment it completed is PERSISTED and the consumer has delivered all of them but the newest.
// So the consumer reads at the live edge, inside fragments still arriving, and keeping up is an
// ordering of events (never more than one PERSISTED fragment behind when the producer goes on)
// rather than a delay. A consumer that stops delivering fails the test through a hang guard
// (a minute without any event) instead of stretching it.
//
// Every fragment the producer got PERSISTED must reach the consumer once, in order; reading must
// then end (IdleTimeout) after the last one, with an *IdleError rather than io.EOF if calls
// failed since the last fragment; the reconnections must be owed to the cuts.
func TestConsumerKeepsUpOnAHarshNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("a network test of several seconds")
	}
	samples, _ := loadSamples(t, 10)
	var frames []sampleFrame
	for _, f := range loop(samples, 3) {
		if f.at < 24*time.Second {
			frames = append(frames, f)
		}
	}
	srv, client, name := emulator(t, 24)
	proxy, proxied := cutMedia(t, srv, client, serverToClient)
	hogCPU(t)
	ctx := context.Background()

	// IdleTimeout is wall time by design: it only ends reading once the consumer got no frame at
	// all for that long, which the cuts never cause (every proxied connection carries at least
	// 40 KB of media) and the backoff cannot (RetryMaxDelay is well below it).
	const idleTimeout = 5 * time.Second
	// hang bounds any wait for the consumer's next fragment or end: it only fires if the
	// consumer is stuck.
	const hang = 60 * time.Second
	cons, err := media.NewConsumer(ctx, proxied, media.ConsumerConfig{StreamName: name,
		Start:       media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest},
		IdleTimeout: idleTimeout, RetryMaxDelay: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	type delivery struct {
		number string
		at     time.Time // for the log only
	}
	var (
		endErr  error
		endStat media.ConsumerStats
	)
	deliveries := make(chan delivery, 64) // closed when reading ends; endErr and endStat are set then
	go func(out chan<- delivery) {
		defer close(out)
		for {
			f, err := cons.Next(ctx)
			if err != nil && f == nil {
				endErr, endStat = err, cons.Stats()
				return
			}
			out <- delivery{f.FragmentNumber, time.Now()}
		}
	}(deliveries)

	start := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	p, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: start,
		FragmentDuration: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	persistedAcks := make(chan delivery, 64) // the PERSISTED acknowledgements; closed when the producer is done
	go func(out chan<- delivery) {
		defer close(out)
		for {
			e, err := p.NextEvent(ctx)
			if err != nil {
				return
			}
			if e.Type == media.EventAck && e.Ack.EventType == media.AckEventPersisted {
				out <- delivery{e.Ack.FragmentNumber, time.Now()}
			}
		}
	}(persistedAcks)

	var (
		got       []delivery // what the consumer delivered, in order
		order     []string   // the fragments PERSISTED, in order
		persisted = map[string]time.Time{}
	)
	// await takes events, the consumer's fragments and the producer's PERSISTED, until cond
	// holds. It reports false when an awaited stream ended first, and fails the test when none
	// comes for the hang guard's time.
	await := func(what string, cond func() bool) bool {
		t.Helper()
		timer := time.NewTimer(hang)
		defer timer.Stop()
		for !cond() {
			if deliveries == nil && persistedAcks == nil {
				return false
			}
			select {
			case d, ok := <-deliveries:
				if !ok {
					deliveries = nil
					continue
				}
				got = append(got, d)
			case a, ok := <-persistedAcks:
				if !ok {
					persistedAcks = nil
					continue
				}
				if _, seen := persisted[a.number]; !seen {
					order = append(order, a.number)
				}
				persisted[a.number] = a.at
			case <-timer.C:
				t.Fatalf("%s: nothing from the consumer or the producer for %v; %d fragments PERSISTED, %d delivered (consumer %+v, producer %+v)",
					what, hang, len(order), len(got), cons.Stats(), p.Stats())
			}
			timer.Reset(hang) // something came: the guard starts again
		}
		return true
	}
	waits := 0 // key frames at which the producer waited
	for _, f := range frames {
		if f.track == 1 && f.key {
			// Live pace: every fragment the producer completed is PERSISTED, and the consumer
			// has delivered all of them but the newest, before a key frame may open the next.
			// (A completed fragment is PERSISTED without more frames: the producer ends it with
			// an end-of-fragment tag when it has nothing more to send.)
			caughtUp := func() bool { return len(order) >= p.Stats().FragmentsProduced && len(got) >= len(order)-1 }
			if !caughtUp() {
				waits++
			}
			if !await("live", func() bool { return caughtUp() || deliveries == nil }) || deliveries == nil {
				t.Fatalf("reading ended with %v after %d fragments, while the producer was at %v with %d PERSISTED",
					endErr, len(got), f.at, len(order))
			}
		}
		if err := p.WriteFrame(ctx, media.Frame{Track: f.track, Timestamp: f.at, Keyframe: f.key, Data: f.data}); err != nil {
			t.Fatalf("WriteFrame at %v: %v", f.at, err)
		}
	}
	closeCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := p.Close(closeCtx); err != nil {
		t.Fatalf("Close: %v (stats %+v)", err, p.Stats())
	}
	atClose := len(got)
	// The consumer must deliver the rest, then end at IdleTimeout.
	await("after the producer's Close", func() bool { return false })
	conns, cuts := proxy.counts()

	if len(order) == 0 || len(got) == 0 {
		t.Fatalf("%d fragments PERSISTED, %d delivered; reading ended with %v", len(order), len(got), endErr)
	}
	gaps, dups := 0, 0
	delivered := map[string]time.Time{}
	for i, d := range got {
		if _, ok := delivered[d.number]; ok {
			dups++
		}
		delivered[d.number] = d.at
		if i > 0 && media.CompareFragmentNumbers(d.number, got[i-1].number) <= 0 {
			t.Errorf("fragment %s delivered after %s", d.number, got[i-1].number)
		}
	}
	for _, n := range order {
		if _, ok := delivered[n]; !ok {
			gaps++
		}
	}
	last := got[len(got)-1]
	t.Logf("%d fragments PERSISTED, %d delivered (%d gaps, %d duplicates); the producer waited for the consumer at %d key frames, "+
		"%d were delivered when its Close returned, the last came %v after its PERSISTED (wall time, not checked); "+
		"%d proxied connections, %d cuts; %d calls, %d reconnects, %d failed calls or broken responses "+
		"(%d since the last fragment, %d duplicates skipped); reading ended with %v",
		len(order), len(got), gaps, dups, waits, atClose, last.at.Sub(persisted[order[len(order)-1]]).Round(time.Millisecond),
		conns, cuts, endStat.Calls, endStat.Reconnects, endStat.Errors, endStat.Failures, endStat.Duplicates, endErr)
	if gaps != 0 || dups != 0 || len(got) != len(order) {
		t.Errorf("%d fragments PERSISTED, %d delivered: %d gaps, %d duplicates", len(order), len(got), gaps, dups)
	}
	if media.CompareFragmentNumbers(last.number, order[len(order)-1]) < 0 {
		t.Errorf("reading ended at %s before the last fragment %s", last.number, order[len(order)-1])
	}
	if cuts < 5 {
		t.Errorf("only %d cuts: the proxy did not cut as intended", cuts)
	}
	if endStat.Errors == 0 {
		t.Errorf("no failed call counted for %d cuts (stats %+v)", cuts, endStat)
	}
	// A cut breaks one response; the few other reconnections are responses the emulator ends
	// after 3 s without a new fragment (at the end) and the odd throttled call. A consumer that
	// reconnects without cause goes far beyond.
	if endStat.Reconnects > 2*cuts+5 {
		t.Errorf("%d reconnections for %d cuts", endStat.Reconnects, cuts)
	}
	var idle *media.IdleError
	switch {
	case errors.As(endErr, &idle):
		if idle.Failures != endStat.Failures || idle.Failures == 0 || idle.IdleTimeout != idleTimeout {
			t.Errorf("IdleError %+v with stats %+v", idle, endStat)
		}
	case errors.Is(endErr, io.EOF):
		if endStat.Failures != 0 {
			t.Errorf("io.EOF hides %d failed calls", endStat.Failures)
		}
	default:
		t.Errorf("reading ended with %v, want io.EOF or *media.IdleError", endErr)
	}
}
