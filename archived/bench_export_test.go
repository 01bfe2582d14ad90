package archived_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/kvsgo/sdk/archived"
)

// BenchmarkExport exports 30 minutes of video (900 fragments) from the emulator and compares it
// with the baseline of one GetMediaForFragmentList call for all the fragments, its payload read
// and discarded (no parsing, no remuxing). The throughput is in media seconds exported per
// second (media-s/s) and frame bytes per second.
//
//	go test ./archived -run '^$' -bench Export -benchtime 5x -count 3
func BenchmarkExport(b *testing.B) {
	_, client, _ := longStream(b, 30*time.Minute)
	ctx := context.Background()
	frags, err := client.FragmentsInRange(ctx, archived.FragmentRange{StreamName: "camera", Selector: wholeRange()})
	if err != nil {
		b.Fatal(err)
	}
	numbers := make([]string, len(frags))
	var size int64
	for i, f := range frags {
		numbers[i] = f.FragmentNumber
		size += f.FragmentSizeInBytes
	}
	const media = 30 * 60 // seconds
	report := func(b *testing.B) {
		b.ReportMetric(float64(media*b.N)/b.Elapsed().Seconds(), "media-s/s")
	}
	b.Run("impl=single-call", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			out, err := client.GetMediaForFragmentList(ctx, &archived.GetMediaForFragmentListInput{StreamName: "camera", Fragments: numbers})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, out.Payload); err != nil {
				b.Fatal(err)
			}
			out.Payload.Close()
		}
		report(b)
	})
	for _, tc := range []struct {
		name string
		in   archived.ExportInput
	}{
		{"impl=export", archived.ExportInput{}},
		{"impl=export-mp4", archived.ExportInput{Format: archived.ExportFormatMP4}},
		{"impl=export-1MB-batches", archived.ExportInput{BatchBytes: 1 << 20}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(size)
			in := tc.in
			in.StreamName, in.Selector = "camera", wholeRange()
			for b.Loop() {
				if _, err := client.Export(ctx, &in, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			report(b)
		})
	}
}
