package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
)

// lineWriter calls fn with each line written.
type lineWriter struct {
	mu   sync.Mutex
	buf  strings.Builder
	fn   func(string)
	text strings.Builder
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.text.Write(p)
	w.buf.Write(p)
	for {
		s := w.buf.String()
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			break
		}
		w.fn(s[:i])
		w.buf.Reset()
		w.buf.WriteString(s[i+1:])
	}
	return len(p), nil
}

// TestSavesOneImagePerFragment runs one worker over two streams of three fragments each: it
// saves six JPEG files, one per fragment, named by stream and fragment number.
func TestSavesOneImagePerFragment(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		wiretest.Skip(t, "ffmpeg is not installed: the emulator needs it for GetImages")
	}
	srv, err := kvstest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	control := kvs.NewFromConfig(srv.Config())
	o := options{prefix: "img-", produce: 2, produceFragments: 3, fragmentEvery: 10 * time.Millisecond}
	if err := produce(ctx, &strings.Builder{}, control, o); err != nil {
		t.Fatal(err)
	}
	for _, kv := range [][2]string{{"AWS_ACCESS_KEY_ID", "test"}, {"AWS_SECRET_ACCESS_KEY", "test"}, {"AWS_REGION", "us-east-1"},
		{"AWS_CONFIG_FILE", os.DevNull}, {"AWS_SHARED_CREDENTIALS_FILE", os.DevNull}, {"AWS_EC2_METADATA_DISABLED", "true"}} {
		t.Setenv(kv[0], kv[1])
	}
	dir := t.TempDir()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	saved := 0
	out := &lineWriter{fn: func(line string) {
		if strings.HasPrefix(line, "processed ") && !strings.HasSuffix(line, "image=") {
			if saved++; saved == 6 {
				stop()
			}
		}
	}}
	err = run(runCtx, out, options{endpoint: srv.URL, group: "g", prefix: "img-", store: "file:" + filepath.Join(dir, "leases.db"),
		out: filepath.Join(dir, "images"), lease: 2 * time.Second, checkpointEvery: 1, start: "earliest"})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.text.String())
	}
	files, _ := filepath.Glob(filepath.Join(dir, "images", "img-*-*.jpg"))
	if len(files) != 6 {
		t.Fatalf("%d images written, want 6:\n%s", len(files), out.text.String())
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil || len(data) < 100 || data[0] != 0xFF || data[1] != 0xD8 {
			t.Errorf("%s is not a JPEG file (%d bytes, %v)", f, len(data), err)
		}
	}
}
