package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/examples/internal/env"
	"github.com/kvsgo/sdk/group"
	"github.com/kvsgo/sdk/internal/motoserver"
	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
)

// workerArgsEnv makes the test binary run the example's worker with these arguments (one per
// line) instead of the tests, so that the tests start real worker processes without a build.
const workerArgsEnv = "KVSGO_CONSUMER_GROUP_WORKER_ARGS"

func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(workerArgsEnv); ok {
		env.Main("consumer-group", func(ctx context.Context, out io.Writer) error {
			o, err := parseFlags(strings.Split(args, "\n"), os.Stderr)
			if err != nil {
				return err
			}
			return run(ctx, out, o)
		})
		os.Exit(0)
	}
	wiretest.VerifyNoLeaks(m)
}

// line is one line a worker printed, with when the test read it.
type line struct {
	worker string
	fields map[string]string
	kind   string // "processed", or the event kind
	at     time.Time
}

func parseLine(worker, s string, at time.Time) line {
	l := line{worker: worker, fields: map[string]string{}, at: at}
	for i, f := range strings.Fields(s) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			if i == 0 {
				l.kind = f
			}
			continue
		}
		l.fields[k] = v
		if k == "event" {
			l.kind = v
		}
	}
	return l
}

// process is a worker process.
type process struct {
	name string
	cmd  *exec.Cmd
	done chan error
}

// groupRun is one run of the kill test: what every worker printed, in the order read.
type groupRun struct {
	mu    sync.Mutex
	lines []line
	poke  chan struct{}
}

func (g *groupRun) add(l line) {
	g.mu.Lock()
	g.lines = append(g.lines, l)
	g.mu.Unlock()
	select {
	case g.poke <- struct{}{}:
	default:
	}
}

// waitFor waits until cond holds on the lines read so far, or fails the test after timeout.
func (g *groupRun) waitFor(t *testing.T, what string, timeout time.Duration, cond func([]line) bool) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		g.mu.Lock()
		ok := cond(g.lines)
		g.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-g.poke:
		case <-deadline.C:
			g.mu.Lock()
			defer g.mu.Unlock()
			var tail []string
			for _, l := range g.lines[max(0, len(g.lines)-40):] {
				tail = append(tail, fmt.Sprintf("%s %s %v", l.worker, l.kind, l.fields))
			}
			t.Fatalf("timed out after %s waiting for %s; last lines:\n%s", timeout, what, strings.Join(tail, "\n"))
		}
	}
}

func (g *groupRun) start(t *testing.T, name string, args []string) *process {
	args = append(args, "-id", name)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), workerArgsEnv+"="+strings.Join(args, "\n"),
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{name: name, cmd: cmd, done: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			g.add(parseLine(name, sc.Text(), time.Now()))
		}
		err := cmd.Wait()
		if err != nil && stderr.Len() > 0 {
			err = fmt.Errorf("%w: %s", err, stderr.String())
		}
		p.done <- err
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
	})
	return p
}

const (
	streams   = 12
	workers   = 3
	fragments = 24 // per stream
	lease     = 2 * time.Second
)

// TestKillWorker runs three worker processes over twelve live streams, kills one with SIGKILL
// while the streams are being written, and checks the group's promises: its streams move to
// the others within the lease timeout (plus up to two lease-loop periods to notice), every fragment
// is processed, and the only duplicates are the fragments the dead worker processed after its
// last checkpoint.
func TestKillWorker(t *testing.T) {
	t.Run("file", func(t *testing.T) {
		killTest(t, "file:"+filepath.Join(t.TempDir(), "leases.db"), []string{"-checkpoint-every", "1"})
	})
	t.Run("dynamodb", func(t *testing.T) {
		url := motoserver.Start(t)
		s, err := group.NewDynamoDBStore(motoserver.DynamoDB(url), "kvs-leases")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CreateTable(motoserver.Context(t)); err != nil {
			t.Fatal(err)
		}
		// Checkpoints every 4 fragments: the dead worker leaves up to 3 per stream to do again.
		killTest(t, "dynamodb:kvs-leases", []string{"-dynamodb-endpoint-url", url, "-checkpoint-every", "4"})
	})
}

func killTest(t *testing.T, store string, extra []string) {
	srv, err := kvstest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 80*time.Second)
	defer cancel()
	control := kvs.NewFromConfig(srv.Config())
	prefix := "cam-"
	produced := make(chan error, 1)
	po := options{prefix: prefix, produce: streams, produceFragments: fragments, fragmentEvery: 300 * time.Millisecond}
	// Create the streams first, so that every worker lists all of them.
	for i := range streams {
		if _, err := env.EnsureStream(ctx, control, fmt.Sprintf("%s%d", prefix, i+1), 24); err != nil {
			t.Fatal(err)
		}
	}
	g := &groupRun{poke: make(chan struct{}, 1)}
	args := append([]string{"-endpoint-url", srv.URL, "-group", "g", "-prefix", prefix, "-store", store,
		"-lease", lease.String(), "-start", "earliest"}, extra...)
	procs := map[string]*process{}
	for i := range workers {
		name := fmt.Sprintf("w%d", i+1)
		procs[name] = g.start(t, name, args)
	}
	go func() { produced <- produce(ctx, io.Discard, control, po) }()

	// Kill, mid-stream, a worker that holds streams and processed fragments of them once the
	// group has balanced (every worker holds its share).
	var victim string
	held := func(lines []line) map[string]map[string]bool {
		h := map[string]map[string]bool{}
		for _, l := range lines {
			s := l.fields["stream"]
			switch l.kind {
			case "acquired":
				for _, m := range h {
					delete(m, s)
				}
				if h[l.worker] == nil {
					h[l.worker] = map[string]bool{}
				}
				h[l.worker][s] = true
			case "released", "lost":
				delete(h[l.worker], s)
			}
		}
		return h
	}
	g.waitFor(t, "a balanced group processing fragments", 40*time.Second, func(lines []line) bool {
		h := held(lines)
		processed := map[string]int{}
		for _, l := range lines {
			if l.kind == "processed" {
				processed[l.worker]++
			}
		}
		for i := range workers {
			w := fmt.Sprintf("w%d", i+1)
			if len(h[w]) != streams/workers || processed[w] < 8 {
				return false
			}
		}
		victim = "w2"
		return true
	})
	g.mu.Lock()
	victimStreams := held(g.lines)[victim]
	g.mu.Unlock()
	if err := procs[victim].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-procs[victim].done
	killed := time.Now()
	select {
	case err := <-produced:
		if err == nil {
			t.Fatal("the producers finished before the kill: the test did not kill a worker mid-stream")
		}
		t.Fatal(err)
	default:
	}

	// Its streams move to the others.
	takenAt := map[string]time.Time{}
	g.waitFor(t, "the dead worker's streams taken over", 4*lease, func(lines []line) bool {
		for _, l := range lines {
			if l.kind == "acquired" && l.worker != victim && victimStreams[l.fields["stream"]] && l.at.After(killed) {
				if _, ok := takenAt[l.fields["stream"]]; !ok {
					takenAt[l.fields["stream"]] = l.at
				}
			}
		}
		return len(takenAt) == len(victimStreams)
	})
	var reassign time.Duration
	for _, at := range takenAt {
		reassign = max(reassign, at.Sub(killed))
	}
	if err := <-produced; err != nil {
		t.Fatal(err)
	}

	// Every fragment of every stream is processed.
	client := archived.New(archived.Options{Options: control.Options(), Control: control})
	want := map[string][]string{}
	total := 0
	for i := range streams {
		name := fmt.Sprintf("%s%d", prefix, i+1)
		frags, err := client.FragmentsInRange(ctx, archived.FragmentRange{StreamName: name, Selector: archived.FragmentSelector{
			FragmentSelectorType: archived.FragmentSelectorTypeServerTimestamp,
			TimestampRange:       archived.TimestampRange{StartTimestamp: time.Now().Add(-time.Hour), EndTimestamp: time.Now().Add(time.Hour)}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range frags {
			want[name] = append(want[name], f.FragmentNumber)
		}
		total += len(frags)
		if len(frags) != fragments {
			t.Errorf("stream %s has %d fragments, want %d", name, len(frags), fragments)
		}
	}
	g.waitFor(t, "every fragment processed", 30*time.Second, func(lines []line) bool {
		seen := map[string]bool{}
		for _, l := range lines {
			if l.kind == "processed" {
				seen[l.fields["stream"]+"/"+l.fields["fragment"]] = true
			}
		}
		for s, nums := range want {
			for _, n := range nums {
				if !seen[s+"/"+n] {
					return false
				}
			}
		}
		return true
	})

	// Every stream has exactly one owner, alive, and the survivors share them evenly.
	var leases []group.Lease
	if strings.HasPrefix(store, "file:") {
		fs, err := group.OpenFileStore(strings.TrimPrefix(store, "file:"))
		if err != nil {
			t.Fatal(err)
		}
		leases, err = fs.ListLeases(ctx, "g")
		if err != nil {
			t.Fatal(err)
		}
	} else {
		ds, _ := group.NewDynamoDBStore(motoserver.DynamoDB(extra[1]), "kvs-leases")
		if leases, err = ds.ListLeases(ctx, "g"); err != nil {
			t.Fatal(err)
		}
	}
	owners := map[string]int{}
	for _, l := range leases {
		if l.Owner == "" || l.Owner == victim {
			t.Errorf("stream %s is owned by %q after the reassignment", l.Stream, l.Owner)
		}
		owners[l.Owner]++
	}
	if len(leases) != streams || len(owners) != workers-1 {
		t.Errorf("%d leases owned by %v, want %d over %d workers", len(leases), owners, streams, workers-1)
	}
	for w, n := range owners {
		if n != streams/(workers-1) {
			t.Errorf("worker %s holds %d streams, want %d", w, n, streams/(workers-1))
		}
	}

	// Stop the survivors gracefully: they hand their streams off.
	for name, p := range procs {
		if name != victim {
			_ = p.cmd.Process.Signal(os.Interrupt)
		}
	}
	for name, p := range procs {
		if name != victim {
			if err := <-p.done; err != nil {
				t.Errorf("worker %s: %v", name, err)
			}
			p.done <- nil // for the cleanup
		}
	}
	procs[victim].done <- nil

	g.mu.Lock()
	lines := g.lines
	g.mu.Unlock()
	checkOwnership(t, lines, victim, killed)
	dups, allowed := countDuplicates(t, lines, victim, victimStreams)
	t.Logf("figures: streams=%d workers=%d fragments=%d killed=%s (held %d streams) reassignment=%s (lease %s) gaps=0 duplicates=%d (allowed: %d processed after the dead worker's last checkpoints, %.1f per reassigned stream)",
		streams, workers, total, victim, len(victimStreams), reassign.Round(time.Millisecond), lease, dups, allowed, float64(dups)/float64(len(victimStreams)))
	// The dead worker renewed at most one lease-loop period (lease/3) before it died; the
	// others saw that renewal within a period, and take the lease in the first round a lease
	// duration after: reassignment is at most the lease duration plus two periods, and the
	// time to start reading and report it, which a loaded machine stretches (up to 1.3 s seen
	// at a load average of 15; a lease duration allowed for it).
	if period := lease / 3; reassign > lease+2*period+lease {
		t.Errorf("reassignment took %s, want within the lease duration %s plus two lease-loop periods", reassign, lease)
	}
}

// checkOwnership checks that no two live workers held a stream at once: ordered by lease
// counter, each acquisition follows the previous owner's release or loss, or its death.
func checkOwnership(t *testing.T, lines []line, victim string, killed time.Time) {
	type ev struct {
		kind, worker string
		counter      int64
		at           time.Time
	}
	per := map[string][]ev{}
	for _, l := range lines {
		switch l.kind {
		case "acquired", "released", "lost":
			c, _ := strconv.ParseInt(l.fields["counter"], 10, 64)
			per[l.fields["stream"]] = append(per[l.fields["stream"]], ev{l.kind, l.worker, c, l.at})
		}
	}
	for s, evs := range per {
		// Sort by counter: the store orders every change of a lease.
		for i := 1; i < len(evs); i++ {
			for j := i; j > 0 && evs[j].counter < evs[j-1].counter; j-- {
				evs[j], evs[j-1] = evs[j-1], evs[j]
			}
		}
		owner := ""
		for _, e := range evs {
			switch e.kind {
			case "acquired":
				if owner != "" && !(owner == victim && e.at.After(killed)) {
					t.Errorf("stream %s: %s acquired it (counter %d) while %s held it; the stream's lines:\n%s", s, e.worker, e.counter, owner,
						streamLines(lines, s))
				}
				owner = e.worker
			case "released", "lost":
				if e.kind == "released" && owner != e.worker {
					t.Errorf("stream %s: %s released it (counter %d) but %q held it", s, e.worker, e.counter, owner)
				}
				if owner == e.worker {
					owner = ""
				}
			}
		}
	}
}

// streamLines lists what the workers said about a stream, and their errors, in the order read.
func streamLines(lines []line, stream string) string {
	var b strings.Builder
	for _, l := range lines {
		if l.fields["stream"] == stream || l.kind == "error" {
			fmt.Fprintf(&b, "%s %s %s %v\n", l.at.Format("15:04:05.000"), l.worker, l.kind, l.fields)
		}
	}
	return b.String()
}

// countDuplicates counts the fragments processed more than once, and how many duplicates the
// at-least-once promise allows: the fragments the dead worker processed after the last
// checkpoint it saved in each of its streams. A stream that was only handed off gracefully may
// have none.
func countDuplicates(t *testing.T, lines []line, victim string, victimStreams map[string]bool) (dups, allowed int) {
	count := map[string]int{}
	afterCheckpoint := map[string]int{}
	for _, l := range lines {
		s := l.fields["stream"]
		switch {
		case l.kind == "processed":
			count[s+"/"+l.fields["fragment"]]++
			if l.worker == victim {
				afterCheckpoint[s]++
			}
		case l.kind == "checkpointed" && l.worker == victim:
			afterCheckpoint[s] = 0
		case (l.kind == "released" || l.kind == "acquired") && l.worker == victim:
			afterCheckpoint[s] = 0
		}
	}
	perStream := map[string]int{}
	for k, n := range count {
		if n > 1 {
			s, _, _ := strings.Cut(k, "/")
			perStream[s] += n - 1
			dups += n - 1
		}
	}
	for s, n := range perStream {
		limit := 0
		if victimStreams[s] {
			limit = afterCheckpoint[s]
		}
		if n > limit {
			t.Errorf("stream %s: %d fragments processed twice, want at most %d", s, n, limit)
		}
	}
	for s := range victimStreams {
		allowed += afterCheckpoint[s]
	}
	return dups, allowed
}
