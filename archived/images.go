package archived

import (
	"context"
	"encoding/base64"
	"iter"
	"strconv"
	"time"

	"github.com/kvsgo/sdk/internal/validate"
	"github.com/kvsgo/sdk/kvs"
)

// GetImages returns one page of images of a stream, decoded from its video at every
// SamplingInterval between StartTimestamp and EndTimestamp (at most 300 seconds apart), with
// the token of the next page. A page holds up to 25 images whatever MaxResults says. An image
// that could not be made carries an Error instead of content. Use Images to walk every page
// with the images decoded.
func (c *Client) GetImages(ctx context.Context, in *GetImagesInput, optFns ...func(*Options)) (*GetImagesOutput, error) {
	return invoke[GetImagesOutput](ctx, c, "GetImages", "/getImages", in,
		func(in *GetImagesInput) stream { return stream{in.StreamName, in.StreamARN, kvs.APINameGetImages} },
		checkGetImages, optFns)
}

func checkGetImages(in *GetImagesInput) error {
	const input = "GetImagesInput"
	switch {
	case in.EndTimestamp.Before(in.StartTimestamp):
		return validate.Errorf(input, "EndTimestamp", "must not be before StartTimestamp")
	case in.EndTimestamp.Sub(in.StartTimestamp) > MaxImagesRange:
		return validate.Errorf(input, "EndTimestamp", "must be within %v of StartTimestamp", MaxImagesRange)
	case in.SamplingInterval != nil && *in.SamplingInterval < MinSamplingInterval:
		return validate.Errorf(input, "SamplingInterval", "value %d is below the minimum %d ms", *in.SamplingInterval, MinSamplingInterval)
	}
	if q, ok := in.FormatConfig[FormatConfigKeyJPEGQuality]; ok {
		if n, err := strconv.Atoi(q); err != nil || n < 1 || n > 100 {
			return validate.Errorf(input, `FormatConfig["JPEGQuality"]`, "%q is not an integer from 1 to 100", q)
		}
	}
	return nil
}

// GetImagesInput is the input of GetImages. Name the stream by StreamName or StreamARN.
type GetImagesInput struct {
	// StreamName is the name of the stream.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
	// ImageSelectorType is the clock StartTimestamp and EndTimestamp are measured on.
	ImageSelectorType FragmentSelectorType `json:"ImageSelectorType,omitzero" validate:"required"`
	// StartTimestamp is the time of the first image; it is included.
	StartTimestamp time.Time `json:"StartTimestamp,omitzero" validate:"required"`
	// EndTimestamp ends the range of images, at most 300 seconds after StartTimestamp.
	EndTimestamp time.Time `json:"EndTimestamp,omitzero" validate:"required"`
	// SamplingInterval is the time between two images in milliseconds, at least 200. When the
	// range is shorter, the image at StartTimestamp is the only one.
	SamplingInterval *int32 `json:"SamplingInterval,omitzero"`
	// Format is the image encoding, JPEG or PNG.
	Format ImageFormat `json:"Format,omitzero" validate:"required"`
	// FormatConfig holds encoding parameters: JPEGQuality, an integer from 1 (smallest) to 100
	// (best), 80 by default.
	FormatConfig map[FormatConfigKey]string `json:"FormatConfig,omitzero" validate:"min=1,max=1;elem:min=0,max=256,pattern=formatConfigValue"`
	// WidthPixels and HeightPixels scale the images: both stretch them to that size, one alone
	// keeps the aspect ratio, neither keeps the stream's size. WidthPixels is 1 to 3840.
	WidthPixels *int32 `json:"WidthPixels,omitzero" validate:"min=1,max=3840"`
	// HeightPixels is the height of the images, 1 to 2160 (see WidthPixels).
	HeightPixels *int32 `json:"HeightPixels,omitzero" validate:"min=1,max=2160"`
	// MaxResults caps the images of the page (1 to 100; pages hold at most 25).
	MaxResults *int64 `json:"MaxResults,omitzero" validate:"min=1,max=100"`
	// NextToken continues from the page that returned it.
	NextToken string `json:"NextToken,omitzero" validate:"min=1,max=4096,pattern=base64Token"`
}

// GetImagesOutput is the output of GetImages.
type GetImagesOutput struct {
	// Images are the page's images in time order.
	Images []Image `json:"Images,omitzero"`
	// NextToken continues with the next page; empty on the last one.
	NextToken string `json:"NextToken,omitzero"`
}

// Image is one image of GetImages, or the reason there is none at its time.
type Image struct {
	// TimeStamp is the time the image was taken at, on the requested clock.
	TimeStamp time.Time `json:"TimeStamp,omitzero"`
	// Error says why there is no image: NO_MEDIA or MEDIA_ERROR.
	Error ImageError `json:"Error,omitzero"`
	// ImageContent is the encoded image, in base64; Decode returns its bytes.
	ImageContent string `json:"ImageContent,omitzero"`
}

// Decode returns the bytes of the encoded image (JPEG or PNG); nil when there is none.
func (i Image) Decode() ([]byte, error) {
	if i.ImageContent == "" {
		return nil, nil
	}
	return base64.StdEncoding.DecodeString(i.ImageContent)
}

// ImageFormat is the encoding of GetImages' images (the model's Format).
type ImageFormat string

// Values of ImageFormat.
const (
	ImageFormatJPEG ImageFormat = "JPEG"
	ImageFormatPNG  ImageFormat = "PNG"
)

// Values returns every value of ImageFormat the service model defines.
func (ImageFormat) Values() []ImageFormat { return []ImageFormat{ImageFormatJPEG, ImageFormatPNG} }

// FormatConfigKey names a parameter of FormatConfig.
type FormatConfigKey string

// FormatConfigKeyJPEGQuality is the JPEG quality, "1" to "100".
const FormatConfigKeyJPEGQuality FormatConfigKey = "JPEGQuality"

// Values returns every value of FormatConfigKey the service model defines.
func (FormatConfigKey) Values() []FormatConfigKey {
	return []FormatConfigKey{FormatConfigKeyJPEGQuality}
}

// ImageError says why GetImages has no image at a time.
type ImageError string

// Values of ImageError.
const (
	// ImageErrorNoMedia: the stream has no media at that time.
	ImageErrorNoMedia ImageError = "NO_MEDIA"
	// ImageErrorMediaError: there is media, but no image could be made of it (audio only, an
	// undecodable frame).
	ImageErrorMediaError ImageError = "MEDIA_ERROR"
)

// Values returns every value of ImageError the service model defines.
func (ImageError) Values() []ImageError { return []ImageError{ImageErrorNoMedia, ImageErrorMediaError} }

// GetImagesAPIClient is the client that a GetImagesPaginator calls; *Client implements it, and
// so does a fake in a test.
type GetImagesAPIClient interface {
	GetImages(context.Context, *GetImagesInput, ...func(*Options)) (*GetImagesOutput, error)
}

// GetImagesPaginatorOptions configure a GetImagesPaginator.
type GetImagesPaginatorOptions = kvs.PaginatorOptions[int64]

// GetImagesPaginator walks the pages of GetImages.
type GetImagesPaginator = kvs.Paginator[Options, GetImagesOutput, Image]

// NewGetImagesPaginator pages through GetImages, starting at in.NextToken. Its Items method yields
// every image of every page.
func NewGetImagesPaginator(client GetImagesAPIClient, in *GetImagesInput, optFns ...func(*GetImagesPaginatorOptions)) *GetImagesPaginator {
	req := copyInput(in)
	o := kvs.ResolvePaginatorOptions(req.MaxResults, optFns...)
	if o.Limit > 0 {
		req.MaxResults = &o.Limit
	}
	return kvs.NewPaginator(&req, o.StopOnDuplicateToken, client.GetImages, func(in *GetImagesInput) *string { return &in.NextToken },
		func(out *GetImagesOutput) string { return out.NextToken }, func(out *GetImagesOutput) []Image { return out.Images })
}

// DecodedImage is an image of GetImages with its content decoded.
type DecodedImage struct {
	// Time is when the image was taken, on the requested clock.
	Time time.Time
	// Data is the JPEG or PNG file; nil when Err is set.
	Data []byte
	// Err says why there is no image at Time; empty when there is one.
	Err ImageError
}

// Images walks every page of GetImages and yields each image with its content decoded. An
// image the service could not make is yielded with its Err set, and the walk goes on; a failed
// call, or content that is not base64, ends it with an error.
func (c *Client) Images(ctx context.Context, in *GetImagesInput, optFns ...func(*Options)) iter.Seq2[DecodedImage, error] {
	return func(yield func(DecodedImage, error) bool) {
		for img, err := range NewGetImagesPaginator(c, in).Items(ctx, optFns...) {
			if err != nil {
				yield(DecodedImage{}, err)
				return
			}
			data, err := img.Decode()
			if err != nil {
				yield(DecodedImage{Time: img.TimeStamp}, err)
				return
			}
			if !yield(DecodedImage{Time: img.TimeStamp, Data: data, Err: img.Error}, nil) {
				return
			}
		}
	}
}
