package browsertest

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/kvsgo/sdk/kvstest/console"
)

// playback is what the player's <video> element reports.
type playback struct {
	CurrentTime float64 `json:"currentTime"`
	Decoded     int     `json:"decoded"`
	Dropped     int     `json:"dropped"`
	Width       int     `json:"width"`
	Mode        string  `json:"mode"`
	Session     string  `json:"session"`
}

const playbackJS = `(() => { const v = document.getElementById("player"); const q = v.getVideoPlaybackQuality();
	return {currentTime: v.currentTime, decoded: q.totalVideoFrames - q.droppedVideoFrames, dropped: q.droppedVideoFrames,
		width: v.videoWidth, mode: v.dataset.mode || "", session: v.dataset.sessionUrl || ""}; })()`

// TestConsoleShowsAStreamWhileItIsProduced opens the console while a producer streams, and
// checks the streams page, the live player, the fragment timeline, on-demand playback from a
// fragment, a clip download and the images.
func TestConsoleShowsAStreamWhileItIsProduced(t *testing.T) {
	ctx := newBrowser(t)
	emu := newEmulator(t)
	dir := artifacts(t)
	const stream = "front-door"
	produce(t, emu, stream)

	// The streams page lists the stream, live, once its fragments arrive.
	row := `document.querySelector('tr[data-stream="` + stream + `"]')`
	load := open(ctx, t, console.URL(emu.URL, emu.Credentials()), row+`?.querySelector(".badge.live") != null`, "the stream listed as live")
	fragments := eval[string](ctx, t, row+`.querySelector(".fragments").textContent`)
	if fragments == "0" || fragments == "—" {
		t.Errorf("the streams page counts %q fragments in the last minute of a live stream", fragments)
	}
	// The sample is 368 kB of video per 10 s: about 294 kbit/s.
	if rate := eval[string](ctx, t, row+`.querySelector(".rate").textContent`); !regexp.MustCompile(`^(2[5-9][0-9]|3[0-4][0-9])\.[0-9] kbit/s$`).MatchString(rate) {
		t.Errorf("the streams page shows a data rate of %q, want about 294 kbit/s", rate)
	}
	credsInAddress := eval[bool](ctx, t, `location.href.includes("secret-key")`)
	if credsInAddress {
		t.Error("the credentials stay in the address bar after sign-in")
	}
	t.Logf("figure: streams page loaded and listed the live stream in %v", load.Round(time.Millisecond))
	screenshot(ctx, t, dir, "streams")

	// The stream's page plays it live: the position advances and frames are decoded.
	load = open(ctx, t, emu.URL+"/#/stream/"+stream, `document.getElementById("player")?.currentTime > 0`, "live playback to start")
	t.Logf("figure: stream page loaded and live playback started in %v", load.Round(time.Millisecond))
	live := eval[playback](ctx, t, playbackJS)
	waitFor(ctx, t, 30*time.Second, playbackJS+`.currentTime > `+ftoa(live.CurrentTime+2), "the live player to advance by 2 s")
	waitFor(ctx, t, 30*time.Second, playbackJS+`.decoded >= 60`, "60 decoded frames")
	live = eval[playback](ctx, t, playbackJS)
	if live.Mode != "LIVE" || live.Width != 320 {
		t.Errorf("live playback: %+v, want mode LIVE and 320 pixels wide", live)
	}
	t.Logf("figure: live player decoded %d frames (%d dropped) by %.1f s", live.Decoded, live.Dropped, live.CurrentTime)

	// The timeline lists the fragments; the image of a recent frame renders.
	waitFor(ctx, t, 30*time.Second, `document.querySelectorAll("#timeline button").length >= 3`, "three fragments on the timeline")
	waitFor(ctx, t, 60*time.Second, `[...document.querySelectorAll("#images img")].some(i => i.complete && i.naturalWidth === 320)`, "an image of the stream")
	screenshot(ctx, t, dir, "stream-live")

	// A click on the oldest fragment plays from there, on demand.
	first := eval[string](ctx, t, `document.querySelector("#timeline button").dataset.fragment`)
	click(ctx, t, `#timeline button`)
	waitFor(ctx, t, 30*time.Second, playbackJS+`.mode === "ON_DEMAND" && `+playbackJS+`.session !== `+js(live.Session), "an on-demand session")
	pressed := eval[string](ctx, t, `document.querySelector('#timeline button[aria-pressed="true"]').dataset.fragment`)
	if pressed != first {
		t.Errorf("the timeline marks fragment %s as chosen, want %s", pressed, first)
	}
	waitFor(ctx, t, 30*time.Second, playbackJS+`.currentTime > 1.5`, "on-demand playback to advance")
	demand := eval[playback](ctx, t, playbackJS)
	t.Logf("figure: on-demand playback from fragment %s at %.1f s", first, demand.CurrentTime)

	// The chosen fragment offers a clip, which downloads as MP4.
	click(ctx, t, `#clip`)
	waitFor(ctx, t, 30*time.Second, `Number(document.getElementById("clip-file")?.dataset.bytes) > 10000`, "a clip of the fragment")
	clipHead := evalAwait[string](ctx, t, `fetch(document.getElementById("clip-file").href).then(r => r.arrayBuffer()).then(b => new TextDecoder().decode(new Uint8Array(b, 4, 4)))`)
	if clipHead != "ftyp" {
		t.Errorf("the clip starts with box %q, want ftyp (MP4)", clipHead)
	}
	screenshot(ctx, t, dir, "stream-on-demand")

	// The keyboard does the same: the chosen fragment is the timeline's tab stop, the arrow keys
	// move along it and Enter plays.
	second := eval[string](ctx, t, `document.querySelectorAll("#timeline button")[1].dataset.fragment`)
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(`#timeline button[tabindex="0"]`)), chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	waitFor(ctx, t, 30*time.Second, `document.querySelector('#timeline button[aria-pressed="true"]')?.dataset.fragment === `+js(second), "the next fragment chosen from the keyboard")
	viewportScreenshot(ctx, t, dir, "readme")

	// Back to live: a new LIVE session, playing.
	click(ctx, t, "#play-live")
	waitFor(ctx, t, 30*time.Second, playbackJS+`.mode === "LIVE" && `+playbackJS+`.session !== `+js(live.Session)+` && `+playbackJS+`.currentTime > 1`, "live playback again")
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 3, 64) }
