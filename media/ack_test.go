package media

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/kvsgo/sdk/internal/wiretest"
)

func readAcks(r io.Reader) ([]Ack, int, error) {
	ar := NewAckReader(io.NopCloser(r))
	var acks []Ack
	for {
		a, err := ar.Next()
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return acks, ar.Skipped(), err
		}
		acks = append(acks, a)
	}
}

func TestAckReader(t *testing.T) {
	num := "91343852333181432392682062607743920146264347713"
	tests := []struct {
		name    string
		in      string
		want    []Ack
		skipped int
		err     error
	}{
		{"service format",
			`{"EventType":"BUFFERING","FragmentTimecode":1511852109000,"FragmentNumber":"` + num + `"}` + "\n" +
				`{"EventType":"RECEIVED","FragmentTimecode":1511852109000,"FragmentNumber":"` + num + `"}` + "\n" +
				`{"EventType":"PERSISTED","FragmentTimecode":1511852109000,"FragmentNumber":"` + num + `"}` + "\n",
			[]Ack{{AckEventBuffering, 1511852109000, num, 0, ""}, {AckEventReceived, 1511852109000, num, 0, ""}, {AckEventPersisted, 1511852109000, num, 0, ""}}, 0, nil},
		{"error ack", `{"EventType":"ERROR","FragmentTimecode":12,"ErrorId":4006,"ErrorCode":"INVALID_MKV_DATA"}`,
			[]Ack{{EventType: AckEventError, FragmentTimecode: 12, ErrorID: AckErrInvalidMKVData, ErrorCode: "INVALID_MKV_DATA"}}, 0, nil},
		{"idle without timecode", `{"EventType":"IDLE"}`, []Ack{{EventType: AckEventIdle}}, 0, nil},
		{"junk between objects", "HTTP junk\r\n\x00{\"EventType\":\"IDLE\"}garbage ]] {\"EventType\":\"BUFFERING\",\"FragmentTimecode\":5}\n\n",
			[]Ack{{EventType: AckEventIdle}, {EventType: AckEventBuffering, FragmentTimecode: 5}}, 0, nil},
		{"bare keys and values", `{EventType:persisted, FragmentTimecode: 7 ,FragmentNumber:123}`,
			[]Ack{{EventType: AckEventPersisted, FragmentTimecode: 7, FragmentNumber: "123"}}, 0, nil},
		{"quoted numbers", `{"EventType":"ERROR","FragmentTimecode":"42","ErrorId":"4004"}`,
			[]Ack{{EventType: AckEventError, FragmentTimecode: 42, ErrorID: AckErrFragmentTimecodeLesserThanPrevious}}, 0, nil},
		{"unknown keys and braces in strings", `{"Extra":{"a":"}{"},"Note":"x}y","EventType":"RECEIVED","FragmentTimecode":1}`,
			[]Ack{{EventType: AckEventReceived, FragmentTimecode: 1}}, 0, nil},
		{"wrapped in another object", `{"Acknowledgement":{"EventType":"PERSISTED","FragmentTimecode":9,"FragmentNumber":"1"}}`,
			[]Ack{{EventType: AckEventPersisted, FragmentTimecode: 9, FragmentNumber: "1"}}, 0, nil},
		{"objects without event type skipped", `{"FragmentTimecode":1}{}{"EventType":"IDLE"}`, []Ack{{EventType: AckEventIdle}}, 2, nil},
		{"many in one line", `{"EventType":"IDLE"}{"EventType":"IDLE"}{"EventType":"IDLE"}`,
			[]Ack{{EventType: AckEventIdle}, {EventType: AckEventIdle}, {EventType: AckEventIdle}}, 0, nil},
		{"truncated object", `{"EventType":"IDLE"}{"EventType":"BUFF`, []Ack{{EventType: AckEventIdle}}, 0, io.ErrUnexpectedEOF},
		{"empty", ``, nil, 0, nil},
		{"only junk", "\n\nnot json\n", nil, 0, nil},
	}
	for _, tt := range tests {
		for _, split := range []string{"whole", "byte by byte", "half", "data with EOF"} {
			t.Run(tt.name+"/"+split, func(t *testing.T) {
				var r io.Reader = strings.NewReader(tt.in)
				switch split {
				case "byte by byte":
					r = iotest.OneByteReader(r)
				case "half":
					r = iotest.HalfReader(r)
				case "data with EOF":
					r = iotest.DataErrReader(r)
				}
				got, skipped, err := readAcks(r)
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				if diff := wiretest.Diff(tt.want, got); diff != "" {
					t.Errorf("acks:\n%s", diff)
				}
				if skipped != tt.skipped {
					t.Errorf("skipped %d, want %d", skipped, tt.skipped)
				}
			})
		}
	}
}

func TestAckReaderBoundsObjects(t *testing.T) {
	_, _, err := readAcks(strings.NewReader(`{"EventType":"` + strings.Repeat("x", maxAckSize) + `"}`))
	if err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Fatalf("err = %v", err)
	}
	// Junk without an object is dropped as it is read, however long.
	acks, _, err := readAcks(io.MultiReader(strings.NewReader(strings.Repeat("junk ", 1<<16)), strings.NewReader(`{"EventType":"IDLE"}`)))
	if err != nil || len(acks) != 1 {
		t.Fatalf("acks %v, err %v", acks, err)
	}
}

func TestAckReaderErrorsAreSticky(t *testing.T) {
	boom := errors.New("connection reset")
	ar := NewAckReader(io.NopCloser(iotest.ErrReader(boom)))
	for range 2 {
		if _, err := ar.Next(); !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
	}
}

func TestAckErrors(t *testing.T) {
	a := Ack{EventType: AckEventError, FragmentTimecode: 3, ErrorID: 5001, ErrorCode: "ARCHIVAL_ERROR"}
	var ae *AckError
	if !errors.As(a.Err(), &ae) || !ae.Retriable() || ae.ID != AckErrArchivalError {
		t.Fatalf("err = %v", a.Err())
	}
	if (Ack{EventType: AckEventPersisted}).Err() != nil {
		t.Error("PERSISTED has an error")
	}
	retriable := map[AckErrorID]bool{4000: true, 4003: true, 5000: true, 5001: true}
	for id := range ackErrors {
		if id.Retriable() != retriable[id] {
			t.Errorf("%d (%s) retriable = %v", id, id, id.Retriable())
		}
	}
	if len(ackErrors) != 22 {
		t.Errorf("%d documented error ids, want 22", len(ackErrors))
	}
	if got := AckErrorID(4242).String(); got != "ERROR_4242" {
		t.Errorf("unknown id = %q", got)
	}
	if msg := (&AckError{ID: 4012}).Error(); !strings.Contains(msg, "4012 INVALID_FRAGMENT_METADATA") {
		t.Errorf("message %q", msg)
	}
}

// FuzzAckReader checks that no input panics and that how the input is split across reads never
// changes what is read.
func FuzzAckReader(f *testing.F) {
	for _, s := range []string{
		`{"EventType":"BUFFERING","FragmentTimecode":1,"FragmentNumber":"2"}` + "\n",
		`{EventType:ERROR,ErrorId:"4006"}junk{"EventType":"IDLE"}`,
		`{"a":{"b":{"EventType":"RECEIVED"}}}`, `{"EventType":"x\"}"}`, `{{{`, `}}}{`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		whole, wskip, werr := readAcks(strings.NewReader(string(data)))
		bytewise, bskip, berr := readAcks(iotest.OneByteReader(strings.NewReader(string(data))))
		if (werr == nil) != (berr == nil) || wskip != bskip {
			t.Fatalf("split changed the outcome: %v/%d vs %v/%d", werr, wskip, berr, bskip)
		}
		if diff := wiretest.Diff(whole, bytewise); diff != "" {
			t.Fatalf("split changed the acks:\n%s", diff)
		}
	})
}

func TestFormatTimestamp(t *testing.T) {
	for _, tt := range []struct {
		ms   int64
		want string
	}{{1511852109126, "1511852109.126"}, {1511852109000, "1511852109.000"}, {5, "0.005"}, {-1, "-0.001"}, {-1500, "-1.500"}} {
		if got := FormatTimestamp(timeMillis(tt.ms)); got != tt.want {
			t.Errorf("FormatTimestamp(%d) = %q, want %q", tt.ms, got, tt.want)
		}
	}
}

func timeMillis(ms int64) time.Time { return time.UnixMilli(ms) }
