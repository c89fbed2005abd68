package config

import (
	"bytes"
	"flag"
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ApplyFile sets the flags of fs from a YAML config file: a mapping from
// long flag names to values (a list for a repeatable flag). Flags in
// skip (those given on the command line) keep their value: the command line
// overrides the file. Keys for which allowed returns false are refused. It
// returns the names it set. Errors are one line naming the file, the line
// and the key.
func ApplyFile(fs *flag.FlagSet, path string, data []byte, skip map[string]bool, allowed func(name string) bool) ([]string, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("--config %s: not YAML: %s", path, oneLine(err.Error()))
	}
	if len(doc.Content) == 0 {
		return nil, nil // an empty file
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("--config %s: line %d: write one 'flag-name: value' per line (e.g. target: mail.example.org:25)", path, m.Line)
	}
	var set []string
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		name := strings.TrimPrefix(k.Value, "--")
		at := fmt.Sprintf("--config %s: line %d: %s", path, k.Line, name)
		f := fs.Lookup(name)
		switch {
		case name == "auth-password":
			return nil, fmt.Errorf("%s: a password is not kept in the config file: set %s or name a file with auth-password-file", at, PasswordEnv)
		case f == nil || !allowed(name):
			return nil, fmt.Errorf("%s: not a setting (keys are the long flag names, e.g. target, mailbox, timeout; smtpspec --help lists them)", at)
		case seen[name]:
			return nil, fmt.Errorf("%s: given twice", at)
		}
		seen[name] = true
		if skip[name] {
			continue
		}
		var values []string
		_, isList := f.Value.(*ListValue)
		switch {
		case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
			continue
		case v.Kind == yaml.ScalarNode:
			values = []string{v.Value}
		case v.Kind == yaml.SequenceNode && isList:
			for _, e := range v.Content {
				if e.Kind != yaml.ScalarNode {
					return nil, fmt.Errorf("%s: write a list of plain values", at)
				}
				values = append(values, e.Value)
			}
		case isList:
			return nil, fmt.Errorf("%s: write a value or a list of values", at)
		default:
			return nil, fmt.Errorf("%s: write one value (e.g. %s: %s)", at, name, exampleValue(f))
		}
		for _, val := range values {
			if err := fs.Set(name, val); err != nil {
				if ue, ok := err.(*UsageError); ok {
					return nil, fmt.Errorf("--config %s: line %d: %s", path, v.Line, ue.Msg)
				}
				return nil, fmt.Errorf("%s: %q is not a valid value: write e.g. %s: %s", at, val, name, exampleValue(f))
			}
		}
		set = append(set, name)
	}
	return set, nil
}

func exampleValue(f *flag.Flag) string {
	if f.DefValue != "" {
		return f.DefValue
	}
	return "VALUE"
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.TrimPrefix(s, "yaml: ")), " ")
}

// Dump writes the values of the named flags of fs as a YAML config file
// that ApplyFile reads back: one key per flag, in the order given, with
// comments[name] as the line's comment. The caller leaves out what must not
// be printed (the password is no flag).
func Dump(fs *flag.FlagSet, names []string, comments map[string]string) ([]byte, error) {
	m := &yaml.Node{Kind: yaml.MappingNode}
	for _, name := range names {
		f := fs.Lookup(name)
		if f == nil {
			return nil, fmt.Errorf("config: no flag %q", name)
		}
		k := &yaml.Node{Kind: yaml.ScalarNode, Value: name}
		v := valueNode(f)
		v.LineComment = comments[name]
		m.Content = append(m.Content, k, v)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{m}}); err != nil {
		return nil, err
	}
	return buf.Bytes(), enc.Close()
}

func valueNode(f *flag.Flag) *yaml.Node {
	scalar := func(tag, v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v} }
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return scalar("!!str", f.Value.String())
	}
	switch v := g.Get().(type) {
	case []string:
		seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, s := range v {
			seq.Content = append(seq.Content, scalar("!!str", s))
		}
		return seq
	case bool:
		return scalar("!!bool", fmt.Sprint(v))
	case int:
		return scalar("!!int", fmt.Sprint(v))
	case time.Duration:
		return scalar("!!str", v.String())
	}
	return scalar("!!str", f.Value.String())
}
