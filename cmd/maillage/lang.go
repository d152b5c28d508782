package main

import (
	"flag"

	"github.com/maillage/maillage/internal/labels"
)

// langValue is the --lang flag: the language of the text outputs (fr, the
// default, or en). JSON and CSV outputs do not depend on it.
type langValue struct{ l *labels.Lang }

func (v langValue) String() string {
	if v.l == nil || *v.l == "" {
		return string(labels.FR)
	}
	return string(*v.l)
}

func (v langValue) Set(s string) error {
	l, err := labels.ParseLang(s)
	if err != nil {
		return err
	}
	*v.l = l
	return nil
}

// registerLang adds --lang to fs, storing into l (FR until set).
func registerLang(fs *flag.FlagSet, l *labels.Lang) {
	*l = labels.FR
	fs.Var(langValue{l}, "lang", "language of the text output: fr (default) or en")
}
