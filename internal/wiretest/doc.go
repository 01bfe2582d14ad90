// Package wiretest holds the helpers the SDK's tests share, with no dependency beyond the SDK's
// own build modules: a capturing HTTP server ([Server]), the service models' conformance check
// ([Conformance]), the shared reference material ([SharedFile], [ReadShared], [Skip]), a
// logging.Logger that keeps messages ([Logger]), fixed [Credentials] and [SampleTime], a value
// comparison ([Diff]) and a goroutine leak check ([VerifyNoLeaks], [LeakCheck]).
//
// The helpers that need the official AWS SDK clients or go-cmp (the differential tests) are in
// the interop module's package differential (github.com/kvsgo/sdk/interop/differential): any
// module a package of this module's tests imports becomes a requirement of the SDK's go.mod,
// and so part of every user's module graph (internal/treecheck checks that none does). For the
// same reason [Diff] stands in for go-cmp and [VerifyNoLeaks] for go.uber.org/goleak: each is
// small, documented, tested here, and the leak check is compared with goleak itself in the
// interop module (interop/leaks).
package wiretest
