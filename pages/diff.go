package pages

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ChangeKind names one kind of difference between two versions of a page.
type ChangeKind string

// The kinds of change. Those of the experiment definition (pass bar, commitments, weights,
// variants) start a new test phase once visitors have arrived; the others do not.
const (
	ChangePassBar         ChangeKind = "pass_bar"         // target, min_visitors, min_days or counts
	ChangeCommitment      ChangeKind = "commitment"       // if_validated or if_invalidated
	ChangeWeight          ChangeKind = "weight"           // one variant's share of visitors
	ChangeVariantAdded    ChangeKind = "variant_added"    // a new variant id
	ChangeVariantRemoved  ChangeKind = "variant_removed"  // a variant id gone
	ChangeVariantReworded ChangeKind = "variant_reworded" // same id, different pitch
	ChangeVariantOrder    ChangeKind = "variant_order"    // same variants, new order (the control may change)
	ChangeTitle           ChangeKind = "title"            // title or description
	ChangeLook            ChangeKind = "look"             // colour, logo, social image, default page
	ChangeFields          ChangeKind = "fields"           // the signup form
	ChangeThanks          ChangeKind = "thanks"           // the thank-you page
	ChangeSignals         ChangeKind = "signals"          // double_opt_in, confirmation, referrals, questions
)

// Change is one readable difference between two versions of a page: what a founder reads
// to know why a new test phase started, or that an edit left the test running.
type Change struct {
	Kind     ChangeKind `json:"kind"`
	Variant  string     `json:"variant,omitempty"` // the variant it is about, if any
	Text     string     `json:"text"`              // one sentence, plain text (escape it when rendering)
	NewPhase bool       `json:"new_phase"`         // part of the experiment definition
}

// DiffDefinitions lists what changed from one experiment definition to the next, in a fixed
// order: pass bar, commitments, variants removed, added, re-worded, weights, order. Equal
// definitions give nil. Every change it returns starts a new phase (NewPhase).
func DiffDefinitions(old, cur ExperimentDefinition) []Change {
	var out []Change
	add := func(kind ChangeKind, variant, format string, args ...any) {
		out = append(out, Change{Kind: kind, Variant: variant, Text: fmt.Sprintf(format, args...), NewPhase: true})
	}
	ob, nb := old.PassBar, cur.PassBar
	var bar []string
	if ob.TargetRate != nb.TargetRate {
		bar = append(bar, "target "+percent(ob.TargetRate)+" → "+percent(nb.TargetRate))
	}
	if ob.MinVisitors != nb.MinVisitors {
		bar = append(bar, fmt.Sprintf("min_visitors %d → %d", ob.MinVisitors, nb.MinVisitors))
	}
	if ob.MinDays != nb.MinDays {
		bar = append(bar, fmt.Sprintf("min_days %d → %d", ob.MinDays, nb.MinDays))
	}
	if ob.Counts != nb.Counts {
		bar = append(bar, "counts "+countsName(ob.Counts)+" → "+countsName(nb.Counts))
	}
	if len(bar) > 0 {
		add(ChangePassBar, "", "pass bar: %s", strings.Join(bar, ", "))
	}
	if ob.IfValidated != nb.IfValidated {
		add(ChangeCommitment, "", "promise if validated: %s → %s", quoteOrNone(ob.IfValidated), quoteOrNone(nb.IfValidated))
	}
	if ob.IfInvalidated != nb.IfInvalidated {
		add(ChangeCommitment, "", "promise if invalidated: %s → %s", quoteOrNone(ob.IfInvalidated), quoteOrNone(nb.IfInvalidated))
	}
	for _, v := range old.Variants {
		if cur.Variant(v.ID) == nil {
			add(ChangeVariantRemoved, v.ID, "variant %q removed (headline was %s)", v.ID, quote(v.Headline))
		}
	}
	for _, v := range cur.Variants {
		if old.Variant(v.ID) == nil {
			add(ChangeVariantAdded, v.ID, "variant %q added: %s", v.ID, quote(v.Headline))
		}
	}
	for _, v := range cur.Variants {
		o := old.Variant(v.ID)
		if o == nil {
			continue
		}
		if words := rewording(*o, v); len(words) > 0 {
			add(ChangeVariantReworded, v.ID, "variant %q re-worded: %s", v.ID, strings.Join(words, "; "))
		}
	}
	for _, v := range cur.Variants {
		if o := old.Variant(v.ID); o != nil && o.Weight != v.Weight {
			add(ChangeWeight, v.ID, "weight of %q %d → %d", v.ID, o.Weight, v.Weight)
		}
	}
	if oldOrder, curOrder := commonOrder(old, cur); !slices.Equal(oldOrder, curOrder) {
		add(ChangeVariantOrder, "", "variant order %s → %s (the first is the control)", strings.Join(oldOrder, ", "), strings.Join(curOrder, ", "))
	}
	return out
}

// DiffPages lists every change from old to cur: those of the experiment definition (see
// DiffDefinitions), then the title, look, form and thank-you page, which leave the test
// running.
func DiffPages(old, cur *Page) []Change {
	out := DiffDefinitions(old.ExperimentDefinition(), cur.ExperimentDefinition())
	add := func(kind ChangeKind, format string, args ...any) {
		out = append(out, Change{Kind: kind, Text: fmt.Sprintf(format, args...)})
	}
	if old.Title != cur.Title {
		add(ChangeTitle, "title %s → %s", quote(old.Title), quote(cur.Title))
	}
	if old.Description != cur.Description {
		add(ChangeTitle, "description changed")
	}
	var look []string
	if old.BrandColor != cur.BrandColor {
		look = append(look, "brand_color")
	}
	if old.Logo != cur.Logo {
		look = append(look, "logo")
	}
	if old.SocialImage != cur.SocialImage {
		look = append(look, "social_image")
	}
	if old.Default != cur.Default {
		look = append(look, "default")
	}
	if len(look) > 0 {
		add(ChangeLook, "%s changed", strings.Join(look, ", "))
	}
	if f := fieldChanges(old.Fields, cur.Fields); len(f) > 0 {
		add(ChangeFields, "form fields: %s", strings.Join(f, "; "))
	}
	if old.Thanks != cur.Thanks {
		add(ChangeThanks, "thank-you page changed")
	}
	var signals []string
	if old.DoubleOptIn != cur.DoubleOptIn {
		signals = append(signals, "double_opt_in")
	}
	if (old.DoubleOptIn || cur.DoubleOptIn) && old.Confirmation != cur.Confirmation { // its defaults follow the title
		signals = append(signals, "confirmation")
	}
	if old.Referrals != cur.Referrals {
		signals = append(signals, "referrals")
	}
	if !slices.EqualFunc(old.Questions, cur.Questions, sameQuestion) {
		signals = append(signals, "questions")
	}
	if len(signals) > 0 {
		add(ChangeSignals, "%s changed", strings.Join(signals, ", "))
	}
	return out
}

func sameQuestion(a, b Question) bool {
	return a.Name == b.Name && a.Kind == b.Kind && a.Label == b.Label &&
		a.MaxLength == b.MaxLength && slices.Equal(a.Options, b.Options)
}

// countsName is a pass bar's counts as the page file writes it.
func countsName(c string) string {
	if c == "" {
		return CountsSignups
	}
	return c
}

// StartsNewPhase reports whether any of changes is part of the experiment definition.
func StartsNewPhase(changes []Change) bool {
	return slices.ContainsFunc(changes, func(c Change) bool { return c.NewPhase })
}

// rewording lists the parts of a variant's pitch that changed. Short texts are quoted
// before and after; the body, usually long, is described by its size.
func rewording(o, v VariantDefinition) []string {
	var words []string
	pair := func(name, a, b string) {
		if a != b {
			words = append(words, name+" "+quoteOrNone(a)+" → "+quoteOrNone(b))
		}
	}
	pair("headline", o.Headline, v.Headline)
	pair("subheadline", o.Subheadline, v.Subheadline)
	if o.Body != v.Body {
		words = append(words, fmt.Sprintf("body re-written (%d → %d characters)", utf8.RuneCountInString(o.Body), utf8.RuneCountInString(v.Body)))
	}
	pair("cta", o.CTA, v.CTA)
	pair("price", o.Price, v.Price)
	return words
}

// commonOrder returns the ids present in both definitions, in each one's order.
func commonOrder(old, cur ExperimentDefinition) (oldOrder, curOrder []string) {
	for _, v := range old.Variants {
		if cur.Variant(v.ID) != nil {
			oldOrder = append(oldOrder, v.ID)
		}
	}
	for _, v := range cur.Variants {
		if old.Variant(v.ID) != nil {
			curOrder = append(curOrder, v.ID)
		}
	}
	return oldOrder, curOrder
}

func fieldChanges(old, cur []Field) []string {
	find := func(list []Field, name string) *Field {
		for i := range list {
			if list[i].Name == name {
				return &list[i]
			}
		}
		return nil
	}
	var out []string
	for _, f := range cur {
		if find(old, f.Name) == nil {
			out = append(out, fmt.Sprintf("%q added", f.Name))
		}
	}
	for _, f := range old {
		if find(cur, f.Name) == nil {
			out = append(out, fmt.Sprintf("%q removed", f.Name))
		}
	}
	for _, f := range cur {
		if o := find(old, f.Name); o != nil && !sameField(*o, f) {
			out = append(out, fmt.Sprintf("%q changed", f.Name))
		}
	}
	return out
}

func sameField(a, b Field) bool {
	return a.Kind == b.Kind && a.Label == b.Label && a.Placeholder == b.Placeholder &&
		a.Required == b.Required && a.MaxLength == b.MaxLength && slices.Equal(a.Options, b.Options)
}

// percent writes a rate as the page file does: 0.05 → "5%", 0.025 → "2.5%".
func percent(r float64) string {
	return strconv.FormatFloat(math.Round(r*10000)/100, 'f', -1, 64) + "%"
}

// quote quotes s for a change sentence, cut to 80 characters.
func quote(s string) string {
	if utf8.RuneCountInString(s) > 80 {
		r := []rune(s)
		s = string(r[:79]) + "…"
	}
	return strconv.Quote(s)
}

func quoteOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return quote(s)
}
