package refserver

import (
	"crypto/hmac"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// plaintext leaves STARTTLS out of c, when the server has it: PLAIN and
// LOGIN are then offered before TLS, as these scripts need.
func plaintext(c Config) Config {
	if extensions["STARTTLS"] != nil {
		c.Without = append(c.Without, "STARTTLS")
	}
	return c
}

var plainOK = b64("\x00" + DefaultAuthUser + "\x00" + DefaultAuthPassword)

// The AUTH exchanges of RFC 4954 §4 with PLAIN, LOGIN, and their refusals.
func TestAuthScripts(t *testing.T) {
	const (
		ok      = "235 2.7.0 Authentication successful\r\n"
		bad     = "535 5.7.8 Authentication credentials invalid\r\n"
		nob64   = "501 5.5.2 Cannot decode response\r\n"
		already = "503 5.5.1 Already authenticated\r\n"
	)
	for _, c := range []struct {
		name  string
		steps []step
	}{
		{"plain with initial response", steps(ehlo, step{line: "AUTH PLAIN " + plainOK, want: ok},
			step{line: "AUTH PLAIN " + plainOK, want: already}, step{line: "EHLO client.example", want: "250-"},
			step{line: "AUTH LOGIN", want: already})},
		{"plain without initial response", steps(ehlo, step{line: "AUTH PLAIN", want: "334 \r\n"}, step{line: plainOK, want: ok})},
		{"plain authzid", steps(ehlo,
			step{line: "AUTH PLAIN " + b64("bob\x00"+DefaultAuthUser+"\x00"+DefaultAuthPassword), want: bad},
			step{line: "AUTH PLAIN " + b64(DefaultAuthUser+"\a\x00"+DefaultAuthUser+"\x00"+DefaultAuthPassword), want: bad},
			step{line: "AUTH PLAIN " + b64(DefaultAuthUser+"\x00"+DefaultAuthUser+"\x00"+DefaultAuthPassword), want: ok})},
		{"plain malformed", steps(ehlo,
			step{line: "AUTH PLAIN =", want: bad},
			step{line: "AUTH PLAIN " + b64(DefaultAuthUser+"\x00"+DefaultAuthPassword), want: bad},
			step{line: "AUTH PLAIN " + b64("\x00"+DefaultAuthUser+"\x00"+DefaultAuthPassword+"\x00x"), want: bad},
			step{line: "AUTH PLAIN !!!!", want: nob64},
			step{line: "AUTH PLAIN", want: "334 "}, step{line: "=AAA", want: nob64},
			step{line: "AUTH PLAIN", want: "334 "}, step{line: "AHVz ZXIA", want: nob64},
			step{line: "AUTH PLAIN", want: "334 "}, step{line: "*", want: "501 5.0.0 Authentication cancelled\r\n"},
			step{line: "AUTH PLAIN", want: "334 "}, step{line: b64("\x00" + strings.Repeat("a", 255) + "\x00" + strings.Repeat("b", 255)), want: bad},
			step{line: "AUTH PLAIN", want: "334 "}, step{line: strings.Repeat("QUFB", 4000), want: "500 5.5.6 "},
			noopOK)},
		{"login", steps(ehlo, step{line: "AUTH LOGIN", want: "334 VXNlcm5hbWU6\r\n"}, step{line: b64(DefaultAuthUser), want: "334 UGFzc3dvcmQ6\r\n"},
			step{line: b64(DefaultAuthPassword), want: ok})},
		{"login refusals", steps(ehlo, step{line: "AUTH LOGIN " + b64(DefaultAuthUser), want: "501 5.7.0 "},
			step{line: "AUTH LOGIN", want: "334 "}, step{line: b64(DefaultAuthUser), want: "334 "}, step{line: b64("wrong"), want: bad})},
		{"unknown mechanism and bad sequences", steps(step{line: "AUTH PLAIN " + plainOK, want: "503 "}, ehlo,
			step{line: "AUTH NOSUCHMECH", want: "504 5.5.4 "}, step{line: "AUTH", want: "501 "},
			step{line: "AUTH CRAM-MD5 dGVzdA==", want: "501 5.7.0 "},
			mailOK, step{line: "AUTH PLAIN " + plainOK, want: "503 5.5.1 AUTH not permitted"})},
		{"mail auth parameter", steps(ehlo,
			step{line: "MAIL FROM:<sender@client.example> AUTH=<>", want: "250 "}, rsetOK,
			step{line: "MAIL FROM:<sender@client.example> AUTH=e+3Dmc2@example.com", want: "250 "}, rsetOK,
			step{line: "MAIL FROM:<sender@client.example> AUTH=+ZZ", want: "501 "},
			step{line: "MAIL FROM:<sender@client.example> AUTH=nobody", want: "501 "})},
		{"three failures keep the connection", steps(ehlo, repeat(5, step{line: "AUTH PLAIN " + b64("\x00"+DefaultAuthUser+"\x00x"), want: bad}), noopOK)},
	} {
		t.Run(c.name, func(t *testing.T) { open(t, start(t, plaintext(Config{}))).run(c.steps) })
	}
}

// CRAM-MD5 (RFC 2195 §2): a msg-id challenge, a fresh one each time, and
// the keyed MD5 digest checked.
func TestAuthCram(t *testing.T) {
	srv := start(t, plaintext(Config{}))
	seen := map[string]bool{}
	for _, pass := range []string{DefaultAuthPassword, "wrong", DefaultAuthPassword} {
		c := open(t, srv)
		c.run(steps(ehlo))
		c.send("AUTH CRAM-MD5\r\n")
		r := c.reply()
		ch, err := base64.StdEncoding.DecodeString(strings.TrimSpace(strings.TrimPrefix(r, "334 ")))
		if err != nil || !strings.HasPrefix(r, "334 ") || ch[0] != '<' || ch[len(ch)-1] != '>' || !strings.Contains(string(ch), "@") {
			t.Fatalf("challenge %q (%q), want 334 and a msg-id", r, ch)
		}
		if seen[string(ch)] {
			t.Errorf("challenge %q repeated", ch)
		}
		seen[string(ch)] = true
		m := hmac.New(md5.New, []byte(pass))
		m.Write(ch)
		want := "235 "
		if pass != DefaultAuthPassword {
			want = "535 "
		}
		c.run(steps(step{line: b64(DefaultAuthUser + " " + hex.EncodeToString(m.Sum(nil))), want: want}))
	}
}

// Under ModeSubmission MAIL before AUTH gets 530; after AUTH it is accepted.
func TestAuthSubmission(t *testing.T) {
	open(t, start(t, plaintext(Config{Mode: ModeSubmission}))).run(steps(ehlo, noopOK, rsetOK,
		step{line: "MAIL FROM:<sender@client.example>", want: "530 5.7.0 "},
		step{line: "AUTH PLAIN " + plainOK, want: "235 "}, mailOK))
}

// A fault wraps its hook: the LOGIN prompts in plain text.
func TestAuthFault(t *testing.T) {
	open(t, start(t, plaintext(Config{Faults: []string{"RFC4954-4-334-base64-only"}}))).run(steps(ehlo,
		step{line: "AUTH LOGIN", want: "334 Username:\r\n"}))
}

// The spec lists the faults declare name AUTH specs that exist (each has a
// fault of its own).
func TestAuthSpecLists(t *testing.T) {
	specs := map[string]bool{}
	for _, f := range Faults() {
		specs[f.Spec] = true
	}
	for _, list := range [][]string{authTLSSpecs, authSpecs, allAuthSpecs()} {
		for _, id := range list {
			if !specs[id] {
				t.Errorf("%s is listed but no fault breaks it", id)
			}
		}
	}
}
