package endpoints_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo"

	"github.com/kvsgo/sdk/internal/endpoints"
)

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
				got, gerr := endpoints.Resolve(region, endpoints.Options{UseFIPS: fips, UseDualStack: ds})
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
