// Command benchcmp re-runs the producer's and the consumer's benchmarks and prints their table
// for BENCHMARKS.md: ratios against the baseline each benchmark measures in the same run first,
// then the absolute figures, with the command and the load average before and after, since
// absolute numbers on a shared machine mean little without it.
//
//	go run ./internal/benchcmp [-count 3] [-bench regexp -benchtime d]
//
// It runs `go test -run ^$ -bench ... ./media` from the module root, once per benchmark of the
// table (or once for -bench), and reads the output; a failure is reported and ends the command
// with status 1.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
)

// job is one `go test -bench` run of the table.
type job struct{ bench, benchtime string }

// defaultJobs are the producer's benchmarks that compare against a baseline or a target, each
// with enough iterations for its percentiles.
var defaultJobs = []job{
	{`^BenchmarkWriteFrame1080p$`, "300000x"},
	{`^BenchmarkLiveLatencyAV$`, "600x"},
	{`^BenchmarkConcurrentProducers$/^producers=(100|300)$`, "5x"},
	{`^BenchmarkConcurrentProducersRemote$/^producers=(100|300|1000)$`, "5x"},
	// The consumer's.
	{`^BenchmarkFragmentReader$/^ratio/`, "2s"},
	{`^BenchmarkConsumerThroughput$`, "3x"},
	{`^BenchmarkLiveConsumers$`, "1x"},
	{`^BenchmarkLiveConsumersRemote$`, "1x"},
}

// ratioUnits are the metrics that compare with a baseline measured in the same run; they lead.
var ratioUnits = map[string]bool{"x-writer": true, "x-writer-median": true, "media/wall": true, "clock-on-time-%": true, "on-time-%": true,
	"speed-vs-mkv.Reader": true, "x-raw-http": true, "on-time-vs-chan": true}

func main() {
	count := flag.Int("count", 3, "runs of each benchmark")
	bench := flag.String("bench", "", "benchmarks to run (go test -bench) instead of the table's")
	benchtime := flag.String("benchtime", "1s", "go test -benchtime, with -bench")
	pkg := flag.String("pkg", "./media", "package to benchmark")
	flag.Parse()
	jobs := defaultJobs
	if *bench != "" {
		jobs = []job{{*bench, *benchtime}}
	}
	var results []*result
	for _, j := range jobs {
		r, err := runJob(os.Stdout, *pkg, j, *count)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchcmp:", err)
			os.Exit(1)
		}
		results = append(results, r...)
	}
	printTable(os.Stdout, results)
}

// runJob runs one job, prints its command and the load average around it, and returns its
// results.
func runJob(out io.Writer, pkg string, j job, count int) ([]*result, error) {
	args := []string{"test", "-run", "^$", "-bench", j.bench, "-benchtime", j.benchtime, "-count", strconv.Itoa(count), pkg}
	before := loadAverage()
	cmd := exec.Command("go", args...)
	cmd.Stderr = os.Stderr
	raw, err := cmd.Output()
	after := loadAverage()
	if err != nil {
		os.Stderr.Write(raw)
		return nil, fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	results, err := parse(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	if len(results) == 0 {
		return nil, fmt.Errorf("no benchmark matched %q", j.bench)
	}
	fmt.Fprintf(out, "- `go %s` (load average %s before, %s after)\n", quote(args), before, after)
	return results, nil
}

// printTable prints the results, the ratios against in-run baselines first.
func printTable(out io.Writer, results []*result) {
	fmt.Fprintln(out)
	fmt.Fprintln(out, "| benchmark | metric | median | min | max |")
	fmt.Fprintln(out, "|---|---|---|---|---|")
	for _, ratios := range []bool{true, false} {
		for _, r := range results {
			for _, unit := range r.units {
				if ratioUnits[unit] != ratios {
					continue
				}
				v := r.values[unit]
				sort.Float64s(v)
				name := unit
				if ratios {
					name = "**" + unit + "**"
				}
				fmt.Fprintf(out, "| %s | %s | %s | %s | %s |\n", r.name, name, num(v[len(v)/2]), num(v[0]), num(v[len(v)-1]))
			}
		}
	}
}

// result gathers the runs of one benchmark.
type result struct {
	name   string
	units  []string // in the order of the first run
	values map[string][]float64
}

// parse reads `go test -bench` output: lines "BenchmarkName-P  N  value unit  value unit ...".
func parse(r io.Reader) ([]*result, error) {
	var results []*result
	byName := map[string]*result{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") || len(fields)%2 != 0 {
			continue
		}
		if _, err := strconv.Atoi(fields[1]); err != nil {
			continue
		}
		name := fields[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			name = name[:i]
		}
		res := byName[name]
		if res == nil {
			res = &result{name: name, values: map[string][]float64{}}
			byName[name] = res
			results = append(results, res)
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return nil, fmt.Errorf("benchmark %s: value %q: %w", name, fields[i], err)
			}
			unit := fields[i+1]
			if _, ok := res.values[unit]; !ok {
				res.units = append(res.units, unit)
			}
			res.values[unit] = append(res.values[unit], v)
		}
	}
	return results, sc.Err()
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], ", ")
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

func quote(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, "^$|()*? ") {
			a = "'" + a + "'"
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}
