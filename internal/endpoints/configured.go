package endpoints

import (
	"context"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// The SDK IDs of the four Kinesis Video service families, which name their service-specific
// endpoint settings: AWS_ENDPOINT_URL_KINESIS_VIDEO_MEDIA in the environment, kinesis_video_media
// in a shared config file's services section.
const (
	SDKIDControlPlane  = "Kinesis Video"
	SDKIDMedia         = "Kinesis Video Media"
	SDKIDArchivedMedia = "Kinesis Video Archived Media"
	SDKIDSignaling     = "Kinesis Video Signaling"
)

// The configuration-source methods the config package's sources (config.EnvConfig,
// config.SharedConfig, config.LoadOptions) provide. The AWS SDK declares them in an internal
// package that only its own modules may import.
type (
	serviceEndpointProvider interface {
		GetServiceBaseEndpoint(ctx context.Context, sdkID string) (string, bool, error)
	}
	ignoreConfiguredEndpointsProvider interface {
		GetIgnoreConfiguredEndpoints(ctx context.Context) (bool, bool, error)
	}
)

// EnvName returns the environment variable of a service's endpoint URL, e.g.
// AWS_ENDPOINT_URL_KINESIS_VIDEO for SDKIDControlPlane.
func EnvName(sdkID string) string {
	return "AWS_ENDPOINT_URL_" + strings.ReplaceAll(strings.ToUpper(sdkID), " ", "_")
}

// FromConfig returns the base endpoint that an aws.Config sets for the service sdkID, resolved as
// the AWS SDK's generated clients resolve it when built with NewFromConfig:
//
//  1. the service-specific setting of cfg.ConfigSources, unless configured endpoints are
//     ignored (AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, ignore_configured_endpoint_urls): the
//     environment (AWS_ENDPOINT_URL_<SERVICE>), then the shared config file's services
//     section; a global AWS_ENDPOINT_URL in the environment takes precedence over the shared
//     config file's service-specific setting, as in the AWS SDK;
//  2. otherwise, when inheritGlobal, cfg.BaseEndpoint (config.WithBaseEndpoint, AWS_ENDPOINT_URL,
//     a profile's endpoint_url; the config package already clears it when configured endpoints
//     are ignored);
//  3. otherwise "": the endpoint rules decide.
func FromConfig(cfg aws.Config, sdkID string, inheritGlobal bool) string {
	base := ""
	if inheritGlobal {
		base = aws.ToString(cfg.BaseEndpoint)
	}
	_, global := os.LookupEnv("AWS_ENDPOINT_URL")
	_, specific := os.LookupEnv(EnvName(sdkID))
	if global && !specific {
		return base
	}
	if v, found := serviceEndpoint(cfg.ConfigSources, sdkID); found {
		return v
	}
	return base
}

// serviceEndpoint looks for a service-specific endpoint in the configuration sources: the first
// source that has one (or fails) decides.
func serviceEndpoint(sources []any, sdkID string) (string, bool) {
	ctx := context.Background()
	for _, s := range sources {
		p, ok := s.(ignoreConfiguredEndpointsProvider)
		if !ok {
			continue
		}
		if ignore, found, err := p.GetIgnoreConfiguredEndpoints(ctx); err != nil || found {
			if found && ignore {
				return "", false
			}
			break
		}
	}
	for _, s := range sources {
		p, ok := s.(serviceEndpointProvider)
		if !ok {
			continue
		}
		v, found, err := p.GetServiceBaseEndpoint(ctx, sdkID)
		if err != nil {
			return "", false
		}
		if found {
			return v, true
		}
	}
	return "", false
}
