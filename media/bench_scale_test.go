package media_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// BenchmarkConcurrentProducers runs n producers of 30 fps, 4 Mbit/s video (16.7 KB frames) at
// real-time pace against the in-process emulator, b.N seconds of media each, and says honestly
// whether they kept up: on-time-% is the share of frames whose WriteFrame returned within one
// frame interval of the frame's due time (the target is 99.9), media/wall the media time
// written over the wall time it took, for the slowest producer (the target is 0.99), and
// acked-% the share of fragments acknowledged by Close within two seconds of the end. It also
// reports the process CPU per stream (cpu-ms/stream-s, below) and the live heap per stream at
// the end of the stream, before Close, when each producer holds half a fragment, 0.5 MB, as on
// average while streaming (the emulator's, in the same process, included; see
// BenchmarkConcurrentProducersRemote for the producers alone). cpu-ms/stream-s is the process's
// CPU time (user and system) in milliseconds per second of media per stream: what a stream costs,
// whatever else runs on the machine and however far behind the run fell (10 is 1 % of a core). The baseline, clock-on-time-%,
// is the same schedule kept by goroutines that only sleep, in the same run: what the machine's
// scheduler allows whatever the producer does.
//
// steady-on-time-% and steady-clock-on-time-% count only the frames due after the first
// warmUp of media (when b.N is larger than twice that): the processes' memory grows to its
// working set during the first fragments, and on a virtual machine whose first touch of a page is
// expensive that ramp, not the streaming, is what falls behind (faults/stream-s, the minor page
// faults of the process per second of media per stream, shows it).
func BenchmarkConcurrentProducers(b *testing.B) {
	for _, n := range []int{100, 300, 1000} {
		b.Run(fmt.Sprintf("producers=%d", n), func(b *testing.B) {
			_, client, names := benchEmulator(b, 0, kvstest.MediaLimits{}, n)
			concurrentProducers(b, client, names, 0, false)
		})
	}
}

// BenchmarkConcurrentProducersRemote is BenchmarkConcurrentProducers against the emulator in
// a second process (cmd/kvslocal, built into a temporary directory), so that cpu-ms/stream-s and
// heap-KiB/stream are the producer process's alone; emulator-cpu-ms/stream-s is the child's CPU
// per second of media per stream, to show which side a run that falls behind was limited by.
//
// In producers=N every stream's frames are due at the same instants and every stream starts a
// fragment at the same frames: 1000 frames at once every 33 ms, 1000 fragments completed at once
// every 2 s, the worst case. In spread-producers=N, as cameras that were not started together,
// stream i's frames are due i/N of an interval later and its key frames are i mod 60 frames
// later (its first frame is a key frame too); the sleepers are spread the same way.
func BenchmarkConcurrentProducersRemote(b *testing.B) {
	bin := buildKvslocal(b)
	for _, spread := range []bool{false, true} {
		for _, n := range []int{100, 300, 1000} {
			name := fmt.Sprintf("producers=%d", n)
			if spread {
				name = "spread-" + name
			}
			b.Run(name, func(b *testing.B) {
				r := startRemote(b, bin, n)
				concurrentProducers(b, r.client, r.names, r.pid, spread)
			})
		}
	}
}

// concurrentProducers runs the benchmark on the streams names; emulatorPID, when not 0, is the
// process of the emulator (in another process), whose CPU and page faults it reports; spread spreads the streams' frame and
// fragment phases (see BenchmarkConcurrentProducersRemote).
func concurrentProducers(b *testing.B, client *media.Client, names []string, emulatorPID int, spread bool) {
	const size, interval = 4_000_000 / 8 / 30, time.Second / 30
	n := len(names)
	cp, frame := syntheticVideo(b, size)
	ctx := context.Background()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	producers := make([]*media.Producer, n)
	for i := range producers {
		p, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: names[i], KeepUntil: media.AckEventReceived,
			Tracks: []media.TrackConfig{{Codec: media.CodecH264, Format: media.FormatLengthPrefixed, CodecPrivate: cp}}})
		if err != nil {
			b.Fatal(err)
		}
		producers[i] = p
	}
	frames := b.N * 30
	warm := frames // the first frame counted as steady state
	if b.N > 2*int(warmUp/time.Second) {
		warm = int(warmUp / interval)
	}
	var mu sync.Mutex
	late, steadyLate, slowest := 0, 0, time.Duration(0)
	cpuBefore, faultsBefore := cpuTime(), minorFaults(os.Getpid())
	emuBefore, emuFaultsBefore := processCPU(emulatorPID), minorFaults(emulatorPID)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	const pacers = 10
	clockLate, steadyClockLate := 0, 0
	phase := func(i, of int) (time.Duration, int) { // stream i's offset and key-frame phase
		if !spread {
			return 0, 0
		}
		return time.Duration(i) * interval / time.Duration(of), i % 60
	}
	for j := range pacers {
		wg.Add(1)
		offset, _ := phase(j, pacers)
		go func() {
			defer wg.Done()
			myLate, mySteady := 0, 0
			for i := range frames {
				due := start.Add(offset + time.Duration(i)*interval)
				time.Sleep(time.Until(due))
				if time.Since(due) > interval {
					myLate++
					if i >= warm {
						mySteady++
					}
				}
			}
			mu.Lock()
			clockLate += myLate
			steadyClockLate += mySteady
			mu.Unlock()
		}()
	}
	for j, p := range producers {
		wg.Add(1)
		offset, keyPhase := phase(j, n)
		go func() {
			defer wg.Done()
			myLate, mySteady := 0, 0
			for i := range frames {
				at := time.Duration(i) * interval
				due := start.Add(offset + at)
				time.Sleep(time.Until(due))
				_ = p.WriteFrame(ctx, media.Frame{Track: 1, Timestamp: at, Keyframe: i == 0 || (i+keyPhase)%60 == 0, Data: frame})
				if time.Since(due) > interval {
					myLate++
					if i >= warm {
						mySteady++
					}
				}
			}
			took := time.Since(start) - offset
			mu.Lock()
			late += myLate
			steadyLate += mySteady
			slowest = max(slowest, took)
			mu.Unlock()
		}()
	}
	wg.Wait()
	cpu, faults := cpuTime()-cpuBefore, minorFaults(os.Getpid())-faultsBefore
	emuCPU, emuFaults := processCPU(emulatorPID)-emuBefore, minorFaults(emulatorPID)-emuFaultsBefore
	// The live heap, while every producer still holds its open fragment: two collections, since
	// the blocks of released fragments wait in the client's pool for the next fragments until
	// the second one after their release.
	runtime.GC()
	runtime.GC()
	var during runtime.MemStats
	runtime.ReadMemStats(&during)
	closeCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var made, acked int
	for _, p := range producers {
		_ = p.Close(closeCtx)
		st := p.Stats()
		made += st.FragmentsProduced
		acked += st.FragmentsProduced - st.BufferedFragments
	}
	b.StopTimer()
	media := time.Duration(frames) * interval
	b.ReportMetric(100*float64(n*frames-late)/float64(n*frames), "on-time-%")
	b.ReportMetric(100*float64(pacers*frames-clockLate)/float64(pacers*frames), "clock-on-time-%")
	if steady := frames - warm; steady > 0 {
		b.ReportMetric(100*float64(n*steady-steadyLate)/float64(n*steady), "steady-on-time-%")
		b.ReportMetric(100*float64(pacers*steady-steadyClockLate)/float64(pacers*steady), "steady-clock-on-time-%")
	}
	b.ReportMetric(float64(media)/float64(slowest), "media/wall")
	b.ReportMetric(100*float64(acked)/float64(max(made, 1)), "acked-%")
	perStreamSecond := func(cpu time.Duration) float64 { return 1000 * cpu.Seconds() / (float64(n) * media.Seconds()) }
	b.ReportMetric(perStreamSecond(cpu), "cpu-ms/stream-s")
	b.ReportMetric(float64(faults)/(float64(n)*media.Seconds()), "faults/stream-s")
	if emulatorPID != 0 {
		b.ReportMetric(perStreamSecond(emuCPU), "emulator-cpu-ms/stream-s")
		b.ReportMetric(float64(emuFaults)/(float64(n)*media.Seconds()), "emulator-faults/stream-s")
	}
	b.ReportMetric(float64(int64(during.HeapAlloc)-int64(before.HeapAlloc))/float64(n)/1024, "heap-KiB/stream")
}

// warmUp is the media time after which concurrentProducers counts frames as steady state: three
// fragments of 2 s.
const warmUp = 6 * time.Second

// minorFaults returns the minor page faults of process pid so far, from /proc (0 where there is
// none): each is a page the process touched for the first time since it was given to it.
func minorFaults(pid int) int64 {
	f := procStat(pid)
	if len(f) < 13 {
		return 0
	}
	n, _ := strconv.ParseInt(f[7], 10, 64)
	return n
}

// cpuTime returns the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// buildKvslocal builds cmd/kvslocal into a temporary directory and returns its path; the
// environment variable KVSLOCAL names a binary to use instead (to profile the emulator with perf,
// which needs the binary to outlive the run).
func buildKvslocal(b *testing.B) string {
	b.Helper()
	if bin := os.Getenv("KVSLOCAL"); bin != "" {
		return bin
	}
	bin := filepath.Join(b.TempDir(), "kvslocal")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/kvsgo/sdk/cmd/kvslocal").CombinedOutput()
	if err != nil {
		b.Fatalf("go build ./cmd/kvslocal: %v\n%s", err, out)
	}
	return bin
}

// remote is an emulator in a child process.
type remote struct {
	client *media.Client
	names  []string
	pid    int                  // the child's process
	cpu    func() time.Duration // the child's CPU time so far
	env    []string             // how another process reaches it (see remoteClient)
}

// remoteClient returns a media client for the emulator named by the environment a remote's
// env sets, and whether there is one.
func remoteClient() (*media.Client, bool) {
	endpoint := os.Getenv("KVSGO_BENCH_ENDPOINT")
	if endpoint == "" {
		return nil, false
	}
	return benchClient(endpoint, os.Getenv("KVSGO_BENCH_REGION"), os.Getenv("KVSGO_BENCH_ACCESS_KEY"), os.Getenv("KVSGO_BENCH_SECRET_KEY")), true
}

// benchClient returns a media client for an emulator at endpoint.
func benchClient(endpoint, region, accessKey, secretKey string) *media.Client {
	control := kvs.NewFromConfig(aws.Config{Region: region, BaseEndpoint: aws.String(endpoint),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey}, nil
		})})
	return media.New(media.Options{Options: control.Options(), Control: control})
}

// startRemote starts kvslocal from bin in a child process, ended with the benchmark, and creates
// n streams that keep no data.
func startRemote(b *testing.B, bin string, n int) remote {
	b.Helper()
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-quiet", "-console=false")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	endpoint, creds := "", map[string]string{}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && !strings.HasPrefix(sc.Text(), "try:") {
		if f := strings.Fields(sc.Text()); len(f) >= 2 {
			creds[strings.Join(f[:len(f)-1], " ")] = f[len(f)-1]
		}
	}
	go func() { // the rest of the banner and the end message
		for sc.Scan() {
		}
	}()
	endpoint = creds["endpoint"]
	if endpoint == "" {
		b.Fatalf("kvslocal printed no endpoint (%v)", sc.Err())
	}
	client := benchClient(endpoint, creds["region"], creds["access key"], creds["secret key"])
	control := client.Options().Control
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("bench-%d", i)
		if _, err := control.CreateStream(context.Background(), &kvs.CreateStreamInput{StreamName: names[i]}); err != nil {
			b.Fatal(err)
		}
	}
	pid := cmd.Process.Pid
	return remote{client: client, names: names, pid: pid, cpu: func() time.Duration { return processCPU(pid) },
		env: []string{"KVSGO_BENCH_ENDPOINT=" + endpoint, "KVSGO_BENCH_REGION=" + creds["region"],
			"KVSGO_BENCH_ACCESS_KEY=" + creds["access key"], "KVSGO_BENCH_SECRET_KEY=" + creds["secret key"]}}
}

// processCPU returns the user and system CPU time of process pid so far, from /proc (0 where
// there is none, as for pid 0).
func processCPU(pid int) time.Duration {
	f := procStat(pid)
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks
}

// procStat returns the fields of /proc/<pid>/stat after the command name (state first), or nil.
func procStat(pid int) []string {
	if pid == 0 {
		return nil
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil
	}
	s := string(raw)
	return strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
}
