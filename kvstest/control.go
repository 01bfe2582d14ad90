// The control plane: its operations are those of internal/state, run with the state locked on
// decoded, validated input; this file gives each its path.

package kvstest

import (
	"github.com/kvsgo/sdk/kvstest/internal/mediaapi"
	"github.com/kvsgo/sdk/kvstest/internal/state"
)

// The control-plane state of a Server; its streams carry their media (internal/mediaapi).
type (
	controlState = mediaapi.State
	stream       = mediaapi.Stream
	channel      = state.Channel
)

func init() {
	controlOp("/createSignalingChannel", "CreateSignalingChannel", (*controlState).CreateSignalingChannel)
	controlOp("/describeSignalingChannel", "DescribeSignalingChannel", (*controlState).DescribeSignalingChannel)
	controlOp("/listSignalingChannels", "ListSignalingChannels", (*controlState).ListSignalingChannels)
	controlOp("/updateSignalingChannel", "UpdateSignalingChannel", (*controlState).UpdateSignalingChannel)
	controlOp("/deleteSignalingChannel", "DeleteSignalingChannel", (*controlState).DeleteSignalingChannel)
	controlOp("/describeMediaStorageConfiguration", "DescribeMediaStorageConfiguration", (*controlState).DescribeMediaStorageConfiguration)
	controlOp("/updateMediaStorageConfiguration", "UpdateMediaStorageConfiguration", (*controlState).UpdateMediaStorageConfiguration)
	controlOp("/describeMappedResourceConfiguration", "DescribeMappedResourceConfiguration", (*controlState).DescribeMappedResourceConfiguration)
	controlOp("/describeStreamStorageConfiguration", "DescribeStreamStorageConfiguration", (*controlState).DescribeStreamStorageConfiguration)
	controlOp("/updateStreamStorageConfiguration", "UpdateStreamStorageConfiguration", (*controlState).UpdateStreamStorageConfiguration)
	controlOp("/startEdgeConfigurationUpdate", "StartEdgeConfigurationUpdate", (*controlState).StartEdgeConfigurationUpdate)
	controlOp("/describeEdgeConfiguration", "DescribeEdgeConfiguration", (*controlState).DescribeEdgeConfiguration)
	controlOp("/deleteEdgeConfiguration", "DeleteEdgeConfiguration", (*controlState).DeleteEdgeConfiguration)
	controlOp("/listEdgeAgentConfigurations", "ListEdgeAgentConfigurations", (*controlState).ListEdgeAgentConfigurations)
	controlOp("/describeNotificationConfiguration", "DescribeNotificationConfiguration", (*controlState).DescribeNotificationConfiguration)
	controlOp("/updateNotificationConfiguration", "UpdateNotificationConfiguration", (*controlState).UpdateNotificationConfiguration)
	controlOp("/describeImageGenerationConfiguration", "DescribeImageGenerationConfiguration", (*controlState).DescribeImageGenerationConfiguration)
	controlOp("/updateImageGenerationConfiguration", "UpdateImageGenerationConfiguration", (*controlState).UpdateImageGenerationConfiguration)
	controlOp("/getDataEndpoint", "GetDataEndpoint", (*controlState).GetDataEndpoint)
	controlOp("/getSignalingChannelEndpoint", "GetSignalingChannelEndpoint", (*controlState).GetSignalingChannelEndpoint)
	controlOp("/createStream", "CreateStream", (*controlState).CreateStream)
	controlOp("/describeStream", "DescribeStream", (*controlState).DescribeStream)
	controlOp("/listStreams", "ListStreams", (*controlState).ListStreams)
	controlOp("/updateStream", "UpdateStream", (*controlState).UpdateStream)
	controlOp("/updateDataRetention", "UpdateDataRetention", (*controlState).UpdateDataRetention)
	controlOp("/deleteStream", "DeleteStream", (*controlState).DeleteStream)
	controlOp("/tagStream", "TagStream", (*controlState).TagStream)
	controlOp("/untagStream", "UntagStream", (*controlState).UntagStream)
	controlOp("/listTagsForStream", "ListTagsForStream", (*controlState).ListTagsForStream)
	controlOp("/TagResource", "TagResource", (*controlState).TagResource)
	controlOp("/UntagResource", "UntagResource", (*controlState).UntagResource)
	controlOp("/ListTagsForResource", "ListTagsForResource", (*controlState).ListTagsForResource)
}
