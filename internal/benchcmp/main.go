// Command benchcmp re-runs the producer's benchmarks and prints their table for BENCHMARKS.md:
// ratios against the baseline each benchmark measures in the same run first, then the absolute
// figures, with the command and the load average before and after, since absolute numbers on a
// shared machine mean little without it.
//
//	go run ./internal/benchcmp [-count 3] [-bench regexp] [-benchtime d]
//
// It runs `go test -run ^$ -bench ... ./media` from the module root and reads its output; the
// test binary's failures are reported and end the command with status 1.
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

// defaultBench selects the producer's benchmarks that compare against a baseline or a target.
const defaultBench = `^(BenchmarkWriteFrame1080p|BenchmarkLiveLatencyAV|BenchmarkConcurrentProducers/producers=(100|300))$`

// ratioUnits are the metrics that compare with a baseline measured in the same run; they lead.
var ratioUnits = map[string]bool{"x-writer": true, "media/wall": true}

func main() {
	count := flag.Int("count", 3, "runs of each benchmark")
	bench := flag.String("bench", defaultBench, "benchmarks to run (go test -bench)")
	benchtime := flag.String("benchtime", "", "go test -benchtime (each benchmark's own default when empty)")
	pkg := flag.String("pkg", "./media", "package to benchmark")
	flag.Parse()
	if err := run(os.Stdout, *pkg, *bench, *benchtime, *count); err != nil {
		fmt.Fprintln(os.Stderr, "benchcmp:", err)
		os.Exit(1)
	}
}

func run(out io.Writer, pkg, bench, benchtime string, count int) error {
	args := []string{"test", "-run", "^$", "-bench", bench, "-count", strconv.Itoa(count)}
	if benchtime != "" {
		args = append(args, "-benchtime", benchtime)
	}
	args = append(args, pkg)
	before := loadAverage()
	cmd := exec.Command("go", args...)
	cmd.Stderr = os.Stderr
	raw, err := cmd.Output()
	after := loadAverage()
	if err != nil {
		os.Stderr.Write(raw)
		return fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	results, err := parse(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	if len(results) == 0 {
		return fmt.Errorf("no benchmark matched %q", bench)
	}
	fmt.Fprintf(out, "Command: `go %s`\n\nLoad average (1, 5, 15 min): %s before, %s after.\n\n", quote(args), before, after)
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
	return nil
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
