package media_test

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/kvsgo/sdk/media"
)

// TestConsumerKeepsUpOnAHarshNetwork follows a live stream (24 s of H.264+AAC written in real
// time, 2 s fragments of about 90 KB, straight to the emulator) with a Consumer whose GetMedia
// responses go through a proxy that resets every connection after 40 to 160 KB from the
// service, while the processors are kept busy. Every fragment the producer got PERSISTED must
// reach the consumer once, in order; the last one at most 3 s after its PERSISTED; and reading
// must end (IdleTimeout) only after it, with an *IdleError rather than io.EOF if calls failed
// since the last fragment.
func TestConsumerKeepsUpOnAHarshNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("a half-minute real-time network test")
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

	const idleTimeout = 5 * time.Second
	cons, err := media.NewConsumer(ctx, proxied, media.ConsumerConfig{StreamName: name,
		Start: media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}, IdleTimeout: idleTimeout})
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	type delivery struct {
		number string
		at     time.Time
	}
	var (
		got     []delivery
		endErr  error
		endStat media.ConsumerStats
		readers sync.WaitGroup
	)
	readers.Add(1)
	go func() {
		defer readers.Done()
		for {
			f, err := cons.Next(ctx)
			if err != nil && f == nil {
				endErr, endStat = err, cons.Stats()
				return
			}
			got = append(got, delivery{f.FragmentNumber, time.Now()})
		}
	}()

	start := time.Now().Truncate(time.Millisecond)
	p, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: start,
		FragmentDuration: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	persisted := map[string]time.Time{}
	var order []string
	events := make(chan struct{})
	go func() {
		defer close(events)
		for {
			e, err := p.NextEvent(ctx)
			if err != nil {
				return
			}
			if e.Type == media.EventAck && e.Ack.EventType == media.AckEventPersisted {
				if _, ok := persisted[e.Ack.FragmentNumber]; !ok {
					order = append(order, e.Ack.FragmentNumber)
				}
				persisted[e.Ack.FragmentNumber] = time.Now()
			}
		}
	}()
	for _, f := range frames {
		if d := time.Until(start.Add(f.at)); d > 0 {
			time.Sleep(d) // real-time pace: the consumer follows the live edge
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
	<-events
	readers.Wait() // IdleTimeout ends reading
	conns, cuts := proxy.counts()

	if len(order) == 0 || len(got) == 0 {
		t.Fatalf("%d fragments PERSISTED, %d delivered; reading ended with %v", len(order), len(got), endErr)
	}
	var lastPersisted time.Time
	for _, at := range persisted {
		if at.After(lastPersisted) {
			lastPersisted = at
		}
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
	var maxLag time.Duration
	for _, n := range order {
		at, ok := delivered[n]
		if !ok {
			gaps++
			continue
		}
		maxLag = max(maxLag, at.Sub(persisted[n]))
	}
	last := got[len(got)-1]
	lastLag := last.at.Sub(lastPersisted)
	t.Logf("%d fragments PERSISTED, %d delivered (%d gaps, %d duplicates); %d proxied connections, %d cuts; "+
		"last fragment delivered %v after the last PERSISTED, max lag %v; %d calls, %d failed calls or broken responses "+
		"(%d since the last fragment, %d duplicates skipped); reading ended with %v",
		len(order), len(got), gaps, dups, conns, cuts, lastLag.Round(time.Millisecond), maxLag.Round(time.Millisecond),
		endStat.Calls, endStat.Errors, endStat.Failures, endStat.Duplicates, endErr)
	if gaps != 0 || dups != 0 || len(got) != len(order) {
		t.Errorf("%d fragments PERSISTED, %d delivered: %d gaps, %d duplicates", len(order), len(got), gaps, dups)
	}
	if media.CompareFragmentNumbers(last.number, order[len(order)-1]) < 0 {
		t.Errorf("reading ended at %s before the last fragment %s", last.number, order[len(order)-1])
	}
	if lastLag > 3*time.Second {
		t.Errorf("last fragment delivered %v after the producer's last PERSISTED, want ≤ 3 s", lastLag)
	}
	if cuts < 5 {
		t.Errorf("only %d cuts: the proxy did not cut as intended", cuts)
	}
	if endStat.Errors == 0 {
		t.Errorf("no failed call counted for %d cuts (stats %+v)", cuts, endStat)
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
