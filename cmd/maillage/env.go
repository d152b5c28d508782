package main

import (
	"flag"
	"fmt"
	"strings"
)

// envName is the environment variable that sets flag name of `serve`:
// MAILLAGE_ and the name in capitals with _ for - ("api-keys-file" →
// MAILLAGE_API_KEYS_FILE).
func envName(name string) string {
	return "MAILLAGE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// parseWithEnv parses args into fs as parse does, then gives every flag not
// on the command line the value of its environment variable (envName), if
// set: flags win over the environment. Each flag's help names its variable.
// A bad value is a usage error naming the variable.
func (m *Main) parseWithEnv(fs *flag.FlagSet, args []string) error {
	fs.VisitAll(func(f *flag.Flag) { f.Usage += " [$" + envName(f.Name) + "]" })
	if err := parse(fs, args); err != nil {
		return err
	}
	if m.LookupEnv == nil {
		return nil
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		v, ok := m.LookupEnv(envName(f.Name))
		if !ok {
			return
		}
		if e := fs.Set(f.Name, v); e != nil {
			err = fmt.Errorf("%s: %s=%q: %v: %w", commandName(fs), envName(f.Name), v, e, ErrUsage)
		}
	})
	return err
}
