module github.com/kvsgo/sdk

go 1.24
