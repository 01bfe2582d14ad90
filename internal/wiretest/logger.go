package wiretest

import (
	"fmt"
	"strings"
	"sync"

	"github.com/aws/smithy-go/logging"
)

// Logger is a logging.Logger for tests: it keeps every message, prefixed by its classification
// ("DEBUG …", "WARN …"). It is safe for concurrent use.
type Logger struct {
	mu   sync.Mutex
	msgs []string
}

// Logf records a message.
func (l *Logger) Logf(c logging.Classification, format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, string(c)+" "+fmt.Sprintf(format, args...))
}

// Text returns the messages so far, separated by sep.
func (l *Logger) Text(sep string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.msgs, sep)
}
