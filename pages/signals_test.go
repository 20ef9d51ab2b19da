package pages_test

import (
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/litmuslabs/litmus/pages"
)

// TestSignalsExampleLoads keeps docs/examples/signals.toml, the documented example of the
// demand-signal keys, valid.
func TestSignalsExampleLoads(t *testing.T) {
	ps, err := pages.LoadDir(os.DirFS("../docs/examples"), ".")
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(ps, func(p *pages.Page) bool { return p.Slug == "chaser-signals" })
	if i < 0 {
		t.Fatalf("docs/examples has no page chaser-signals")
	}
	p := ps[i]
	if !p.DoubleOptIn || !p.Referrals || p.PassBar.Counts != pages.CountsConfirmed || len(p.Questions) != 2 ||
		p.Questions[0].Kind != pages.QuestionChoice || p.Questions[1].MaxLength != 120 ||
		p.Confirmation.Subject != "Confirm your place on the Chaser waitlist" || p.Confirmation.Button != "Confirm my email" {
		t.Errorf("loaded %+v", p)
	}
}

// TestSignalKeysAreValidated: each mistake gets a message on its line.
func TestSignalKeysAreValidated(t *testing.T) {
	const head = "slug = \"x\"\ntitle = \"X\"\n"
	const rest = "\n[[variants]]\nid = \"a\"\nheadline = \"H\"\ncta = \"Go\"\n\n[pass_bar]\ntarget = \"5%\"\nmin_visitors = 400\n"
	for _, c := range []struct{ name, top, extra, want string }{
		{"confirmed without opt-in", "", "counts = \"confirmed\"\n", "counts = \"confirmed\" needs double_opt_in = true"},
		{"unknown counts", "double_opt_in = true\n", "counts = \"emails\"\n", "counts must be \"signups\" or \"confirmed\""},
		{"confirmation without opt-in", "", "\n[confirmation]\nsubject = \"Hi\"\n", "[confirmation] is the copy of the confirmation mail"},
		{"three questions", "", strings.Repeat("\n[[questions]]\nname = \"q\"\nkind = \"text\"\nlabel = \"Q?\"\n", 1) +
			"\n[[questions]]\nname = \"r\"\nkind = \"text\"\nlabel = \"R?\"\n\n[[questions]]\nname = \"s\"\nkind = \"text\"\nlabel = \"S?\"\n", "too many questions: 3, the limit is 2"},
		{"choice without options", "", "\n[[questions]]\nname = \"pay\"\nlabel = \"Pay?\"\n", "missing options in [[questions]] #1"},
		{"text with options", "", "\n[[questions]]\nname = \"pay\"\nkind = \"text\"\nlabel = \"Pay?\"\noptions = [\"a\", \"b\"]\n", "options only apply to kind = \"choice\""},
		{"bad kind", "", "\n[[questions]]\nname = \"pay\"\nkind = \"radio\"\nlabel = \"Pay?\"\noptions = [\"a\", \"b\"]\n", "kind must be choice or text"},
		{"long max_length", "", "\n[[questions]]\nname = \"pay\"\nkind = \"text\"\nlabel = \"Pay?\"\nmax_length = 5000\n", "max_length must be between 1 and 500"},
		{"double_opt_in not a bool", "double_opt_in = \"yes\"\n", "", "double_opt_in"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := head + c.top + rest + c.extra
			_, err := pages.LoadDir(fstest.MapFS{"x.toml": {Data: []byte(src)}}, ".")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v\nwant it to contain %q\nfile:\n%s", err, c.want, src)
			}
		})
	}
}
