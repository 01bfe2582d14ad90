package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// printOverview prints the overall help: how to call kvs and the commands by group.
func printOverview(w io.Writer) {
	fmt.Fprint(w, `usage: kvs [AWS flags] COMMAND [flags] [arguments]

kvs uploads to and downloads from Amazon Kinesis Video Streams (PutMedia and GetMedia, which the
AWS CLI lacks), decodes the service's MKV streams, manages streams and reads their archive:
fragment lists, MP4 clips, HLS and DASH playback URLs and images. Credentials and region come
from the standard AWS chain; --endpoint-url points it at another endpoint, such as kvslocal.
`)
	for _, g := range groups {
		fmt.Fprintf(w, "\n%s:\n", g)
		for _, c := range commands {
			if c.group == g {
				fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
			}
		}
	}
	fmt.Fprint(w, `
AWS flags (also accepted after the command):
  --endpoint-url URL   control-plane endpoint, e.g. http://127.0.0.1:4567 for kvslocal
  --region REGION      AWS region (default: AWS_REGION or the profile's)
  --profile NAME       shared config profile (default: AWS_PROFILE or default)

Run "kvs COMMAND --help" or "kvs help COMMAND" for a command's flags and an example.
`)
}

// printHelp prints a command's full help: usage, description, flags and example.
func printHelp(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: %s\n\n", c.usage)
	fmt.Fprintln(w, wrap(c.doc, 96))
	printFlags(w, c, fs)
	fmt.Fprintf(w, "\nexample:\n")
	for _, line := range strings.Split(c.example, "\n") {
		fmt.Fprintf(w, "  %s\n", line)
	}
}

// printUsage prints the short help that follows a usage error.
func printUsage(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: %s\n", c.usage)
	printFlags(w, c, fs)
	fmt.Fprintf(w, "Run \"kvs %s --help\" for more.\n", c.name)
}

// printFlags lists the command's flags, then the AWS flags if it takes them.
func printFlags(w io.Writer, c *command, fs *flag.FlagSet) {
	var own, awsOwn []string
	fs.VisitAll(func(f *flag.Flag) {
		line := flagLine(f)
		switch f.Name {
		case "endpoint-url", "region", "profile":
			awsOwn = append(awsOwn, line)
		default:
			own = append(own, line)
		}
	})
	if len(own) > 0 {
		fmt.Fprintf(w, "\nflags:\n%s", strings.Join(own, ""))
	}
	if c.aws {
		fmt.Fprintf(w, "\nAWS flags:\n%s", strings.Join(awsOwn, ""))
	}
}

// flagLine formats one flag: "--name VALUE" (one dash for one-letter names), its usage and its
// default when that is not the zero value.
func flagLine(f *flag.Flag) string {
	placeholder, usage := flag.UnquoteUsage(f)
	dash := "--"
	if len(f.Name) == 1 {
		dash = "-"
	}
	name := dash + f.Name
	if placeholder != "" {
		name += " " + placeholder
	}
	if def := f.DefValue; def != "" && def != "0" && def != "false" && def != "0s" {
		usage += fmt.Sprintf(" (default %s)", def)
	}
	if len(name) > 20 {
		return fmt.Sprintf("  %s\n  %-20s %s\n", name, "", usage)
	}
	return fmt.Sprintf("  %-20s %s\n", name, usage)
}

// wrap fills text into lines of at most width characters.
func wrap(text string, width int) string {
	var b strings.Builder
	n := 0
	for _, word := range strings.Fields(text) {
		switch {
		case n == 0:
		case n+1+len(word) > width:
			b.WriteByte('\n')
			n = 0
		default:
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += len(word)
	}
	return b.String()
}
