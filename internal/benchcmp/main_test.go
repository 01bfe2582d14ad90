package main

import (
	"strings"
	"testing"
)

func TestParseGathersRunsPerBenchmark(t *testing.T) {
	out := `goos: linux
BenchmarkWriteFrame1080p-2   	  300000	      1013 ns/op	9887.43 MB/s	       649.9 producer-ns/frame	         1.812 x-writer	      34 B/op	       0 allocs/op
BenchmarkWriteFrame1080p-2   	  300000	      1293 ns/op	7747.54 MB/s	       829.6 producer-ns/frame	         1.823 x-writer	      34 B/op	       0 allocs/op
--- FAIL: nothing
BenchmarkConcurrentProducers/producers=100-2         	       3	1001549773 ns/op	       100.0 acked-%
PASS
`
	res, err := parse(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].name != "BenchmarkWriteFrame1080p" || res[1].name != "BenchmarkConcurrentProducers/producers=100" {
		t.Fatalf("results %+v", res)
	}
	if got := res[0].values["x-writer"]; len(got) != 2 || got[0] != 1.812 || got[1] != 1.823 {
		t.Errorf("x-writer %v", got)
	}
	if strings.Join(res[0].units, " ") != "ns/op MB/s producer-ns/frame x-writer B/op allocs/op" {
		t.Errorf("units %v", res[0].units)
	}
}

func TestParseRejectsABadValue(t *testing.T) {
	if _, err := parse(strings.NewReader("BenchmarkX-2 10 abc ns/op\n")); err == nil || !strings.Contains(err.Error(), "BenchmarkX") {
		t.Fatalf("parse = %v, want an error naming the benchmark", err)
	}
}
