//go:build unix

package store

import (
	"os"
	"syscall"
)

// chownLike gives the file at path the owner and group of like, when this process may and
// they differ: only root can, and only root creates files the server's user cannot write.
func chownLike(path string, like os.FileInfo) error {
	if like == nil || os.Geteuid() != 0 {
		return nil
	}
	st, ok := like.Sys().(*syscall.Stat_t)
	if !ok || st.Uid == 0 {
		return nil
	}
	return os.Chown(path, int(st.Uid), int(st.Gid))
}
