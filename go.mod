module github.com/kvsgo/sdk

go 1.24

require (
	github.com/Eyevinn/mp4ff v0.56.0
	github.com/at-wat/ebml-go v0.19.0
	github.com/aws/aws-sdk-go-v2 v1.47.6
	github.com/aws/aws-sdk-go-v2/service/kinesisvideo v1.36.8
	github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia v1.36.8
	github.com/aws/aws-sdk-go-v2/service/kinesisvideosignaling v1.31.5
	github.com/aws/smithy-go v1.28.8
	github.com/coder/websocket v1.8.15
	github.com/google/go-cmp v0.7.0
	go.uber.org/goleak v1.3.0
)

require (
	github.com/aws/aws-sdk-go-v2/internal/configsources v1.4.39 // indirect
	github.com/aws/aws-sdk-go-v2/internal/endpoints/v2 v2.7.39 // indirect
)
