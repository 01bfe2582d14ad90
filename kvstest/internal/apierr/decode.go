// Input checks: the constraints of the service model, worded like the service's validation
// errors. The kvs types carry the model's constraints (see internal/validate) except the ARN
// patterns, which the operations check with CheckPattern.

package apierr

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/kvsgo/sdk/internal/jsonwire"
	"github.com/kvsgo/sdk/internal/validate"
)

// Decode decodes a JSON body into in and checks in against the service model.
func Decode(body []byte, in any) *Error {
	if len(bytes.TrimSpace(body)) > 0 {
		if err := jsonwire.Unmarshal(body, in); err != nil {
			return New(http.StatusBadRequest, "SerializationException", "The request body cannot be read as %s: %v",
				reflect.TypeOf(in).Elem().Name(), err)
		}
	}
	if err := validate.Struct(in); err != nil {
		return InvalidArgument("%s", ValidationMessage(err))
	}
	return nil
}

// ValidationMessage words the broken constraints like the service's validation errors:
// "2 validation errors detected: Value at 'streamName' failed to satisfy constraint: …; …".
func ValidationMessage(err error) string {
	var ipe smithy.InvalidParamsError
	if !errors.As(err, &ipe) {
		return err.Error()
	}
	errs := ipe.Errs()
	parts := make([]string, 0, len(errs))
	for _, e := range errs {
		var fe *validate.FieldError
		if !errors.As(e, &fe) {
			parts = append(parts, e.Error())
			continue
		}
		_, path, _ := strings.Cut(fe.Field(), ".")
		parts = append(parts, fmt.Sprintf("Value at '%s' failed to satisfy constraint: %s", memberPath(path), fe.Reason))
	}
	noun := "error"
	if len(parts) != 1 {
		noun = "errors"
	}
	return fmt.Sprintf("%d validation %s detected: %s", len(parts), noun, strings.Join(parts, "; "))
}

// memberPath lowers the first letter of each member of a path, as the service names members in
// its validation errors ("Tags[2].Key" becomes "tags[2].key").
func memberPath(path string) string {
	segs := strings.Split(path, ".")
	for i, s := range segs {
		if s != "" {
			segs[i] = strings.ToLower(s[:1]) + s[1:]
		}
	}
	return strings.Join(segs, ".")
}

// CheckPattern refuses a value of the member at path that does not match the model's pattern.
func CheckPattern(re *regexp.Regexp, path, value string) *Error {
	if re.MatchString(value) {
		return nil
	}
	return InvalidArgument("1 validation error detected: Value at '%s' failed to satisfy constraint: %q does not match the pattern %s",
		memberPath(path), value, re)
}
