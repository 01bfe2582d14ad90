// Package group spreads the streams of a consumer group over many workers, processes and
// machines, and keeps each stream's checkpoint, so that a pipeline reading hundreds of streams
// (inference, recording, re-streaming) survives restarts and the loss of workers without a gap.
//
// A [Worker] joins a group named in [Config.Group]. The group's streams are a list, or every
// stream whose name has a prefix and that has some tags, listed again periodically
// ([Streams]). Each stream has a lease in a [LeaseStore]; the worker holding it reads the
// stream with a media.Consumer from the stream's checkpoint and hands its fragments out through
// [Worker.Next]. The caller processes each and calls [Delivery.Done]; the checkpoint moves past
// the fragments done in order, and is saved every [Config.CheckpointEvery] fragments or
// [Config.CheckpointInterval].
//
// # Delivery
//
// Every fragment is delivered at least once: a worker that dies leaves the fragments done since
// its last saved checkpoint to be delivered again to the stream's next owner, which resumes
// from that checkpoint (a continuation token), so nothing is skipped. A worker that stops with
// [Worker.Close], or hands a stream over to balance the group, first waits for the fragments it
// delivered, checkpoints, and then releases the lease: no fragment is delivered twice then.
//
// # Leases
//
// The protocol is the Kinesis Client Library's. A lease records its owner and a counter that
// every write increments; every write is conditional on the owner and counter last read, so
// only one of two workers racing for a lease gets it. An owner renews its leases every
// [Config.RenewInterval]; a lease whose counter has not moved for [Config.LeaseDuration], on the
// observer's own clock (no clock synchronisation is needed), has expired and may be taken. In
// each round a worker computes its share, the number of leases divided by the number of live
// workers, rounded up; below it, it takes expired leases, and when there are none it asks the
// most loaded worker for one (a pending owner on the lease), which that worker hands over after
// checkpointing. A dead worker's streams therefore move within the lease duration plus up to two
// renewal periods (its last renewal may precede its death by one, and the others notice the
// expiry at their next round).
//
// # Stores
//
// [FileStore] keeps the leases in a bbolt file, for the workers of one machine: no setup, safe
// for any number of processes. [DynamoDBStore] keeps them in a DynamoDB table for workers
// anywhere, with conditional updates; [DynamoDBStore.CreateTable] creates the table. Both also
// implement [Checkpointer], for a single reader that needs checkpoints but no leases
// ([Resume]).
package group
