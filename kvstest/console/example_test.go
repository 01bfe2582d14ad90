package console_test

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/kvstest/console"
)

// An emulator that serves the console at its control-plane address, as kvslocal does: open the
// URL that console.URL returns in a browser to be signed in.
func ExampleHandler() {
	srv := kvstest.NewServer(kvstest.WithConsole(console.Handler(console.Options{Region: kvstest.DefaultRegion})))
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status, resp.Header.Get("Content-Type"))
	fmt.Println(strings.TrimPrefix(console.URL(srv.URL, srv.Credentials()), srv.URL))
	// Output:
	// 200 OK text/html; charset=utf-8
	// /#access-key=test&secret-key=test
}
