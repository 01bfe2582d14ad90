package endpoints

import (
	"fmt"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	tests := []struct {
		region    string
		o         Options
		want, err string
	}{
		{"us-east-1", Options{}, "https://kinesisvideo.us-east-1.amazonaws.com", ""},
		{"us-east-1", Options{UseFIPS: true}, "https://kinesisvideo-fips.us-east-1.amazonaws.com", ""},
		{"us-east-1", Options{UseDualStack: true}, "https://kinesisvideo.us-east-1.api.aws", ""},
		{"us-east-1", Options{UseFIPS: true, UseDualStack: true}, "https://kinesisvideo-fips.us-east-1.api.aws", ""},
		{"cn-north-1", Options{}, "https://kinesisvideo.cn-north-1.amazonaws.com.cn", ""},
		{"cn-north-1", Options{UseDualStack: true}, "https://kinesisvideo.cn-north-1.api.amazonwebservices.com.cn", ""},
		{"us-gov-west-1", Options{UseFIPS: true}, "https://kinesisvideo-fips.us-gov-west-1.amazonaws.com", ""},
		{"us-iso-east-1", Options{}, "https://kinesisvideo.us-iso-east-1.c2s.ic.gov", ""},
		{"us-isob-east-1", Options{}, "https://kinesisvideo.us-isob-east-1.sc2s.sgov.gov", ""},
		{"eusc-de-east-1", Options{}, "https://kinesisvideo.eusc-de-east-1.amazonaws.eu", ""},
		{"mars-north-1", Options{}, "https://kinesisvideo.mars-north-1.amazonaws.com", ""},
		{"", Options{BaseEndpoint: "http://127.0.0.1:4567"}, "http://127.0.0.1:4567", ""},
		{"us-east-1", Options{BaseEndpoint: "https://example.com", UseFIPS: true}, "", "FIPS and a custom endpoint"},
		{"us-east-1", Options{BaseEndpoint: "https://example.com", UseDualStack: true}, "", "dual-stack and a custom endpoint"},
		{"", Options{}, "", "no region"},
		{"evil.com/x", Options{}, "", "not a valid host label"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%+v", tt.region, tt.o), func(t *testing.T) {
			got, err := Resolve(tt.region, tt.o)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Resolve = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
