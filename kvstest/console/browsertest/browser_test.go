package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/kvstest/console"
)

func TestMain(m *testing.M) { wiretest.VerifyNoLeaks(m) }

// chromium returns the path of the browser, skipping the test when there is none (failing
// under KVSGO_CI=1, where .ci/run installs Debian's chromium).
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("KVSGO_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("KVSGO_CI") == "1" {
		t.Fatal("chromium is not installed (apt-get install chromium); KVSGO_CI=1 requires it")
	}
	t.Skip("chromium is not installed (apt-get install chromium)")
	return ""
}

// newBrowser starts a headless Chromium with a fresh profile that reaches nothing but loopback
// and returns a context of its first tab. It is stopped when the test ends.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		// WebRTC between this browser and a peer on the same machine: real host candidates
		// (not mDNS names, whose resolution would go out as multicast), loopback included.
		chromedp.Flag("disable-features", "WebRtcHideLocalIpsWithMdns"),
		chromedp.Flag("allow-loopback-in-peer-connection", true),
		// The emulator's TLS certificate is its own (kvstest.WithTLS).
		chromedp.Flag("ignore-certificate-errors", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// newEmulator starts an emulator serving the console.
func newEmulator(t *testing.T, opts ...kvstest.Option) *kvstest.Server {
	t.Helper()
	opts = append(opts, kvstest.WithConsole(console.Handler(console.Options{Region: kvstest.DefaultRegion})))
	s := kvstest.NewServer(opts...)
	t.Cleanup(s.Close)
	return s
}

// artifacts returns the folder screenshots go to: KVSGO_ARTIFACTS/<test name>, or a temporary
// folder of the test.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("KVSGO_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	dir = filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// screenshot saves a PNG of the whole page as dir/name.png.
func screenshot(ctx context.Context, t *testing.T, dir, name string) {
	t.Helper()
	savePNG(ctx, t, dir, name, chromedp.FullScreenshot(100))
}

// savePNG runs a screenshot action and saves what it took as dir/name.png.
func savePNG(ctx context.Context, t *testing.T, dir, name string, shot chromedp.Action[[]byte]) {
	t.Helper()
	png, err := chromedp.Run(ctx, shot)
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s (%d bytes)", path, len(png))
}

// viewportScreenshot saves a PNG of what a 1280×800 window shows at the top of the page as
// dir/name.png: the picture in the README.
func viewportScreenshot(ctx context.Context, t *testing.T, dir, name string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}
	eval[bool](ctx, t, `window.scrollTo(0, 0), true`)
	savePNG(ctx, t, dir, name, chromedp.CaptureScreenshot())
}

// waitFor evaluates the JavaScript expression cond until it is true, polling on animation
// frames, and fails the test with what the page shows (the text of what) if it is not true
// within d. The page decides when the condition holds; d only bounds a page that never gets
// there.
func waitFor(ctx context.Context, t *testing.T, d time.Duration, cond, what string) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	_, err := chromedp.Run(wctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(d)))
	if err != nil {
		shown, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("main")?.innerText ?? ""`))
		t.Fatalf("waiting for %s (%s): %v\nthe page shows:\n%s", what, cond, err, shown)
	}
}

// eval evaluates a JavaScript expression and returns its value.
func eval[T any](ctx context.Context, t *testing.T, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// evalAwait evaluates a JavaScript expression whose value is a promise, and returns what it
// resolves to.
func evalAwait[T any](ctx context.Context, t *testing.T, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// click clicks the element sel selects.
func click(ctx context.Context, t *testing.T, sel string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("clicking %s: %v", sel, err)
	}
}

// open navigates to url and returns how long the page took until cond held.
func open(ctx context.Context, t *testing.T, url, cond, what string) time.Duration {
	t.Helper()
	start := time.Now()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("opening %s: %v", url, err)
	}
	waitFor(ctx, t, 30*time.Second, cond, what)
	return time.Since(start)
}

// js quotes s as a JavaScript string.
func js(s string) string { return fmt.Sprintf("%q", s) }
