module github.com/kvsgo/sdk

go 1.24

require (
	github.com/aws/smithy-go v1.28.8 // indirect
	github.com/google/go-cmp v0.7.0 // indirect
)
