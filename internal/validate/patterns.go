package validate

import (
	"fmt"
	"regexp"
	"sync"
)

// patterns maps the pattern names used in `validate` tags to the regular expressions of the
// service models, verbatim. A value must match the whole expression. ARN patterns are
// deliberately absent: the models' ARN expressions reject partitions that the services use.
var patterns = map[string]string{
	"name":               `[a-zA-Z0-9_.-]+`,
	"version":            `[a-zA-Z0-9]+`,
	"mediaType":          `[\w\-\.\+]+/[\w\-\.\+]+(,[\w\-\.\+]+/[\w\-\.\+]+)*`,
	"kmsKeyId":           `.+`,
	"nextToken":          `[a-zA-Z0-9+/=]*`,
	"messagePayload":     `[a-zA-Z0-9+/=]+`,
	"tagKey":             `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`,
	"tagValue":           `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`,
	"destinationUri":     `^[a-zA-Z_0-9]+:(//)?([^/]+)/?([^*]*)$`,
	"destinationRegion":  `^[a-z]+(-[a-z]+)?-[a-z]+-[0-9]$`,
	"scheduleExpression": `[^\n]{11,100}`,
	"formatConfigValue":  `^[a-zA-Z_0-9]+`,
	"fragmentNumber":     `^[0-9]+$`,
	"continuationToken":  `^[a-zA-Z0-9_\.\-]+$`,
	// The archived-media model's NextToken: base64 with its padding.
	"base64Token": `[a-zA-Z0-9+/]+={0,2}`,
}

var (
	compiled     sync.Map // name → *pattern
	compileMutex sync.Mutex
)

// lookupPattern returns the compiled, anchored form of a named pattern.
func lookupPattern(name string) (*pattern, error) {
	if p, ok := compiled.Load(name); ok {
		return p.(*pattern), nil
	}
	compileMutex.Lock()
	defer compileMutex.Unlock()
	expr, ok := patterns[name]
	if !ok {
		return nil, fmt.Errorf("unknown pattern %q", name)
	}
	re, err := regexp.Compile(`^(?:` + expr + `)$`)
	if err != nil {
		return nil, fmt.Errorf("pattern %q: %w", name, err)
	}
	p := &pattern{name: name, expr: expr, re: re}
	compiled.Store(name, p)
	return p, nil
}

// Pattern returns the model's regular expression behind a pattern name.
func Pattern(name string) (expr string, ok bool) {
	expr, ok = patterns[name]
	return expr, ok
}
