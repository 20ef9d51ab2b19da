// Package problem is Litmus's small error vocabulary for people. An *Error carries the
// sentence a person reads (a founder at the terminal, an admin in the browser): what
// happened and what to do, in their words, with no package prefixes. Separately it keeps
// the cause, for the log and for errors.Is.
//
// Code that knows what went wrong in a person's terms returns one (store.Verify: "there is
// no file nope.db"); code that adds to it wraps it again (restore: "...; nothing was
// changed"). The edges show Message(err): the CLI's exit (cli.ExitCode) prints it; anything
// without one is printed, or logged, whole.
package problem

import (
	"errors"
	"fmt"
)

// Error is an error with a message for people.
type Error struct {
	Msg string // for people: plain words, says what to do; no "store:" or other prefixes
	Err error  // the cause, for the log and errors.Is/As; may be nil
}

// New returns an *Error with the message fmt.Sprintf(format, args...) and no cause.
func New(format string, args ...any) *Error {
	return &Error{Msg: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error with the message fmt.Sprintf(format, args...) and err as its cause.
func Wrap(err error, format string, args ...any) *Error {
	return &Error{Msg: fmt.Sprintf(format, args...), Err: err}
}

// Error is the message, then the cause when it says more: the whole chain, for the log.
func (e *Error) Error() string {
	if e.Err == nil || e.Err.Error() == e.Msg {
		return e.Msg
	}
	return e.Msg + " (" + e.Err.Error() + ")"
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Message returns what a person should read about err: the message of the outermost
// *Error in its chain, or "" when there is none (then err was not written for people, and
// the caller says something general or shows err whole).
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Msg
	}
	return ""
}
