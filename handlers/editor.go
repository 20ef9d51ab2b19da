package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/litmuslabs/litmus/handlers/views"
	"github.com/litmuslabs/litmus/internal/pagedir"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// The editor in the admin: a form per page and a source tab, both writing the page file
// through internal/pagedir (the same checks and the same save as the page API), a preview of
// the variant being edited, and the history. Every POST carries the admin form token and
// passes requireAdmin's cross-site checks, like the other admin forms.

// Bounds on what the form may describe, a little above the page-file limits so the loader,
// not the form, explains a page with too many variants or fields.
const (
	maxFormVariants = 8
	maxFormFields   = 24
)

var fieldKinds = []string{"text", "textarea", "select", "checkbox"}

// editorCSP is the admin's policy plus what the editor needs: its own script (live preview,
// phase notice) and the preview frame, both from this server only.
func (a *admin) editorCSP(c *fiber.Ctx) {
	c.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
}

// handleEditorJS serves the editor's script; like the stylesheet it holds no data.
func (a *admin) handleEditorJS(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.Send(views.EditorJS())
}

// editorView is the frame of both tabs.
func (a *admin) editorView(e *site.Entry, tab string) views.Editor {
	v := views.Editor{
		Layout: a.layout("Edit " + e.Page.Title), Slug: e.Page.Slug, Title: e.Page.Title, URL: "/" + e.Page.Slug, Tab: tab,
		Kinds: fieldKinds, Errors: map[string]string{},
		PreviewURL: "/admin/pages/" + e.Page.Slug + "/preview?variant=" + url.QueryEscape(e.Page.Control().ID),
	}
	if a.Pages == nil {
		v.ReadOnly = "Page editing isn't available on this server."
	} else {
		v.ReadOnly = a.Pages.ReadOnly
	}
	return v
}

// savedMessages are the notices after a save (the ?saved= of the redirect).
var savedMessages = map[string]string{
	"same":      "Saved, and live now. The test phase goes on: the numbers so far still count.",
	"restarted": "Saved, and live now. The test phase restarted (it had no visitors yet).",
	"new":       "Saved, and live now. A new test phase started; the earlier phase's numbers are kept under Earlier test phases.",
	"created":   "Page created, and live now. Change its words below; it is not the front page (default) unless you make it one in the Source tab.",
}

// handleEditForm serves GET /admin/pages/{slug}/edit: the form, filled from the page file.
func (a *admin) handleEditForm(c *fiber.Ctx) error {
	e, err := a.adminEntry(c)
	if err != nil {
		return err
	}
	v := a.editorView(e, "form")
	v.Draft = pages.DraftOf(e.Page)
	if a.Pages != nil {
		if data, err := a.Pages.Read(e.Page.File); err == nil {
			v.ETag = pagedir.ETag(data)
			v.FormMisses = pages.DraftMisses(data)
			if ps, err := a.Pages.Check(e.Page.File, data); err == nil {
				v.Draft = pages.DraftOf(pageIn(ps, e.Page.File))
			}
		}
	}
	v.Saved = savedMessages[c.Query("saved")]
	a.editorCSP(c)
	return a.render(c, fiber.StatusOK, "edit.html", v)
}

// handleEditSource serves GET /admin/pages/{slug}/source: the page file's text.
func (a *admin) handleEditSource(c *fiber.Ctx) error {
	e, err := a.adminEntry(c)
	if err != nil {
		return err
	}
	data, err := a.pageText(e)
	if err != nil {
		return err
	}
	v := a.editorView(e, "source")
	v.Source, v.ETag = string(data), pagedir.ETag(data)
	v.Saved = savedMessages[c.Query("saved")]
	a.editorCSP(c)
	return a.render(c, fiber.StatusOK, "edit.html", v)
}

func pageIn(ps []*pages.Page, file string) *pages.Page {
	for _, p := range ps {
		if p.File == file {
			return p
		}
	}
	return nil
}

// handlePostForm serves POST /admin/pages/{slug}/edit: the form's buttons. "check" shows the
// problems and what saving would do to the phase; "save" saves (asking first when it would
// start a new phase); the variant and field buttons change the form without saving.
func (a *admin) handlePostForm(c *fiber.Ctx) error {
	e, err := a.adminEntry(c)
	if err != nil {
		return err
	}
	v := a.editorView(e, "form")
	v.ETag = c.FormValue("etag")
	var formErrs map[string]string
	v.Draft, formErrs, v.Raw = readDraftForm(c, e.Page)
	action := c.FormValue("action")
	if changeDraft(&v.Draft, action) {
		a.editorCSP(c)
		return a.render(c, fiber.StatusOK, "edit.html", v)
	}
	if a.Pages != nil {
		if data, err := a.Pages.Read(e.Page.File); err == nil {
			v.FormMisses = pages.DraftMisses(data)
		}
	}
	if len(v.FormMisses) > 0 && (action == "save" || action == "save-new-phase") {
		a.editorCSP(c)
		v.TopErrors = []string{"Not saved: this page's file uses " + strings.Join(v.FormMisses, ", ") +
			", which the form can't edit yet, and saving from the form would drop it. Make your change in the Source tab."}
		return a.render(c, fiber.StatusUnprocessableEntity, "edit.html", v)
	}
	text, lines := v.Draft.Encode()
	return a.checkAndSave(c, e, &v, text, lines, formErrs, action)
}

// handlePostSource serves POST /admin/pages/{slug}/source: check or save the TOML as typed.
func (a *admin) handlePostSource(c *fiber.Ctx) error {
	e, err := a.adminEntry(c)
	if err != nil {
		return err
	}
	v := a.editorView(e, "source")
	v.ETag, v.Source = c.FormValue("etag"), c.FormValue("source")
	return a.checkAndSave(c, e, &v, []byte(v.Source), nil, nil, c.FormValue("action"))
}

// checkAndSave checks text as the page's new file and, for a save, saves it. lines maps
// form inputs to lines of text (nil in the source tab: problems are listed by line).
func (a *admin) checkAndSave(c *fiber.Ctx, e *site.Entry, v *views.Editor, text []byte, lines map[string]int, formErrs map[string]string, action string) error {
	a.editorCSP(c)
	if a.Pages == nil {
		return fiber.NewError(fiber.StatusNotImplemented, "Page editing isn't available on this server.")
	}
	if len(text) > MaxPageSource {
		v.TopErrors = []string{fmt.Sprintf("The page file would be %d KiB; a page file may hold at most %d KiB. Shorten the longest texts.", len(text)>>10, MaxPageSource>>10)}
		return a.render(c, fiber.StatusUnprocessableEntity, "edit.html", v)
	}
	ps, err := a.Pages.Check(e.Page.File, text)
	var perrs pages.Errors
	if errors.As(err, &perrs) {
		placeProblems(v, perrs, e.Page.File, lines)
	} else if err != nil {
		return err
	}
	for id, msg := range formErrs {
		v.Errors[id] = msg
	}
	var cand *pages.Page
	if err == nil {
		cand = pageIn(ps, e.Page.File)
		if cand.Slug != e.Page.Slug {
			v.TopErrors = append(v.TopErrors, fmt.Sprintf("The slug can't change here: it is the page's address, and its results are kept under /%s. Keep slug = %q.", e.Page.Slug, e.Page.Slug))
			cand = nil
		}
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), adminTimeout)
	defer cancel()
	if cand != nil {
		v.Phase, v.NeedsConfirm = a.phaseNotice(ctx, e, cand)
	}
	problems := len(v.TopErrors) + len(v.Errors)
	if wantsJSON(c) {
		return c.JSON(fiber.Map{"phase": fiber.Map{"known": v.Phase.Known, "new": v.Phase.New, "message": v.Phase.Message, "reasons": v.Phase.Reasons}, "problems": problems})
	}
	if problems > 0 {
		return a.render(c, fiber.StatusUnprocessableEntity, "edit.html", v)
	}
	if (action != "save" && action != "save-new-phase") || (v.NeedsConfirm && action != "save-new-phase") {
		return a.render(c, fiber.StatusOK, "edit.html", v)
	}
	if v.ETag == "" { // every editor form carries one: this did not come from the editor as served
		v.TopErrors = []string{"Not saved: this form does not say which version of the page it changes. Open the editor again and redo the change."}
		return a.render(c, fiber.StatusConflict, "edit.html", v)
	}
	_, phase, err := a.savePage(ctx, e, pagedir.Save{File: e.Page.File, Slug: e.Page.Slug, Data: text, IfMatch: v.ETag, Author: "admin (editor)"})
	if err != nil {
		return a.editorSaveError(c, v, err, lines)
	}
	return c.Redirect(fmt.Sprintf("/admin/pages/%s/%s?saved=%s", e.Page.Slug, tabPath(v.Tab), savedKind(phase)), fiber.StatusSeeOther)
}

func tabPath(tab string) string {
	if tab == "source" {
		return "source"
	}
	return "edit"
}

func savedKind(p PhaseAnswer) string {
	switch {
	case p.New:
		return "new"
	case p.Restarted:
		return "restarted"
	}
	return "same"
}

// editorSaveError shows why a save failed, keeping what the founder typed in the form.
func (a *admin) editorSaveError(c *fiber.Ctx, v *views.Editor, err error, lines map[string]int) error {
	var perrs pages.Errors
	switch {
	case errors.As(err, &perrs):
		placeProblems(v, perrs, "", lines)
		return a.render(c, fiber.StatusUnprocessableEntity, "edit.html", v)
	case errors.Is(err, pagedir.ErrConflict):
		v.TopErrors = []string{"Someone else saved this page, or its file changed on disk, since you opened it. Nothing was saved. " +
			"Your changes are still below: copy what you need, open the page again, and redo them."}
		return a.render(c, fiber.StatusConflict, "edit.html", v)
	case errors.Is(err, pagedir.ErrReadOnly):
		v.TopErrors = []string{a.Pages.ReadOnly}
		return a.render(c, fiber.StatusForbidden, "edit.html", v)
	}
	a.Logger.Error("page save failed", "page", v.Slug, "err", err)
	v.TopErrors = []string{"The page could not be saved, so nothing changed: the page file and the page being served are as they were. The server log says why."}
	return a.render(c, fiber.StatusInternalServerError, "edit.html", v)
}

// placeProblems puts each problem next to the form input on its line, or in the list at the
// top (problems of other files, of keys the form does not show, and every problem of the
// source tab, where lines is nil).
func placeProblems(v *views.Editor, perrs pages.Errors, file string, lines map[string]int) {
	byLine := map[int]string{}
	for key, line := range lines {
		byLine[line] = key
	}
	for _, pe := range perrs {
		if id := inputID(byLine[pe.Line]); lines != nil && pe.File == file && pe.Line > 0 && id != "" {
			if _, taken := v.Errors[id]; !taken {
				v.Errors[id] = pe.Msg
				continue
			}
		}
		switch {
		case pe.File != file && file != "":
			v.TopErrors = append(v.TopErrors, pe.Error())
		case pe.Line > 0:
			v.TopErrors = append(v.TopErrors, fmt.Sprintf("Line %d: %s", pe.Line, pe.Msg))
		default:
			v.TopErrors = append(v.TopErrors, pe.Msg)
		}
	}
}

// inputID is the form input a Draft key is edited in ("variants.1.headline" → "v1_headline").
func inputID(key string) string {
	parts := strings.Split(key, ".")
	switch {
	case len(parts) == 1 && (key == "title" || key == "description"):
		return key
	case key == "confirmation":
		return "confirm_section"
	case len(parts) == 2 && parts[0] == "confirmation":
		return "confirm_" + parts[1]
	case len(parts) == 2 && parts[0] == "questions":
		return "q" + parts[1] + "_section"
	case len(parts) == 3 && parts[0] == "questions":
		return "q" + parts[1] + "_" + parts[2]
	case len(parts) == 2 && parts[0] == "pass_bar":
		return parts[1]
	case len(parts) == 2 && parts[0] == "thanks":
		return map[string]string{"headline": "thanks_headline", "body": "thanks_body", "share_text": "thanks_share"}[parts[1]]
	case len(parts) == 2 && parts[0] == "variants":
		return "v" + parts[1] + "_section"
	case len(parts) == 2 && parts[0] == "fields":
		return "f" + parts[1] + "_section"
	case len(parts) == 3 && parts[0] == "variants":
		return "v" + parts[1] + "_" + parts[2]
	case len(parts) == 3 && parts[0] == "fields":
		return "f" + parts[1] + "_" + parts[2]
	}
	return ""
}

// phaseNotice says what saving cand would do to the page's current phase, and whether to
// ask before saving (a new phase while the current one has visitors).
func (a *admin) phaseNotice(ctx context.Context, e *site.Entry, cand *pages.Page) (views.PhaseNotice, bool) {
	changes := pages.DiffPages(e.Page, cand)
	n := views.PhaseNotice{Known: true}
	if !pages.StartsNewPhase(changes) {
		n.Message = fmt.Sprintf("Saving keeps test phase %d: the pitch, the weights and the pass bar are unchanged, so the numbers so far still count.", e.Phase.Number)
		return n, false
	}
	n.Reasons = phaseReasons(changes)
	var visitors int64
	if counts, err := a.Store.Counts(ctx, e.Phase.ID); err == nil {
		for _, vc := range counts {
			visitors += vc.Visitors
		}
	}
	if visitors == 0 {
		n.Message = fmt.Sprintf("Saving changes the experiment, but test phase %d has no visitors yet, so it simply restarts with the new version:", e.Phase.Number)
		return n, false
	}
	n.New = true
	n.Message = fmt.Sprintf("Saving starts a new test phase. Phase %d keeps its %s in its own results, and the new phase starts from zero, because:",
		e.Phase.Number, plural(visitors, "visitor", "visitors"))
	return n, true
}

// draftFromForm reads the editor form. Values the form does not show (slug, images,
// colour, default) come from the page being served. Numbers that are not numbers are
// reported by input id.
func draftFromForm(c *fiber.Ctx, base *pages.Page) (pages.Draft, map[string]string) {
	d, errs, _ := readDraftForm(c, base)
	return d, errs
}

// readDraftForm is draftFromForm that also returns what was typed into each number input
// that is not a number, so the form can show it again as typed.
func readDraftForm(c *fiber.Ctx, base *pages.Page) (pages.Draft, map[string]string, map[string]string) {
	errs, raw := map[string]string{}, map[string]string{}
	d := pages.Draft{
		Slug: base.Slug, SocialImage: base.SocialImage, BrandColor: base.BrandColor, Logo: base.Logo, Default: base.Default,
		Title: c.FormValue("title"), Description: c.FormValue("description"),
		ThanksHeadline: c.FormValue("thanks_headline"), ThanksBody: c.FormValue("thanks_body"), ThanksShare: c.FormValue("thanks_share"),
		Target: strings.TrimSpace(c.FormValue("target")),
	}
	if d.Target != "" && !strings.HasSuffix(d.Target, "%") {
		if _, err := strconv.ParseFloat(d.Target, 64); err == nil {
			d.Target += "%"
		}
	}
	number := func(id string, example int) int {
		s := strings.TrimSpace(c.FormValue(id))
		n, err := strconv.Atoi(s)
		if err != nil {
			errs[id] = fmt.Sprintf("Write a whole number, like %d.", example)
			raw[id] = s
		}
		return n
	}
	d.MinVisitors, d.MinDays = number("min_visitors", 400), number("min_days", 7)
	if d.Counts = c.FormValue("counts"); d.Counts == pages.CountsSignups {
		d.Counts = "" // the default, not written
	}
	d.IfValidated, d.IfInvalidated = c.FormValue("if_validated"), c.FormValue("if_invalidated")
	d.DoubleOptIn, d.Referrals = c.FormValue("double_opt_in") != "", c.FormValue("referrals") != ""
	d.Confirmation = pages.DraftConfirmation{
		Subject: c.FormValue("confirm_subject"), Body: c.FormValue("confirm_body"), Button: c.FormValue("confirm_button"),
		Headline: c.FormValue("confirm_headline"), Confirmed: c.FormValue("confirm_confirmed"),
	}
	// The question slots: an empty one asks nothing. Questions keep their order; the form
	// shows them again in the first slots, so a message's input id is the question's index.
	for i := range pages.MaxQuestions {
		f := func(name string) string { return c.FormValue(fmt.Sprintf("q%d_%s", i, name)) }
		q := pages.DraftQuestion{Name: strings.TrimSpace(f("name")), Kind: f("kind"), Label: f("label")}
		if pages.QuestionKind(q.Kind) != pages.QuestionText {
			q.Options = formLines(f("options"))
		}
		if q.Name == "" && strings.TrimSpace(q.Label) == "" && len(q.Options) == 0 {
			continue
		}
		if ml := strings.TrimSpace(f("max_length")); pages.QuestionKind(q.Kind) == pages.QuestionText && ml != "" {
			n, err := strconv.Atoi(ml)
			if id := fmt.Sprintf("q%d_max_length", len(d.Questions)); err != nil {
				errs[id], raw[id] = "Write a whole number, like 200.", ml
			}
			q.MaxLength = n
		}
		d.Questions = append(d.Questions, q)
	}
	count := func(name string, limit int) int {
		n, err := strconv.Atoi(c.FormValue(name))
		if err != nil || n < 0 {
			return 0
		}
		return min(n, limit)
	}
	for i := range count("variants", maxFormVariants) {
		f := func(name string) string { return c.FormValue(fmt.Sprintf("v%d_%s", i, name)) }
		d.Variants = append(d.Variants, pages.DraftVariant{
			ID: strings.TrimSpace(f("id")), Headline: f("headline"), Subheadline: f("subheadline"), Body: f("body"), CTA: f("cta"), Price: f("price"),
			Weight: number(fmt.Sprintf("v%d_weight", i), 1),
		})
	}
	for i := range count("fields", maxFormFields) {
		f := func(name string) string { return c.FormValue(fmt.Sprintf("f%d_%s", i, name)) }
		df := pages.DraftField{Name: strings.TrimSpace(f("name")), Kind: f("kind"), Label: f("label"), Placeholder: f("placeholder"), Required: f("required") != ""}
		df.Options = formLines(f("options"))
		switch pages.FieldKind(df.Kind) {
		case pages.FieldText, pages.FieldTextarea, pages.FieldEmail:
			// A field whose kind just changed to text has no length yet: the default.
			if strings.TrimSpace(f("max_length")) == "" {
				df.MaxLength = 0
			} else {
				df.MaxLength = number(fmt.Sprintf("f%d_max_length", i), 200)
			}
		}
		d.Fields = append(d.Fields, df)
	}
	return d, errs, raw
}

// formLines is a textarea's non-empty lines, trimmed: a select's or a question's choices.
func formLines(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// changeDraft applies the add/duplicate/remove buttons; false for any other action.
func changeDraft(d *pages.Draft, action string) bool {
	verb, idx, _ := strings.Cut(action, "-variant-")
	if i, err := strconv.Atoi(idx); err == nil && i >= 0 && i < len(d.Variants) {
		switch verb {
		case "dup":
			v := d.Variants[i]
			v.ID = uniqueVariantID(d, v.ID+"-copy")
			d.Variants = append(d.Variants[:i+1], append([]pages.DraftVariant{v}, d.Variants[i+1:]...)...)
			return true
		case "remove":
			d.Variants = append(d.Variants[:i], d.Variants[i+1:]...)
			return true
		}
	}
	if verb, idx, ok := strings.Cut(action, "-field-"); ok && verb == "remove" {
		if i, err := strconv.Atoi(idx); err == nil && i > 0 && i < len(d.Fields) {
			d.Fields = append(d.Fields[:i], d.Fields[i+1:]...)
			return true
		}
	}
	switch action {
	case "add-variant":
		cta := ""
		if len(d.Variants) > 0 {
			cta = d.Variants[0].CTA
		}
		d.Variants = append(d.Variants, pages.DraftVariant{ID: uniqueVariantID(d, "new-variant"), Weight: 1, CTA: cta})
		return true
	case "add-field":
		d.Fields = append(d.Fields, pages.DraftField{Name: fmt.Sprintf("field_%d", len(d.Fields)+1), Kind: "text", MaxLength: 200})
		return true
	}
	return false
}

func uniqueVariantID(d *pages.Draft, want string) string {
	taken := func(id string) bool {
		for _, v := range d.Variants {
			if v.ID == id {
				return true
			}
		}
		return false
	}
	id := want
	for n := 2; taken(id); n++ {
		id = fmt.Sprintf("%s-%d", want, n)
	}
	return id
}

// handlePreview serves GET and POST /admin/pages/{slug}/preview, shown in the editor's
// preview frame: GET is a variant as served; POST is the variant as the form now describes
// it, rendered by the same theme and the same escaping as a saved page file, never saved.
func (a *admin) handlePreview(c *fiber.Ctx) error {
	e, err := a.adminEntry(c)
	if err != nil {
		return err
	}
	page, prep := e.Page, e.Prepared
	variant := c.Query("variant")
	if c.Method() == fiber.MethodPost {
		d, formErrs := draftFromForm(c, e.Page)
		text, _ := d.Encode()
		ps, err := a.checkDraft(e, text)
		var perrs pages.Errors
		if errors.As(err, &perrs) || len(formErrs) > 0 {
			n := len(perrs) + len(formErrs)
			return a.notice(c, fiber.StatusUnprocessableEntity, false, "No preview yet",
				fmt.Sprintf("The preview appears once the form has no mistakes (%s). Press Check to see them next to their fields.", plural(int64(n), "problem", "problems")), nil)
		}
		if err != nil {
			return err
		}
		page = pageIn(ps, e.Page.File)
		if prep, err = a.Theme.Prepare(page, pages.Options{}); err != nil {
			return err
		}
		if i, err := strconv.Atoi(c.FormValue("preview_variant")); err == nil && i >= 0 && i < len(page.Variants) {
			variant = page.Variants[i].ID
		}
	}
	if variant == "" {
		variant = page.Control().ID
	}
	b, ok := prep.Previews[variant]
	if !ok {
		return fiber.NewError(fiber.StatusNotFound, "This page has no variant called “"+store.Clip(variant, 40)+"”.")
	}
	// The page's own policy, but shown inside the admin's frame.
	c.Set("Content-Security-Policy", strings.Replace(prep.CSP, "frame-ancestors 'none'", "frame-ancestors 'self'", 1))
	c.Set("X-Frame-Options", "SAMEORIGIN")
	c.Set("X-Robots-Tag", "noindex, nofollow")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(b)
}

func (a *admin) checkDraft(e *site.Entry, text []byte) ([]*pages.Page, error) {
	if a.Pages == nil {
		return pages.LoadSources(map[string][]byte{e.Page.File: text})
	}
	return a.Pages.Check(e.Page.File, text)
}

// handleHistory serves GET /admin/pages/{slug}/history: every kept version with its changes.
func (a *admin) handleHistory(c *fiber.Ctx) error {
	e, err := a.adminEntry(c)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), adminTimeout)
	defer cancel()
	vs, err := a.Store.PageVersions(ctx, e.Page.Slug, 100)
	if err != nil {
		return err
	}
	h := views.History{Layout: a.layout("History of " + e.Page.Title), Slug: e.Page.Slug, Title: e.Page.Title}
	if a.Pages != nil {
		h.ReadOnly = a.Pages.ReadOnly
	}
	current := ""
	if data, err := a.pageText(e); err == nil {
		h.ETag, current = pagedir.ETag(data), string(data)
	}
	for i, v := range vs {
		hv := views.HistoryVersion{ID: v.ID, When: v.CreatedAt.UTC().Format("2 Jan 2006, 15:04 UTC"), Author: v.Author, Note: v.Note,
			Current: i == 0 && v.Source == current, First: i == len(vs)-1}
		if !hv.First {
			hv.Diff = pagedir.Diff(vs[i+1].Source, v.Source, 3)
		}
		h.Versions = append(h.Versions, hv)
	}
	return a.render(c, fiber.StatusOK, "history.html", h)
}

// handleRestore serves POST /admin/pages/{slug}/history/{id}/restore: save that version's
// text again, as a new version, with the same checks as any save.
func (a *admin) handleRestore(c *fiber.Ctx) error {
	e, err := a.adminEntry(c)
	if err != nil {
		return err
	}
	ver, err := a.version(c)
	if err != nil {
		return err
	}
	if a.Pages == nil {
		return fiber.NewError(fiber.StatusNotImplemented, "Page editing isn't available on this server.")
	}
	ifMatch := c.FormValue("etag")
	if ifMatch == "" {
		return a.notice(c, fiber.StatusConflict, false, "Version not restored",
			"This form does not say which version of the page it replaces. Open the history again and choose the version again.", nil)
	}
	_, phase, err := a.savePage(c.UserContext(), e, pagedir.Save{File: e.Page.File, Slug: e.Page.Slug, Data: []byte(ver.Source), IfMatch: ifMatch,
		Author: "admin (editor)", Note: fmt.Sprintf("restored version #%d", ver.ID)})
	var perrs pages.Errors
	switch {
	case errors.As(err, &perrs):
		var details []string
		for _, pe := range perrs {
			details = append(details, pe.Error())
		}
		return a.notice(c, fiber.StatusUnprocessableEntity, false, "Version not restored",
			fmt.Sprintf("Version #%d can't be served as it is now, so nothing changed:", ver.ID), details)
	case errors.Is(err, pagedir.ErrConflict):
		return a.notice(c, fiber.StatusConflict, false, "Version not restored",
			"The page changed since you opened its history, so nothing changed. Open the history again and choose the version again.", nil)
	case errors.Is(err, pagedir.ErrReadOnly):
		return a.notice(c, fiber.StatusForbidden, false, "Version not restored", a.Pages.ReadOnly, nil)
	case err != nil:
		return a.saveErrorValue(err)
	}
	return c.Redirect(fmt.Sprintf("/admin/pages/%s/edit?saved=%s", e.Page.Slug, savedKind(phase)), fiber.StatusSeeOther)
}

// handleArchiveForm serves POST /admin/pages/{slug}/archive.
func (a *admin) handleArchiveForm(c *fiber.Ctx) error {
	e, err := a.adminEntry(c)
	if err != nil {
		return err
	}
	dest, err := a.archivePage(c.UserContext(), e)
	var pe *problemsError
	var fe *fiber.Error
	switch {
	case errors.As(err, &pe):
		var details []string
		for _, p := range pe.list.Problems {
			details = append(details, p.File+": "+p.Message)
		}
		return a.notice(c, fiber.StatusUnprocessableEntity, false, "Page not archived", pe.list.Message, details)
	case errors.As(err, &fe):
		return a.notice(c, fe.Code, false, "Page not archived", fe.Message, nil)
	case err != nil:
		return err
	}
	return a.notice(c, fiber.StatusOK, true, "Page archived",
		fmt.Sprintf("/%s is no longer served. Its file is now %s in the page folder (move it back and reload to serve it again); its results and signups are kept.", e.Page.Slug, dest), nil)
}

// handleNewPage serves POST /admin/pages: create a page from a copy of another page or from
// the starter template, then open it in the editor.
func (a *admin) handleNewPage(c *fiber.Ctx) error {
	saved, err := a.createPage(c.UserContext(), NewPage{Slug: c.FormValue("slug"), From: c.FormValue("from")}, "admin (editor)")
	var pe *problemsError
	var fe *fiber.Error
	switch {
	case errors.As(err, &pe):
		var details []string
		for _, p := range pe.list.Problems {
			details = append(details, p.Message)
		}
		return a.notice(c, fiber.StatusUnprocessableEntity, false, "Page not created", pe.list.Message, details)
	case errors.As(err, &fe):
		return a.notice(c, fe.Code, false, "Page not created", fe.Message, nil)
	case err != nil:
		return err
	}
	return c.Redirect("/admin/pages/"+saved.Page.Slug+"/edit?saved=created", fiber.StatusSeeOther)
}
