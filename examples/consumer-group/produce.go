package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/kvsgo/sdk/examples/internal/env"
	"github.com/kvsgo/sdk/examples/internal/samples"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/media"
)

// fragmentLength is the media of one fragment of the bundled samples (a key frame every 2 s).
const fragmentLength = 2 * time.Second

// produce feeds o.produce demo streams, PREFIX1 to PREFIXn, one fragment of the bundled media
// every o.fragmentEvery (faster than real time when shorter than 2 s: the producer timestamps
// then start in the past so as to stay behind the clock), until ctx ends or each stream got
// o.produceFragments fragments.
func produce(ctx context.Context, out io.Writer, control *kvs.Client, o options) error {
	clip, err := samples.Frames(1)
	if err != nil {
		return err
	}
	client := media.New(media.Options{Options: control.Options(), Control: control})
	var wg sync.WaitGroup
	errs := make([]error, o.produce)
	for i := range o.produce {
		name := fmt.Sprintf("%s%d", o.prefix, i+1)
		if _, err := env.EnsureStream(ctx, control, name, 24); err != nil {
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = feed(ctx, client, name, clip, o)
		}()
	}
	fmt.Fprintf(out, "feeding %d streams %s1…%s%d, a fragment every %s\n", o.produce, o.prefix, o.prefix, o.produce, o.fragmentEvery)
	wg.Wait()
	err = errors.Join(errs...)
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

// feed writes fragments of the looped clip into one stream, one every o.fragmentEvery.
func feed(ctx context.Context, client *media.Client, stream string, clip []media.Frame, o options) error {
	startTime := time.Now()
	if o.produceFragments > 0 && o.fragmentEvery < fragmentLength {
		startTime = startTime.Add(-time.Duration(o.produceFragments) * fragmentLength)
	}
	p, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: stream, Tracks: samples.Tracks(), StartTime: startTime,
		Buffer: media.BufferConfig{Policy: media.Block}})
	if err != nil {
		return err
	}
	tick := time.NewTicker(o.fragmentEvery)
	defer tick.Stop()
	clipLength := samples.Duration
	for k := 0; o.produceFragments == 0 || k < o.produceFragments; k++ {
		from := time.Duration(k) * fragmentLength
		loop := from / clipLength
		for _, f := range clip {
			at := loop*clipLength + f.Timestamp
			if at < from || at >= from+fragmentLength {
				continue
			}
			f.Timestamp = at
			if err := p.WriteFrame(ctx, f); err != nil {
				return errors.Join(err, p.Close(context.Background()))
			}
		}
		select {
		case <-ctx.Done():
			return errors.Join(ctx.Err(), p.Close(context.Background()))
		case <-tick.C:
		}
	}
	return p.Close(ctx)
}
