// Command kvslocal serves the kvstest emulator of Amazon Kinesis Video Streams, so that any
// client (the AWS CLI, boto3, the AWS SDKs, GStreamer's kvssink) can be pointed at it:
//
//	go run ./cmd/kvslocal
//	AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \
//		aws kinesisvideo list-streams --endpoint-url http://127.0.0.1:4567
//
// It listens on 127.0.0.1:4567 (-addr; a port of 0 picks a free one) for the control plane and
// on free ports of 127.0.0.1 for the data and signaling endpoints, which GetDataEndpoint and
// GetSignalingChannelEndpoint return. Requests must be signed with the access key and secret
// key it prints (-access-key, -secret-key) for its region (-region). It logs every request on
// standard error (-quiet turns that off) and stops on SIGINT or SIGTERM. Media moves as fast as
// the machine allows unless -service-rates paces it at the service's throughput limits. A web
// console at the control-plane address (the "console" URL it prints, signed in with its
// credentials) shows the streams and channels; -console=false turns it off.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/kvstest/console"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, stop))
}

// run serves until stop receives, and returns the exit status.
func run(args []string, stdout, stderr io.Writer, stop <-chan os.Signal) int {
	flags := flag.NewFlagSet("kvslocal", flag.ContinueOnError)
	flags.SetOutput(stderr)
	addr := flags.String("addr", "127.0.0.1:4567", "address of the control-plane endpoint")
	region := flags.String("region", kvstest.DefaultRegion, "region the emulator answers for")
	accessKey := flags.String("access-key", kvstest.DefaultAccessKey, "access key ID requests must be signed with")
	secretKey := flags.String("secret-key", kvstest.DefaultSecretKey, "secret access key requests must be signed with")
	account := flags.String("account-id", kvstest.DefaultAccountID, "12-digit account ID of the ARNs")
	anyKey := flags.Bool("any-access-key", false, "accept any access key ID (signatures are still checked with -secret-key)")
	var delays kvstest.Delays
	flags.DurationVar(&delays.StreamCreate, "create-delay", 0, "how long new streams and channels stay CREATING")
	flags.DurationVar(&delays.StreamUpdate, "update-delay", 0, "how long updated streams and channels stay UPDATING")
	flags.DurationVar(&delays.StreamDelete, "delete-delay", 0, "how long deleted streams and channels stay DELETING")
	serviceRates := flags.Bool("service-rates", false, "pace media like the service: PutMedia read at 12.5 MB/s and 5 fragments/s per stream, GetMedia sent at 25 MB/s (default: as fast as the machine goes)")
	quiet := flags.Bool("quiet", false, "do not log requests")
	withConsole := flags.Bool("console", true, "serve the web console at / of the control-plane endpoint")
	dataDir := flags.String("data", "", "keep streams, channels and media in this directory, across restarts and crashes (default: in memory)")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "kvslocal: unexpected arguments %q\n", flags.Args())
		return 2
	}
	delays.ChannelCreate, delays.ChannelUpdate, delays.ChannelDelete = delays.StreamCreate, delays.StreamUpdate, delays.StreamDelete

	opts := []kvstest.Option{
		kvstest.WithAddr(*addr),
		kvstest.WithRegion(*region),
		kvstest.WithAccountID(*account),
		kvstest.WithCredentials(*accessKey, *secretKey),
		kvstest.WithDelays(delays),
	}
	if *anyKey {
		opts = append(opts, kvstest.WithAnyCredentials())
	}
	storage := "in memory (-data DIR keeps it on disk)"
	if *dataDir != "" {
		opts = append(opts, kvstest.WithDataDir(*dataDir))
		storage = *dataDir
	}
	if *withConsole {
		opts = append(opts, kvstest.WithConsole(console.Handler(console.Options{Region: *region})))
	}
	rates := "unpaced (-service-rates paces them like the service)"
	if *serviceRates {
		opts = append(opts, kvstest.WithMediaLimits(kvstest.MediaLimits{}.ServiceMediaRates()))
		rates = fmt.Sprintf("as the service: PutMedia %.1f MB/s and %d fragments/s, GetMedia %.0f MB/s",
			kvstest.ServiceIngestRate/1e6, kvstest.ServiceFragmentRate, kvstest.ServiceGetMediaRate/1e6)
	}
	if !*quiet {
		logger := log.New(stderr, "", log.LstdFlags)
		opts = append(opts, kvstest.WithLogf(logger.Printf))
	}
	s, err := kvstest.Start(opts...)
	if err != nil {
		fmt.Fprintf(stderr, "kvslocal: %v\n", err)
		return 1
	}
	defer s.Close()

	fmt.Fprintf(stdout, "kvslocal: Kinesis Video Streams emulator\n")
	fmt.Fprintf(stdout, "  endpoint     %s\n", s.URL)
	fmt.Fprintf(stdout, "  data         %s\n", s.DataURL)
	fmt.Fprintf(stdout, "  signaling    %s (HTTPS API), %s (WebSocket)\n", s.SignalingURL, s.SignalingWebSocketURL)
	fmt.Fprintf(stdout, "  region       %s\n", s.Region)
	fmt.Fprintf(stdout, "  account      %s\n", s.AccountID)
	fmt.Fprintf(stdout, "  access key   %s\n", *accessKey)
	fmt.Fprintf(stdout, "  secret key   %s\n", *secretKey)
	fmt.Fprintf(stdout, "  media rates  %s\n", rates)
	fmt.Fprintf(stdout, "  storage      %s\n", storage)
	if *withConsole {
		fmt.Fprintf(stdout, "  console      %s\n", console.URL(s.URL, s.Credentials()))
	}
	fmt.Fprintf(stdout, "try:\n  AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_DEFAULT_REGION=%s aws kinesisvideo list-streams --endpoint-url %s\n",
		*accessKey, *secretKey, s.Region, s.URL)
	if f, ok := stdout.(interface{ Sync() error }); ok {
		_ = f.Sync()
	}

	<-stop
	fmt.Fprintln(stdout, "kvslocal: stopping")
	return 0
}
