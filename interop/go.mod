module github.com/kvsgo/sdk/interop

go 1.24

require (
	github.com/at-wat/ebml-go v0.19.0
	github.com/aws/aws-sdk-go-v2 v1.47.6
	github.com/aws/aws-sdk-go-v2/config v1.33.14
	github.com/aws/aws-sdk-go-v2/service/kinesisvideo v1.36.8
	github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia v1.36.8
	github.com/aws/aws-sdk-go-v2/service/kinesisvideomedia v1.30.5
	github.com/aws/aws-sdk-go-v2/service/kinesisvideosignaling v1.31.5
	github.com/aws/smithy-go v1.28.8
	github.com/google/go-cmp v0.7.0
	github.com/kvsgo/sdk v0.0.0
	go.uber.org/goleak v1.3.0
)

require (
	github.com/Eyevinn/mp4ff v0.56.0 // indirect
	github.com/aws/aws-sdk-go-v2/credentials v1.20.14 // indirect
	github.com/aws/aws-sdk-go-v2/feature/ec2/imds v1.20.6 // indirect
	github.com/aws/aws-sdk-go-v2/internal/configsources v1.5.9 // indirect
	github.com/aws/aws-sdk-go-v2/internal/endpoints/v2 v2.8.9 // indirect
	github.com/aws/aws-sdk-go-v2/internal/v4a v1.5.9 // indirect
	github.com/aws/aws-sdk-go-v2/service/internal/accept-encoding v1.13.24 // indirect
	github.com/aws/aws-sdk-go-v2/service/internal/presigned-url v1.14.9 // indirect
	github.com/aws/aws-sdk-go-v2/service/signin v1.12.2 // indirect
	github.com/aws/aws-sdk-go-v2/service/sso v1.39.2 // indirect
	github.com/aws/aws-sdk-go-v2/service/ssooidc v1.44.2 // indirect
	github.com/aws/aws-sdk-go-v2/service/sts v1.51.7 // indirect
	github.com/coder/websocket v1.8.15 // indirect
	go.etcd.io/bbolt v1.4.3 // indirect
	golang.org/x/sys v0.29.0 // indirect
)

replace github.com/kvsgo/sdk => ../
