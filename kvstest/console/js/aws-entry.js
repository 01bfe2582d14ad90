// The AWS SDK for JavaScript v3 pieces the console uses, bundled by vendor.sh into
// ../assets/vendor/aws.js as the global KVSAWS.
export {
  KinesisVideoClient,
  ListStreamsCommand,
  DescribeStreamCommand,
  GetDataEndpointCommand,
  ListTagsForStreamCommand,
  ListTagsForResourceCommand,
  DescribeImageGenerationConfigurationCommand,
  DescribeNotificationConfigurationCommand,
  DescribeMediaStorageConfigurationCommand,
  DescribeEdgeConfigurationCommand,
  ListSignalingChannelsCommand,
  DescribeSignalingChannelCommand,
  GetSignalingChannelEndpointCommand,
} from "@aws-sdk/client-kinesis-video";
export {
  KinesisVideoArchivedMediaClient,
  GetHLSStreamingSessionURLCommand,
  ListFragmentsCommand,
  GetImagesCommand,
  GetClipCommand,
} from "@aws-sdk/client-kinesis-video-archived-media";
export { KinesisVideoSignalingClient, GetIceServerConfigCommand } from "@aws-sdk/client-kinesis-video-signaling";
export { SignatureV4 } from "@smithy/signature-v4";
export { Sha256 } from "@aws-crypto/sha256-browser";
