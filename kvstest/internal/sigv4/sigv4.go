// Package sigv4 verifies Signature Version 4 the way the service does: every request on every
// endpoint is authenticated by recomputing its signature with the configured key pair, from the
// Authorization header or the query of a presigned URL.
package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kvsgo/sdk/kvstest/internal/apierr"
)

// The payload hashes a producer signs a stream with, whose body is not read before it is verified.
const (
	UnsignedPayload  = "UNSIGNED-PAYLOAD"
	EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// The SigV4 constants the verifier needs.
const (
	sigV4Algorithm   = "AWS4-HMAC-SHA256"
	sigV4Terminator  = "aws4_request"
	sigV4TimeFormat  = "20060102T150405Z"
	sigV4DateFormat  = "20060102"
	signingService   = "kinesisvideo"
	maxClockSkew     = 5 * time.Minute
	maxPresignExpiry = 7 * 24 * 60 * 60 // seconds
)

// Verifier checks SigV4 signatures against one key pair.
type Verifier struct {
	AccessKey, SecretKey, SessionToken string
	AnyKey                             bool // accept any access key ID, still checking the signature with SecretKey
	Region                             string
	Now                                func() time.Time
}

// signature is what a request claims about its signing, from the Authorization header or from
// the query of a presigned URL.
type signature struct {
	presigned     bool
	accessKey     string
	scopeDate     string
	scopeRegion   string
	scopeService  string
	terminator    string
	signedHeaders []string
	signedList    string // SignedHeaders as sent
	value         string // the hex signature
	date          string // X-Amz-Date as sent
	expires       int64  // X-Amz-Expires of a presigned URL, in seconds
	token         string // X-Amz-Security-Token
}

// Verify checks the signature of r. payloadHashes are the payload hashes r may have been signed
// with: the SHA-256 of the body of a JSON request, or, for a streaming request whose body is not
// read first, the hashes a producer signs a stream with. It returns the access key ID that
// signed r.
func (v *Verifier) Verify(r *http.Request, payloadHashes []string) (string, *apierr.Error) {
	sig, e := parseSignature(r)
	if e != nil {
		return "", e
	}
	if e := v.checkScope(sig); e != nil {
		return "", e
	}
	if e := v.checkTime(sig); e != nil {
		return "", e
	}
	if e := v.checkCredentials(sig); e != nil {
		return "", e
	}
	key := signingKey(v.SecretKey, sig.scopeDate, sig.scopeRegion, sig.scopeService)
	var firstCanonical, firstToSign string
	for i, hash := range payloadHashes {
		canonical := canonicalRequest(r, sig, hash)
		toSign := stringToSign(sig, canonical)
		want := hex.EncodeToString(HMACSHA256(key, toSign))
		if subtle.ConstantTimeCompare([]byte(want), []byte(sig.value)) == 1 {
			return sig.accessKey, nil
		}
		if i == 0 {
			firstCanonical, firstToSign = canonical, toSign
		}
	}
	return "", apierr.New(http.StatusForbidden, "InvalidSignatureException",
		"The request signature we calculated does not match the signature you provided. Check your AWS Secret "+
			"Access Key and signing method. Consult the service documentation for details.\n\n"+
			"The Canonical String for this request should have been\n'%s'\n\n"+
			"The String-to-Sign should have been\n'%s'\n", firstCanonical, firstToSign)
}

// VerifyStructure checks what can be checked without the payload hash: that r carries a
// well-formed signature from known credentials, scoped and dated correctly.
func (v *Verifier) VerifyStructure(r *http.Request) (string, *apierr.Error) {
	sig, e := parseSignature(r)
	if e == nil {
		e = v.checkScope(sig)
	}
	if e == nil {
		e = v.checkTime(sig)
	}
	if e == nil {
		e = v.checkCredentials(sig)
	}
	if e != nil {
		return "", e
	}
	return sig.accessKey, nil
}

func incomplete(format string, args ...any) *apierr.Error {
	return apierr.New(http.StatusForbidden, "IncompleteSignatureException", format, args...)
}

func invalidSignature(format string, args ...any) *apierr.Error {
	return apierr.New(http.StatusForbidden, "InvalidSignatureException", format, args...)
}

// parseSignature reads the signing claims of r.
func parseSignature(r *http.Request) (*signature, *apierr.Error) {
	if auth := r.Header.Get("Authorization"); auth != "" {
		return parseAuthorization(r, auth)
	}
	q := r.URL.Query()
	if q.Has("X-Amz-Algorithm") || q.Has("X-Amz-Signature") || q.Has("X-Amz-Credential") {
		return parsePresigned(q)
	}
	return nil, apierr.New(http.StatusForbidden, "MissingAuthenticationTokenException", "Missing Authentication Token")
}

func parseAuthorization(r *http.Request, auth string) (*signature, *apierr.Error) {
	algorithm, params, _ := strings.Cut(strings.TrimSpace(auth), " ")
	if algorithm != sigV4Algorithm {
		return nil, incomplete("Unsupported signing algorithm %q in the Authorization header; only %s is accepted.", algorithm, sigV4Algorithm)
	}
	fields := map[string]string{}
	for _, p := range strings.Split(params, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		k, val, ok := strings.Cut(p, "=")
		if !ok {
			return nil, incomplete("'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.", p, auth)
		}
		fields[k] = val
	}
	var missing []string
	for _, k := range []string{"Credential", "Signature", "SignedHeaders"} {
		if fields[k] == "" {
			missing = append(missing, fmt.Sprintf("Authorization header requires '%s' parameter.", k))
		}
	}
	date := r.Header.Get("X-Amz-Date")
	if date == "" {
		date = r.Header.Get("Date")
	}
	if date == "" {
		missing = append(missing, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	if len(missing) > 0 {
		return nil, incomplete("%s Authorization=%s", strings.Join(missing, " "), auth)
	}
	sig := &signature{
		signedList: fields["SignedHeaders"],
		value:      fields["Signature"],
		date:       date,
		token:      r.Header.Get("X-Amz-Security-Token"),
	}
	if e := sig.setCredential(fields["Credential"]); e != nil {
		return nil, e
	}
	sig.signedHeaders = strings.Split(sig.signedList, ";")
	return sig, nil
}

func parsePresigned(q url.Values) (*signature, *apierr.Error) {
	required := []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"}
	for _, k := range required {
		if q.Get(k) == "" {
			return nil, incomplete("AWS query-string parameters must include %s. Re-examine the query-string parameters.",
				"'"+strings.Join(required, "', '")+"'")
		}
	}
	if a := q.Get("X-Amz-Algorithm"); a != sigV4Algorithm {
		return nil, incomplete("Unsupported X-Amz-Algorithm %q; only %s is accepted.", a, sigV4Algorithm)
	}
	sig := &signature{
		presigned:  true,
		signedList: q.Get("X-Amz-SignedHeaders"),
		value:      q.Get("X-Amz-Signature"),
		date:       q.Get("X-Amz-Date"),
		token:      q.Get("X-Amz-Security-Token"),
		expires:    maxPresignExpiry,
	}
	if e := q.Get("X-Amz-Expires"); e != "" {
		n, err := strconv.ParseInt(e, 10, 64)
		if err != nil || n < 1 || n > maxPresignExpiry {
			return nil, incomplete("X-Amz-Expires must be a whole number of seconds from 1 to %d, got %q.", maxPresignExpiry, e)
		}
		sig.expires = n
	}
	if e := sig.setCredential(q.Get("X-Amz-Credential")); e != nil {
		return nil, e
	}
	sig.signedHeaders = strings.Split(sig.signedList, ";")
	return sig, nil
}

func (sig *signature) setCredential(cred string) *apierr.Error {
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return incomplete("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'.", cred)
	}
	sig.accessKey, sig.scopeDate, sig.scopeRegion, sig.scopeService, sig.terminator = parts[0], parts[1], parts[2], parts[3], parts[4]
	return nil
}

// checkScope checks the credential scope against the request date and the server's region.
func (v *Verifier) checkScope(sig *signature) *apierr.Error {
	if _, err := time.Parse(sigV4TimeFormat, sig.date); err != nil {
		return incomplete("Date must be in ISO-8601 'basic format' (YYYYMMDD'T'HHMMSS'Z'), got '%s'.", sig.date)
	}
	switch {
	case sig.terminator != sigV4Terminator:
		return invalidSignature("Credential should be scoped with a valid terminator: '%s', not '%s'. ", sigV4Terminator, sig.terminator)
	case sig.scopeService != signingService:
		return invalidSignature("Credential should be scoped to correct service: '%s'. ", signingService)
	case sig.scopeRegion != v.Region:
		return invalidSignature("Credential should be scoped to a valid region, not '%s'. ", sig.scopeRegion)
	case sig.scopeDate != sig.date[:8]:
		return invalidSignature("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			sig.scopeDate, sig.date[:8], sig.date)
	}
	if !containsHost(sig.signedHeaders) {
		return invalidSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	return nil
}

func containsHost(headers []string) bool {
	for _, h := range headers {
		if h == "host" || h == ":authority" {
			return true
		}
	}
	return false
}

// checkTime refuses a signature made more than 5 minutes away from the server's clock, or a
// presigned URL used after it expired.
func (v *Verifier) checkTime(sig *signature) *apierr.Error {
	signed, _ := time.Parse(sigV4TimeFormat, sig.date)
	now := v.Now().UTC()
	f := func(t time.Time) string { return t.Format(sigV4TimeFormat) }
	if sig.presigned {
		if now.After(signed.Add(time.Duration(sig.expires) * time.Second)) {
			return invalidSignature("Signature expired: %s is now earlier than %s (%s - %d sec.)",
				sig.date, f(now.Add(-time.Duration(sig.expires)*time.Second)), f(now), sig.expires)
		}
	} else if signed.Before(now.Add(-maxClockSkew)) {
		return invalidSignature("Signature expired: %s is now earlier than %s (%s - 5 min.)", sig.date, f(now.Add(-maxClockSkew)), f(now))
	}
	if signed.After(now.Add(maxClockSkew)) {
		return invalidSignature("Signature not yet current: %s is still later than %s (%s + 5 min.)", sig.date, f(now.Add(maxClockSkew)), f(now))
	}
	return nil
}

// checkCredentials refuses an unknown access key ID or session token.
func (v *Verifier) checkCredentials(sig *signature) *apierr.Error {
	if v.AnyKey {
		return nil
	}
	if sig.accessKey != v.AccessKey || sig.token != v.SessionToken {
		return apierr.New(http.StatusForbidden, "UnrecognizedClientException", "The security token included in the request is invalid.")
	}
	return nil
}

// canonicalRequest builds the SigV4 canonical request of r as sig describes it.
func canonicalRequest(r *http.Request, sig *signature, payloadHash string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(r.URL))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.URL.RawQuery, sig.presigned))
	b.WriteByte('\n')
	for _, h := range sig.signedHeaders {
		b.WriteString(h)
		b.WriteByte(':')
		b.WriteString(canonicalHeaderValue(r, h))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(sig.signedList)
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

func stringToSign(sig *signature, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return sigV4Algorithm + "\n" + sig.date + "\n" +
		sig.scopeDate + "/" + sig.scopeRegion + "/" + sig.scopeService + "/" + sig.terminator + "\n" +
		hex.EncodeToString(sum[:])
}

func signingKey(secret, date, region, service string) []byte {
	k := HMACSHA256([]byte("AWS4"+secret), date)
	k = HMACSHA256(k, region)
	k = HMACSHA256(k, service)
	return HMACSHA256(k, sigV4Terminator)
}

// HMACSHA256 returns the HMAC-SHA256 of data with key, the primitive of SigV4 (and of the
// emulator's other keyed digests).
func HMACSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// canonicalURI encodes the path as sent a second time, as SigV4 does for every service but S3.
func canonicalURI(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		return "/"
	}
	return uriEncode(p, false)
}

// canonicalQuery sorts the query parameters and encodes them strictly; a presigned request's own
// signature is left out.
func canonicalQuery(raw string, presigned bool) string {
	if raw == "" {
		return ""
	}
	type pair struct{ k, v string }
	var pairs []pair
	for _, kv := range strings.Split(raw, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		k, v = unescape(k), unescape(v)
		if presigned && k == "X-Amz-Signature" {
			continue
		}
		pairs = append(pairs, pair{uriEncode(k, true), uriEncode(v, true)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p.k + "=" + p.v
	}
	return strings.Join(parts, "&")
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// uriEncode percent-encodes every byte but the unreserved characters of RFC 3986 (and '/' unless
// encodeSlash).
func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' || c == '/' && !encodeSlash {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// canonicalHeaderValue returns the values of header h as sent, trimmed, with runs of spaces
// collapsed and several values joined by commas. The Go server moves some headers out of
// r.Header; they are read from where it puts them.
func canonicalHeaderValue(r *http.Request, h string) string {
	var values []string
	switch h {
	case "host", ":authority":
		values = []string{r.Host}
	case "content-length":
		values = r.Header.Values(h)
		if len(values) == 0 && r.ContentLength >= 0 {
			values = []string{strconv.FormatInt(r.ContentLength, 10)}
		}
	case "transfer-encoding":
		values = []string{strings.Join(r.TransferEncoding, ",")}
	default:
		values = r.Header.Values(h)
	}
	cleaned := make([]string, len(values))
	for i, v := range values {
		cleaned[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(cleaned, ",")
}
