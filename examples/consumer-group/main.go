// Command consumer-group runs one worker of a consumer group that saves one image per
// fragment of every stream of a prefix. Start it in two terminals (or on two machines, with
// the DynamoDB store) and watch the streams split between the workers; stop one (Ctrl-C hands
// its streams over at once, kill -9 lets their leases expire) and the other takes them over
// from their checkpoints.
//
// Against the kvslocal emulator, with the embedded lease store of this machine:
//
//	go run ./cmd/kvslocal &
//	export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
//	go run ./examples/consumer-group -produce 6 &   # six demo cameras, fed live
//	go run ./examples/consumer-group -out /tmp/images   # terminal 1
//	go run ./examples/consumer-group -out /tmp/images   # terminal 2
//
// With DynamoDB (the table is made by -create-table), against your account:
//
//	go run ./examples/consumer-group -aws -prefix camera- -store dynamodb:kvs-leases -create-table
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/examples/internal/env"
	"github.com/kvsgo/sdk/group"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/media"
)

type options struct {
	aws              bool
	endpoint         string
	group, id        string
	prefix, store    string
	dynamoEndpoint   string
	createTable      bool
	out              string
	lease            time.Duration
	checkpointEvery  int
	start            string
	produce          int
	produceFragments int
	fragmentEvery    time.Duration
}

func main() {
	env.Main("consumer-group", func(ctx context.Context, out io.Writer) error {
		o, err := parseFlags(os.Args[1:], os.Stderr)
		if err != nil {
			return err
		}
		return run(ctx, out, o)
	})
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("consumer-group", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.aws, "aws", false, "use your AWS account (the default credential chain) instead of kvslocal")
	fs.StringVar(&o.endpoint, "endpoint-url", "http://127.0.0.1:4567", "the Kinesis Video Streams endpoint, kvslocal's by default (ignored with -aws)")
	fs.StringVar(&o.group, "group", "kvsgo-images", "the consumer group")
	fs.StringVar(&o.id, "id", "", "this worker's name (default: host-pid-random)")
	fs.StringVar(&o.prefix, "prefix", "kvsgo-camera-", "read every stream whose name starts with this")
	fs.StringVar(&o.store, "store", "file:"+filepath.Join(os.TempDir(), "kvsgo-consumer-group.db"), "the lease store: file:PATH (this machine) or dynamodb:TABLE")
	fs.StringVar(&o.dynamoEndpoint, "dynamodb-endpoint-url", "", "DynamoDB endpoint URL, for a local DynamoDB-compatible server")
	fs.BoolVar(&o.createTable, "create-table", false, "create the DynamoDB table if it does not exist")
	fs.StringVar(&o.out, "out", "", "save one JPEG per fragment in this directory (default: save nothing, print only)")
	fs.DurationVar(&o.lease, "lease", 10*time.Second, "the lease duration: a dead worker's streams move after it")
	fs.IntVar(&o.checkpointEvery, "checkpoint-every", 1, "save the checkpoint every this many fragments")
	fs.StringVar(&o.start, "start", "earliest", "where streams without a checkpoint start: earliest or now")
	fs.IntVar(&o.produce, "produce", 0, "instead of consuming, feed this many demo streams (PREFIX1, PREFIX2, …) live")
	fs.IntVar(&o.produceFragments, "produce-fragments", 0, "with -produce, stop after this many fragments per stream (0: run until interrupted)")
	fs.DurationVar(&o.fragmentEvery, "fragment-every", 2*time.Second, "with -produce, the wall-clock time between two fragments")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.start != "earliest" && o.start != "now" {
		return o, fmt.Errorf("-start %q: want earliest or now", o.start)
	}
	return o, nil
}

// awsConfig returns the configuration of the Kinesis Video Streams clients.
func awsConfig(ctx context.Context, o options) (aws.Config, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return aws.Config{}, err
	}
	if !o.aws {
		cfg.BaseEndpoint = aws.String(o.endpoint)
		if cfg.Region == "" {
			cfg.Region = "us-east-1"
		}
	}
	return cfg, nil
}

func run(ctx context.Context, out io.Writer, o options) error {
	cfg, err := awsConfig(ctx, o)
	if err != nil {
		return err
	}
	control := kvs.NewFromConfig(cfg)
	if o.produce > 0 {
		return produce(ctx, out, control, o)
	}
	store, err := openStore(ctx, o)
	if err != nil {
		return err
	}
	var printMu sync.Mutex
	printf := func(format string, args ...any) {
		printMu.Lock()
		defer printMu.Unlock()
		fmt.Fprintf(out, format, args...)
	}
	start := media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}
	if o.start == "now" {
		start.StartSelectorType = media.StartSelectorTypeNow
	}
	mediaClient := media.New(media.Options{Options: control.Options(), Control: control})
	w, err := group.NewWorker(ctx, group.Config{
		Group: o.group, WorkerID: o.id, Store: store, Media: mediaClient, Control: control,
		Streams: group.Streams{Prefix: o.prefix, Refresh: max(o.lease, time.Second)}, Start: start,
		LeaseDuration: o.lease, CheckpointEvery: o.checkpointEvery,
		OnEvent: func(e group.Event) { printf("%s\n", formatEvent(e)) },
	})
	if err != nil {
		return err
	}
	printf("worker=%s group=%s store=%s prefix=%s\n", w.ID(), o.group, o.store, o.prefix)
	images := archived.New(archived.Options{Options: control.Options(), Control: control})
	if o.out != "" {
		if err := os.MkdirAll(o.out, 0o755); err != nil {
			return err
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = consume(ctx, w, images, o, printf)
		}()
	}
	wg.Wait()
	closeCtx, cancel := context.WithTimeout(context.Background(), o.lease)
	defer cancel()
	cerr := w.Close(closeCtx)
	printf("worker=%s stopped\n", w.ID())
	err = errors.Join(errs...)
	if errors.Is(err, context.Canceled) {
		err = nil // interrupted: a normal end
	}
	return errors.Join(err, cerr)
}

// consume processes fragments until ctx ends. A fragment taken is finished even when ctx ends
// meanwhile (within processTimeout), so that an interrupted worker checkpoints it before it
// hands its streams over.
func consume(ctx context.Context, w *group.Worker, images *archived.Client, o options, printf func(string, ...any)) error {
	for {
		d, err := w.Next(ctx)
		if err != nil {
			return err
		}
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), processTimeout)
		f := d.Fragment
		saved := ""
		if o.out != "" && f.Err == nil {
			if saved, err = saveImage(pctx, images, d.Stream, f, o.out); err != nil {
				printf("worker=%s stream=%s fragment=%s image-error=%q\n", w.ID(), d.Stream, f.FragmentNumber, err)
			}
		}
		printf("processed worker=%s stream=%s fragment=%s frames=%d image=%s\n", w.ID(), d.Stream, f.FragmentNumber, len(f.Frames), saved)
		if err := d.Done(pctx); err != nil && !errors.Is(err, group.ErrLeaseLost) {
			printf("worker=%s stream=%s checkpoint-error=%q\n", w.ID(), d.Stream, err)
		}
		cancel()
	}
}

// processTimeout bounds the processing of one fragment.
const processTimeout = 30 * time.Second

// saveImage writes the image of the fragment's first frame (GetImages at its producer time).
func saveImage(ctx context.Context, client *archived.Client, stream string, f *media.Fragment, dir string) (string, error) {
	interval := int32(1000)
	for img, err := range client.Images(ctx, &archived.GetImagesInput{StreamName: stream, ImageSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
		StartTimestamp: f.ProducerTimestamp, EndTimestamp: f.ProducerTimestamp.Add(500 * time.Millisecond), SamplingInterval: &interval,
		Format: archived.ImageFormatJPEG}) {
		if err != nil {
			return "", err
		}
		if img.Err != "" {
			return "", fmt.Errorf("no image at %s: %s", img.Time.Format(time.RFC3339Nano), img.Err)
		}
		path := filepath.Join(dir, fmt.Sprintf("%s-%s.jpg", stream, f.FragmentNumber))
		return path, os.WriteFile(path, img.Data, 0o644)
	}
	return "", fmt.Errorf("no image at %s", f.ProducerTimestamp.Format(time.RFC3339Nano))
}

func formatEvent(e group.Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "event=%s worker=%s", e.Kind, e.Worker)
	if e.Stream != "" {
		fmt.Fprintf(&b, " stream=%s counter=%d", e.Stream, e.Counter)
	}
	if e.To != "" {
		fmt.Fprintf(&b, " to=%s", e.To)
	}
	if !e.Checkpoint.IsZero() {
		fmt.Fprintf(&b, " checkpoint=%s", e.Checkpoint.FragmentNumber)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, " err=%q", e.Err.Error())
	}
	return b.String()
}

// openStore opens the lease store -store names.
func openStore(ctx context.Context, o options) (group.LeaseStore, error) {
	kind, arg, ok := strings.Cut(o.store, ":")
	switch {
	case ok && kind == "file" && arg != "":
		return group.OpenFileStore(arg)
	case ok && kind == "dynamodb" && arg != "":
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			return nil, err
		}
		if cfg.Region == "" {
			cfg.Region = "us-east-1"
		}
		client := dynamodb.NewFromConfig(cfg, func(opt *dynamodb.Options) {
			if o.dynamoEndpoint != "" {
				opt.BaseEndpoint = aws.String(o.dynamoEndpoint)
			}
		})
		s, err := group.NewDynamoDBStore(client, arg)
		if err != nil {
			return nil, err
		}
		if o.createTable {
			if err := s.CreateTable(ctx); err != nil {
				return nil, err
			}
		}
		return s, nil
	}
	return nil, fmt.Errorf("-store %q: want file:PATH or dynamodb:TABLE", o.store)
}
