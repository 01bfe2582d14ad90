// Package kvs is the control-plane client of Amazon Kinesis Video Streams: streams, signaling
// channels, tags, retention, edge agent, storage, notification and image generation
// configurations, and the data endpoints the other kvsgo clients send media to.
//
// Create a client from an aws.Config, as with the AWS SDK for Go v2:
//
//	cfg, err := config.LoadDefaultConfig(ctx)
//	client := kvs.NewFromConfig(cfg)
//	out, err := client.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "camera-1", DataRetentionInHours: 24})
//
// or from [Options], e.g. against the kvslocal emulator:
//
//	client := kvs.New(kvs.Options{Region: "us-east-1", BaseEndpoint: "http://127.0.0.1:4567", Credentials: creds})
//
// # Requests
//
// Every operation takes a context, an input and optional functions that change the client's
// Options for that call only. Inputs are plain values: strings, int32, time.Time, typed string
// enums with a Values method, and nested structs; a pointer marks the few members whose zero
// value means something different from their absence (MaxResults, for example, where 0 is
// invalid). Inputs are checked against the service model before any network I/O, and every
// broken constraint is reported at once as a smithy.InvalidParamsError naming the field path and
// the rule.
//
// # Errors
//
// Every error is a *smithy.OperationError naming the operation. Service errors are found with
// errors.As: the modeled ones as their own types (*kvs.ResourceNotFoundException, …), the others
// as *smithy.GenericAPIError, any of them as smithy.APIError; the HTTP status and request ID come
// with *awshttp.ResponseError. Throttling ([ClientLimitExceededException] and
// ConnectionLimitExceededException, which the service returns with HTTP 400) and server errors
// are retried with exponential backoff and jitter; a canceled context stops at once, also
// during a backoff.
//
// # Helpers
//
// [NewListStreamsPaginator] and its siblings walk list operations page by page or item by item
// ([Paginator.Items] returns an iter.Seq2). [NewStreamActiveWaiter] and its siblings poll until a
// stream or channel reaches a state. DataEndpoint and SignalingChannelEndpoints cache the
// endpoint lookups that every media, archived-media and signaling request needs.
package kvs
