package treecheck

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
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

// testOnlySums are the test-only modules whose checksums `go mod tidy` still writes to a user's
// go.sum (never to go.mod, never built): tidy records what `go test` of the packages a module
// imports needs, one level deep, and tests of the public packages import these. They leave once
// those tests move to a separate test module; the check fails when one is added.
var testOnlySums = map[string]bool{
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo":              true,
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia": true,
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideomedia":         true,
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideosignaling":     true,
	"github.com/at-wat/ebml-go":                                      true,
	"github.com/google/go-cmp":                                       true,
	"go.uber.org/goleak":                                             true,
	"github.com/go-test/deep":                                        true, // of ebml-go's tests
	// of bbolt's tests (group's file store)
	"github.com/stretchr/testify":   true,
	"github.com/davecgh/go-spew":    true,
	"github.com/pmezard/go-difflib": true,
	"gopkg.in/yaml.v3":              true,
	"golang.org/x/sync":             true,
	// aws-sdk-go-v2's config module (LoadDefaultConfig in tests) and the modules it needs.
	"github.com/aws/aws-sdk-go-v2/config":                           true,
	"github.com/aws/aws-sdk-go-v2/credentials":                      true,
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds":                 true,
	"github.com/aws/aws-sdk-go-v2/internal/configsources":           true,
	"github.com/aws/aws-sdk-go-v2/internal/endpoints/v2":            true,
	"github.com/aws/aws-sdk-go-v2/internal/v4a":                     true,
	"github.com/aws/aws-sdk-go-v2/service/internal/accept-encoding": true,
	"github.com/aws/aws-sdk-go-v2/service/internal/presigned-url":   true,
	"github.com/aws/aws-sdk-go-v2/service/signin":                   true,
	"github.com/aws/aws-sdk-go-v2/service/sso":                      true,
	"github.com/aws/aws-sdk-go-v2/service/ssooidc":                  true,
	"github.com/aws/aws-sdk-go-v2/service/sts":                      true,
}

// TestUsersModuleGraph builds a fresh module that imports every public package (through a
// replace directive to this tree), tidies it offline, and checks what the SDK gives its users:
// go.mod requires only the modules the SDK builds with, the build loads no other module, it
// builds with a go.sum that lacks the test-only modules, and go.sum holds no test-only module
// beyond testOnlySums.
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
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(goTool, args...)
		cmd.Dir = dir
		// Offline: everything comes from the module cache this tree's own build filled.
		cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod", "GOWORK=off")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return string(out)
	}
	// The tree's checksums seed the user's go.sum, so that tidy verifies modules offline
	// without the checksum database; tidy drops every line the user's module does not need.
	treeSums, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "go.sum"), string(treeSums))
	run("mod", "tidy")

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
		if !testOnlySums[m] {
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
