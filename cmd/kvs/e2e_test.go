package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/media"
)

// binaries builds kvs and kvslocal into a temporary directory.
func binaries(t *testing.T) (kvsBin, kvslocalBin string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the commands")
	}
	dir := t.TempDir()
	kvsBin, kvslocalBin = filepath.Join(dir, "kvs"), filepath.Join(dir, "kvslocal")
	for bin, pkg := range map[string]string{kvsBin: ".", kvslocalBin: "../kvslocal"} {
		if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	return kvsBin, kvslocalBin
}

// startKVSLocal runs kvslocal on a free port until the test ends and returns its endpoint.
func startKVSLocal(t *testing.T, bin string) string {
	t.Helper()
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-quiet")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		_ = cmd.Wait()
	})
	endpoint := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if url, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "endpoint"); ok {
				endpoint <- strings.TrimSpace(url)
			}
		}
	}()
	select {
	case url := <-endpoint:
		return url
	case <-time.After(30 * time.Second):
		t.Fatal("kvslocal printed no endpoint")
		return ""
	}
}

// shell runs a pipeline with bash, kvs on the PATH and the emulator's credentials, and returns
// its standard output and error.
func shell(t *testing.T, kvsBin, pipeline string) (string, string) {
	t.Helper()
	cmd := exec.Command("bash", "-o", "pipefail", "-c", pipeline)
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(kvsBin)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull, "AWS_PROFILE=")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\nstderr:\n%s", pipeline, err, stderr.String())
	}
	return stdout.String(), stderr.String()
}

// TestDoneMeans is the pipeline of the issue with the built commands: a live ffmpeg test pattern
// (H.264 and AAC) piped into kvs put --create against kvslocal, then kvs get | kvs dump shows
// every fragment and every frame that was persisted.
func TestDoneMeans(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		wiretest.Skip(t, "ffmpeg is not installed")
	}
	kvsBin, kvslocalBin := binaries(t)
	endpoint := startKVSLocal(t, kvslocalBin)
	ffmpeg := "ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc2=size=320x240:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 " +
		"-t 6 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -g 30 -keyint_min 30 -sc_threshold 0 -bf 0 -c:a aac -f matroska -"
	_, putErr := shell(t, kvsBin, ffmpeg+" | kvs put --stream done --create --endpoint-url "+endpoint)
	frames, dropped, persisted, produced := putSummary(t, putErr)
	if produced < 3 || persisted != produced {
		t.Fatalf("kvs put: %d/%d fragments persisted:\n%s", persisted, produced, putErr)
	}

	dump, getErr := shell(t, kvsBin, "kvs get --stream done --start earliest --idle 2s --endpoint-url "+endpoint+" | kvs dump")
	list := summaries(t, dump)
	totals := frameTotals(list)
	t.Logf("kvs put: %d frames (%d dropped before the first key frame), %d/%d fragments persisted; kvs get | kvs dump: %d fragments, frames %v",
		frames, dropped, persisted, produced, len(list), totals)
	if len(list) != produced {
		t.Errorf("kvs dump printed %d fragments, kvs put persisted %d:\n%s", len(list), produced, dump)
	}
	if totals["1"] != 180 || totals["1"]+totals["2"] != frames-dropped {
		t.Errorf("frames %v, want 180 video frames and %d in all", totals, frames-dropped)
	}
	for i, s := range list {
		if s.FragmentNumber == "" || s.ContinuationToken == "" || s.ProducerTimestamp == "" || s.Frames["1"] == 0 || s.Error != nil {
			t.Errorf("fragment %d: %+v", i, s)
		}
	}
	if !strings.Contains(getErr, "resume with --start token:"+list[len(list)-1].ContinuationToken) {
		t.Errorf("kvs get stderr:\n%s", getErr)
	}
}

// TestInterruptBinary sends SIGINT to a kvs get that follows a stream: it ends with status 0
// and prints the token to resume after the last fragment.
func TestInterruptBinary(t *testing.T) {
	kvsBin, kvslocalBin := binaries(t)
	endpoint := startKVSLocal(t, kvslocalBin)
	sample := sharedFile(t, ffmpegSample)
	shell(t, kvsBin, "kvs put -q --stream sig --create --endpoint-url "+endpoint+" "+sample)
	out := filepath.Join(t.TempDir(), "out.mkv")
	cmd := exec.Command(kvsBin, "get", "--stream", "sig", "--start", "earliest", "--idle", "0", "-q", "-o", out, "--endpoint-url", endpoint)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the fifth fragment is complete: it ends with its continuation token.
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		data, _ := os.ReadFile(out)
		if completeFragments(data) == 5 {
			break
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("kvs get after SIGINT: %v\n%s", err, stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	frags := readFragments(t, data)
	want := "kvs get: interrupted after 5 fragments; resume with --start token:" + frags[len(frags)-1].ContinuationToken + "\n"
	if len(frags) != 5 || stderr.String() != want {
		t.Errorf("%d fragments; stderr %q, want %q", len(frags), stderr.String(), want)
	}
}

// completeFragments counts the fragments of a stream being written that end with their
// continuation token.
func completeFragments(data []byte) int {
	fr := media.NewFragmentReader(bytes.NewReader(data))
	n := 0
	for {
		f, err := fr.Next()
		if err != nil {
			return n
		}
		if f.ContinuationToken != "" {
			n++
		}
	}
}
