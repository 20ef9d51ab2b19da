package handlers

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/litmuslabs/litmus/handlers/views"
)

// TestMain runs the package's tests, then, when all of them ran and passed, fails the run if
// an admin template was rendered by none of them (goatcounter's check): a template no test
// renders can break with nobody but a founder noticing.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && allTestsRan() {
		if missing := views.Unrendered(); len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: no test renders the admin template(s) %v: add a test that shows them\n", missing)
			code = 1
		}
	}
	os.Exit(code)
}

// allTestsRan is false when -run or -skip chose only some tests.
func allTestsRan() bool {
	for _, name := range []string{"test.run", "test.skip"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" {
			return false
		}
	}
	return true
}
