package group_test

import (
	"context"
	"errors"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/kvsgo/sdk/group"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/media"
)

// Run one worker of a group that reads every stream whose name starts with "camera-", with
// its leases and checkpoints in a file of this machine. Start the same program several times:
// the streams split between the processes, and move when one stops.
func ExampleWorker() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		log.Fatal(err)
	}
	control := kvs.NewFromConfig(cfg)
	store, err := group.OpenFileStore(filepath.Join(os.TempDir(), "camera-leases.db"))
	if err != nil {
		log.Fatal(err)
	}
	w, err := group.NewWorker(ctx, group.Config{
		Group: "thumbnails", Store: store, Control: control,
		Media:   media.New(media.Options{Options: control.Options(), Control: control}),
		Streams: group.Streams{Prefix: "camera-", Refresh: time.Minute},
		Start:   media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest},
	})
	if err != nil {
		log.Fatal(err)
	}
	for {
		d, err := w.Next(ctx)
		if err != nil {
			break // interrupted
		}
		log.Printf("%s: fragment %s, %d frames", d.Stream, d.Fragment.FragmentNumber, len(d.Fragment.Frames))
		if err := d.Done(ctx); err != nil && !errors.Is(err, group.ErrLeaseLost) {
			log.Print(err)
		}
	}
	// Hand the streams over: checkpoint and release each lease, for the others to take at once.
	closeCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.Close(closeCtx); err != nil {
		log.Print(err)
	}
}

// Keep the leases of a group spread over many machines in DynamoDB, creating the table on the
// first run.
func ExampleDynamoDBStore() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		log.Fatal(err)
	}
	store, err := group.NewDynamoDBStore(dynamodb.NewFromConfig(cfg), "kvs-consumer-leases")
	if err != nil {
		log.Fatal(err)
	}
	if err := store.CreateTable(ctx); err != nil {
		log.Fatal(err)
	}
	_ = store // pass it as group.Config.Store
}

// Resume a single reader after the checkpoint a previous run saved, and save one after each
// fragment.
func ExampleResume() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		log.Fatal(err)
	}
	control := kvs.NewFromConfig(cfg)
	store, err := group.OpenFileStore(filepath.Join(os.TempDir(), "recorder.db"))
	if err != nil {
		log.Fatal(err)
	}
	c, err := group.Resume(ctx, media.New(media.Options{Options: control.Options(), Control: control}), store, "recorder",
		media.ConsumerConfig{StreamName: "camera-1", Start: media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	for f, err := range c.Fragments(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		// ... record f ...
		if err := store.SaveCheckpoint(ctx, "recorder", "camera-1", group.CheckpointAfter(f, "recorder-1")); err != nil {
			log.Fatal(err)
		}
	}
}
