package main

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestHelp checks that every command has a help with a usage line, a description and an
// example, printed on standard output with status 0, in both spellings.
func TestHelp(t *testing.T) {
	for _, c := range commands {
		for _, args := range [][]string{{c.name, "--help"}, {c.name, "-h"}, {"help", c.name}} {
			r := kvsRun(t, invocation{}, args...).mustSucceed(t)
			for _, want := range []string{"usage: " + c.usage + "\n", strings.Fields(c.doc)[0], "\nexample:\n  " + strings.Split(c.example, "\n")[0]} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("%v: help lacks %q:\n%s", args, want, r.stdout)
				}
			}
			if c.aws != strings.Contains(r.stdout, "--endpoint-url URL") {
				t.Errorf("%v: AWS flags listed %v, want %v", args, !c.aws, c.aws)
			}
			if r.stderr != "" {
				t.Errorf("%v: stderr %q", args, r.stderr)
			}
		}
		if !strings.HasPrefix(c.usage, "kvs "+c.name) || c.summary == "" || c.group == "" {
			t.Errorf("command %s: usage %q, summary %q, group %q", c.name, c.usage, c.summary, c.group)
		}
	}
	for _, args := range [][]string{{"--help"}, {"help"}} {
		r := kvsRun(t, invocation{}, args...).mustSucceed(t)
		for _, c := range commands {
			if !strings.Contains(r.stdout, "  "+c.name+" ") {
				t.Errorf("%v: the overview does not list %s:\n%s", args, c.name, r.stdout)
			}
		}
	}
}

// TestHelpGroups checks that the overview lists every group once, in order, each with its
// commands under it, the archived-media ones included.
func TestHelpGroups(t *testing.T) {
	r := kvsRun(t, invocation{}, "help").mustSucceed(t)
	var listed []string // "group: command" in the order printed
	group := ""
	for _, line := range strings.Split(r.stdout, "\n") {
		switch {
		case slices.Contains(groups, strings.TrimSuffix(line, ":")):
			group = strings.TrimSuffix(line, ":")
		case line == "":
			group = ""
		case group != "" && strings.HasPrefix(line, "  "):
			listed = append(listed, group+": "+strings.Fields(line)[0])
		}
	}
	var want []string
	for _, g := range groups {
		for _, c := range commands {
			if c.group == g {
				want = append(want, g+": "+c.name)
			}
		}
	}
	if !slices.Equal(listed, want) {
		t.Errorf("the overview lists %q, want %q:\n%s", listed, want, r.stdout)
	}
	for _, name := range []string{"fragments", "clip", "hls-url", "dash-url", "images"} {
		if c := lookup(name); c == nil || c.group != groupArchived || !c.aws {
			t.Errorf("command %s: %+v, want one of group %q that takes the AWS flags", name, c, groupArchived)
		}
	}
	r = kvsRun(t, invocation{}, "hls-url", "--help").mustSucceed(t)
	for _, want := range []string{"--container FORMAT", "--expires DURATION", "(default 5m0s)", "--mode MODE", "--from TIME", "--clock CLOCK", "RFC 3339"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("kvs hls-url --help lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestUsageErrors checks that mistakes in the command line exit 2 with a message and the usage
// on standard error.
func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		says string
	}{
		{nil, "usage: kvs [AWS flags] COMMAND"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"help", "frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"--no-such-flag", "streams"}, "flag provided but not defined: -no-such-flag"},
		{[]string{"dump", "--no-such-flag"}, "flag provided but not defined: -no-such-flag"},
		{[]string{"put", "--stream"}, "flag needs an argument: -stream"},
		{[]string{"put", "--fps", "thirty"}, `invalid value "thirty" for flag -fps`},
		{[]string{"get", "--idle", "-3s", "--stream", "s"}, "want a duration"},
		{[]string{"put"}, "--stream NAME is required"},
		{[]string{"get"}, "--stream NAME is required"},
		{[]string{"create-stream"}, "--stream NAME is required"},
		{[]string{"delete-stream"}, "--stream NAME is required"},
		{[]string{"streams", "extra"}, `unexpected arguments ["extra"]`},
		{[]string{"put", "--stream", "s", "a.mkv", "b.mkv"}, "one input at most"},
		{[]string{"get", "--stream", "s", "out.mkv"}, "-o FILE"},
		{[]string{"put", "--stream", "s", "--fps", "30"}, "--fps goes with --format h264 or h265"},
		{[]string{"create-stream", "--stream", "s", "--retention", "-1"}, "--retention -1"},
		{[]string{"streams", "--endpoint-url", "localhost:4567"}, "want an http:// or https:// URL"},
		{[]string{"fragments"}, "--stream NAME is required"},
		{[]string{"fragments", "--stream", "s", "--from", "yesterday"}, `--from "yesterday": not a time; want an RFC 3339 time`},
		{[]string{"fragments", "--stream", "s", "--from", "10m"}, "as in -10m"},
		{[]string{"fragments", "--stream", "s", "--from", "+10m"}, "+DURATION counts from --from"},
		{[]string{"fragments", "--stream", "s", "--from", "-1h", "--to", "-2h"}, "is not after --from"},
		{[]string{"fragments", "--stream", "s", "--clock", "camera"}, `--clock "camera": want server or producer`},
		{[]string{"fragments", "--stream", "s", "extra"}, `unexpected arguments ["extra"]`},
		{[]string{"clip", "--from", "-1m", "-o", "c.mp4"}, "--stream NAME is required"},
		{[]string{"clip", "--stream", "s", "--from", "-1m"}, "-o FILE is required"},
		{[]string{"clip", "--stream", "s", "-o", "c.mp4"}, "--from TIME is required"},
		{[]string{"clip", "--stream", "s", "--from", "-2m", "--to", "-3m", "-o", "c.mp4"}, "is not after --from"},
		{[]string{"clip", "--stream", "s", "--from", "-25h", "-o", "c.mp4"}, "more than the 24h0m0s this command takes"},
		{[]string{"clip", "--stream", "s", "--from", "-1m", "c.mp4"}, "the output goes to -o FILE"},
		{[]string{"hls-url"}, "--stream NAME is required"},
		{[]string{"hls-url", "--stream", "s", "--mode", "live", "--from", "-1m"}, "--mode live takes no --from or --to"},
		{[]string{"hls-url", "--stream", "s", "--to", "-1m"}, "--mode live takes no --from or --to"},
		{[]string{"hls-url", "--stream", "s", "--mode", "on-demand"}, "--mode on-demand needs --from TIME"},
		{[]string{"hls-url", "--stream", "s", "--mode", "live-replay", "--to", "-1m"}, "--mode live-replay needs --from TIME"},
		{[]string{"hls-url", "--stream", "s", "--mode", "vod"}, `--mode "vod": want live, live-replay or on-demand`},
		{[]string{"hls-url", "--stream", "s", "--container", "mkv"}, `--container "mkv": want fmp4 or ts`},
		{[]string{"hls-url", "--stream", "s", "--from", "-2d"}, `--from "-2d": not a duration`},
		{[]string{"dash-url"}, "--stream NAME is required"},
		{[]string{"dash-url", "--stream", "s", "--expires", "1m"}, "--expires 1m0s: want 5m0s to 12h0m0s"},
		{[]string{"dash-url", "--stream", "s", "--from", "-30h", "--to", "-1h"}, "more than the 24h0m0s"},
		{[]string{"images", "--from", "-1m", "-o", "dir"}, "--stream NAME is required"},
		{[]string{"images", "--stream", "s", "--from", "-1m"}, "-o DIR is required"},
		{[]string{"images", "--stream", "s", "-o", "dir"}, "--from TIME is required"},
		{[]string{"images", "--stream", "s", "--from", "-10m", "-o", "dir"}, "more than the 5m0s this command takes"},
		{[]string{"images", "--stream", "s", "--from", "-1m", "--to", "-2m", "-o", "dir"}, "is not after --from"},
		{[]string{"images", "--stream", "s", "--from", "-1m", "--every", "100ms", "-o", "dir"}, "--every 100ms: want 200ms to 5m0s"},
		{[]string{"images", "--stream", "s", "--from", "-1m", "--format", "gif", "-o", "dir"}, `--format "gif": want jpeg or png`},
		{[]string{"images", "--stream", "s", "--from", "-1m", "--width", "4000", "-o", "dir"}, "--width 4000: want 1 to 3840"},
		{[]string{"images", "--stream", "s", "--from", "-1m", "--height", "-1", "-o", "dir"}, "--height -1: want 1 to 2160"},
	} {
		r := kvsRun(t, invocation{}, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.says) || !strings.Contains(r.stderr, "usage: kvs") {
			t.Errorf("%q: status %d, stderr:\n%s\nwant 2, %q and the usage", tc.args, r.code, r.stderr, tc.says)
		}
		if r.stdout != "" {
			t.Errorf("%q: stdout %q", tc.args, r.stdout)
		}
	}
}

// TestParseFlags checks that flags may follow positional arguments, up to "--".
func TestParseFlags(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		positional []string
		quiet      bool
	}{
		{[]string{"a", "-q", "b"}, []string{"a", "b"}, true},
		{[]string{"-q", "-"}, []string{"-"}, true},
		{[]string{"a", "--", "-q"}, []string{"a", "-q"}, false},
		{[]string{"--", "--"}, []string{"--"}, false},
		{nil, nil, false},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		quiet := fs.Bool("q", false, "")
		got, err := parseFlags(fs, tc.args)
		if err != nil || !slices.Equal(got, tc.positional) || *quiet != tc.quiet {
			t.Errorf("%q: %q, -q %v, %v; want %q, -q %v", tc.args, got, *quiet, err, tc.positional, tc.quiet)
		}
	}
}

// TestAWSFlags checks that --region and --endpoint-url, before or after the command, override
// the configuration, and that a missing region is a clear error.
func TestAWSFlags(t *testing.T) {
	srv, cfg := emulator(t)
	createTestStream(t, cfg, "flags", 1)
	wrong := *cfg
	wrong.BaseEndpoint = nil
	wrong.Region = ""
	r := kvsRun(t, invocation{cfg: &wrong}, "streams")
	r.mustFail(t, 1, "no AWS region: give --region")
	for _, args := range [][]string{
		{"--endpoint-url", srv.URL, "--region", srv.Region, "streams"},
		{"streams", "--endpoint-url", srv.URL, "--region", srv.Region},
		{"--region", srv.Region, "streams", "--endpoint-url", srv.URL},
	} {
		r := kvsRun(t, invocation{cfg: &wrong}, args...).mustSucceed(t)
		if !strings.Contains(r.stdout, "flags ") {
			t.Errorf("%q: %s", args, r.stdout)
		}
	}
	// A region the emulator does not serve: the signature is refused, and the message says so.
	r = kvsRun(t, invocation{cfg: cfg}, "streams", "--region", "eu-west-1")
	r.mustFail(t, 1, "ListStreams: InvalidSignatureException")
}

// TestStandardChain runs commands with the standard AWS configuration chain: credentials from
// the environment, then region and credentials from a profile of the shared files.
func TestStandardChain(t *testing.T) {
	srv, cfg := emulator(t)
	createTestStream(t, cfg, "chain", 1)
	dir := t.TempDir()
	configFile := filepath.Join(dir, "config")
	credentialsFile := filepath.Join(dir, "credentials")
	if err := os.WriteFile(configFile, []byte("[profile local]\nregion = "+srv.Region+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(credentialsFile, []byte("[local]\naws_access_key_id = test\naws_secret_access_key = test\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"AWS_CONFIG_FILE": configFile, "AWS_SHARED_CREDENTIALS_FILE": credentialsFile, "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AWS_PROFILE": "",
		"AWS_ENDPOINT_URL": "",
	} {
		t.Setenv(k, v)
	}
	e := func() *env {
		return &env{stdin: strings.NewReader(""), stdout: &syncBuffer{}, stderr: &syncBuffer{}, loadConfig: loadDefaultConfig}
	}
	check := func(args ...string) {
		t.Helper()
		env := e()
		if code := run(t.Context(), args, env); code != 0 || !strings.Contains(env.stdout.(*syncBuffer).String(), "chain ") {
			t.Errorf("%q: status %d, stdout %q, stderr %q", args, code, env.stdout.(*syncBuffer).String(), env.stderr.(*syncBuffer).String())
		}
	}
	check("streams", "--endpoint-url", srv.URL, "--region", srv.Region) // environment credentials
	os.Unsetenv("AWS_ACCESS_KEY_ID")
	os.Unsetenv("AWS_SECRET_ACCESS_KEY")
	check("streams", "--endpoint-url", srv.URL, "--profile", "local") // the profile's region and keys
	env := e()
	if code := run(t.Context(), []string{"streams", "--endpoint-url", srv.URL, "--profile", "absent"}, env); code != 1 ||
		!strings.Contains(env.stderr.(*syncBuffer).String(), "loading the AWS configuration") {
		t.Errorf("absent profile: status %d, stderr %q", code, env.stderr.(*syncBuffer).String())
	}
}
