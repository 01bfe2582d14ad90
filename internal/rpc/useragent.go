package rpc

import (
	"runtime"
	"strings"
)

// SDKName and SDKVersion identify kvsgo in the User-Agent header.
const (
	SDKName    = "kvsgo"
	SDKVersion = "0.1.0"
)

// userAgent follows the AWS SDKs' format so that service-side tooling can parse it:
// "kvsgo/0.1.0 os/linux lang/go#1.26 md/GOARCH#amd64 api/kinesisvideo#0.1.0 app/myapp".
func userAgent(api, appID string) string {
	var b strings.Builder
	b.WriteString(SDKName + "/" + SDKVersion)
	b.WriteString(" os/" + runtime.GOOS)
	b.WriteString(" lang/go#" + strings.TrimPrefix(runtime.Version(), "go"))
	b.WriteString(" md/GOARCH#" + runtime.GOARCH)
	if api != "" {
		b.WriteString(" api/" + api + "#" + SDKVersion)
	}
	if appID != "" {
		b.WriteString(" app/" + sanitizeUA(appID))
	}
	return b.String()
}

// sanitizeUA replaces the characters a User-Agent token may not hold.
func sanitizeUA(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		case strings.ContainsRune("!#$%&'*+-.^_`|~", r):
			return r
		}
		return '-'
	}, s)
}

// UserAgent returns the User-Agent value the Config sends.
func (c *Config) UserAgent() string { return c.userAgent }
