// Package static holds the stylesheet, script and icon every page links to, embedded in the
// binary so Litmus needs no files beside it and makes no request to anyone else's server.
//
// Asset URLs carry a short hash of the file's content (URL("app.css") is
// "/static/app.css?v=1a2b3c4d5e6f"), so the server may tell browsers to cache them for a year:
// a changed file gets a new URL.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
)

// FS holds the embedded assets, served under /static/.
//
//go:embed app.css app.js favicon.svg
var FS embed.FS

// urls maps each asset's file name to its fingerprinted URL, computed once at start.
var urls = fingerprint(FS)

// Lookup returns the fingerprinted URL of the named asset (a file name in FS, like "app.css"),
// or false when there is no such asset. Templates use it so a typo fails when they load.
func Lookup(name string) (string, bool) {
	u, ok := urls[name]
	return u, ok
}

// URL returns the fingerprinted URL of an asset the code names as a constant. It panics on an
// unknown name, which is a programming mistake a test catches.
func URL(name string) string {
	u, ok := urls[name]
	if !ok {
		panic(fmt.Sprintf("static: no asset named %q", name))
	}
	return u
}

func fingerprint(fsys fs.FS) map[string]string {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		panic(fmt.Sprintf("static: read embedded assets: %v", err))
	}
	m := make(map[string]string, len(entries))
	for _, e := range entries {
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			panic(fmt.Sprintf("static: read embedded %s: %v", e.Name(), err))
		}
		sum := sha256.Sum256(b)
		m[e.Name()] = "/static/" + e.Name() + "?v=" + hex.EncodeToString(sum[:6])
	}
	return m
}
