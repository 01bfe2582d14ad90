package media

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// AckEventType is the kind of a PutMedia acknowledgement.
type AckEventType string

// Values of AckEventType.
const (
	// AckEventBuffering: the service started receiving the fragment.
	AckEventBuffering AckEventType = "BUFFERING"
	// AckEventReceived: the service received the whole fragment. For a stream without retention this
	// is the last acknowledgement of a fragment.
	AckEventReceived AckEventType = "RECEIVED"
	// AckEventPersisted: the service stored the fragment durably.
	AckEventPersisted AckEventType = "PERSISTED"
	// AckEventError: the service failed to process the fragment; ErrorID says why. The service ends
	// the request after an error.
	AckEventError AckEventType = "ERROR"
	// AckEventIdle: the request is alive but no media arrived lately.
	AckEventIdle AckEventType = "IDLE"
)

// Values returns every value of AckEventType.
func (AckEventType) Values() []AckEventType {
	return []AckEventType{AckEventBuffering, AckEventReceived, AckEventPersisted, AckEventError, AckEventIdle}
}

// Ack is one acknowledgement of a PutMedia request.
type Ack struct {
	EventType AckEventType
	// FragmentTimecode is the timecode of the fragment's cluster (absent for IDLE).
	FragmentTimecode int64
	// FragmentNumber is the number the service gave the fragment (a decimal string of up to
	// about 47 digits; compare numbers with CompareFragmentNumbers).
	FragmentNumber string
	// ErrorID and ErrorCode say what went wrong, for ERROR.
	ErrorID   AckErrorID
	ErrorCode string
}

// Err returns the acknowledgement's error as an *AckError for ERROR, or nil.
func (a Ack) Err() error {
	if a.EventType != AckEventError {
		return nil
	}
	return &AckError{ID: a.ErrorID, Code: a.ErrorCode, FragmentTimecode: a.FragmentTimecode, FragmentNumber: a.FragmentNumber}
}

// maxAckSize bounds one acknowledgement object; the service's are around 150 bytes.
const maxAckSize = 16 << 10

// AckReader reads the acknowledgements of a PutMedia response: JSON objects separated by
// newlines. It tolerates what real connections deliver: objects split across reads, many
// objects in one read, junk between objects, bare (unquoted) keys and values, quoted numbers,
// unknown keys, and objects wrapped in another object. Objects without an event type are skipped
// (Skipped counts them). Next and Close may be called from different goroutines.
type AckReader struct {
	r       io.ReadCloser
	buf     []byte
	start   int
	err     error
	skipped int
	once    sync.Once
	closeEr error
}

// NewAckReader returns a reader of the acknowledgements in r.
func NewAckReader(r io.ReadCloser) *AckReader {
	return &AckReader{r: r, buf: make([]byte, 0, 4096)}
}

// Next returns the next acknowledgement. It returns io.EOF when the service ended the response
// cleanly and io.ErrUnexpectedEOF when it ended inside an acknowledgement; errors are sticky.
func (a *AckReader) Next() (Ack, error) {
	for {
		if obj, ok := a.nextObject(); ok {
			ack, valid := parseAck(obj)
			if valid {
				return ack, nil
			}
			a.skipped++
			continue
		}
		if a.err != nil {
			if a.err == io.EOF && bytes.IndexByte(a.buf[a.start:], '{') >= 0 {
				a.err = io.ErrUnexpectedEOF // the response ended inside an acknowledgement
			}
			return Ack{}, a.err
		}
		a.fill()
	}
}

// Skipped returns how many objects were skipped because they held no event type.
func (a *AckReader) Skipped() int { return a.skipped }

// Close ends the response, and with it the PutMedia request. It is safe to call more than once.
func (a *AckReader) Close() error {
	a.once.Do(func() { a.closeEr = a.r.Close() })
	return a.closeEr
}

// nextObject returns the next complete top-level {…} in the buffer, dropping the junk before it.
func (a *AckReader) nextObject() ([]byte, bool) {
	data := a.buf[a.start:]
	open := bytes.IndexByte(data, '{')
	if open < 0 {
		a.start = len(a.buf) // all junk
		return nil, false
	}
	a.start += open
	end := closingBrace(data[open:])
	if end < 0 {
		return nil, false
	}
	a.start += end + 1
	return data[open : open+end+1], true
}

// fill reads more of the response, compacting the buffer and enforcing the object size bound.
func (a *AckReader) fill() {
	if a.start > 0 {
		n := copy(a.buf, a.buf[a.start:])
		a.buf, a.start = a.buf[:n], 0
	}
	if len(a.buf) >= maxAckSize {
		a.err = fmt.Errorf("media: acknowledgement longer than %d bytes", maxAckSize)
		return
	}
	if cap(a.buf)-len(a.buf) < 512 {
		a.buf = append(a.buf, make([]byte, 4096)...)[:len(a.buf)]
	}
	n, err := a.r.Read(a.buf[len(a.buf):cap(a.buf)])
	a.buf = a.buf[:len(a.buf)+n]
	if err != nil {
		a.err = err // the bytes read with it are still parsed first
	}
}

// parseAck reads the members of an acknowledgement object leniently. Nested objects are read
// as if their members belonged to the outer one.
func parseAck(obj []byte) (Ack, bool) {
	var ack Ack
	forEachMember(obj, func(key, value string) {
		switch strings.ToLower(key) {
		case "eventtype", "ackeventtype":
			ack.EventType = AckEventType(strings.ToUpper(value))
		case "fragmenttimecode":
			ack.FragmentTimecode, _ = strconv.ParseInt(value, 10, 64)
		case "fragmentnumber":
			ack.FragmentNumber = value
		case "errorid":
			id, _ := strconv.Atoi(value)
			ack.ErrorID = AckErrorID(id)
		case "errorcode":
			ack.ErrorCode = value
		}
	})
	return ack, ack.EventType != ""
}

// forEachMember calls fn with each key and scalar value of an object, quotes removed, descending
// into nested objects.
func forEachMember(obj []byte, fn func(key, value string)) {
	s := string(obj[1 : len(obj)-1])
	for len(s) > 0 {
		var key, value string
		key, s = token(s, ":")
		if len(s) == 0 {
			return
		}
		s = strings.TrimLeft(s[1:], " \t\r\n")
		if strings.HasPrefix(s, "{") {
			end := closingBrace(s)
			if end < 0 {
				return
			}
			forEachMember([]byte(s[:end+1]), fn)
			s = s[end+1:]
		} else {
			value, s = token(s, ",}")
			fn(key, value)
		}
		s = strings.TrimLeft(s, " \t\r\n,")
	}
}

// token returns the (unquoted, trimmed) text of s up to the first byte of stop outside quotes,
// and the rest of s from that byte on.
func token(s, stop string) (string, string) {
	end := -1
	outsideStrings(s, func(i int, c byte) bool {
		if strings.IndexByte(stop, c) >= 0 {
			end = i
			return false
		}
		return true
	})
	if end < 0 {
		return unquote(s), ""
	}
	return unquote(s[:end]), s[end:]
}

func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
		return s[1 : len(s)-1]
	}
	return s
}

// closingBrace returns the index of the brace that closes the one s starts with, ignoring braces
// inside strings, or -1 when s ends first.
func closingBrace[T ~string | ~[]byte](s T) int {
	depth, end := 0, -1
	outsideStrings(s, func(i int, c byte) bool {
		switch c {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				end = i
				return false
			}
		}
		return true
	})
	return end
}

// outsideStrings calls fn with each byte of s that is outside a JSON string (quotes excluded),
// in order, until fn returns false.
func outsideStrings[T ~string | ~[]byte](s T, fn func(i int, c byte) bool) {
	inString, escaped := false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case inString:
		case !fn(i, c):
			return
		}
	}
}
