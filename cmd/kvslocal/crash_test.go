package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os/exec"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// crashChild is a kvslocal process on a data directory.
type crashChild struct {
	cmd     *exec.Cmd
	control *kvs.Client
	media   *media.Client
	archive *archived.Client
}

func startChild(t *testing.T, bin, dir string) *crashChild {
	t.Helper()
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-data", dir, "-quiet", "-console=false")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	f := banner(t, stdout)
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	if f["endpoint"] == "" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("kvslocal did not start: %s", stderr.String())
	}
	cfg := aws.Config{Region: kvstest.DefaultRegion, BaseEndpoint: aws.String(f["endpoint"]),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: kvstest.DefaultAccessKey, SecretAccessKey: kvstest.DefaultSecretKey}, nil
		})}
	control := kvs.NewFromConfig(cfg)
	return &crashChild{cmd: cmd, control: control,
		media:   media.New(media.Options{Options: control.Options(), Control: control}),
		archive: archived.New(archived.Options{Options: control.Options(), Control: control})}
}

func (c *crashChild) kill(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = c.cmd.Wait()
}

// crashFrames are the frames of the fragment at timecode tc: a key frame and a few more, of
// sizes drawn from rng, with bytes that tell the fragment and the frame apart.
func crashFrames(rng *rand.Rand, tc int64) [][]byte {
	frames := make([][]byte, 2+rng.IntN(4))
	for i := range frames {
		b := make([]byte, 200+rng.IntN(30000))
		for j := range b {
			b[j] = byte(tc>>uint(j%7*8)) ^ byte(i*31+j)
		}
		frames[i] = b
	}
	return frames
}

// TestCrashKeepsPersisted kills kvslocal with SIGKILL at random moments while a producer streams
// short fragments into it, restarts it on the same data directory each time, and checks that
// every fragment acknowledged PERSISTED before a kill is listed and served byte for byte, and
// that every fragment served is whole.
func TestCrashKeepsPersisted(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and kills it repeatedly")
	}
	const kills = 24
	bin := buildKvslocal(t)
	dir := t.TempDir()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))      // the kill moments (this goroutine)
	frameRng := rand.New(rand.NewPCG(seed, 2)) // the frames (one writer goroutine at a time)
	ctx := context.Background()

	sent := map[int64][][]byte{}      // frames by fragment timecode
	persistedAt := map[string]int64{} // PERSISTED fragment numbers and their timecodes
	tc := int64(1_700_000_000_000)
	child := startChild(t, bin, dir)
	if _, err := child.control.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "crash", DataRetentionInHours: 24}); err != nil {
		t.Fatal(err)
	}
	for kill := range kills {
		pr, pw := io.Pipe()
		out, err := child.media.PutMedia(ctx, &media.PutMediaInput{StreamName: "crash", Body: pr})
		if err != nil {
			t.Fatalf("kill %d: PutMedia: %v", kill, err)
		}
		var mu sync.Mutex
		acked := map[string]int64{}
		acksDone := make(chan struct{})
		go func() {
			defer close(acksDone)
			for {
				a, err := out.Acks.Next()
				if err != nil {
					return
				}
				if a.EventType == media.AckEventPersisted {
					mu.Lock()
					acked[a.FragmentNumber] = a.FragmentTimecode
					mu.Unlock()
				}
			}
		}()
		writeDone := make(chan struct{})
		go func() {
			defer close(writeDone)
			header, _ := mkv.AppendHeader(nil, mkv.Info{}, []mkv.TrackEntry{{Number: 1, UID: 1, Type: mkv.TrackVideo,
				CodecID: mkv.CodecIDH264, CodecPrivate: []byte{1, 0x64, 0, 0x1f, 0xff, 0xe0, 0}}})
			if _, err := pw.Write(header); err != nil {
				return
			}
			for {
				mu.Lock()
				tc += 100
				frames := crashFrames(frameRng, tc)
				sent[tc] = frames
				cur := tc
				mu.Unlock()
				b, _ := mkv.AppendClusterStart(nil, cur, mkv.UnknownSize)
				for i, data := range frames {
					b, _ = mkv.AppendSimpleBlock(b, cur, mkv.Frame{Track: 1, Timecode: cur + int64(i), Keyframe: i == 0, Data: data})
				}
				if _, err := pw.Write(b); err != nil {
					return
				}
			}
		}()
		time.Sleep(time.Duration(20+rng.IntN(400)) * time.Millisecond)
		child.kill(t)
		pw.CloseWithError(errors.New("killed"))
		<-writeDone
		<-acksDone
		out.Acks.Close()
		mu.Lock()
		for n, at := range acked {
			persistedAt[n] = at
		}
		mu.Unlock()
		child = startChild(t, bin, dir)
		checkCrashed(t, child, sent, persistedAt)
	}
	defer child.kill(t)
	t.Logf("%d kills, %d fragments acknowledged PERSISTED, all served byte for byte after the restarts", kills, len(persistedAt))
	if len(persistedAt) < kills {
		t.Fatalf("only %d fragments were persisted in %d runs: the test did not exercise the store", len(persistedAt), kills)
	}
}

// checkCrashed checks a restarted child: every persisted fragment is listed, and every listed
// fragment is served whole, with the frames that were sent for its timecode.
func checkCrashed(t *testing.T, c *crashChild, sent map[int64][][]byte, persisted map[string]int64) {
	t.Helper()
	ctx := context.Background()
	frags, err := c.archive.FragmentsInRange(ctx, archived.FragmentRange{StreamName: "crash", Selector: archived.FragmentSelector{
		FragmentSelectorType: archived.FragmentSelectorTypeServerTimestamp,
		TimestampRange:       archived.TimestampRange{StartTimestamp: time.Unix(0, 0), EndTimestamp: time.Now().Add(time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	var numbers []string
	for _, f := range frags {
		listed[f.FragmentNumber] = true
		numbers = append(numbers, f.FragmentNumber)
	}
	var lost []string
	for n := range persisted {
		if !listed[n] {
			lost = append(lost, n)
		}
	}
	if len(lost) > 0 {
		t.Fatalf("%d fragments acknowledged PERSISTED are lost after the restart, e.g. %s", len(lost), lost[0])
	}
	slices.SortFunc(numbers, media.CompareFragmentNumbers)
	for chunk := range slices.Chunk(numbers, 500) {
		out, err := c.archive.GetMediaForFragmentList(ctx, &archived.GetMediaForFragmentListInput{StreamName: "crash", Fragments: chunk})
		if err != nil {
			t.Fatal(err)
		}
		i := 0
		var last int64
		for f, err := range out.Fragments() {
			if err != nil {
				t.Fatalf("fragment %s: %v", chunk[i], err)
			}
			if f.FragmentNumber != chunk[i] {
				t.Fatalf("fragment %d of the list is %s, want %s", i, f.FragmentNumber, chunk[i])
			}
			// Numbers grow with the order fragments were sent in, across restarts.
			if f.Timecode <= last {
				t.Fatalf("fragment %s (timecode %d) numbers above a fragment sent after it (timecode %d)", f.FragmentNumber, f.Timecode, last)
			}
			last = f.Timecode
			want := sent[f.Timecode]
			if at, ok := persisted[f.FragmentNumber]; ok && at != f.Timecode {
				t.Fatalf("fragment %s has timecode %d, it was acknowledged at %d", f.FragmentNumber, f.Timecode, at)
			}
			if len(f.Frames) != len(want) {
				t.Fatalf("fragment %s (timecode %d) is served with %d frames, %d were sent: a torn fragment", f.FragmentNumber, f.Timecode, len(f.Frames), len(want))
			}
			for j, fr := range f.Frames {
				if !bytes.Equal(fr.Data, want[j]) {
					t.Fatalf("frame %d of fragment %s differs from what was sent", j, f.FragmentNumber)
				}
			}
			i++
		}
		out.Payload.Close()
		if i != len(chunk) {
			t.Fatalf("GetMediaForFragmentList served %d of %d fragments", i, len(chunk))
		}
	}
}
