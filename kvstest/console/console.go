// Package console is the web console of the Kinesis Video Streams emulator: pages that list the
// streams and signaling channels of a [kvstest.Server], play a stream live and from its archive
// (HLS), show its fragments, images, tags and configurations, and connect to a channel as a
// WebRTC viewer with the official JavaScript SDK.
//
// The console is a client of the emulator like any other: its pages run in the browser and
// call the public APIs with requests signed by the credentials the user gives (SigV4, by the AWS
// SDK for JavaScript), so they show nothing the emulator's authentication would refuse. The
// handler itself serves only static files, embedded in the binary, with no third-party request
// at run time: the JavaScript libraries are vendored (see js/vendor.sh).
//
// kvslocal serves the console at its control-plane address; a test mounts it with
// [kvstest.WithConsole]:
//
//	srv := kvstest.NewServer(kvstest.WithConsole(console.Handler(console.Options{Region: kvstest.DefaultRegion})))
//
// The credentials can be handed to the page in the fragment of its URL, which browsers never
// send to a server: [URL] builds that address.
package console

//go:generate sh js/vendor.sh

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

//go:embed assets
var assets embed.FS

// Options configure the console's pages.
type Options struct {
	// Region is the region the pages sign their requests for: the emulator's region.
	Region string
}

// Handler returns the handler of the console: the page at "/" and its files under "/console/".
// It answers only GET and HEAD requests.
func Handler(o Options) http.Handler {
	files, err := fs.Sub(assets, "assets")
	if err != nil {
		panic("console: the embedded assets are missing: " + err.Error())
	}
	page := template.Must(template.ParseFS(files, "index.html"))
	var index bytes.Buffer
	if err := page.Execute(&index, o); err != nil {
		panic("console: the page template fails: " + err.Error())
	}
	static := http.StripPrefix("/console/", http.FileServerFS(files))
	tags, err := etags(files)
	if err != nil {
		panic("console: reading the embedded assets: " + err.Error())
	}
	built := time.Now()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "the console answers GET and HEAD requests only", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		// The pages load nothing from elsewhere; they talk to the emulator's endpoints, which
		// are on other ports of the same host.
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "+
			"img-src 'self' data: blob:; media-src 'self' blob: http: https:; connect-src 'self' blob: http: https: ws: wss:; "+
			"worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		switch {
		case r.URL.Path == "/":
			h.Set("Cache-Control", "no-cache")
			http.ServeContent(w, r, "index.html", built, bytes.NewReader(index.Bytes()))
		case path.Clean(r.URL.Path) == "/console/index.html" || strings.HasSuffix(r.URL.Path, "/"):
			http.NotFound(w, r)
		default:
			// Embedded files have no modification time: their hashes let browsers revalidate
			// (If-None-Match) instead of downloading the libraries again on every visit.
			h.Set("Cache-Control", "no-cache")
			if tag, ok := tags[strings.TrimPrefix(r.URL.Path, "/console/")]; ok {
				h.Set("ETag", tag)
			}
			static.ServeHTTP(w, r)
		}
	})
}

// etags returns the entity tag of every file, by path: a hash of its content.
func etags(files fs.FS) (map[string]string, error) {
	tags := map[string]string{}
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(files, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		tags[name] = `"` + hex.EncodeToString(sum[:12]) + `"`
		return nil
	})
	return tags, err
}

// URL returns the address of the console at the control-plane endpoint base, signed in with
// creds: the credentials travel in the URL's fragment, which the browser keeps to itself; the
// page moves them to the tab's session storage and clears the fragment.
func URL(base string, creds aws.Credentials) string {
	v := url.Values{}
	v.Set("access-key", creds.AccessKeyID)
	v.Set("secret-key", creds.SecretAccessKey)
	if creds.SessionToken != "" {
		v.Set("session-token", creds.SessionToken)
	}
	return strings.TrimSuffix(base, "/") + "/#" + v.Encode()
}
