package kvstest_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	official "github.com/aws/aws-sdk-go-v2/service/kinesisvideo"

	"github.com/kvsgo/sdk/kvstest"
)

// The AWS SDK's own client works against the emulator unchanged.
func ExampleServer_Config() {
	s := kvstest.NewServer()
	defer s.Close()
	client := official.NewFromConfig(s.Config())
	ctx := context.Background()

	if _, err := client.CreateSignalingChannel(ctx, &official.CreateSignalingChannelInput{ChannelName: aws.String("door")}); err != nil {
		fmt.Println(err)
		return
	}
	out, err := client.DescribeSignalingChannel(ctx, &official.DescribeSignalingChannelInput{ChannelName: aws.String("door")})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(aws.ToString(out.ChannelInfo.ChannelName), out.ChannelInfo.ChannelStatus, aws.ToInt32(out.ChannelInfo.SingleMasterConfiguration.MessageTtlSeconds))
	// Output:
	// door ACTIVE 60
}
