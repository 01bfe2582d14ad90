package kvs_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/logging"

	"github.com/kvsgo/sdk/kvs"
)

// slogLogger adapts a *slog.Logger to logging.Logger, the interface of Options.Logger (and of
// aws.Config.Logger): Debug messages become slog.LevelDebug, Warn messages slog.LevelWarn.
type slogLogger struct{ *slog.Logger }

func (l slogLogger) Logf(c logging.Classification, format string, v ...any) {
	level := slog.LevelInfo
	switch c {
	case logging.Debug:
		level = slog.LevelDebug
	case logging.Warn:
		level = slog.LevelWarn
	}
	l.Log(context.Background(), level, fmt.Sprintf(format, v...))
}

// Plug log/slog into the SDK. ClientLogMode selects what is logged, as in aws-sdk-go-v2:
// aws.LogRequest and aws.LogResponse dump each HTTP exchange (WithBody variants add the bodies),
// aws.LogSigning the SigV4 canonical request, aws.LogRetries the retried attempts and the
// reconnections of media Producers and Consumers and signaling Conns. Their warnings (failed
// acknowledgements, dropped fragments or messages) are logged whatever the mode.
func Example_logging() {
	srv := exampleServer()
	defer srv.Close()

	handler := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			switch a.Key {
			case slog.TimeKey:
				return slog.Attr{} // keep the example's output stable
			case slog.MessageKey:
				// Keep the first two lines of each dump: what it is and its request or status line.
				lines := strings.SplitN(strings.ReplaceAll(a.Value.String(), "\r\n", "\n"), "\n", 3)
				return slog.String(a.Key, strings.Join(lines[:min(2, len(lines))], " | "))
			}
			return a
		},
	})
	client := kvs.New(kvs.Options{
		Region: "us-east-1", BaseEndpoint: srv.URL, Credentials: exampleCredentials(),
		Logger:        slogLogger{slog.New(handler)},
		ClientLogMode: aws.LogRequest | aws.LogResponse | aws.LogRetries,
	})
	// With an aws.Config: cfg.Logger = slogLogger{...}; cfg.ClientLogMode = ...; kvs.NewFromConfig(cfg).

	if _, err := client.DescribeStream(context.Background(), &kvs.DescribeStreamInput{StreamName: "camera-1"}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// level=DEBUG msg="Request | POST /describeStream HTTP/1.1"
	// level=DEBUG msg="Response | HTTP/1.1 200 OK"
}
