package e2e

import (
	"context"
	"database/sql"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Issue 14 #2, through the binary: "one signup per email per page" and `forget` folded only
// ASCII case, so é/É, σ/ς/Σ and full-width letters were stored as separate people, and
// forgetting one spelling left the others.
func TestUnicodeSpellingsOfOneAddressAreOnePerson(t *testing.T) {
	s := StartServer(t, WithEnv("LITMUS_SIGNUP_LIMIT", "0"))
	ctx := context.Background()
	v := s.NewVisitor()
	status, _, token, err := v.Open(ctx, "/chaser")
	if err != nil || status != 200 {
		t.Fatalf("GET /chaser = %d, %v", status, err)
	}
	for _, addr := range []string{"émile@x.com", "ÉMILE@x.com", "σ@x.com", "ς@x.com", "Σ@x.com", "A@x.com", "ａ@x.com", "\u0430@x.com"} {
		if status, _, err := v.SignUp(ctx, token, addr, nil); err != nil || status != 303 {
			t.Fatalf("signup %s = %d, %v", addr, status, err)
		}
	}
	db, err := sql.Open("sqlite3", "file:"+s.DB+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM signups WHERE page = 'chaser'").Scan(&n); err != nil || n != 4 {
		t.Errorf("%d signups stored (%v), want 4: émile, σ, A and the Cyrillic а", n, err)
	}
	s.Stop(t, 15*time.Second)
	out, err := exec.Command(litmusBin, "forget", "--db", s.DB, "ÉMILE@X.COM").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Erased 1 signup") {
		t.Errorf("litmus forget ÉMILE@X.COM: %v %s", err, out)
	}
	if err := db.QueryRow("SELECT count(*) FROM signups WHERE email LIKE '%mile%' OR email LIKE '%MILE%'").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d signups of émile left after forget (%v)", n, err)
	}
}
