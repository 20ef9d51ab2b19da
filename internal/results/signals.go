package results

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/litmuslabs/litmus/internal/stats"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// The deeper demand signals of a page's phase: confirmed signups (double opt-in), share
// links, and the answers to the thank-you page's questions. Which of them a report shows
// follows the page file (double_opt_in, referrals, questions); the numbers are the phase's.

// MaxLatestAnswers bounds the text answers listed per question.
const MaxLatestAnswers = 20

// Confirmation is how many counted signups confirmed their address.
type Confirmation struct {
	Signups   int64              `json:"signups"`
	Confirmed int64              `json:"confirmed"`
	Rate      float64            `json:"rate"`    // Confirmed/Signups; 0 with no signups
	CILow     float64            `json:"ci_low"`  // Wilson 95% interval of the rate
	CIHigh    float64            `json:"ci_high"` // (0, 1) with no signups
	Variants  []ConfirmedVariant `json:"variants"`
}

// ConfirmedVariant is one variant's counted and confirmed signups.
type ConfirmedVariant struct {
	ID        string  `json:"id"`
	Signups   int64   `json:"signups"`
	Confirmed int64   `json:"confirmed"`
	Rate      float64 `json:"rate"`
}

// Referrals is what share links brought: visitors who arrived through one, the counted
// signups among them, the referral rate (signups brought per signup), and the verdict as
// it would be without referred visitors, so a page that spreads well cannot flatter its
// bar unnoticed (the verdict itself counts everyone, as pre-registered).
type Referrals struct {
	ReferredVisitors int64              `json:"referred_visitors"`
	ReferredSignups  int64              `json:"referred_signups"`
	Rate             stats.ReferralRate `json:"referral_rate"`
	Variants         []ReferredVariant  `json:"variants"`
	VerdictWithout   stats.Verdict      `json:"verdict_without_referred"`
}

// ReferredVariant is one variant's visitors and signups, and how many were referred.
type ReferredVariant struct {
	ID               string `json:"id"`
	Visitors         int64  `json:"visitors"`
	ReferredVisitors int64  `json:"referred_visitors"`
	Signups          int64  `json:"signups"`
	ReferredSignups  int64  `json:"referred_signups"`
}

// QuestionSummary is the answers to one thank-you question in the current phase: for a
// choice, the count and share of each option per variant; for text, the latest answers.
type QuestionSummary struct {
	Name     string            `json:"name"`
	Label    string            `json:"label"`
	Kind     string            `json:"kind"`
	All      QuestionVariant   `json:"all"` // every variant together
	Variants []QuestionVariant `json:"variants"`
	Latest   []TextAnswer      `json:"latest,omitempty"` // text only, newest first
}

// QuestionVariant is how the signups of one variant (or all, ID "") answered.
type QuestionVariant struct {
	ID       string        `json:"id,omitempty"`
	Answered int64         `json:"answered"`
	Choices  []ChoiceCount `json:"choices,omitempty"`
}

// ChoiceCount is how many answered one option, and their share of those who answered.
type ChoiceCount struct {
	Answer string  `json:"answer"`
	Count  int64   `json:"count"`
	Share  float64 `json:"share"`
}

// TextAnswer is one free-text answer.
type TextAnswer struct {
	Variant string    `json:"variant"`
	Text    string    `json:"text"`
	At      time.Time `json:"at"`
}

// addSignals fills r's Confirmation, Referrals and Questions of phase phaseID (analysed in
// a) for the page's features.
func addSignals(ctx context.Context, st *store.Store, p *pages.Page, phaseID int64, a analysis, r *Results) error {
	if p.DoubleOptIn {
		c := &Confirmation{Variants: []ConfirmedVariant{}}
		for _, vc := range a.counts {
			c.Signups += vc.Signups
			c.Confirmed += vc.Confirmed
			c.Variants = append(c.Variants, ConfirmedVariant{ID: vc.Variant, Signups: vc.Signups, Confirmed: vc.Confirmed, Rate: ratio(vc.Confirmed, vc.Signups)})
		}
		c.Rate = ratio(c.Confirmed, c.Signups)
		c.CILow, c.CIHigh = stats.Wilson95(c.Confirmed, c.Signups)
		r.Confirmation = c
	}
	if p.Referrals {
		ref := &Referrals{Variants: []ReferredVariant{}}
		var visitors, judged, signups, refJudged int64
		for _, vc := range a.counts {
			ref.ReferredVisitors += vc.ReferredVisitors
			ref.ReferredSignups += vc.ReferredSignups
			visitors += vc.Visitors
			signups += vc.Signups
			if r.Counts == pages.CountsConfirmed {
				judged += vc.Confirmed
				refJudged += vc.ReferredConfirmed
			} else {
				judged += vc.Signups
				refJudged += vc.ReferredSignups
			}
			ref.Variants = append(ref.Variants, ReferredVariant{ID: vc.Variant, Visitors: vc.Visitors,
				ReferredVisitors: vc.ReferredVisitors, Signups: vc.Signups, ReferredSignups: vc.ReferredSignups})
		}
		ref.Rate = stats.NewReferralRate(ref.ReferredSignups, signups)
		ref.VerdictWithout = stats.Judge(a.bar, stats.Counts{Visitors: visitors - ref.ReferredVisitors, Signups: judged - refJudged}, a.days)
		r.Referrals = ref
	}
	if len(p.Questions) > 0 {
		qs, err := questionSummaries(ctx, st, p, phaseID, a.counts)
		if err != nil {
			return err
		}
		r.Questions = qs
	}
	return nil
}

// questionSummaries counts the answers of phase phaseID per question, variant (those of
// counts, the phase's) and option. Options are listed in the page's order, with zeros; an
// answer that is no longer an option (the page was edited) is listed after them, so every
// stored answer is counted.
func questionSummaries(ctx context.Context, st *store.Store, p *pages.Page, phaseID int64, counts []store.VariantCount) ([]QuestionSummary, error) {
	rows, err := st.AnswerCounts(ctx, phaseID)
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	type key struct{ variant, question, answer string }
	got := map[key]int64{}
	extra := map[string][]string{} // question → answers that are not options, first seen order
	for _, c := range rows {
		got[key{c.Variant, c.Question, c.Answer}] += c.Count
	}
	var out []QuestionSummary
	for _, q := range p.Questions {
		qs := QuestionSummary{Name: q.Name, Label: q.Label, Kind: string(q.Kind), Variants: []QuestionVariant{}}
		options := append([]string(nil), q.Options...)
		if q.Kind == pages.QuestionChoice {
			known := map[string]bool{}
			for _, o := range options {
				known[o] = true
			}
			for _, c := range rows {
				if c.Question == q.Name && !known[c.Answer] {
					known[c.Answer] = true
					extra[q.Name] = append(extra[q.Name], c.Answer)
				}
			}
			options = append(options, sortedCopy(extra[q.Name])...)
		}
		all := QuestionVariant{}
		allCounts := make([]int64, len(options))
		for _, v := range counts {
			qv := QuestionVariant{ID: v.Variant}
			for _, c := range rows {
				if c.Question == q.Name && c.Variant == v.Variant {
					qv.Answered += c.Count
				}
			}
			for i, o := range options {
				n := got[key{v.Variant, q.Name, o}]
				allCounts[i] += n
				qv.Choices = append(qv.Choices, ChoiceCount{Answer: o, Count: n, Share: ratio(n, qv.Answered)})
			}
			all.Answered += qv.Answered
			qs.Variants = append(qs.Variants, qv)
		}
		for i, o := range options {
			all.Choices = append(all.Choices, ChoiceCount{Answer: o, Count: allCounts[i], Share: ratio(allCounts[i], all.Answered)})
		}
		qs.All = all
		if q.Kind == pages.QuestionText {
			latest, err := st.LatestAnswers(ctx, phaseID, q.Name, MaxLatestAnswers)
			if err != nil {
				return nil, fmt.Errorf("results: %w", err)
			}
			qs.Latest = []TextAnswer{}
			for _, a := range latest {
				qs.Latest = append(qs.Latest, TextAnswer{Variant: a.Variant, Text: a.Text, At: a.At})
			}
		}
		out = append(out, qs)
	}
	return out, nil
}

func ratio(n, d int64) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / float64(d)
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	slices.Sort(out)
	return out
}
