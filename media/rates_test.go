package media_test

import (
	"context"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// TestProducerAtTheServiceRates produces 10 s of 64 KiB frames at 30 fps (about 20 MB) as fast
// as WriteFrame takes them into an emulator that reads PutMedia at the
// service's 12.5 MB/s, takes 5 fragments per second and sends GetMedia at 25 MB/s. The producer
// must wait for the service without mistaking the slow reading for a dead connection: no
// reconnect, no fragment sent twice, every frame read back.
func TestProducerAtTheServiceRates(t *testing.T) {
	const size, frames = 64 << 10, 300
	cp, frame := syntheticVideo(t, size)
	limits := kvstest.MediaLimits{GetMediaIdle: 300 * time.Millisecond}.ServiceMediaRates()
	_, client, name := emulator(t, 24, kvstest.WithMediaLimits(limits))
	ctx := context.Background()
	p, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: name,
		Tracks: []media.TrackConfig{{Codec: media.CodecH264, Format: media.FormatLengthPrefixed, CodecPrivate: cp}},
		Buffer: media.BufferConfig{Policy: media.Block, MaxBytes: 64 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	for i := range frames {
		if err := p.WriteFrame(ctx, media.Frame{Track: 1, Timestamp: time.Duration(i) * time.Second / 30, Keyframe: i%60 == 0, Data: frame}); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	took := time.Since(began)
	st := p.Stats()
	t.Logf("%d bytes in %v (%.1f MB/s): %+v", st.BytesWritten, took, float64(st.BytesWritten)/took.Seconds()/1e6, st)
	if min := time.Duration(float64(st.BytesWritten) / kvstest.ServiceIngestRate * float64(time.Second)); took < min*9/10 {
		t.Errorf("the upload took %v, less than %v at the service's ingest rate: not paced", took, min)
	}
	if st.Reconnects != 0 || st.FragmentsResent != 0 || st.FragmentsPersisted != 5 {
		t.Errorf("reconnects %d, resent %d, persisted %d; want 0, 0, 5", st.Reconnects, st.FragmentsResent, st.FragmentsPersisted)
	}
	var got int
	for _, f := range consumeAll(t, client, name) {
		got += len(f.Frames)
	}
	if got != frames {
		t.Errorf("%d frames read back, want %d", got, frames)
	}
}
