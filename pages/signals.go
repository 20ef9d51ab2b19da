package pages

import "strings"

// The page-file keys of the deeper demand signals (issue 17): a confirmation mail before a
// signup counts as confirmed, questions on the thank-you page, and share links.

// QuestionKind is how a thank-you-page question is answered.
type QuestionKind string

// The question kinds a page file may use.
const (
	QuestionChoice QuestionKind = "choice" // one of Options, as radio buttons
	QuestionText   QuestionKind = "text"   // a short free-text answer
)

// Question is one optional question on the thank-you page, answered after the signup is
// stored, so asking it never costs a signup.
type Question struct {
	Name      string // form name and the key of its answers: like a field name
	Kind      QuestionKind
	Label     string   // the question as the visitor reads it
	Options   []string // choice only
	MaxLength int      // text only: characters
}

// Confirmation is the copy of the confirmation mail and of the pages its link opens.
type Confirmation struct {
	Subject   string // the mail's subject
	Body      string // the mail's text, before the link
	Button    string // the button on the page the link opens
	Headline  string // the page after confirming
	Confirmed string // its text (Markdown)
}

// Bounds of the keys above.
const (
	maxQuestions       = 2 // one or two: every extra question lowers the answers to all
	maxQuestionLabel   = 200
	defaultAnswerLen   = 200
	maxAnswerLen       = 500
	maxConfirmSubject  = 150
	maxConfirmBody     = 2000
	maxConfirmButton   = 60
	maxConfirmHeadline = 160
	maxConfirmText     = 2000
)

var (
	questionKeys     = []string{"name", "kind", "label", "options", "max_length"}
	questionSynonyms = map[string]string{
		"type": "kind", "question": "label", "text": "label", "title": "label", "choices": "options",
		"values": "options", "id": "name", "maxlength": "max_length",
	}
	confirmationKeys     = []string{"subject", "body", "button", "headline", "confirmed"}
	confirmationSynonyms = map[string]string{
		"title": "subject", "text": "body", "message": "body", "cta": "button", "heading": "headline",
		"confirmed_body": "confirmed", "thanks": "confirmed",
	}
)

func (d *fileDecoder) questions(root fileSection) []Question {
	list, _ := d.tableList(root, "questions")
	if len(list) > maxQuestions {
		d.errorf(list[maxQuestions].path, "too many questions: %d, the limit is %d (each extra question lowers the answers to all of them)", len(list), maxQuestions)
	}
	var out []Question
	nameLine := map[string]int{}
	for _, s := range list {
		d.unknownKeys(s, questionKeys, questionSynonyms)
		q := Question{Kind: QuestionChoice}
		namePath := childPath(s.path, "name")
		q.Name = d.text(s, "name", textRule{required: true, max: maxFieldNameLen, example: "pay"})
		if q.Name != "" {
			if problem := checkFieldName(q.Name); problem != "" {
				d.errorf(namePath, "name %s", problem)
			} else if line, dup := nameLine[q.Name]; dup {
				d.errorf(namePath, "question name %q is already used on line %d; each question needs its own name", q.Name, line)
			}
			nameLine[q.Name] = d.lines.line(namePath)
		}
		if k := d.text(s, "kind", textRule{max: 40, example: "choice"}); k != "" {
			switch kind := QuestionKind(k); kind {
			case QuestionChoice, QuestionText:
				q.Kind = kind
			default:
				d.errorf(childPath(s.path, "kind"), "kind must be choice or text (found %s)", quoteShort(k))
			}
		}
		q.Label = d.text(s, "label", textRule{required: true, max: maxQuestionLabel, example: "What would you pay per month?"})
		options, ok := d.texts(s, "options", maxOptionLen, `["Nothing", "$5", "$20"]`)
		_, written := s.values["options"]
		switch {
		case q.Kind == QuestionChoice && !written:
			d.errorf(s.path, "missing options in %s: a choice needs the answers to offer, like options = [\"Nothing\", \"$5\", \"$20\"] (or kind = \"text\" for a free answer)", s.name)
		case q.Kind == QuestionText && written:
			d.errorf(childPath(s.path, "options"), "options only apply to kind = \"choice\" (this question is text)")
		case q.Kind == QuestionChoice && ok:
			d.checkOptions(s, options)
			q.Options = options
		}
		if q.Kind == QuestionText {
			q.MaxLength = defaultAnswerLen
			if n, ok := d.integer(s, "max_length", 1, maxAnswerLen, defaultAnswerLen, ""); ok {
				q.MaxLength = n
			}
		} else if _, set := s.values["max_length"]; set {
			d.errorf(childPath(s.path, "max_length"), "max_length does not apply to a choice: its answers are fixed")
		}
		out = append(out, q)
	}
	return out
}

// confirmation reads [confirmation]: the copy of the mail and pages of double opt-in.
func (d *fileDecoder) confirmation(root fileSection, p *Page) Confirmation {
	c := defaultConfirmation(p) // plain, honest that nothing is for sale yet, in the page's language
	if p.PassBar.Counts == CountsConfirmed && !p.DoubleOptIn {
		d.errorf("pass_bar.counts", "counts = \"confirmed\" needs double_opt_in = true at the top of the file: without a confirmation mail no signup is ever confirmed")
	}
	s, ok := d.table(root, "confirmation")
	if !ok {
		return c
	}
	if !p.DoubleOptIn {
		d.errorf("confirmation", "[confirmation] is the copy of the confirmation mail, which is only sent with double_opt_in = true: add that line at the top of the file, or remove [confirmation]")
	}
	d.unknownKeys(s, confirmationKeys, confirmationSynonyms)
	set := func(dst *string, key string, r textRule) {
		if v := d.text(s, key, r); v != "" {
			*dst = v
		}
	}
	en := defaultConfirmation(&Page{Title: p.Title}) // the examples in mistakes stay English, like the keys
	set(&c.Subject, "subject", textRule{max: maxConfirmSubject, example: en.Subject})
	set(&c.Body, "body", textRule{multiline: true, max: maxConfirmBody, example: "Please confirm your address."})
	set(&c.Button, "button", textRule{max: maxConfirmButton, example: en.Button})
	set(&c.Headline, "headline", textRule{max: maxConfirmHeadline, example: en.Headline})
	set(&c.Confirmed, "confirmed", textRule{multiline: true, max: maxConfirmText, example: en.Confirmed})
	return c
}

// defaultConfirmation is the copy of [confirmation] a page gets for the keys it does not
// write: the messages confirm.* of its language (internal/i18n), which a page may also
// override in [messages].
func defaultConfirmation(p *Page) Confirmation {
	m := p.Msg()
	return Confirmation{
		Subject:   m.Text("confirm.mail_subject"),
		Body:      m.Text("confirm.mail_body", "title", p.Title),
		Button:    m.Text("confirm.button"),
		Headline:  m.Text("confirm.headline"),
		Confirmed: m.Text("confirm.confirmed"),
	}
}

// counts reads what the pass bar judges: "" for signups (the default, also when written
// out), or "confirmed".
func (d *fileDecoder) counts(s fileSection) string {
	v := d.text(s, "counts", textRule{max: 20, example: CountsConfirmed})
	switch strings.ToLower(v) {
	case "", CountsSignups:
		return ""
	case CountsConfirmed:
		return CountsConfirmed
	}
	d.errorf(childPath(s.path, "counts"), "counts must be \"signups\" or \"confirmed\" (found %s)", quoteShort(v))
	return ""
}

// Question returns the question with the given name, or nil.
func (p *Page) Question(name string) *Question {
	for i := range p.Questions {
		if p.Questions[i].Name == name {
			return &p.Questions[i]
		}
	}
	return nil
}
