package cli

import "runtime/debug"

// withVCS fills Revision from the commit Go stamps into a binary built in a git checkout
// (`go build` with -buildvcs, the default outside GOFLAGS=-buildvcs=false), so `litmus
// version` and litmus_build_info name the commit without any -ldflags. A revision given
// with -ldflags "-X main.revision=..." (the Dockerfile's REVISION) wins: a Docker build
// context has no .git, so Go has nothing to stamp there.
func (b Build) withVCS() Build {
	if b.Revision == "" {
		b.Revision = vcsRevision()
	}
	return b
}

// vcsRevision returns the stamped commit, with "-dirty" when the checkout had uncommitted
// changes, or "" when the binary carries none.
func vcsRevision() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if rev == "" {
		return ""
	}
	return rev + dirty
}
