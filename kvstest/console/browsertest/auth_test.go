package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/chromedp/chromedp"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/console"
)

// TestConsoleShowsNothingWhenAuthRefuses signs in with a wrong secret key: every page shows the
// emulator's refusal and none of its streams or channels.
func TestConsoleShowsNothingWhenAuthRefuses(t *testing.T) {
	ctx := newBrowser(t)
	emu := newEmulator(t)
	dir := artifacts(t)
	produce(t, emu, "secret-stream")
	if _, err := kvs.NewFromConfig(emu.Config()).CreateSignalingChannel(context.Background(), &kvs.CreateSignalingChannelInput{ChannelName: "secret-channel"}); err != nil {
		t.Fatal(err)
	}
	wrong := emu.Credentials()
	wrong.SecretAccessKey = "not-" + wrong.SecretAccessKey

	// Without credentials the console asks for them, and the form works from the keyboard.
	open(ctx, t, emu.URL+"/", `document.activeElement?.id === "ak"`, "the sign-in form, focused")
	screenshot(ctx, t, dir, "sign-in")
	if err := chromedp.Do(ctx, chromedp.KeyEvent(wrong.AccessKeyID+"\t"+wrong.SecretAccessKey+"\r")); err != nil {
		t.Fatal(err)
	}
	waitFor(ctx, t, 30*time.Second, `document.querySelector("main").innerText.includes("refused these credentials")`, "the refusal after signing in")
	for _, page := range []struct{ name, fragment, secret string }{
		{"streams", "#/streams", "secret-stream"}, {"channels", "#/channels", "secret-channel"}, {"stream", "#/stream/secret-stream", "arn:aws"},
	} {
		url := console.URL(emu.URL, aws.Credentials{AccessKeyID: wrong.AccessKeyID, SecretAccessKey: wrong.SecretAccessKey})
		open(ctx, t, url, `document.querySelector("main").innerText.includes("refused these credentials")`, "the refusal")
		open(ctx, t, emu.URL+"/"+page.fragment, `document.querySelector("main").innerText.includes("refused these credentials")`, "the refusal on the "+page.name+" page")
		if shown := eval[string](ctx, t, `document.querySelector("main").innerText`); strings.Contains(shown, page.secret) || strings.Contains(shown, "ACTIVE") {
			t.Errorf("the %s page shows what the emulator refused to tell:\n%s", page.name, shown)
		}
	}
	screenshot(ctx, t, dir, "refused")
}
