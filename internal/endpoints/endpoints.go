// Package endpoints resolves the HTTPS endpoint of the Kinesis Video Streams control plane for a
// region, following the service's endpoint rule set: one host per region, in the DNS suffix of
// the region's partition, with "-fips" and dual-stack variants.
package endpoints

import (
	"errors"
	"fmt"
	"regexp"
)

// Options select the endpoint variant.
type Options struct {
	// BaseEndpoint, when set, is used as is (e.g. "http://127.0.0.1:4567" for an emulator). It
	// cannot be combined with UseFIPS or UseDualStack.
	BaseEndpoint string
	UseFIPS      bool
	UseDualStack bool
}

// Partition is a group of regions sharing DNS suffixes.
type Partition struct {
	ID                 string
	DNSSuffix          string
	DualStackDNSSuffix string
	SupportsFIPS       bool
	SupportsDualStack  bool
	regions            *regexp.Regexp
	named              []string // region names outside the pattern (e.g. "aws-global")
}

// The partitions, from the AWS partition metadata used by the rule set.
var partitions = []Partition{
	{ID: "aws", DNSSuffix: "amazonaws.com", DualStackDNSSuffix: "api.aws", SupportsFIPS: true, SupportsDualStack: true,
		regions: regexp.MustCompile(`^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$`), named: []string{"aws-global"}},
	{ID: "aws-cn", DNSSuffix: "amazonaws.com.cn", DualStackDNSSuffix: "api.amazonwebservices.com.cn", SupportsFIPS: true, SupportsDualStack: true,
		regions: regexp.MustCompile(`^cn\-\w+\-\d+$`), named: []string{"aws-cn-global"}},
	{ID: "aws-eusc", DNSSuffix: "amazonaws.eu", DualStackDNSSuffix: "api.amazonwebservices.eu", SupportsFIPS: true, SupportsDualStack: true,
		regions: regexp.MustCompile(`^eusc\-(de)\-\w+\-\d+$`)},
	{ID: "aws-iso", DNSSuffix: "c2s.ic.gov", DualStackDNSSuffix: "api.aws.ic.gov", SupportsFIPS: true, SupportsDualStack: true,
		regions: regexp.MustCompile(`^us\-iso\-\w+\-\d+$`), named: []string{"aws-iso-global"}},
	{ID: "aws-iso-b", DNSSuffix: "sc2s.sgov.gov", DualStackDNSSuffix: "api.aws.scloud", SupportsFIPS: true, SupportsDualStack: true,
		regions: regexp.MustCompile(`^us\-isob\-\w+\-\d+$`), named: []string{"aws-iso-b-global"}},
	{ID: "aws-iso-e", DNSSuffix: "cloud.adc-e.uk", DualStackDNSSuffix: "api.cloud-aws.adc-e.uk", SupportsFIPS: true, SupportsDualStack: true,
		regions: regexp.MustCompile(`^eu\-isoe\-\w+\-\d+$`), named: []string{"aws-iso-e-global"}},
	{ID: "aws-iso-f", DNSSuffix: "csp.hci.ic.gov", DualStackDNSSuffix: "api.aws.hci.ic.gov", SupportsFIPS: true, SupportsDualStack: true,
		regions: regexp.MustCompile(`^us\-isof\-\w+\-\d+$`), named: []string{"aws-iso-f-global"}},
	{ID: "aws-us-gov", DNSSuffix: "amazonaws.com", DualStackDNSSuffix: "api.aws", SupportsFIPS: true, SupportsDualStack: true,
		regions: regexp.MustCompile(`^us\-gov\-\w+\-\d+$`), named: []string{"aws-us-gov-global"}},
}

// PartitionOf returns the partition a region belongs to. Regions that match no partition belong
// to "aws", as in the rule set's partition function.
func PartitionOf(region string) Partition {
	for _, p := range partitions {
		for _, n := range p.named {
			if n == region {
				return p
			}
		}
	}
	for _, p := range partitions {
		if p.regions.MatchString(region) {
			return p
		}
	}
	return partitions[0]
}

var hostLabel = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$`)

// ErrMissingRegion is returned when neither a region nor a base endpoint is configured.
var ErrMissingRegion = errors.New("endpoints: no region is configured (set Region, or BaseEndpoint for a custom endpoint)")

// Resolve returns the control-plane endpoint URL for region.
func Resolve(region string, o Options) (string, error) {
	if o.BaseEndpoint != "" {
		switch {
		case o.UseFIPS:
			return "", errors.New("endpoints: FIPS and a custom endpoint cannot be combined")
		case o.UseDualStack:
			return "", errors.New("endpoints: dual-stack and a custom endpoint cannot be combined")
		}
		return o.BaseEndpoint, nil
	}
	if region == "" {
		return "", ErrMissingRegion
	}
	if !hostLabel.MatchString(region) {
		return "", fmt.Errorf("endpoints: region %q is not a valid host label", region)
	}
	p := PartitionOf(region)
	host, suffix := "kinesisvideo", p.DNSSuffix
	if o.UseFIPS {
		if !p.SupportsFIPS {
			return "", fmt.Errorf("endpoints: partition %s has no FIPS endpoints", p.ID)
		}
		host = "kinesisvideo-fips"
	}
	if o.UseDualStack {
		if !p.SupportsDualStack {
			return "", fmt.Errorf("endpoints: partition %s has no dual-stack endpoints", p.ID)
		}
		suffix = p.DualStackDNSSuffix
	}
	return "https://" + host + "." + region + "." + suffix, nil
}
