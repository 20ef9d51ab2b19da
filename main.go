// Command litmus is a landing-page smoke-test server: it serves variants of a landing page,
// collects signups in SQLite, and tells the founder, with honest statistics, whether demand
// cleared the bar they set before they started. Run `litmus help` for the commands; they live
// in internal/cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/litmuslabs/litmus/internal/cli"
)

// version and revision are set at build time:
//
//	go build -ldflags "-X main.version=0.2.0 -X main.revision=$(git rev-parse --short HEAD)"
//
// Without -X main.revision, the commit Go stamps into a binary built in a git checkout is used.
var (
	version  = "0.2.0-dev"
	revision = ""
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := cli.Run(ctx, cli.Build{Version: version, Revision: revision}, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(cli.ExitCode(err, os.Stderr))
}
