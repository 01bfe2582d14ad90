module github.com/kvsgo/sdk

go 1.24

require (
	github.com/Eyevinn/mp4ff v0.56.0
	github.com/at-wat/ebml-go v0.19.0
)
