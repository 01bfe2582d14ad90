package wiretest

import (
	"strings"
	"testing"
	"time"
)

func TestDiff(t *testing.T) {
	type inner struct {
		Name  string
		count int
	}
	type outer struct {
		At    time.Time
		In    *inner
		List  []int
		Tags  map[string]string
		Any   any
		Bytes []byte
		Fn    func()
	}
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	base := func() outer {
		return outer{At: at, In: &inner{Name: "a", count: 1}, List: []int{1, 2}, Tags: map[string]string{"k": "v"}, Any: 3, Bytes: []byte("ab")}
	}
	tests := []struct {
		name   string
		change func(*outer)
		want   []string // substrings of the diff, in order; none means equal
	}{
		{"equal", func(*outer) {}, nil},
		{"equal time in another location", func(o *outer) { o.At = at.In(time.FixedZone("x", 3600)) }, nil},
		{"time", func(o *outer) { o.At = at.Add(time.Millisecond) }, []string{".At: want 2024-01-02 03:04:05 +0000 UTC, got 2024-01-02 03:04:05.001 +0000 UTC"}},
		{"unexported field", func(o *outer) { o.In.count = 2 }, []string{".In.count: want 1, got 2"}},
		{"string", func(o *outer) { o.In.Name = "b" }, []string{`.In.Name: want "a", got "b"`}},
		{"nil pointer", func(o *outer) { o.In = nil }, []string{".In: want"}},
		{"nil versus empty slice", func(o *outer) { o.List = nil }, []string{".List: want []int of 2, got nil []int"}},
		{"longer slice", func(o *outer) { o.List = []int{1, 3, 4} }, []string{".List: want 2 elements, got 3", ".List[1]: want 2, got 3", ".List[2]: not wanted, got 4"}},
		{"map", func(o *outer) { o.Tags = map[string]string{"j": "v", "k": "w"} }, []string{`.Tags["j"]: not wanted, got "v"`, `.Tags["k"]: want "v", got "w"`}},
		{"interface of another type", func(o *outer) { o.Any = "3" }, []string{".Any: want type int, got type string"}},
		{"bytes", func(o *outer) { o.Bytes = []byte("ac") }, []string{".Bytes[1]: want 98, got 99"}},
		{"lines", func(o *outer) { o.In.Name = "a\nb\nc" }, []string{`.In.Name (lines): want 1 elements, got 3`, `[1]: not wanted, got "b"`}},
		{"function", func(o *outer) { o.Fn = func() {} }, []string{".Fn: want"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := base()
			tt.change(&got)
			diff := Diff(base(), got)
			if len(tt.want) == 0 {
				if diff != "" {
					t.Fatalf("Diff of equal values:\n%s", diff)
				}
				return
			}
			rest := diff
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("Diff:\n%s\nlacks %q", diff, w)
				}
				rest = rest[i+len(w):]
			}
		})
	}
	many := make([]int, 50)
	if lines := strings.Split(Diff(many, make([]int, 50)), "\n"); len(lines) != 1 || lines[0] != "" {
		t.Errorf("equal slices: %q", lines)
	}
	other := make([]int, 50)
	for i := range other {
		other[i] = i + 1
	}
	lines := strings.Split(Diff(many, other), "\n")
	if len(lines) != maxDiffLines+1 || !strings.HasPrefix(lines[maxDiffLines], "… and 30 more") {
		t.Errorf("%d lines, last %q", len(lines), lines[len(lines)-1])
	}
}
