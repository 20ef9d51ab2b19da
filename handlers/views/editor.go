package views

import (
	"slices"

	"github.com/litmuslabs/litmus/internal/pagedir"
	"github.com/litmuslabs/litmus/pages"
)

// The editor's views: edit.html (the form and the source tabs) and history.html.

// Editor is /admin/pages/{slug}/edit and /admin/pages/{slug}/source.
type Editor struct {
	Layout
	Slug  string
	Title string // the page's title as served, for the heading
	URL   string // public address
	Tab   string // "form" or "source"
	ETag  string // of the file text the form was filled from
	// ReadOnly says why pages can't be edited here ("" when they can).
	ReadOnly string

	Draft  pages.Draft
	Source string // the source tab's text

	// Errors holds messages for form fields, by input id ("title", "v1_headline"); TopErrors
	// the ones that concern no field in the form (and every problem in the source tab).
	Errors    map[string]string
	TopErrors []string
	// Raw holds what was typed into number inputs that are not numbers, to show it again.
	Raw map[string]string

	// FormMisses lists keys of the page file the form can't hold: the form can't save it.
	FormMisses []string

	Phase        PhaseNotice
	NeedsConfirm bool   // the save would start a new phase: ask before saving
	Saved        string // "saved" notice after a save
	Kinds        []string
	PreviewURL   string // the iframe's first page: the served preview of the control
}

// QuestionSlots is the draft's questions, then an empty one for each more the page may ask
// (pages.MaxQuestions): the form's question slots.
func (e Editor) QuestionSlots() []pages.DraftQuestion {
	qs := slices.Clone(e.Draft.Questions)
	for len(qs) < pages.MaxQuestions {
		qs = append(qs, pages.DraftQuestion{Kind: string(pages.QuestionChoice)})
	}
	return qs
}

// PhaseNotice says what saving would do to the page's test phase.
type PhaseNotice struct {
	Known   bool // a candidate was checked (false on the first view: nothing changed yet)
	New     bool // saving starts a new phase
	Message string
	Reasons []string
}

// History is /admin/pages/{slug}/history.
type History struct {
	Layout
	Slug, Title string
	ETag        string // of the file now on disk, for restores
	ReadOnly    string
	Versions    []HistoryVersion
}

// HistoryVersion is one kept version with its changes from the version before it.
type HistoryVersion struct {
	ID      int64
	When    string
	Author  string
	Note    string
	Current bool // the text on disk now
	Diff    []pagedir.DiffLine
	First   bool // the oldest kept version: no diff
}
