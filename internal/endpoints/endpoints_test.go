package endpoints

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo"
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

// TestResolveMatchesOfficialResolver compares every region of every partition, in every
// variant, with the official SDK's rule-set resolver.
func TestResolveMatchesOfficialResolver(t *testing.T) {
	regions := []string{
		"af-south-1", "ap-east-2", "ap-southeast-7", "ca-west-1", "eu-central-2", "il-central-1", "me-central-1",
		"mx-central-1", "sa-east-1", "us-west-2", "aws-global", "cn-northwest-1", "aws-cn-global", "eusc-de-east-1",
		"us-iso-west-1", "aws-iso-global", "us-isob-west-1", "eu-isoe-west-1", "us-isof-south-1", "us-gov-east-1",
		"aws-us-gov-global", "xx-unknown-1", "local",
	}
	official := kinesisvideo.NewDefaultEndpointResolverV2()
	for _, region := range regions {
		for _, fips := range []bool{false, true} {
			for _, ds := range []bool{false, true} {
				r := region
				want, werr := official.ResolveEndpoint(context.Background(), kinesisvideo.EndpointParameters{Region: &r, UseFIPS: &fips, UseDualStack: &ds})
				got, gerr := Resolve(region, Options{UseFIPS: fips, UseDualStack: ds})
				if (werr != nil) != (gerr != nil) {
					t.Errorf("%s fips=%v ds=%v: official err %v, ours %v", region, fips, ds, werr, gerr)
					continue
				}
				if werr == nil && want.URI.String() != got {
					t.Errorf("%s fips=%v ds=%v: official %s, ours %s", region, fips, ds, want.URI.String(), got)
				}
			}
		}
	}
}
