package assign

import (
	"encoding/base64"
	"fmt"
	"math"
	"testing"
	"time"
)

// TestBucketGoldenVectors freezes the mapping. If this test fails, returning visitors would
// be moved to another variant mid-test: do not update the vectors, fix the code.
func TestBucketGoldenVectors(t *testing.T) {
	cases := []struct {
		page, visitor string
		weights       []int
		want          int
	}{
		{"launch", "AAAAAAAAAAAAAAAAAAAAAA", []int{50, 50}, 0},
		{"launch", "q3Kx9_vY-2mZ8aB1cD4eFg", []int{50, 50}, 0},
		{"launch", "zzzzzzzzzzzzzzzzzzzzzz", []int{50, 50}, 0},
		{"pricing", "AAAAAAAAAAAAAAAAAAAAAA", []int{50, 50}, 1},
		{"pricing", "q3Kx9_vY-2mZ8aB1cD4eFg", []int{1, 1, 1}, 0},
		{"pricing", "zzzzzzzzzzzzzzzzzzzzzz", []int{1, 1, 1}, 1},
		{"launch", "0123456789abcdefABCDEF", []int{90, 10}, 0},
		{"launch", "-_-_-_-_-_-_-_-_-_-_-_", []int{10, 90}, 1},
		{"a", "b", []int{7}, 0},
	}
	for _, c := range cases {
		if got := Bucket(c.page, c.visitor, c.weights); got != c.want {
			t.Errorf("Bucket(%q, %q, %v) = %d, want %d", c.page, c.visitor, c.weights, got, c.want)
		}
	}
}

// TestBucketHoldsWeights assigns 100,000 ids and checks every variant's share is within
// 1 percentage point of its weight share (the binomial standard deviation at n=100k is at
// most 0.16 points, so 1 point is > 6 sigma: this cannot flake).
func TestBucketHoldsWeights(t *testing.T) {
	for _, weights := range [][]int{{50, 50}, {90, 10}, {1, 1, 1}, {20, 30, 50}, {1, 999}} {
		t.Run(fmt.Sprint(weights), func(t *testing.T) {
			const n = 100_000
			counts := make([]int, len(weights))
			for i := 0; i < n; i++ {
				counts[Bucket("launch", fmt.Sprintf("visitor-%d", i), weights)]++
			}
			total := 0
			for _, w := range weights {
				total += w
			}
			for i, w := range weights {
				want := float64(w) / float64(total)
				got := float64(counts[i]) / n
				if math.Abs(got-want) > 0.01 {
					t.Errorf("variant %d: share %.4f, want %.4f ± 0.01", i, got, want)
				}
			}
		})
	}
}

func TestBucketIsStickyAndPageSpecific(t *testing.T) {
	w := []int{50, 50}
	differ := 0
	for i := 0; i < 1000; i++ {
		id := NewVisitorID()
		first := Bucket("launch", id, w)
		for j := 0; j < 3; j++ {
			if Bucket("launch", id, w) != first {
				t.Fatalf("visitor %s moved between variants", id)
			}
		}
		if Bucket("other-page", id, w) != first {
			differ++
		}
	}
	// Independent pages: about half the visitors land differently. Far from 0 and 1000.
	if differ < 400 || differ > 600 {
		t.Errorf("%d of 1000 visitors differ between two pages, want about 500 (assignment must not correlate across pages)", differ)
	}
}

// TestVisitorIDsSortByCreationTime: ids made later sort after ids made earlier (byte order
// of the decoded id), which is what keeps the store's inserts local.
func TestVisitorIDsSortByCreationTime(t *testing.T) {
	first := NewVisitorID()
	time.Sleep(2 * time.Millisecond)
	second := NewVisitorID()
	a, _ := base64.RawURLEncoding.DecodeString(first)
	b, _ := base64.RawURLEncoding.DecodeString(second)
	if string(a[:6]) >= string(b[:6]) {
		t.Errorf("id made later (%x) does not sort after the earlier one (%x)", b[:6], a[:6])
	}
}

func TestVisitorIDs(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		id := NewVisitorID()
		if !ValidVisitorID(id) {
			t.Fatalf("NewVisitorID() = %q, not valid", id)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
	}
	for _, bad := range []string{"", "short", "AAAAAAAAAAAAAAAAAAAAA=", "AAAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAA<script>AAAA", "AAAAAAAAAAAAAAAAAAAA\n"} {
		if ValidVisitorID(bad) {
			t.Errorf("ValidVisitorID(%q) = true", bad)
		}
	}
}

func BenchmarkBucket(b *testing.B) {
	w := []int{50, 50}
	for i := 0; i < b.N; i++ {
		Bucket("launch", "q3Kx9_vY-2mZ8aB1cD4eFg", w)
	}
}

// TestBurstOfNewIDsSplitsEvenly: ids made in the same millisecond share their first 6 bytes;
// the split must still follow the weights (within 1 point over 100,000 ids, > 6 sigma).
func TestBurstOfNewIDsSplitsEvenly(t *testing.T) {
	const n = 100_000
	counts := [2]int{}
	for i := 0; i < n; i++ {
		counts[Bucket("launch", NewVisitorID(), []int{50, 50})]++
	}
	if share := float64(counts[0]) / n; share < 0.49 || share > 0.51 {
		t.Errorf("control got %.4f of a burst of new visitors, want 0.50 ± 0.01", share)
	}
}
