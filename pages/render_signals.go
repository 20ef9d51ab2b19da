package pages

import (
	"fmt"
	"html/template"
	"io"
	"strings"
)

// The pages of the deeper demand signals: the thank-you page with its questions and the
// visitor's personal share link, and the pages a confirmation link opens. Unlike the landing
// page they are rendered per request (each one carries a signed link of its own signup);
// they are seen once per signup, not once per visit.

// AnswersField names the hidden input carrying the thank-you link's token in the questions
// form, so the answers attach to the signup that was shown the page.
const AnswersField = "_signup"

// ThanksState is one signup's thank-you page.
type ThanksState struct {
	Token    string            // the signed thank-you token; "" shows no questions
	ShareURL string            // the personal share link; "" shows the page's own
	Values   map[string]string // question name → what the visitor chose or typed (kept on error)
	Errors   map[string]string // question name → message
	Answered bool              // the answers were saved: say thanks instead of asking again
}

// signalsView is what the "signals" template shows on the thank-you page.
type signalsView struct {
	Action       string
	Token        string
	TokenField   string
	Questions    []questionView
	HasErrors    bool
	Answered     bool
	ShareURL     string // personal share link, when the page asks for referrals
	ShareText    string
	FirstErrorID string
	Text         signalsText // Litmus's own words, in the page's language
}

// signalsText are the words Litmus writes on the thank-you page's questions and share link.
type signalsText struct {
	Answered, CheckAnswer, Optional, Send, ShareLabel, Copied string
}

type questionView struct {
	Question
	ID      string // "q-" + name
	Value   string
	Error   string
	Choices []choiceView
}

type choiceView struct {
	ID, Name, Value string
	Checked         bool
}

// RenderThanks writes the thank-you page of one signup: the prepared page plus the page's
// questions (a plain form that works without JavaScript) and, with referrals, the signup's
// own share link. Everything a visitor typed is escaped by html/template.
func (pp *Prepared) RenderThanks(w io.Writer, st ThanksState) error {
	p, msgs := pp.page, pp.page.Msg()
	view := pp.thanks
	sv := &signalsView{
		Action: URLsOf(p, "").Answers, Token: st.Token, TokenField: AnswersField,
		HasErrors: len(st.Errors) > 0, Answered: st.Answered,
		Text: signalsText{
			Answered: msgs.Text("questions.answered"), CheckAnswer: msgs.Text("questions.check"),
			Optional: msgs.Text("form.optional"), Send: msgs.Text("questions.send"),
			ShareLabel: msgs.Text("thanks.share_label"), Copied: view.Copied,
		},
	}
	if p.Referrals && st.ShareURL != "" {
		sv.ShareURL = st.ShareURL
		sv.ShareText = p.Thanks.ShareText
		if sv.ShareText == "" {
			sv.ShareText = msgs.Text("thanks.share_own")
		}
		view.ShareText = "" // the personal link replaces the page's own
	}
	if st.Token != "" && !st.Answered {
		for _, q := range p.Questions {
			qv := questionView{Question: q, ID: "q-" + q.Name, Value: st.Values[q.Name], Error: st.Errors[q.Name]}
			if qv.Error != "" && sv.FirstErrorID == "" {
				sv.FirstErrorID = qv.ID
			}
			for i, o := range q.Options {
				qv.Choices = append(qv.Choices, choiceView{ID: fmt.Sprintf("%s-%d", qv.ID, i), Name: q.Name, Value: o, Checked: o == qv.Value})
			}
			sv.Questions = append(sv.Questions, qv)
		}
	}
	view.Signals = sv
	b, err := pp.theme.execute("thanks.html", view)
	if err != nil {
		return fmt.Errorf("pages: %s: thanks page: %w", p.File, err)
	}
	_, err = w.Write(b)
	return err
}

// ConfirmState is a page a confirmation link opens.
type ConfirmState struct {
	Token string // the link's token, for the button's form; "" with Done or a Problem
	Done  bool   // the address is confirmed (now or before)
	// Problem, when set, is why the link cannot confirm (expired, damaged, forgotten), in
	// plain words; Title heads it.
	Title, Problem string
}

// confirmView is what confirm.html shows.
type confirmView struct {
	Head       headView
	Page       *Page
	Action     string
	Token      string
	TokenField string
	Button     string
	Done       bool
	Headline   string
	Body       template.HTML
	Title      string
	Problem    string
	StepTitle  string // "One more step", in the page's language
	StepLede   string
}

// ConfirmTokenField names the hidden input of the confirm button's form.
const ConfirmTokenField = "t"

// RenderConfirm writes a page a confirmation link opens: the button that confirms (a GET
// never confirms, so mail scanners that open every link cannot), the confirmed page, or a
// clear page saying why the link cannot be used.
func (pp *Prepared) RenderConfirm(w io.Writer, st ConfirmState) error {
	p, msgs := pp.page, pp.page.Msg()
	head := pp.head
	head.NoIndex = true
	head.Canonical = ""
	def := defaultConfirmation(p)
	v := confirmView{
		Head: head, Page: p, Action: URLsOf(p, "").Confirm, Token: st.Token, TokenField: ConfirmTokenField,
		Button: orDefault(p.Confirmation.Button, def.Button), Done: st.Done, Title: st.Title, Problem: st.Problem,
		Headline:  orDefault(p.Confirmation.Headline, def.Headline),
		StepTitle: msgs.Text("confirm.step_title"), StepLede: msgs.Text("confirm.step_lede"),
	}
	if st.Done {
		body, err := renderMarkdown(orDefault(p.Confirmation.Confirmed, def.Confirmed))
		if err != nil {
			return fmt.Errorf("pages: %s: confirmed page: %w", p.File, err)
		}
		v.Body = body
	}
	b, err := pp.theme.execute("confirm.html", v)
	if err != nil {
		return fmt.Errorf("pages: %s: confirm page: %w", p.File, err)
	}
	_, err = w.Write(b)
	return err
}

// ConfirmMail is the text of one confirmation mail: the page's copy with the link after it.
func ConfirmMail(p *Page, link string) (subject, text string) {
	c, def := p.Confirmation, defaultConfirmation(p)
	subject = orDefault(c.Subject, def.Subject)
	body := orDefault(c.Body, def.Body)
	return subject, strings.TrimSpace(body) + "\n\n" + link + "\n"
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
