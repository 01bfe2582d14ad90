package hostile_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/internal/hostile"
	"github.com/kvsgo/sdk/internal/jsonwire"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
	"github.com/kvsgo/sdk/signaling"
)

const (
	// caseEnv names the case a child process runs.
	caseEnv = "KVSGO_HOSTILE_CASE"
	mib     = 1 << 20
	// caseTimeout bounds each case; the suite's cases together take seconds.
	caseTimeout = 30 * time.Second
)

// hostileCase is one hostile input and what its parser must do with it.
type hostileCase struct {
	name string
	// maxRSS bounds the child's peak resident memory, including the input itself and the
	// test binary (about 15 MiB).
	maxRSS int64
	// run parses the input; it returns nil when the parser answered as it must (usually
	// with an error), and an error describing what went wrong otherwise.
	run func() error
}

// wantError is what most cases check: the parser fails, cleanly.
func wantError(what string, err error) error {
	if err == nil {
		return fmt.Errorf("%s accepted the input", what)
	}
	return nil
}

func cases() []hostileCase {
	parseClip := func(in []byte) error {
		_, err := archived.ParseClip(bytes.NewReader(in))
		return wantError("ParseClip", err)
	}
	// Next holds a whole fragment: one of millions of frames is refused (MaxFragmentFrames),
	// with memory bounded until then.
	nextFragments := func(in []byte) error {
		fr := media.NewFragmentReader(bytes.NewReader(in))
		for {
			_, err := fr.Next()
			if err == io.EOF {
				return errors.New("FragmentReader.Next accepted the fragment")
			}
			if err != nil {
				return nil
			}
		}
	}
	// ReadChunk streams frames: every one of them is read, in constant memory.
	chunkFrames := func(in []byte) (frames int, err error) {
		fr := media.NewFragmentReader(bytes.NewReader(in))
		for {
			c, err := fr.ReadChunk()
			if err == io.EOF {
				return frames, nil
			}
			if err != nil {
				return frames, err
			}
			if c.Kind == media.ChunkFrame {
				frames++
			}
		}
	}
	readMKV := func(in []byte) (frames int, err error) {
		r := mkv.NewReader(bytes.NewReader(in))
		for {
			ev, err := r.Next()
			if err == io.EOF {
				return frames, nil
			}
			if err != nil {
				return frames, err
			}
			if ev.Kind == mkv.KindFrame {
				frames++
			}
		}
	}
	hugeMKV := func(id uint32, size uint64) func() error {
		return func() error {
			_, err := readMKV(hostile.HugeElement(id, size))
			return wantError("mkv.Reader", err)
		}
	}
	readAcks := func(in []byte) (n int, err error) {
		r := media.NewAckReader(io.NopCloser(bytes.NewReader(in)))
		for {
			if _, err := r.Next(); err != nil {
				return n, err
			}
			n++
		}
	}
	unmarshal := func(in []byte) error {
		var out kvs.ListStreamsOutput
		return wantError("jsonwire.Unmarshal", jsonwire.Unmarshal(in, &out))
	}
	const oneByteFrames = 9_500_000 // 66.5 MB
	return []hostileCase{
		{"clip/nested-trak-1e6", 96 * mib, func() error { return parseClip(hostile.NestedBoxes(1_000_000, "trak")) }},
		{"clip/nested-trak-1e5", 64 * mib, func() error { return parseClip(hostile.NestedBoxes(100_000, "trak")) }},
		{"clip/nested-trak-4e4", 64 * mib, func() error { return parseClip(hostile.NestedBoxes(40_000, "trak")) }},
		{"clip/nested-udta-1e6", 96 * mib, func() error { return parseClip(hostile.NestedBoxes(1_000_000, "udta")) }},
		{"clip/many-boxes-1e6", 96 * mib, func() error { return parseClip(hostile.ManyBoxes(1_000_000, "trak")) }},
		{"fragments/next-one-byte-frames-9.5e6", 256 * mib, func() error { return nextFragments(hostile.OneByteFrames(oneByteFrames)) }},
		{"fragments/chunks-one-byte-frames-9.5e6", 160 * mib, func() error {
			n, err := chunkFrames(hostile.OneByteFrames(oneByteFrames))
			if err != nil || n != oneByteFrames {
				return fmt.Errorf("FragmentReader.ReadChunk read %d frames (%v), want %d", n, err, oneByteFrames)
			}
			return nil
		}},
		{"mkv/one-byte-frames-9.5e6", 160 * mib, func() error {
			n, err := readMKV(hostile.OneByteFrames(oneByteFrames))
			if err != nil || n != oneByteFrames {
				return fmt.Errorf("mkv.Reader read %d frames (%v), want %d", n, err, oneByteFrames)
			}
			return nil
		}},
		{"mkv/simpleblock-2^50", 64 * mib, hugeMKV(0xA3, 1<<50)},
		{"mkv/cluster-block-1GB", 64 * mib, func() error {
			in := append(hostile.OneByteFrames(1), 0xA3, 0x08, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00)
			_, err := readMKV(in)
			return wantError("mkv.Reader", err)
		}},
		{"mkv/tags-2^40", 64 * mib, hugeMKV(0x1254C367, 1<<40)},
		{"mkv/tracks-2^56-2", 64 * mib, hugeMKV(0x1654AE6B, 1<<56-2)},
		{"ack/unended-32MB", 64 * mib, func() error {
			_, err := readAcks(hostile.UnendedAck(32 * mib))
			return wantError("AckReader", err)
		}},
		{"ack/nested-16KB", 64 * mib, func() error {
			_, err := readAcks(hostile.NestedJSONObject(16<<10/6, "a"))
			if err != io.EOF {
				return fmt.Errorf("AckReader: %v, want io.EOF after skipping the object", err)
			}
			return nil
		}},
		{"ack/empty-objects-1e6", 64 * mib, func() error {
			n, err := readAcks(hostile.ManyAcks(1_000_000))
			if n != 1 || err != io.EOF {
				return fmt.Errorf("AckReader read %d acknowledgements (%v), want 1", n, err)
			}
			return nil
		}},
		{"json/nested-arrays-1e6", 64 * mib, func() error { return unmarshal(hostile.NestedJSON(1_000_000, false)) }},
		{"json/unclosed-arrays-1e7", 96 * mib, func() error { return unmarshal(hostile.NestedJSON(10_000_000, true)) }},
		{"json/nested-objects-1e5", 64 * mib, func() error { return unmarshal(hostile.NestedJSONObject(100_000, "StreamInfoList")) }},
		{"signaling/nested-objects-64KB", 64 * mib, func() error {
			_, err := signaling.DecodeMessage(hostile.NestedJSONObject(signaling.MaxFrameSize/6, "messagePayload"))
			return wantError("DecodeMessage", err)
		}},
		{"signaling/nested-arrays-1e6", 64 * mib, func() error {
			_, err := signaling.DecodeMessage(hostile.NestedJSON(1_000_000, false))
			return wantError("DecodeMessage", err)
		}},
		{"signaling/payload-64KB", 64 * mib, func() error {
			frame := []byte(`{"messageType":"SDP_OFFER","messagePayload":"` + strings.Repeat("A", signaling.MaxFrameSize-60) + `"}`)
			_, err := signaling.DecodeMessage(frame)
			return wantError("DecodeMessage", err)
		}},
	}
}

func TestMain(m *testing.M) {
	if name := os.Getenv(caseEnv); name != "" {
		os.Exit(runChild(name))
	}
	os.Exit(m.Run())
}

// runChild runs one case in this (child) process.
func runChild(name string) int {
	for _, c := range cases() {
		if c.name == name {
			if err := c.run(); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(os.Stderr, "no hostile case %q\n", name)
	return 2
}

// TestHostileInputs runs every case in a child process limited to its memory bound: GOMEMLIMIT
// makes the garbage collector keep to it, and a watchdog kills the child at twice the bound so a
// runaway parser cannot take the machine. The child must exit cleanly (no panic, no fatal error
// such as a stack overflow) with its peak RSS (getrusage of the child) under the bound.
func TestHostileInputs(t *testing.T) {
	if raceEnabled {
		t.Skip("memory bounds do not hold under the race detector; .ci/run runs this suite without it")
	}
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			res := runCase(t, c)
			t.Logf("peak RSS %.1f MiB (bound %d MiB), %v", float64(res.rss)/mib, c.maxRSS/mib, res.elapsed.Round(time.Millisecond))
			switch {
			case res.killed:
				t.Fatalf("killed: RSS above %d MiB", 2*c.maxRSS/mib)
			case res.err != nil:
				t.Fatalf("child failed: %v\n%s", res.err, res.stderr)
			case res.rss > c.maxRSS:
				t.Fatalf("peak RSS %d MiB, bound %d MiB", res.rss/mib, c.maxRSS/mib)
			}
		})
	}
}

type caseResult struct {
	rss     int64
	elapsed time.Duration
	killed  bool
	err     error
	stderr  string
}

func runCase(t *testing.T, c hostileCase) caseResult {
	ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), caseEnv+"="+c.name, "GOMEMLIMIT="+strconv.FormatInt(c.maxRSS*3/4, 10), "GOGC=100")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := make(chan bool, 1)
	done := make(chan struct{})
	go func() { killed <- watchRSS(cmd.Process.Pid, 2*c.maxRSS, done, cmd.Process) }()
	err := cmd.Wait()
	close(done)
	res := caseResult{elapsed: time.Since(start), killed: <-killed, err: err, stderr: stderr.String()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.rss = ru.Maxrss << 10 // kilobytes on Linux
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		res.err = fmt.Errorf("still running after %v", caseTimeout)
	}
	return res
}

// watchRSS polls the child's resident set and kills it above limit; it reports whether it did.
func watchRSS(pid int, limit int64, done <-chan struct{}, p *os.Process) bool {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return false
		case <-tick.C:
			if rss, ok := residentBytes(pid); ok && rss > limit {
				_ = p.Kill()
				return true
			}
		}
	}
}

// residentBytes reads VmRSS from /proc/<pid>/status.
func residentBytes(pid int) (int64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}
