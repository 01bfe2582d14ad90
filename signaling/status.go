// Correlation IDs and status responses: the service answers a message sent with a correlation ID
// only when it fails, with a STATUS_RESPONSE carrying that ID.

package signaling

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/aws/smithy-go"
)

// StatusError is the failure a STATUS_RESPONSE reports for a message sent by SendAndWait. It
// implements smithy.APIError: ErrorCode is the error type, ErrorMessage the description.
type StatusError struct {
	StatusResponse
}

// Error describes the failure.
func (e *StatusError) Error() string {
	msg := fmt.Sprintf("signaling: message %s failed: %s", e.CorrelationID, e.ErrorCode())
	if e.StatusCode != "" {
		msg += " (status " + e.StatusCode + ")"
	}
	if e.Description != "" {
		msg += ": " + e.Description
	}
	return msg
}

// ErrorCode returns the error type the service reported, or "StatusResponse" when it gave none.
func (e *StatusError) ErrorCode() string {
	if e.ErrorType == "" {
		return "StatusResponse"
	}
	return e.ErrorType
}

// ErrorMessage returns the description the service gave.
func (e *StatusError) ErrorMessage() string { return e.Description }

// ErrorFault reports a server fault for 5xx status codes and a client fault otherwise.
func (e *StatusError) ErrorFault() smithy.ErrorFault {
	if len(e.StatusCode) == 3 && e.StatusCode[0] == '5' {
		return smithy.FaultServer
	}
	return smithy.FaultClient
}

// NewCorrelationID returns a random correlation ID (24 hexadecimal digits).
func NewCorrelationID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// SendAndWait sends m and waits for the service to report a failure. Without a correlation ID, m
// gets one from NewCorrelationID. Once the message is written to the connection, SendAndWait
// waits up to wait for a STATUS_RESPONSE with that ID and returns it as a *StatusError, or nil
// when none comes (the service reports only failures). The STATUS_RESPONSE it consumes is not
// delivered by Receive. It returns early with the context's error, or with the Conn's error
// once the Conn is closed.
func (c *Conn) SendAndWait(ctx context.Context, m *OutgoingMessage, wait time.Duration) error {
	if m != nil && m.CorrelationID == "" {
		cp := *m
		cp.CorrelationID = NewCorrelationID()
		m = &cp
	}
	o, err := c.prepare(m)
	if err != nil {
		return err
	}
	o.written = make(chan struct{})
	status := make(chan StatusResponse, 1)
	c.mu.Lock()
	if _, dup := c.waiters[m.CorrelationID]; dup {
		c.mu.Unlock()
		return fmt.Errorf("signaling: a message with correlation ID %q is already waiting for its status", m.CorrelationID)
	}
	c.waiters[m.CorrelationID] = status
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.waiters, m.CorrelationID)
		c.mu.Unlock()
	}()

	if err := c.enqueue(ctx, o); err != nil {
		return err
	}
	select {
	case <-o.written:
	case <-ctx.Done():
		return ctx.Err()
	case <-c.done:
		return c.err
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case s := <-status:
		return &StatusError{s}
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-c.done:
		return c.err
	}
}

// claimStatus hands a status response to the SendAndWait call waiting for it, and reports
// whether there was one.
func (c *Conn) claimStatus(s StatusResponse) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch, ok := c.waiters[s.CorrelationID]
	if ok {
		delete(c.waiters, s.CorrelationID)
		ch <- s
	}
	return ok
}
