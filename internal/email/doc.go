// Package email checks the address a visitor typed into a signup form and returns the
// canonical form to store, or an *Error whose Message can be shown next to the field.
//
// It is pure: no DNS or MX lookups, no network at all. A lookup would make every signup
// wait on a resolver, fail closed when DNS hiccups, and still prove little (a domain with
// MX records can reject the mailbox). A typo'd domain is the founder's loss of one lead;
// a slow or failing form is the loss of many.
//
// # What it accepts
//
// The address a person would write on a business card: local@domain, with
//   - surrounding spaces trimmed (copy and paste often adds them);
//   - the domain lower-cased and converted to its ASCII (punycode) form with the UTS 46
//     Lookup mapping, so "Bücher.DE" and "ｅｘａｍｐｌｅ．ｃｏｍ" become "xn--bcher-kva.de" and
//     "example.com". The Lookup mapping is what a browser does with what people type;
//     the Registration profile would refuse full-width letters typed on a phone keyboard,
//     which names a perfectly good domain. Strictness comes from the rest of the profile:
//     STD3 characters, hyphen and joiner rules, the bidi rule, non-transitional "ß", and
//     our own length checks (63 per label, 254 per address), which give a specific message
//     where the library would give a generic one. Beyond the profile, symbols and emoji are
//     refused in domains as IDNA2008 does ("💩.la" is valid only under the older rules
//     UTS 46 keeps for compatibility).
//   - the local part kept as typed, case included: RFC 5321 lets a mail server treat
//     "Ann" and "ann" as different mailboxes, and we cannot know that it does not, so the
//     address a confirmation is sent to is the one the person typed. Deduplication,
//     erasure and look-ups compare Keys instead (below). No provider-specific rewriting
//     (Gmail dots or +tags) either: that is guessing.
//   - non-ASCII local parts (RFC 6531, "josé@example.com"), NFC-normalised so the same
//     name typed on two keyboards is stored once. Only letters, marks and digits of any
//     script are accepted beyond ASCII, the same line IDNA draws for domain names; emoji
//     and symbols are refused. Not every mail provider can deliver to such addresses yet,
//     but the signup still measures real demand, which is what the page is for.
//
// # When two addresses are the same person
//
// Key is the identity rule: NFKC_Casefold of the address (Unicode normalisation form KC,
// then full case folding, then KC again). Signups are one per Key per page, and "forget"
// erases every signup with the Key of the address given. Why each step:
//   - Full case folding, not ASCII: "ÉMILE" and "émile", "Σ", "σ" and final "ς", "STRASSE"
//     and "straße" are the same word to the person who typed them. Nearly every mail
//     provider treats its mailboxes case-insensitively, and a person who asked to be
//     forgotten as "émile@x.com" must not stay stored as "ÉMILE@x.com". Folding, not
//     lower-casing: lower-casing leaves "ς" and "σ" apart and is locale-dependent.
//   - NFKC, not NFC: NFC only joins canonically equivalent spellings (a precomposed "é"
//     and "e" plus a combining accent). NFKC also joins compatibility variants: full-width
//     "ａ" from a phone's CJK keyboard and "a", the ligature "ﬁ" and "fi", superscript
//     digits. These are the same characters to a reader, so two signups that differ only
//     by them are a duplicate (or a trick to count twice), and an erasure request typed
//     either way must find both. NFKC is lossy, which is why it is used only for the Key:
//     the stored address stays NFC, as typed, since a mail server may (rarely) tell the
//     variants apart for delivery.
//   - Nothing more: letters of other scripts that look alike (Cyrillic "а", Greek "ο")
//     are different characters, so different addresses. Folding them together (UTS #39
//     skeletons) would merge real, distinct people. Mixed-script addresses get the checks
//     Normalize gives every address.
//
// The domain part is already lower-case ASCII after Normalize (UTS 46 maps and folds it),
// so the Key changes only the local part of a normalised address.
//
// # What it refuses, and why
//
// Every refusal has its own Rule and message, so a visitor knows what to fix and the
// founder can see in the metrics which mistakes are common. Refused outright: quoted local
// parts ("john doe"@example.com, legal but never used by real signups and a common
// injection vehicle), address literals (user@[192.0.2.1]) and bare IP domains, single-label
// domains (user@localhost), control, bidirectional-override and invisible characters
// (they make an address look like another one in the admin view and in exports; zero-width
// joiners are refused too, even though a few Persian and Indic domain names need them),
// and anything over the RFC limits.
//
// # No disposable-domain block list
//
// We decided against one. Such a list needs weekly updates a shipped binary does not get;
// it blocks privacy relays (Firefox Relay, DuckDuckGo, iCloud Hide My Email, SimpleLogin)
// that careful early adopters, exactly the people a smoke test wants to hear from, use for
// every signup; and a throwaway address is still a person who was interested enough to
// sign up, which is the number the test measures. Inflated counts are handled where they
// arise: one signup per address per page, bot filtering, and rate limits. The founder sees
// every domain in the export and can judge there.
package email
