package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/litmuslabs/litmus/internal/store"
)

func TestPageVersionsKeepEachDifferentText(t *testing.T) {
	s, _ := openStore(t, store.Options{})
	ctx := context.Background()
	for i, c := range []struct {
		source, author string
		want           bool
	}{
		{"slug = \"a\"\n", "file on disk", true},
		{"slug = \"a\"\n", "file on disk", false}, // unchanged: not kept twice
		{"slug = \"a\"\ntitle = \"x\"\n", "admin (editor)", true},
		{"slug = \"a\"\n", "admin (editor)", true}, // back to the first text: a new version
	} {
		got, err := s.RecordPageVersion(ctx, store.PageVersion{Page: "a", Source: c.source, Author: c.author})
		if err != nil || got != c.want {
			t.Fatalf("record %d = %v, %v; want %v", i, got, err, c.want)
		}
	}
	vs, err := s.PageVersions(ctx, "a", 0)
	if err != nil || len(vs) != 3 {
		t.Fatalf("versions = %d, %v; want 3", len(vs), err)
	}
	if vs[0].Source != "slug = \"a\"\n" || vs[0].Author != "admin (editor)" || vs[1].Source != "slug = \"a\"\ntitle = \"x\"\n" || vs[2].Author != "file on disk" {
		t.Errorf("versions newest first: %+v", vs)
	}
	if vs[0].Hash != store.SourceHash([]byte(vs[0].Source)) || vs[0].CreatedAt.IsZero() {
		t.Errorf("hash %s / time %v", vs[0].Hash, vs[0].CreatedAt)
	}
	v, err := s.PageVersion(ctx, "a", vs[2].ID)
	if err != nil || v.Source != vs[2].Source {
		t.Errorf("PageVersion = %+v, %v", v, err)
	}
	if _, err := s.PageVersion(ctx, "b", vs[2].ID); !errors.Is(err, store.ErrNoVersion) {
		t.Errorf("another page's version: %v, want ErrNoVersion", err)
	}
	if _, err := s.RecordPageVersion(ctx, store.PageVersion{Page: "a", Source: string(make([]byte, 256<<10+1))}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("an oversized text: %v, want ErrInvalid", err)
	}
}
