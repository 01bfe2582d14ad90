// Command kvs is a command-line tool for Amazon Kinesis Video Streams built on the kvsgo SDK. It
// gives shell users what the AWS CLI lacks: a producer (PutMedia) and a resuming consumer
// (GetMedia), plus a decoder of the service's MKV streams, the everyday stream commands and the
// archived-media ones, which take times as RFC 3339 or relative to now (-10m).
//
//	kvs put --stream NAME [--create] [FILE|-]   upload MKV or raw H.264/H.265 (PutMedia)
//	kvs get --stream NAME [--start …] [-o FILE] download as MKV (GetMedia, resuming)
//	kvs dump [FILE|-]                          one JSON line per fragment of an MKV stream
//	kvs streams | create-stream | delete-stream
//	kvs fragments --stream NAME [--from T]      list the stored fragments (ListFragments)
//	kvs clip --stream NAME --from T -o FILE     download an MP4 clip (GetClip)
//	kvs export --stream NAME --from T -o FILE   download a range of any length (MKV or MP4)
//	kvs hls-url | dash-url --stream NAME        print a playback session URL (HLS or DASH)
//	kvs images --stream NAME --from T -o DIR    save JPEG or PNG images (GetImages)
//
// For example, a live test pattern from ffmpeg into a new stream, then back and decoded:
//
//	ffmpeg -re -f lavfi -i testsrc2=size=640x480:rate=30 -c:v libx264 -pix_fmt yuv420p -g 60 -bf 0 -f matroska - |
//		kvs put --stream camera-1 --create
//	kvs get --stream camera-1 --start earliest | kvs dump
//
// Credentials and region come from the standard AWS chain (environment variables, the shared
// config and credentials files with --profile or AWS_PROFILE, SSO, web identity, ECS/EC2 roles).
// --region overrides the region and --endpoint-url the control-plane endpoint, so that kvs works
// against the kvslocal emulator:
//
//	go run ./cmd/kvslocal &
//	export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
//	kvs streams --endpoint-url http://127.0.0.1:4567 --region us-east-1
//
// Every command takes --help. Results go to standard output, progress and diagnostics to
// standard error (-q silences progress). The exit status is 0 on success, 1 on failure (with a
// message naming what went wrong), 2 for a usage error, and 130 when kvs put is interrupted
// before the end of its input.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/media"
)

// command is one subcommand. Adding one takes a file that declares its *command and a line in
// commands; a new heading of the overall help is a group constant and its place in groups.
type command struct {
	name    string
	group   string // the heading it is listed under in the overall help
	usage   string // the usage line, after "usage: "
	summary string // one line for the list of commands
	doc     string // what it does, one paragraph
	example string // one or more example lines
	// aws says whether the command talks to the service, and so takes the AWS flags.
	aws bool
	// setup declares the command's flags on fs and returns the function that runs it with the
	// arguments left after the flags.
	setup func(fs *flag.FlagSet) runFunc
}

// runFunc runs a command. An error of type *usageError exits with status 2 and the usage,
// *exitError with its status, any other with status 1.
type runFunc func(ctx context.Context, e *env, args []string) error

// Command groups, in the order the overall help lists them.
const (
	groupStreams  = "Streams"
	groupMedia    = "Media"
	groupArchived = "Archived media"
)

// commands is the command table, in the order the overall help lists them within each group.
var commands = []*command{
	streamsCommand,
	createStreamCommand,
	deleteStreamCommand,
	putCommand,
	getCommand,
	dumpCommand,
	fragmentsCommand,
	clipCommand,
	exportCommand,
	hlsURLCommand,
	dashURLCommand,
	imagesCommand,
}

// groups are the headings of the overall help, in order.
var groups = []string{groupStreams, groupMedia, groupArchived}

// awsFlags are the flags that say where and as whom to call the service.
type awsFlags struct {
	endpointURL string
	region      string
	profile     string
}

func (a *awsFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&a.endpointURL, "endpoint-url", a.endpointURL, "send requests to the control-plane endpoint `URL`, e.g. http://127.0.0.1:4567 for kvslocal")
	fs.StringVar(&a.region, "region", a.region, "AWS `REGION` (default: from AWS_REGION or the profile)")
	fs.StringVar(&a.profile, "profile", a.profile, "use the shared config profile `NAME` (default: AWS_PROFILE, or default)")
}

// env is what a command runs with: its standard streams and its AWS configuration.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// stderrTTY says that standard error is a terminal, where progress rewrites one line.
	stderrTTY bool
	// stdoutTTY says that standard output is a terminal, where binary media must not go.
	stdoutTTY bool
	aws       awsFlags
	// loadConfig loads the AWS configuration for a region and profile (either may be empty):
	// the standard chain in the program, an emulator's in tests.
	loadConfig func(ctx context.Context, region, profile string) (aws.Config, error)
}

// loadDefaultConfig loads the configuration from the standard AWS chain.
func loadDefaultConfig(ctx context.Context, region, profile string) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	if profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(profile))
	}
	return config.LoadDefaultConfig(ctx, opts...)
}

// awsConfig loads the AWS configuration and applies --region and --endpoint-url.
func (e *env) awsConfig(ctx context.Context) (aws.Config, error) {
	if e.aws.endpointURL != "" {
		if err := checkEndpointURL("endpoint-url", e.aws.endpointURL); err != nil {
			return aws.Config{}, err
		}
	}
	cfg, err := e.loadConfig(ctx, e.aws.region, e.aws.profile)
	if err != nil {
		return aws.Config{}, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	if e.aws.region != "" {
		cfg.Region = e.aws.region
	}
	if e.aws.endpointURL != "" {
		cfg.BaseEndpoint = aws.String(e.aws.endpointURL)
	}
	if cfg.Region == "" {
		return aws.Config{}, errors.New("no AWS region: give --region, set AWS_REGION, or set the profile's region")
	}
	return cfg, nil
}

// control returns the control-plane client, which the data-plane clients built on it share to
// look up and cache the streams' data endpoints.
func (e *env) control(ctx context.Context) (*kvs.Client, error) {
	cfg, err := e.awsConfig(ctx)
	if err != nil {
		return nil, err
	}
	return kvs.NewFromConfig(cfg, func(o *kvs.Options) { o.AppID = "kvs-cli" }), nil
}

// clients returns a control-plane client and a media client sharing its endpoint cache.
func (e *env) clients(ctx context.Context) (*kvs.Client, *media.Client, error) {
	control, err := e.control(ctx)
	if err != nil {
		return nil, nil, err
	}
	return control, media.New(media.Options{Options: control.Options(), Control: control}), nil
}

// archivedClients returns a control-plane client and an archived-media client sharing its
// endpoint cache.
func (e *env) archivedClients(ctx context.Context) (*kvs.Client, *archived.Client, error) {
	control, err := e.control(ctx)
	if err != nil {
		return nil, nil, err
	}
	return control, archived.New(archived.Options{Options: control.Options(), Control: control}), nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second interrupt kills the program
	}()
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, stderrTTY: isTerminal(os.Stderr), stdoutTTY: isTerminal(os.Stdout),
		loadConfig: loadDefaultConfig}
	code := run(ctx, os.Args[1:], e)
	stop()
	os.Exit(code)
}

// isTerminal reports whether f is a character device, such as a terminal.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// run runs the command args name and returns the exit status.
func run(ctx context.Context, args []string, e *env) int {
	global := flag.NewFlagSet("kvs", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	e.aws.register(global)
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printOverview(e.stdout)
			return 0
		}
		fmt.Fprintf(e.stderr, "kvs: %v\n", err)
		printOverview(e.stderr)
		return 2
	}
	rest := global.Args()
	if len(rest) == 0 {
		printOverview(e.stderr)
		return 2
	}
	name, rest := rest[0], rest[1:]
	if name == "help" {
		return runHelp(e, rest)
	}
	cmd := lookup(name)
	if cmd == nil {
		fmt.Fprintf(e.stderr, "kvs: unknown command %q\n", name)
		printOverview(e.stderr)
		return 2
	}
	fs := flag.NewFlagSet("kvs "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if cmd.aws {
		e.aws.register(fs)
	}
	runCmd := cmd.setup(fs)
	positional, err := parseFlags(fs, rest)
	switch {
	case errors.Is(err, flag.ErrHelp):
		printHelp(e.stdout, cmd, fs)
		return 0
	case err != nil:
		err = &usageError{err.Error()}
	default:
		err = runCmd(ctx, e, positional)
	}
	return exitStatus(e.stderr, cmd, fs, err)
}

// runHelp serves "kvs help [COMMAND]".
func runHelp(e *env, args []string) int {
	if len(args) == 0 {
		printOverview(e.stdout)
		return 0
	}
	cmd := lookup(args[0])
	if cmd == nil {
		fmt.Fprintf(e.stderr, "kvs help: unknown command %q\n", args[0])
		printOverview(e.stderr)
		return 2
	}
	fs := flag.NewFlagSet("kvs "+cmd.name, flag.ContinueOnError)
	if cmd.aws {
		(&awsFlags{}).register(fs)
	}
	cmd.setup(fs)
	printHelp(e.stdout, cmd, fs)
	return 0
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// parseFlags parses flags placed anywhere among the positional arguments (as in
// "kvs dump file.mkv -q"), up to a "--", and returns the positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if consumed := args[:len(args)-len(rest)]; len(consumed) > 0 && consumed[len(consumed)-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// exitStatus reports err, if any, and returns the exit status it calls for.
func exitStatus(stderr io.Writer, cmd *command, fs *flag.FlagSet, err error) int {
	var usage *usageError
	var exit *exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "kvs %s: %s\n", cmd.name, usage.msg)
		printUsage(stderr, cmd, fs)
		return 2
	case errors.As(err, &exit):
		if exit.err != nil {
			fmt.Fprintf(stderr, "kvs %s: %s\n", cmd.name, strings.TrimSpace(describeError(exit.err)))
		}
		return exit.code
	}
	fmt.Fprintf(stderr, "kvs %s: %s\n", cmd.name, strings.TrimSpace(describeError(err)))
	return 1
}
