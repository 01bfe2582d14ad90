package treecheck

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// publicPackages are the packages an application imports.
var publicPackages = []string{"archived", "group", "kvs", "kvstest", "media", "mkv", "signaling"}

// buildModules are the only modules the public packages build with: a user's go.mod may list
// these (as indirect requirements) and nothing else.
var buildModules = map[string]bool{
	"github.com/kvsgo/sdk":         true,
	"github.com/Eyevinn/mp4ff":     true,
	"github.com/aws/aws-sdk-go-v2": true,
	"github.com/aws/smithy-go":     true,
	"github.com/coder/websocket":   true,
	// group's lease stores: DynamoDB (with the modules every service client needs) and bbolt.
	"github.com/aws/aws-sdk-go-v2/service/dynamodb":                    true,
	"github.com/aws/aws-sdk-go-v2/service/internal/endpoint-discovery": true,
	"github.com/aws/aws-sdk-go-v2/service/internal/accept-encoding":    true,
	"github.com/aws/aws-sdk-go-v2/internal/configsources":              true,
	"github.com/aws/aws-sdk-go-v2/internal/endpoints/v2":               true,
	"go.etcd.io/bbolt": true,
	"golang.org/x/sys": true,
}

// testOnlyModules are the modules only the SDK's own tests use: the official kinesisvideo*
// clients (the differential and wire tests), ebml-go (mkv's test oracle), go-cmp and goleak.
// Those tests live in the interop module (interop/go.mod), so that these modules are
// requirements of that module alone: none may appear in a user's module graph or go.sum.
var testOnlyModules = []string{
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo",
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia",
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideomedia",
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideosignaling",
	"github.com/at-wat/ebml-go",
	"github.com/google/go-cmp",
	"go.uber.org/goleak",
}

// testOnlySums are the modules outside buildModules whose checksums `go mod tidy` still writes
// to a user's go.sum (never to go.mod, never built): tidy records what `go test` of the packages
// a module imports needs, one level deep. None is the SDK's choice to drop; the check fails when
// one is added.
var testOnlySums = map[string]bool{
	// Tests of the SDK's dependencies: mp4ff/bits' tests import go-test/deep; bbolt's (group's
	// file store) import testify, and through it go-spew, go-difflib and yaml.v3, and x/sync.
	"github.com/go-test/deep":       true,
	"github.com/stretchr/testify":   true,
	"github.com/davecgh/go-spew":    true,
	"github.com/pmezard/go-difflib": true,
	"gopkg.in/yaml.v3":              true,
	"golang.org/x/sync":             true,
	// aws-sdk-go-v2's config module, which group's example (a test of a public package) calls
	// LoadDefaultConfig from, with the modules it needs. It is a build module of cmd/kvs and the
	// examples, so the SDK's go.mod requires it in any case.
	"github.com/aws/aws-sdk-go-v2/config":                         true,
	"github.com/aws/aws-sdk-go-v2/credentials":                    true,
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds":               true,
	"github.com/aws/aws-sdk-go-v2/internal/v4a":                   true,
	"github.com/aws/aws-sdk-go-v2/service/internal/presigned-url": true,
	"github.com/aws/aws-sdk-go-v2/service/signin":                 true,
	"github.com/aws/aws-sdk-go-v2/service/sso":                    true,
	"github.com/aws/aws-sdk-go-v2/service/ssooidc":                true,
	"github.com/aws/aws-sdk-go-v2/service/sts":                    true,
}

// TestUsersModuleGraph builds a fresh module that imports every public package (through a
// replace directive to this tree), tidies it offline, and checks what the SDK gives its users:
// go.mod requires only the modules the SDK builds with, the build loads no other module, its
// module graph (`go mod graph`) holds none of testOnlyModules, it builds with a go.sum that
// lacks the test-only modules, and go.sum holds no test-only module beyond testOnlySums.
//
// Go prunes a user's module graph to the requirements of the SDK's go.mod and of the modules
// the user's go.mod lists; so the requirements of bbolt's own go.mod (testify, gofail, cobra,
// ...) are in the graph, through group's file store, as long as the SDK builds with bbolt: that
// is bbolt's go.mod, not ours to change.
func TestUsersModuleGraph(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module with the go command; skipped in -short mode")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed: %v", err)
	}
	root := moduleRoot(t)
	dir := t.TempDir()
	var imports strings.Builder
	for _, p := range publicPackages {
		imports.WriteString("\t_ \"github.com/kvsgo/sdk/" + p + "\"\n")
	}
	writeFile(t, filepath.Join(dir, "go.mod"), "module example.com/user\n\ngo 1.24\n\nrequire github.com/kvsgo/sdk v0.0.0\n\nreplace github.com/kvsgo/sdk => "+root+"\n")
	writeFile(t, filepath.Join(dir, "main.go"), "package main\n\nimport (\n"+imports.String()+")\n\nfunc main() {}\n")
	runErr := func(args ...string) (stdout, stderr string, err error) {
		t.Helper()
		cmd := exec.Command(goTool, args...)
		cmd.Dir = dir
		// Offline: everything comes from the module cache this tree's own build filled.
		cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod", "GOWORK=off")
		var errBuf bytes.Buffer
		cmd.Stderr = &errBuf
		out, err := cmd.Output()
		return string(out), errBuf.String(), err
	}
	run := func(args ...string) string {
		t.Helper()
		out, stderr, err := runErr(args...)
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		return out
	}
	// The tree's checksums seed the user's go.sum, so that tidy verifies modules offline
	// without the checksum database; tidy drops every line the user's module does not need.
	treeSums, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "go.sum"), string(treeSums))
	// Tidy looks at the tests of the packages it imports, one level deep, which the tree's build
	// does not download: packages of those tests' modules may be missing from the module cache.
	// Such a module cannot be one of the SDK's (the tree's own build and tests fill the cache
	// with those), so -e lets tidy go on without it; any other error fails.
	if _, stderr, err := runErr("mod", "tidy", "-e"); err != nil {
		t.Fatalf("go mod tidy -e: %v\n%s", err, stderr)
	} else if stderr != "" {
		for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
			if strings.Contains(line, ": cannot find module providing package ") && !strings.Contains(line, "module lookup disabled by GOPROXY=off") {
				t.Errorf("go mod tidy: %s", line)
			}
		}
		t.Logf("go mod tidy -e, offline, without the packages of tests of dependencies that the module cache lacks:\n%s", stderr)
	}

	var mod struct{ Require []struct{ Path string } }
	if err := json.Unmarshal([]byte(run("mod", "edit", "-json")), &mod); err != nil {
		t.Fatal(err)
	}
	if len(mod.Require) == 0 {
		t.Fatal("the user's go.mod requires nothing")
	}
	for _, r := range mod.Require {
		if !buildModules[r.Path] {
			t.Errorf("the user's go.mod requires %s, which the SDK does not build with", r.Path)
		}
	}
	graph := map[string]bool{}
	edges := strings.Split(strings.TrimSpace(run("mod", "graph")), "\n")
	for _, edge := range edges {
		for _, node := range strings.Fields(edge) {
			if path, _, _ := strings.Cut(node, "@"); path != "go" && path != "toolchain" {
				graph[path] = true
			}
		}
	}
	for _, m := range testOnlyModules {
		if graph[m] {
			t.Errorf("the user's module graph (go mod graph) holds %s, a module only the SDK's tests use: move those tests to the interop module", m)
		}
	}
	t.Logf("the user's module graph: %d modules, %d requirements", len(graph), len(edges))
	built := strings.Fields(run("list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", "./..."))
	for _, m := range built {
		if !buildModules[m] && m != "example.com/user" {
			t.Errorf("building the user's module loads %s", m)
		}
	}

	sums, err := os.ReadFile(filepath.Join(dir, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	var stripped []string
	inSum := map[string]bool{}
	for _, line := range strings.Split(string(sums), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if !buildModules[f[0]] {
			inSum[f[0]] = true
			continue
		}
		stripped = append(stripped, line)
	}
	var extra []string
	for m := range inSum {
		if !testOnlySums[m] || slices.Contains(testOnlyModules, m) {
			extra = append(extra, m)
		}
	}
	sort.Strings(extra)
	for _, m := range extra {
		t.Errorf("the user's go.sum gets %s, a module the SDK does not build with: keep it out of the public packages' tests", m)
	}
	writeFile(t, filepath.Join(dir, "go.sum"), strings.Join(stripped, "\n")+"\n")
	cmd := exec.Command(goTool, "build", "-o", os.DevNull, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("the user's module does not build with only the SDK's build modules in go.sum: %v\n%s", err, out)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
