package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/litmuslabs/litmus/internal/pagedir"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// The page API: read, save, create and archive page files, and read their history. Every
// write goes through internal/pagedir, the same path as the editor in the admin, so a save
// here is checked exactly as `litmus check` checks the directory. docs/api.md shows each
// answer.

// MaxPageSource is the largest page file the API and the editor accept: the loader's limit.
const MaxPageSource = 256 << 10

// Problem is one mistake in a page file, as the 422 answer lists it.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line"` // 0 when it concerns the whole file or the directory
	Message string `json:"message"`
}

// ProblemList is the body of a 422: every problem, in file and line order.
type ProblemList struct {
	OK       bool      `json:"ok"`
	Message  string    `json:"message"`
	Problems []Problem `json:"problems"`
}

// SavedPage is the body of a successful save or create.
type SavedPage struct {
	OK    bool        `json:"ok"`
	Page  string      `json:"page"`
	File  string      `json:"file"`
	ETag  string      `json:"etag"`
	Phase PhaseAnswer `json:"phase"`
}

// PhaseAnswer says what a save did to the page's test phase.
type PhaseAnswer struct {
	Number    int      `json:"number"` // the page's phase number, as in /phases/{n}
	ID        int64    `json:"id"`
	New       bool     `json:"new"`                 // the save started a new phase
	Reasons   []string `json:"reasons,omitempty"`   // why the definition changed
	Restarted bool     `json:"restarted,omitempty"` // the definition changed before any visitor: same phase, restarted now
}

// VersionInfo is one kept version of a page file, without its text.
type VersionInfo struct {
	ID        int64  `json:"id"`
	Author    string `json:"author"`
	Note      string `json:"note,omitempty"`
	CreatedAt string `json:"created_at"`
	SHA256    string `json:"sha256"`
}

// handlePageSource serves GET /api/v1/pages/{slug}/source: the page file's text.
func (a *admin) handlePageSource(c *fiber.Ctx) error {
	e, err := a.adminEntry(c)
	if err != nil {
		return err
	}
	data, err := a.pageText(e)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, pagedir.ETag(data))
	c.Set("X-Litmus-File", e.Page.File)
	if a.Pages.ReadOnly != "" {
		c.Set("X-Litmus-Read-Only", "true")
	}
	c.Set(fiber.HeaderContentType, "application/toml; charset=utf-8")
	return c.Send(data)
}

// pageText reads the file a served page came from.
func (a *admin) pageText(e *site.Entry) ([]byte, error) {
	if a.Pages == nil {
		return nil, fiber.NewError(fiber.StatusNotImplemented, "Page editing isn't available on this server.")
	}
	data, err := a.Pages.Read(e.Page.File)
	if errors.Is(err, pagedir.ErrNotFound) {
		return nil, fiber.NewError(fiber.StatusNotFound, "The file of page “"+e.Page.Slug+"” is no longer in the page folder. Reload the pages.")
	}
	return data, err
}

// handlePutPageSource serves PUT /api/v1/pages/{slug}/source: save the page file.
func (a *admin) handlePutPageSource(c *fiber.Ctx) error {
	e, err := a.adminEntry(c)
	if err != nil {
		return err
	}
	if a.Pages == nil {
		return fiber.NewError(fiber.StatusNotImplemented, "Page editing isn't available on this server.")
	}
	ifMatch := strings.TrimSpace(c.Get(fiber.HeaderIfMatch))
	if ifMatch == "" {
		return fiber.NewError(fiber.StatusPreconditionRequired,
			"Send If-Match with the ETag from GET /api/v1/pages/"+e.Page.Slug+"/source, so a save never overwrites someone else's (If-Match: * overwrites whatever is there).")
	}
	// A copy: the request's buffer is reused once the handler returns, and the pages loaded
	// from this text are served long after.
	body := bytes.Clone(c.Body())
	if len(body) > MaxPageSource {
		return fiber.NewError(fiber.StatusRequestEntityTooLarge, "")
	}
	saved, phase, err := a.savePage(c.UserContext(), e, pagedir.Save{
		File: e.Page.File, Slug: e.Page.Slug, Data: body, IfMatch: ifMatch, Author: "admin (API)",
	})
	if err != nil {
		return a.saveError(c, err, e.Page.Slug)
	}
	c.Set(fiber.HeaderETag, saved.ETag)
	return c.JSON(SavedPage{OK: true, Page: saved.Page.Slug, File: saved.Page.File, ETag: saved.ETag, Phase: phase})
}

// savePage saves through the page directory and says what happened to the test phase.
func (a *admin) savePage(ctx context.Context, before *site.Entry, s pagedir.Save) (pagedir.Saved, PhaseAnswer, error) {
	ctx, cancel := context.WithTimeout(ctx, adminTimeout)
	defer cancel()
	saved, err := a.Pages.Save(ctx, s)
	if err != nil {
		return saved, PhaseAnswer{}, err
	}
	return saved, a.phaseAfter(before, saved.Page), nil
}

// phaseAfter describes the phase now served for page p, compared with before.
func (a *admin) phaseAfter(before *site.Entry, p *pages.Page) PhaseAnswer {
	ans := PhaseAnswer{}
	if now := a.Site.Load().Lookup(p.Slug); now != nil {
		ans.Number, ans.ID = now.Phase.Number, now.Phase.ID
		ans.New = before == nil || now.Phase.ID != before.Phase.ID
		ans.Restarted = before != nil && !ans.New && now.Phase.Hash != before.Phase.Hash
	}
	if before != nil {
		ans.Reasons = phaseReasons(pages.DiffPages(before.Page, p))
	}
	return ans
}

// phaseReasons is why changes start a new test phase: the sentences of those that do
// (pages.StartsNewPhase), none when they leave the test running.
func phaseReasons(changes []pages.Change) []string {
	var why []string
	for _, c := range changes {
		if c.NewPhase {
			why = append(why, c.Text)
		}
	}
	return why
}

// saveError turns a failed save into its answer.
func (a *admin) saveError(c *fiber.Ctx, err error, slug string) error {
	var perrs pages.Errors
	switch {
	case errors.As(err, &perrs):
		return c.Status(fiber.StatusUnprocessableEntity).JSON(problemList(perrs))
	case errors.Is(err, pagedir.ErrConflict):
		if e := a.Site.Load().Lookup(slug); e != nil {
			if data, rerr := a.Pages.Read(e.Page.File); rerr == nil {
				c.Set(fiber.HeaderETag, pagedir.ETag(data))
			}
		}
		return fiber.NewError(fiber.StatusConflict,
			"The page file changed since you read it (someone else saved, or it was edited on disk). Nothing was saved: read it again, redo your change, and save with the new ETag.")
	case errors.Is(err, pagedir.ErrReadOnly):
		return fiber.NewError(fiber.StatusForbidden, a.Pages.ReadOnly)
	case errors.Is(err, pagedir.ErrNotFound):
		return fiber.NewError(fiber.StatusNotFound, "The file of page “"+slug+"” is no longer in the page folder. Reload the pages.")
	case errors.Is(err, pagedir.ErrExists):
		return fiber.NewError(fiber.StatusConflict, "A page file with that name already exists. Choose another slug.")
	}
	a.Logger.Error("page save failed", "page", slug, "err", err)
	return fiber.NewError(fiber.StatusInternalServerError,
		"The page could not be saved, so nothing changed: the page file and the page being served are as they were. The server log says why.")
}

func problemList(perrs pages.Errors) ProblemList {
	list := ProblemList{Message: fmt.Sprintf("Nothing was saved: %s to fix.", plural(int64(len(perrs)), "problem", "problems"))}
	for _, e := range perrs {
		list.Problems = append(list.Problems, Problem{File: e.File, Line: e.Line, Message: e.Msg})
	}
	return list
}

// NewPage is the body of POST /api/v1/pages.
type NewPage struct {
	Slug  string `json:"slug"`
	From  string `json:"from,omitempty"`  // slug of a served page to copy; "" = the starter template
	Title string `json:"title,omitempty"` // optional new title
}

var slugRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$`)

// handleCreatePage serves POST /api/v1/pages: a new page file, copied from a served page or
// from the starter template (the first built-in example), with its own slug.
func (a *admin) handleCreatePage(c *fiber.Ctx) error {
	if a.Pages == nil {
		return fiber.NewError(fiber.StatusNotImplemented, "Page editing isn't available on this server.")
	}
	var req NewPage
	if err := json.Unmarshal(c.Body(), &req); err != nil {
		return fiber.NewError(fiber.StatusBadRequest, `The body must be JSON like {"slug": "my-idea", "from": "chaser"}.`)
	}
	saved, err := a.createPage(c.UserContext(), req, "admin (API)")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/pages/"+saved.Page.Slug+"/source")
	c.Set(fiber.HeaderETag, saved.ETag)
	return c.Status(fiber.StatusCreated).JSON(SavedPage{OK: true, Page: saved.Page.Slug, File: saved.Page.File, ETag: saved.ETag,
		Phase: a.phaseAfter(nil, saved.Page)})
}

// createPage makes the new file's text and saves it. Errors are *fiber.Error or a 422.
func (a *admin) createPage(ctx context.Context, req NewPage, author string) (pagedir.Saved, error) {
	req.Slug = strings.TrimSpace(req.Slug)
	if !slugRE.MatchString(req.Slug) {
		return pagedir.Saved{}, newProblems(Problem{Line: 0, Message: "slug must be 1 to 40 lowercase letters, digits and dashes, like my-idea (it is the page's address)"})
	}
	if a.Site.Load().Lookup(req.Slug) != nil {
		return pagedir.Saved{}, fiber.NewError(fiber.StatusConflict, "A page called “"+req.Slug+"” already exists. Choose another slug.")
	}
	var src []byte
	note := "created from the starter template"
	if req.From != "" {
		from := a.Site.Load().Lookup(req.From)
		if from == nil {
			return pagedir.Saved{}, fiber.NewError(fiber.StatusNotFound, "No page called “"+store.Clip(req.From, 40)+"” is being served to copy.")
		}
		data, err := a.pageText(from)
		if err != nil {
			return pagedir.Saved{}, err
		}
		src, note = data, "created as a copy of "+from.Page.Slug
	} else {
		src = pages.StarterTemplate()
	}
	src = setTopLevel(src, "slug", strconv.Quote(req.Slug))
	src = setTopLevel(src, "default", "false")
	if t := strings.TrimSpace(req.Title); t != "" {
		src = setTopLevel(src, "title", strconv.Quote(t))
	}
	ctx, cancel := context.WithTimeout(ctx, adminTimeout)
	defer cancel()
	saved, err := a.Pages.Create(ctx, req.Slug+".toml", src, author, note)
	if err != nil {
		var perrs pages.Errors
		if errors.As(err, &perrs) {
			return saved, newProblems(problemList(perrs).Problems...)
		}
		var fe *fiber.Error
		if errors.As(err, &fe) {
			return saved, err
		}
		return saved, a.saveErrorValue(err)
	}
	return saved, nil
}

// problemsError is a 422 answer carried as an error, for handlers that return errors.
type problemsError struct{ list ProblemList }

func (p *problemsError) Error() string { return p.list.Message }

func newProblems(ps ...Problem) error {
	return &problemsError{ProblemList{Message: fmt.Sprintf("Nothing was saved: %s to fix.", plural(int64(len(ps)), "problem", "problems")), Problems: ps}}
}

// saveErrorValue is saveError for callers that need the error rather than the answer.
func (a *admin) saveErrorValue(err error) error {
	switch {
	case errors.Is(err, pagedir.ErrReadOnly):
		return fiber.NewError(fiber.StatusForbidden, a.Pages.ReadOnly)
	case errors.Is(err, pagedir.ErrExists):
		return fiber.NewError(fiber.StatusConflict, "A page file with that name already exists. Choose another slug.")
	case errors.Is(err, pagedir.ErrNotFound):
		return fiber.NewError(fiber.StatusNotFound, "That page file is no longer in the page folder. Reload the pages.")
	}
	a.Logger.Error("page save failed", "err", err)
	return fiber.NewError(fiber.StatusInternalServerError,
		"The page could not be saved, so nothing changed. The server log says why.")
}

// setTopLevel sets key = value among the top-level keys of a page file (before its first
// [section]), replacing the line that sets it or adding one at the top.
func setTopLevel(src []byte, key, value string) []byte {
	lines := strings.SplitAfter(string(src), "\n")
	re := regexp.MustCompile(`^[ \t]*` + regexp.QuoteMeta(key) + `[ \t]*=`)
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "[") {
			break
		}
		if re.MatchString(l) {
			lines[i] = key + " = " + value + "\n"
			return []byte(strings.Join(lines, ""))
		}
	}
	return []byte(key + " = " + value + "\n" + string(src))
}

// handleArchivePage serves DELETE /api/v1/pages/{slug}: the page stops being served; its
// file moves to the archived/ folder and its results stay in the database.
func (a *admin) handleArchivePage(c *fiber.Ctx) error {
	e, err := a.adminEntry(c)
	if err != nil {
		return err
	}
	dest, err := a.archivePage(c.UserContext(), e)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"ok": true, "page": e.Page.Slug, "archived_as": dest})
}

func (a *admin) archivePage(ctx context.Context, e *site.Entry) (string, error) {
	if a.Pages == nil {
		return "", fiber.NewError(fiber.StatusNotImplemented, "Page editing isn't available on this server.")
	}
	ctx, cancel := context.WithTimeout(ctx, adminTimeout)
	defer cancel()
	dest, err := a.Pages.Archive(ctx, e.Page.File, a.Now())
	var perrs pages.Errors
	if errors.As(err, &perrs) {
		list := problemList(perrs)
		list.Message = "The page was not archived: without it the other pages would not load. " +
			"If it is the default page, set default = true on another page first; the last page can't be archived."
		return "", &problemsError{list}
	}
	if err != nil {
		return "", a.saveErrorValue(err)
	}
	a.Logger.Info("page archived", "page", e.Page.Slug, "file", dest)
	return archivedName(dest), nil
}

// archivedName is where an archived file went, relative to the page folder.
func archivedName(dest string) string {
	return pagedir.ArchiveDir + "/" + filepath.Base(dest)
}

// handlePageVersions serves GET /api/v1/pages/{slug}/versions: the kept versions, newest first.
func (a *admin) handlePageVersions(c *fiber.Ctx) error {
	slug := c.Params("slug")
	ctx, cancel := context.WithTimeout(c.UserContext(), adminTimeout)
	defer cancel()
	vs, err := a.Store.PageVersions(ctx, slug, 200)
	if err != nil {
		return err
	}
	if len(vs) == 0 && a.Site.Load().Lookup(slug) == nil {
		return fiber.NewError(fiber.StatusNotFound, "No page called “"+store.Clip(slug, 40)+"” has any history.")
	}
	out := make([]VersionInfo, len(vs))
	for i, v := range vs {
		out[i] = versionInfo(v)
	}
	return c.JSON(fiber.Map{"page": slug, "versions": out})
}

func versionInfo(v store.PageVersion) VersionInfo {
	return VersionInfo{ID: v.ID, Author: v.Author, Note: v.Note, CreatedAt: v.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"), SHA256: v.Hash}
}

// handlePageVersion serves GET /api/v1/pages/{slug}/versions/{id}: that version's text.
// Restoring it is a PUT of this text to .../source.
func (a *admin) handlePageVersion(c *fiber.Ctx) error {
	v, err := a.version(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/toml; charset=utf-8")
	return c.SendString(v.Source)
}

func (a *admin) version(c *fiber.Ctx) (store.PageVersion, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return store.PageVersion{}, fiber.NewError(fiber.StatusNotFound, "Versions are numbered 1, 2, 3…; see the page's history for the list.")
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), adminTimeout)
	defer cancel()
	v, err := a.Store.PageVersion(ctx, c.Params("slug"), id)
	if errors.Is(err, store.ErrNoVersion) {
		return v, fiber.NewError(fiber.StatusNotFound, "This page has no version "+strconv.FormatInt(id, 10)+".")
	}
	return v, err
}
