// Command kvslocal serves the kvstest emulator of Amazon Kinesis Video Streams, so that any
// client (the AWS CLI, boto3, the AWS SDKs, the C producer, the WebRTC JS SDK, GStreamer's
// kvssink) can be pointed at it:
//
//	go run ./cmd/kvslocal
//	AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \
//		aws kinesisvideo list-streams --endpoint-url http://127.0.0.1:4567
//
// It listens on 127.0.0.1:4567 (-addr; a port of 0 picks a free one) for the control plane and
// on free ports of 127.0.0.1 for the media and archived-media data endpoints (the service gives
// the two families different hosts) and the signaling API and signaling WebSocket endpoints,
// which GetDataEndpoint and GetSignalingChannelEndpoint return; -data-addr, -archived-addr,
// -signaling-addr and -signaling-ws-addr fix them, and -one-port serves all five at -addr,
// routed by path. -edge-sync-delay and -edge-delete-delay keep edge configurations SYNCING
// and DELETING for a while, as the service does. -host
// names the host those URLs give, when clients reach kvslocal by another name (a container's).
//
// With -tls every endpoint is served over TLS (https:// and wss://, which the WebRTC JS SDK and
// the C producer insist on) with a certificate made at start-up, issued by a certificate
// authority made with it, whose certificate is written to -tls-ca-file (printed as "ca file"):
// point AWS_CA_BUNDLE, NODE_EXTRA_CA_CERTS, AWS_KVS_CACERT_PATH or curl --cacert at it.
// -tls-cert and -tls-key serve a certificate of your own instead.
//
// Requests must be signed with the access key and secret key it prints (-access-key,
// -secret-key; -session-token expects temporary credentials) for its region (-region). It logs
// every request on standard error (-quiet turns that off) and stops on SIGINT or SIGTERM. Media
// moves as fast as the machine allows unless -service-rates paces it at the service's
// throughput limits. A web console at the control-plane address (the "console" URL it prints,
// signed in with its credentials) shows the streams and channels; -console=false turns it off.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
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
	var addrs kvstest.Addrs
	flags.StringVar(&addrs.Control, "addr", "127.0.0.1:4567", "address of the control-plane endpoint (and of every endpoint with -one-port)")
	flags.StringVar(&addrs.Data, "data-addr", "", "address of the media data endpoint (default a free port of 127.0.0.1)")
	flags.StringVar(&addrs.Archived, "archived-addr", "", "address of the archived-media data endpoint (default a free port of 127.0.0.1)")
	flags.StringVar(&addrs.Signaling, "signaling-addr", "", "address of the HTTPS signaling endpoint (default a free port of 127.0.0.1)")
	flags.StringVar(&addrs.SignalingWebSocket, "signaling-ws-addr", "", "address of the WebSocket signaling endpoint (default a free port of 127.0.0.1)")
	onePort := flags.Bool("one-port", false, "serve every endpoint at -addr, routed by path")
	host := flags.String("host", "", "host name or IP address the endpoint URLs name, when clients reach kvslocal by another name than its listen address (default that address; 127.0.0.1 for 0.0.0.0)")
	var tlsf tlsFlags
	flags.BoolVar(&tlsf.generate, "tls", false, "serve https:// and wss:// with a certificate made at start-up; its authority goes to -tls-ca-file")
	flags.StringVar(&tlsf.caFile, "tls-ca-file", filepath.Join(os.TempDir(), "kvslocal-ca.pem"), "with -tls, where to write the certificate authority clients must trust (PEM)")
	flags.StringVar(&tlsf.hosts, "tls-hosts", "", "with -tls, comma-separated host names or IP addresses the certificate names besides 127.0.0.1, ::1, localhost and the listen hosts")
	flags.StringVar(&tlsf.certFile, "tls-cert", "", "serve TLS with this certificate chain (PEM; with -tls-key)")
	flags.StringVar(&tlsf.keyFile, "tls-key", "", "the private key of -tls-cert (PEM)")
	region := flags.String("region", kvstest.DefaultRegion, "region the emulator answers for")
	accessKey := flags.String("access-key", kvstest.DefaultAccessKey, "access key ID requests must be signed with")
	secretKey := flags.String("secret-key", kvstest.DefaultSecretKey, "secret access key requests must be signed with")
	account := flags.String("account-id", kvstest.DefaultAccountID, "12-digit account ID of the ARNs")
	sessionToken := flags.String("session-token", "", "expect temporary credentials: requests must carry this session token")
	anyKey := flags.Bool("any-access-key", false, "accept any access key ID (signatures are still checked with -secret-key)")
	var delays kvstest.Delays
	flags.DurationVar(&delays.StreamCreate, "create-delay", 0, "how long new streams and channels stay CREATING")
	flags.DurationVar(&delays.StreamUpdate, "update-delay", 0, "how long updated streams and channels stay UPDATING")
	flags.DurationVar(&delays.StreamDelete, "delete-delay", 0, "how long deleted streams and channels stay DELETING")
	flags.DurationVar(&delays.EdgeSync, "edge-sync-delay", 0, "how long an edge configuration stays SYNCING after StartEdgeConfigurationUpdate")
	flags.DurationVar(&delays.EdgeDelete, "edge-delete-delay", 0, "how long a deleted edge configuration stays DELETING")
	serviceRates := flags.Bool("service-rates", false, "pace media like the service: PutMedia read at 12.5 MB/s and 5 fragments/s per stream, GetMedia sent at 25 MB/s (default: as fast as the machine goes)")
	imageDir := flags.String("image-dir", "", "directory the images of fragments marked for image generation are written to (<dir>/<bucket>/<key>)")
	notificationLog := flags.String("notification-log", "", "file the notifications of fragments marked for notification are appended to, one JSON object a line")
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

	tlsOpt, caFile, err := tlsf.option(*host, addrs.Control, addrs.Data, addrs.Archived, addrs.Signaling, addrs.SignalingWebSocket)
	if err != nil {
		fmt.Fprintf(stderr, "kvslocal: %v\n", err)
		return 1
	}
	opts := []kvstest.Option{
		kvstest.WithAddrs(addrs),
		kvstest.WithRegion(*region),
		kvstest.WithAccountID(*account),
		kvstest.WithCredentials(*accessKey, *secretKey),
		kvstest.WithDelays(delays),
	}
	if *sessionToken != "" {
		opts = append(opts, kvstest.WithSessionToken(*sessionToken))
	}
	if *onePort {
		opts = append(opts, kvstest.WithOnePort())
	}
	if *host != "" {
		opts = append(opts, kvstest.WithHost(*host))
	}
	if tlsOpt != nil {
		opts = append(opts, tlsOpt)
	}
	if *anyKey {
		opts = append(opts, kvstest.WithAnyCredentials())
	}
	if *imageDir != "" {
		opts = append(opts, kvstest.WithImageDir(*imageDir))
	}
	if *notificationLog != "" {
		f, err := os.OpenFile(*notificationLog, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			fmt.Fprintf(stderr, "kvslocal: %v\n", err)
			return 1
		}
		defer f.Close()
		opts = append(opts, kvstest.WithNotificationLog(f))
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
	fmt.Fprintf(stdout, "  archived     %s\n", s.ArchivedURL)
	fmt.Fprintf(stdout, "  signaling    %s (HTTPS API), %s (WebSocket)\n", s.SignalingURL, s.SignalingWebSocketURL)
	fmt.Fprintf(stdout, "  region       %s\n", s.Region)
	fmt.Fprintf(stdout, "  account      %s\n", s.AccountID)
	fmt.Fprintf(stdout, "  access key   %s\n", *accessKey)
	fmt.Fprintf(stdout, "  secret key   %s\n", *secretKey)
	if *sessionToken != "" {
		fmt.Fprintf(stdout, "  session token  %s\n", *sessionToken)
	}
	fmt.Fprintf(stdout, "  media rates  %s\n", rates)
	fmt.Fprintf(stdout, "  storage      %s\n", storage)
	if *withConsole {
		fmt.Fprintf(stdout, "  console      %s\n", console.URL(s.URL, s.Credentials()))
	}
	env := ""
	if caFile != "" {
		fmt.Fprintf(stdout, "  ca file      %s\n", caFile)
		env = "AWS_CA_BUNDLE=" + caFile + " "
	}
	env += fmt.Sprintf("AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s ", *accessKey, *secretKey)
	if *sessionToken != "" {
		env += "AWS_SESSION_TOKEN=" + *sessionToken + " "
	}
	fmt.Fprintf(stdout, "try:\n  %sAWS_DEFAULT_REGION=%s aws kinesisvideo list-streams --endpoint-url %s\n", env, s.Region, s.URL)
	if f, ok := stdout.(interface{ Sync() error }); ok {
		_ = f.Sync()
	}

	<-stop
	fmt.Fprintln(stdout, "kvslocal: stopping")
	return 0
}
