package coverage

import (
	"errors"
	"fmt"
	"slices"
)

// ErrUnknownProfile is returned for a profile name that is neither built in
// nor in the user's profile file (FindProfile, SelectProfiles).
var ErrUnknownProfile = errors.New("coverage: unknown profile")

// SelectProfiles returns the built-in profiles followed by those of a
// profile file (a file profile replaces a built-in of the same name), or,
// when names are given, those profiles in that order.
func SelectProfiles(file []Profile, names ...string) ([]Profile, error) {
	all := Builtins()
	for _, p := range file {
		if i := slices.IndexFunc(all, func(q Profile) bool { return q.Name == p.Name }); i >= 0 {
			all[i] = p
		} else {
			all = append(all, p)
		}
	}
	if len(names) == 0 {
		return all, nil
	}
	out := make([]Profile, 0, len(names))
	for _, n := range names {
		p, err := FindProfile(all, n)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// FindProfile returns the profile of profiles called name, or an error
// wrapping ErrUnknownProfile that lists the known names (sorted).
func FindProfile(profiles []Profile, name string) (Profile, error) {
	if i := slices.IndexFunc(profiles, func(q Profile) bool { return q.Name == name }); i >= 0 {
		return profiles[i], nil
	}
	names := make([]string, len(profiles))
	for i, q := range profiles {
		names[i] = q.Name
	}
	slices.Sort(names)
	return Profile{}, fmt.Errorf("%w %q (known: %v)", ErrUnknownProfile, name, names)
}
