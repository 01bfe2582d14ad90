package main

import (
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
)

func TestRunServesTheConsoleUnlessTurnedOff(t *testing.T) {
	for _, on := range []bool{true, false} {
		args := []string{"-addr", "127.0.0.1:0", "-quiet"}
		if !on {
			args = append(args, "-console=false")
		}
		r, w := io.Pipe()
		stop := make(chan os.Signal, 1)
		status := make(chan int, 1)
		go func() {
			status <- run(args, w, io.Discard, stop)
			w.Close()
		}()
		f := banner(t, r)
		go func() { _, _ = io.Copy(io.Discard, r) }()

		wantURL := f["endpoint"] + "/#access-key=test&secret-key=test"
		if on && f["console"] != wantURL || !on && f["console"] != "" {
			t.Errorf("console %v: printed console %q, want %q", on, f["console"], wantURL)
		}
		resp, err := http.Get(f["endpoint"] + "/")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page := resp.StatusCode == http.StatusOK && strings.Contains(string(body), "kvslocal console")
		if page != on {
			t.Errorf("console %v: GET / answered HTTP %d %.60q", on, resp.StatusCode, body)
		}
		stop <- os.Interrupt
		if got := <-status; got != 0 {
			t.Errorf("exit status %d", got)
		}
	}
}
