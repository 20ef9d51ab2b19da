package problem

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

func TestMessageAndChain(t *testing.T) {
	inner := Wrap(fs.ErrNotExist, "there is no file %s", "nope.db")
	outer := fmt.Errorf("store: verify: %w", inner) // a package prefix on the way out
	wrapped := Wrap(outer, "%s; nothing was changed", Message(outer))

	if got, want := Message(outer), "there is no file nope.db"; got != want {
		t.Errorf("Message through a prefix = %q, want %q", got, want)
	}
	if got, want := Message(wrapped), "there is no file nope.db; nothing was changed"; got != want {
		t.Errorf("Message of the outer problem = %q, want %q", got, want)
	}
	if !errors.Is(wrapped, fs.ErrNotExist) {
		t.Error("the cause is lost for errors.Is")
	}
	if got, want := inner.Error(), "there is no file nope.db (file does not exist)"; got != want {
		t.Errorf("Error() = %q, want the message and the cause, %q", got, want)
	}
	if got := Message(errors.New("store: disk I/O error")); got != "" {
		t.Errorf("Message of an error not written for people = %q, want \"\"", got)
	}
	if got := New("plain %d", 1).Error(); got != "plain 1" {
		t.Errorf("New(...).Error() = %q", got)
	}
}
