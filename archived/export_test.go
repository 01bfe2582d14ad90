package archived_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/internal/testclip"
	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// longStream stores d of H.264 video (the 4-second test clip looped, 10 fps, 2-second
// fragments) in a new stream "camera" from exampleStart, faster than real time, and returns
// the server, a client and the number of frames stored.
func longStream(t testing.TB, d time.Duration) (*kvstest.Server, *archived.Client, int) {
	t.Helper()
	srv, control, mc := testclip.Emulator(t, "camera")
	ctx := context.Background()
	frames, err := testclip.Store(ctx, mc, "camera", exampleStart, d)
	if err != nil {
		t.Fatal(err)
	}
	return srv, archived.New(archived.Options{Options: control.Options(), Control: control}), frames
}

func wholeRange() archived.FragmentSelector {
	return archived.FragmentSelector{FragmentSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
		TimestampRange: archived.TimestampRange{StartTimestamp: exampleStart, EndTimestamp: exampleStart.Add(24 * time.Hour)}}
}

// TestExportThirtyMinutes exports 30 minutes (900 fragments, 4.5 times GetClip's limit) and
// checks with ffprobe that the file is one Matroska document holding every frame, with the
// range's duration.
func TestExportThirtyMinutes(t *testing.T) {
	ffprobe, err := exec.LookPath("ffprobe")
	if err != nil {
		wiretest.Skip(t, "ffprobe is not installed (apt-get install ffmpeg)")
	}
	srv, client, frames := longStream(t, 30*time.Minute)
	path := filepath.Join(t.TempDir(), "export.mkv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	var progress []archived.ExportProgress
	out, err := client.Export(context.Background(), &archived.ExportInput{StreamName: "camera", Selector: wholeRange(), BatchBytes: 1 << 20,
		Progress: func(p archived.ExportProgress) { progress = append(progress, p) }}, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	if out.Fragments != 900 || out.TotalFragments != 900 || out.Frames != frames || len(progress) != 900 || progress[899].Fragments != 900 {
		t.Fatalf("exported %+v with %d progress reports; want 900 fragments, %d frames", out, len(progress), frames)
	}
	if got := srv.Calls("GetMediaForFragmentList"); got != out.Calls || got < 2 {
		t.Errorf("the server saw %d GetMediaForFragmentList calls, the export counted %d", got, out.Calls)
	}
	if !out.Start.Equal(exampleStart) || out.End.Sub(out.Start) != 30*time.Minute-100*time.Millisecond {
		t.Errorf("export spans %s to %s", out.Start, out.End)
	}
	cmd := exec.Command(ffprobe, "-v", "error", "-count_packets", "-show_entries", "stream=codec_name,nb_read_packets:format=duration",
		"-of", "json", path)
	raw, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v\n%s", err, raw)
	}
	var probe struct {
		Streams []struct {
			CodecName     string `json:"codec_name"`
			NbReadPackets string `json:"nb_read_packets"`
		}
		Format struct{ Duration string }
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	if len(probe.Streams) != 1 || probe.Streams[0].CodecName != "h264" || probe.Streams[0].NbReadPackets != strconv.Itoa(frames) {
		t.Fatalf("ffprobe reads %s; want one h264 stream of %d packets", raw, frames)
	}
	if d, _ := strconv.ParseFloat(probe.Format.Duration, 64); d < 1799 || d > 1801 {
		t.Errorf("ffprobe reads a duration of %s s, want 1800", probe.Format.Duration)
	}
}

// TestExportRetries makes calls fail and be throttled: the export retries them and still
// writes every fragment once, in order.
func TestExportRetries(t *testing.T) {
	srv, client, frames := longStream(t, time.Minute)
	srv.FailNext("GetMediaForFragmentList", 2, kvstest.Error{Status: 500, Code: "InternalFailure", Message: "injected"})
	srv.Throttle("GetMediaForFragmentList", 2)
	var buf bytes.Buffer
	out, err := client.Export(context.Background(), &archived.ExportInput{StreamName: "camera", Selector: wholeRange(),
		BatchBytes: 30 << 10, Concurrency: 3, MaxAttempts: 8}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if out.Fragments != 30 || out.Frames != frames {
		t.Fatalf("exported %+v, want 30 fragments and %d frames", out, frames)
	}
	// Read the document back: one header, thirty clusters whose timecodes grow.
	r := media.NewFragmentReader(&buf)
	f, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Frames) != frames {
		t.Fatalf("the export reads as a document of %d frames, want %d", len(f.Frames), frames)
	}
	for i := 1; i < len(f.Frames); i++ {
		if f.Frames[i].Timestamp <= f.Frames[i-1].Timestamp {
			t.Fatalf("frame %d at %s after %s: out of order", i, f.Frames[i].Timestamp, f.Frames[i-1].Timestamp)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("after the document: %v, want io.EOF", err)
	}
}

// TestExportEmptyRange reports a range without fragments.
func TestExportEmptyRange(t *testing.T) {
	_, client, _ := longStream(t, 4*time.Second)
	sel := archived.FragmentSelector{FragmentSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
		TimestampRange: archived.TimestampRange{StartTimestamp: exampleStart.Add(-time.Hour), EndTimestamp: exampleStart.Add(-time.Minute)}}
	var buf bytes.Buffer
	if _, err := client.Export(context.Background(), &archived.ExportInput{StreamName: "camera", Selector: sel}, &buf); err == nil || buf.Len() != 0 {
		t.Fatalf("export of an empty range: %v, %d bytes", err, buf.Len())
	}
}

// TestExportMP4 exports 30 minutes as fragmented MP4: ffprobe reads every frame and the whole
// duration.
func TestExportMP4(t *testing.T) {
	ffprobe, err := exec.LookPath("ffprobe")
	if err != nil {
		wiretest.Skip(t, "ffprobe is not installed (apt-get install ffmpeg)")
	}
	_, client, frames := longStream(t, 30*time.Minute)
	path := filepath.Join(t.TempDir(), "export.mp4")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Export(context.Background(), &archived.ExportInput{StreamName: "camera", Selector: wholeRange(), Format: archived.ExportFormatMP4}, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	raw, err := exec.Command(ffprobe, "-v", "error", "-count_packets", "-show_entries", "stream=codec_name,nb_read_packets:format=duration",
		"-of", "csv=p=0", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v\n%s", err, raw)
	}
	if got, want := string(raw), fmt.Sprintf("h264,%d\n1800.000000\n", frames); got != want {
		t.Fatalf("ffprobe reads %q, want %q", got, want)
	}
	var buf bytes.Buffer
	if _, err := client.Export(context.Background(), &archived.ExportInput{StreamName: "camera", Selector: wholeRange(), Format: "avi"}, &buf); err == nil {
		t.Fatal("an unknown format is accepted")
	}
}
