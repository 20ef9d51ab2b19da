package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// Issue 14: `litmus -h` showed only serve's flags and `litmus --version` was "flag provided
// but not defined". What a newcomer types first must list the commands and the version.
func TestHelpAndVersionFlagsAtTheTop(t *testing.T) {
	for _, arg := range []string{"-h", "--help", "-help", "help"} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), []string{arg}, envFunc(nil), &out, &errOut)
		if err != nil || !strings.Contains(out.String(), "Commands:") || !strings.Contains(out.String(), "restore") {
			t.Errorf("litmus %s: %v\nstdout: %s\nstderr: %s", arg, err, out.String(), errOut.String())
		}
	}
	for _, arg := range []string{"--version", "-version", "-v"} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), []string{arg}, envFunc(nil), &out, &errOut)
		if err != nil || !strings.HasPrefix(out.String(), "litmus 0.") {
			t.Errorf("litmus %s: %v %q %q", arg, err, out.String(), errOut.String())
		}
	}
}
