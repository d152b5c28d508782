package main

import (
	"flag"
	"strings"

	"github.com/maillage/maillage/internal/labels"
)

// langValue is the --lang flag: the language of the text outputs and of
// the errors (fr, the default, or en), stored into every target. JSON and
// CSV outputs do not depend on it. Every command's flag set has it
// (newFlagSet); registerLang adds a target.
type langValue struct{ to []*labels.Lang }

func (v *langValue) String() string {
	if v == nil || len(v.to) == 0 || *v.to[0] == "" {
		return string(labels.FR)
	}
	return string(*v.to[0])
}

func (v *langValue) Set(s string) error {
	l, err := labels.ParseLang(s)
	if err != nil {
		return err
	}
	for _, p := range v.to {
		*p = l
	}
	return nil
}

// registerLang makes fs's --lang also store into l (FR until set).
func registerLang(fs *flag.FlagSet, l *labels.Lang) {
	*l = labels.FR
	if v, ok := fs.Lookup("lang").Value.(*langValue); ok {
		*l = labels.Lang(v.String())
		v.to = append(v.to, l)
	}
}

// langArg finds --lang in a command line before it is parsed (the last one
// wins; FR when none or not a language), so that an error in the flags is
// said in the language asked for.
func langArg(args []string) labels.Lang {
	l := labels.FR
	for i, a := range args {
		if a == "--" {
			break
		}
		name, v, hasV := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "lang" {
			continue
		}
		if !hasV {
			if i+1 >= len(args) {
				break
			}
			v = args[i+1]
		}
		if p, err := labels.ParseLang(v); err == nil {
			l = p
		}
	}
	return l
}
