package wiretest

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Credentials are fixed credentials for the clients of a test (AKIDEXAMPLE, with a session
// token), so that two clients' signatures of the same request agree.
var Credentials aws.CredentialsProvider = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", SessionToken: "token", Source: "test"}, nil
})
