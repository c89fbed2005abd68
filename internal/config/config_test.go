package config

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// valid is a config that passes Validate.
func valid() Config {
	var c Config
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	c.RegisterFlags(fs)
	c.Parallel = 1
	c.ResolveReports()
	return c
}

func TestValidateTarget(t *testing.T) {
	for target, want := range map[string]string{
		"":                    "",
		"mx.example.org:25":   "",
		"127.0.0.1:2525":      "",
		"[::1]:25":            "",
		"host:99999":          "out of range",
		"host:0":              "out of range",
		"host:abc":            "not a number",
		"host":                "not host:port",
		":25":                 "not host:port",
		"host:":               "not a number",
		"mx.example.org:smtp": "not a number",
	} {
		c := valid()
		c.Target = target
		err := c.Validate()
		switch {
		case want == "" && err != nil:
			t.Errorf("--target %q: %v", target, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "--target")):
			t.Errorf("--target %q: error %v, want one naming --target and saying %q", target, err, want)
		}
	}
}

func TestValidateTLSAuth(t *testing.T) {
	cases := []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.TLSMode = "ssl" }, "--tls"},
		{func(c *Config) { c.TLSMode = TLSNone; c.TLSVerify = true }, "--tls-verify"},
		{func(c *Config) { c.Profile = "relay" }, "--profile"},
		{func(c *Config) { c.AuthUser = "bob" }, "needs a password"},
		{func(c *Config) { c.AuthPasswordFile = "pw" }, "--auth-password-file needs --auth-user"},
		{func(c *Config) { c.AuthUser, c.AuthPassword = "bob", "a\nb" }, "line break"},
		{func(c *Config) { c.Focus = []string{"("} }, "--focus"},
		{func(c *Config) { c.ReplyTimeout = 0 }, "--timeout"},
		{func(c *Config) { c.Target, c.ReferenceFaults = "h:25", []string{"x"} }, "--reference-fault"},
		{func(c *Config) {
			c.AuthUser, c.AuthPassword, c.TLSMode, c.Profile = "bob", "pw", TLSImplicit, ProfileSubmission
		}, ""},
	}
	for i, tc := range cases {
		c := valid()
		tc.edit(&c)
		err := c.Validate()
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("case %d: %v, want %q", i, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("case %d: the message is not one line: %q", i, err)
		}
	}
}

func TestLoadPassword(t *testing.T) {
	env := func(k string) string { return map[string]string{PasswordEnv: "from-env"}[k] }
	c := Config{AuthUser: "bob"}
	if err := c.LoadPassword(env); err != nil || c.AuthPassword != "from-env" || c.PasswordSource() != "$"+PasswordEnv {
		t.Errorf("from the environment: %v %q %q", err, c.AuthPassword, c.PasswordSource())
	}
	file := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(file, []byte("from-file\r\nsecond line\n"), 0o600)
	c = Config{AuthUser: "bob", AuthPasswordFile: file}
	if err := c.LoadPassword(env); err != nil || c.AuthPassword != "from-file" || !strings.Contains(c.PasswordSource(), file) {
		t.Errorf("from a file: %v %q", err, c.AuthPassword)
	}
	c = Config{}
	if err := c.LoadPassword(env); err != nil || c.AuthPassword != "" {
		t.Errorf("without --auth-user the environment is not read: %q", c.AuthPassword)
	}
	os.WriteFile(file, []byte("\n"), 0o600)
	c = Config{AuthUser: "bob", AuthPasswordFile: file}
	if err := c.LoadPassword(env); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("an empty password file: %v", err)
	}
}

func TestCheckOutputs(t *testing.T) {
	dir := t.TempDir()
	c := valid()
	c.Out = filepath.Join(dir, "a", "b")
	c.Reports = Reports{}
	c.ResolveReports()
	if err := c.CheckOutputs(); err != nil {
		t.Fatalf("a new directory: %v", err)
	}
	if entries, _ := os.ReadDir(c.Out); len(entries) != 0 {
		t.Errorf("the check left files behind: %v", entries)
	}
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	c.Out = filepath.Join(file, "out")
	if err := c.CheckOutputs(); err == nil || !strings.HasPrefix(err.Error(), "--out") {
		t.Errorf("--out under a file: %v", err)
	}
	c.Out = dir
	c.Reports.Markdown = filepath.Join(file, "r.md")
	if err := c.CheckOutputs(); err == nil || !strings.HasPrefix(err.Error(), "--markdown") {
		t.Errorf("--markdown under a file: %v", err)
	}
}

// TestFileRoundTrip: Dump writes what ApplyFile reads back; flags given on
// the command line are left alone; unknown keys and bad values are errors
// naming the line.
func TestFileRoundTrip(t *testing.T) {
	var a Config
	fs := flag.NewFlagSet("a", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	a.RegisterFlags(fs)
	if err := fs.Parse([]string{"--target", "mx.example.org:25", "--focus", "a b", "--focus", "c", "--strict", "--timeout", "1m30s",
		"--parallel", "3", "--tls", "implicit", "--implementation-name", "Exim: 4.97 # not a comment"}); err != nil {
		t.Fatal(err)
	}
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	out, err := Dump(fs, names, map[string]string{"target": "a comment"})
	if err != nil {
		t.Fatal(err)
	}
	var b Config
	fs2 := flag.NewFlagSet("b", flag.ContinueOnError)
	b.RegisterFlags(fs2)
	if _, err := ApplyFile(fs2, "f.yaml", out, nil, func(string) bool { return true }); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("round trip:\n got  %+v\n want %+v\n%s", b, a, out)
	}
	if b.ReplyTimeout != 90*time.Second || b.TLSMode != TLSImplicit || len(b.Focus) != 2 {
		t.Errorf("values: %+v", b)
	}

	var c Config
	fs3 := flag.NewFlagSet("c", flag.ContinueOnError)
	c.RegisterFlags(fs3)
	c.Target = "cli.example.org:25"
	set, err := ApplyFile(fs3, "f.yaml", []byte("target: file.example.org:25\nhelo: file.example.org\n"), map[string]bool{"target": true}, func(string) bool { return true })
	if err != nil || c.Target != "cli.example.org:25" || c.Helo != "file.example.org" || !reflect.DeepEqual(set, []string{"helo"}) {
		t.Errorf("the command line does not override the file: %v %q %q %v", err, c.Target, c.Helo, set)
	}
	for body, want := range map[string]string{
		"helo: a\nbogus: 1\n":   "line 2: bogus: not a setting",
		"timeout: 5\n":          "--timeout 5s",
		"helo: a\nhelo: b\n":    "given twice",
		"- a\n- b\n":            "flag-name: value",
		"helo: [a, b]\n":        "write one value",
		"auth-password: x\n":    "not kept in the config file",
		"strict: perhaps\n":     "not a valid value",
		"target: [x\n":          "not YAML",
		"focus: {a: 1}\n":       "a value or a list",
		"skip:\n  - [nested]\n": "plain values",
	} {
		var d Config
		fs4 := flag.NewFlagSet("d", flag.ContinueOnError)
		fs4.SetOutput(io.Discard)
		d.RegisterFlags(fs4)
		_, err := ApplyFile(fs4, "f.yaml", []byte(body), nil, func(string) bool { return true })
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "--config f.yaml") {
			t.Errorf("%q: %v, want an error saying %q", body, err, want)
		}
	}
}

func TestTLSClientConfig(t *testing.T) {
	c := Config{Target: "mail.example.org:25"}
	if got := c.TLSClientConfig(); got.ServerName != "mail.example.org" || !got.InsecureSkipVerify {
		t.Errorf("by default: ServerName %q, InsecureSkipVerify %v; want the target's host, and the certificate only recorded (not verified in the handshake)", got.ServerName, got.InsecureSkipVerify)
	}
	c.TLSServerName, c.TLSVerify = "mx.example.org", true
	if got := c.TLSClientConfig(); got.ServerName != "mx.example.org" || got.InsecureSkipVerify {
		t.Errorf("with --tls-server-name mx.example.org --tls-verify: ServerName %q, InsecureSkipVerify %v", got.ServerName, got.InsecureSkipVerify)
	}
}
