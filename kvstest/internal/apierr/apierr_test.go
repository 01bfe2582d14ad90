package apierr

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestWrite(t *testing.T) {
	for _, tc := range []struct {
		name      string
		e         *Error
		status    int
		errorType string
		body      string
	}{
		{"modeled", InvalidArgument("bad %q", "x"), http.StatusBadRequest,
			"InvalidArgumentException" + serviceNamespace, `{"message":"bad \"x\""}`},
		{"front end", New(http.StatusForbidden, "InvalidSignatureException", "no"), http.StatusForbidden,
			"InvalidSignatureException" + frontEndNamespace, `{"message":"no"}`},
		{"no code", &Error{Status: http.StatusForbidden}, http.StatusForbidden, "", ""},
		{"default status", &Error{Code: "X", Message: "m"}, http.StatusBadRequest, "X" + serviceNamespace, `{"message":"m"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			tc.e.Write(w)
			if w.Code != tc.status {
				t.Errorf("status %d, want %d", w.Code, tc.status)
			}
			if got := w.Header()[ErrorTypeHeader]; tc.errorType == "" && got != nil || tc.errorType != "" && (len(got) != 1 || got[0] != tc.errorType) {
				t.Errorf("%s %q, want %q", ErrorTypeHeader, got, tc.errorType)
			}
			if got := w.Body.String(); got != tc.body {
				t.Errorf("body %q, want %q", got, tc.body)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	if got, want := StreamNotFound().Error(), "ResourceNotFoundException (HTTP 404): The requested stream is not found or not active."; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
