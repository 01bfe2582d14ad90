package serve

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kvsgo/sdk/kvstest/internal/apierr"
)

func TestFailWritesTheErrorAndNotesIt(t *testing.T) {
	rec := httptest.NewRecorder()
	c := &Call{W: rec, R: httptest.NewRequest(http.MethodPost, "/x", nil)}
	c.Fail(apierr.New(http.StatusBadRequest, "InvalidArgumentException", "first line\nsecond line"))
	if rec.Code != http.StatusBadRequest {
		t.Errorf("status %d, want 400", rec.Code)
	}
	if got := strings.Join(rec.Header()[apierr.ErrorTypeHeader], ","); !strings.HasPrefix(got, "InvalidArgumentException") {
		t.Errorf("X-Amzn-ErrorType %q, want InvalidArgumentException", got)
	}
	if c.Detail != "InvalidArgumentException: first line" {
		t.Errorf("Detail %q, want the code and the message's first line", c.Detail)
	}
}

func TestReply(t *testing.T) {
	rec := httptest.NewRecorder()
	(&Call{W: rec}).Reply(struct{ Name string }{"camera"})
	if rec.Code != http.StatusOK || rec.Body.String() != `{"Name":"camera"}` || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("Reply: %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	rec = httptest.NewRecorder()
	(&Call{W: rec}).Reply(nil)
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") != "0" {
		t.Errorf("Reply(nil): %d %q, want 200 with an empty body", rec.Code, rec.Body)
	}
}

func TestDecodeRefusesBadInput(t *testing.T) {
	rec := httptest.NewRecorder()
	var in struct{ Name string }
	if !(&Call{W: rec, Body: []byte(`{"Name":"a"}`)}).Decode(&in) || in.Name != "a" {
		t.Fatalf("Decode of a valid body: %+v", in)
	}
	if (&Call{W: rec, Body: []byte(`{`)}).Decode(&in) {
		t.Fatal("Decode of a broken body succeeded")
	}
	if rec.Code != http.StatusBadRequest {
		t.Errorf("status %d, want 400", rec.Code)
	}
}

// sentContinue records what was written before the response.
type sentContinue struct {
	*httptest.ResponseRecorder
	informational []int
	headers       []http.Header
}

func (w *sentContinue) WriteHeader(code int) {
	if code < 200 {
		w.informational = append(w.informational, code)
		w.headers = append(w.headers, w.Header().Clone())
		return
	}
	w.ResponseRecorder.WriteHeader(code)
}

func TestSendContinue(t *testing.T) {
	for _, expect := range []string{"100-continue", ""} {
		w := &sentContinue{ResponseRecorder: httptest.NewRecorder()}
		r := httptest.NewRequest(http.MethodPost, "/putMedia", nil)
		if expect != "" {
			r.Header.Set("Expect", expect)
		}
		w.Header().Set("Content-Type", "application/json")
		(&Call{W: w, R: r}).SendContinue()
		want := 0
		if expect != "" {
			want = 1
		}
		if len(w.informational) != want {
			t.Fatalf("Expect %q: %d informational responses, want %d", expect, len(w.informational), want)
		}
		if want == 1 && (w.informational[0] != http.StatusContinue || len(w.headers[0]) != 0) {
			t.Errorf("sent %d with headers %v, want a bare 100", w.informational[0], w.headers[0])
		}
		if w.Header().Get("Content-Type") != "application/json" {
			t.Error("the headers set before were lost")
		}
	}
}
