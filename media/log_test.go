package media_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/logging"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// logHas checks that the log holds each of want.
func logHas(t *testing.T, log *wiretest.Logger, want ...string) {
	t.Helper()
	text := log.Text("\n")
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("log lacks %q:\n%s", w, text)
		}
	}
}

func withLogger(client *media.Client, l logging.Logger, mode aws.ClientLogMode) *media.Client {
	o := client.Options()
	o.Logger, o.ClientLogMode = l, mode
	return media.New(o)
}

// TestProducerAndConsumerLogConnections checks that the Producer and the Consumer report their
// connections and reconnections at Debug (with LogRetries) and refusals as warnings.
func TestProducerAndConsumerLogConnections(t *testing.T) {
	frames, _ := loadSamples(t, 3)
	srv, client, name := emulator(t, 24, fastLimits)
	log := &wiretest.Logger{}
	client = withLogger(client, log, aws.LogRetries)

	srv.FailNext("PutMedia", 1, kvstest.Error{Status: http.StatusInternalServerError, Code: "InternalFailure", Message: "boom"})
	produce(t, client, fastProducer(media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: time.Now().Add(-time.Minute)}), frames)
	logHas(t, log, "DEBUG media producer "+name+": reconnecting", "DEBUG media producer "+name+": connected")

	srv.FailNext("GetMedia", 1, kvstest.Error{Status: http.StatusBadRequest, Code: "InvalidEndpointException", Message: "moved"})
	consumeAll(t, client, name)
	logHas(t, log, "DEBUG media consumer "+name+": GetMedia call 1 failed, retrying", "DEBUG media consumer "+name+": GetMedia call 2 reading from EARLIEST")

	if c, err := media.NewConsumer(context.Background(), client, media.ConsumerConfig{StreamName: "no-such-stream"}); err == nil {
		c.Close()
		t.Fatal("no error for a missing stream")
	}
	logHas(t, log, "WARN media consumer no-such-stream: GetMedia refused the stream")
}
