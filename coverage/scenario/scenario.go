package scenario

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/maillage/maillage"
)

// Error codes. Every error a Store or a validation returns matches at most one
// of them with errors.Is; the web layer maps them to HTTP statuses (404, 409,
// 400/422, 413, and 409 for a full store).
var (
	ErrNotFound = errors.New("scenario: not found")
	ErrConflict = errors.New("scenario: conflict")
	ErrInvalid  = errors.New("scenario: invalid")
	// ErrTooLarge is returned for a scenario over Options.MaxBytes or
	// Options.MaxChanges; such an error also matches ErrInvalid.
	ErrTooLarge = errors.New("scenario: too large")
	// ErrStoreFull is returned by a Store that holds as many scenarios, or
	// as many bytes of them, as it is configured for: nothing was written;
	// deleting scenarios makes room.
	ErrStoreFull = errors.New("scenario: store full")
)

// Code returns the code of err for an API or a command line: "not_found",
// "conflict", "store_full", "too_large", "invalid", or "internal" for any
// other error ("" for nil). Check the returned code, never the message.
func Code(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrNotFound):
		return "not_found"
	case errors.Is(err, ErrConflict):
		return "conflict"
	case errors.Is(err, ErrStoreFull):
		return "store_full"
	case errors.Is(err, ErrTooLarge):
		return "too_large"
	case errors.Is(err, ErrInvalid):
		return "invalid"
	}
	return "internal"
}

// Default limits (see Options).
const (
	DefaultMaxChanges   = 1000
	DefaultMaxBytes     = 1 << 20 // 1 MiB of JSON
	DefaultBufferMeters = 1000
)

// Op is the kind of a change.
type Op string

// The changes a scenario can make.
const (
	OpAdd      Op = "add"      // a new place: name, lat, lon, hours, services, programmes, itinerant
	OpRemove   Op = "remove"   // close the place venue_id
	OpHours    Op = "hours"    // replace the weekly hours of venue_id
	OpServices Op = "services" // replace the services of venue_id
	OpMove     Op = "move"     // move venue_id to lat, lon
)

// Scenario is a named set of changes to the base territory Base. ID, Created,
// Updated and Version are set by the Store: Version starts at 1 and grows by
// one at each update (optimistic concurrency: an update must carry the
// version it was read at).
type Scenario struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Base        string `json:"base"` // name of the base territory
	// BaseDigest is the fingerprint (data.Digest) of the base territory the
	// scenario was made on; "" if unknown. Evaluated on a territory with
	// another digest, the scenario's changes apply to data it was not made
	// on, which the evaluation reports.
	BaseDigest string `json:"base_digest,omitempty"`
	// TerritoryFile is the absolute path of the territory file the scenario
	// was made against ("" for the demo or unknown), so that it can be
	// evaluated again without naming the file; set by the program that
	// stores the scenario, whatever its JSON said.
	TerritoryFile string    `json:"territory_file,omitempty"`
	Changes       []Change  `json:"changes"`
	Created       time.Time `json:"created"`
	Updated       time.Time `json:"updated"`
	Version       int64     `json:"version"`
}

// Change is one change of a scenario. Which fields are used depends on Op:
//
//	add:      venue_id (optional: "new-<n>" for the n-th change, 1-based), name,
//	          lat, lon, hours and/or opening_hours, services, programmes, itinerant
//	remove:   venue_id
//	hours:    venue_id, hours and/or opening_hours
//	services: venue_id, services
//	move:     venue_id, lat, lon
//
// Hours are structured spans (parsed here); OpeningHours is an OpenStreetMap
// opening_hours string, parsed by Options.ParseOpeningHours. When both are
// given they must describe the same week.
type Change struct {
	Op           Op        `json:"op"`
	VenueID      string    `json:"venue_id,omitempty"`
	Name         string    `json:"name,omitempty"`
	Lat          *float64  `json:"lat,omitempty"` // WGS84 degrees
	Lon          *float64  `json:"lon,omitempty"` // WGS84 degrees
	Hours        []DaySpan `json:"hours,omitempty"`
	OpeningHours string    `json:"opening_hours,omitempty"` // OSM syntax; see Options.ParseOpeningHours
	Services     []string  `json:"services,omitempty"`      // schema labels (maillage.ServiceNames)
	Programmes   []string  `json:"programmes,omitempty"`    // e.g. "France Services"
	Itinerant    bool      `json:"itinerant,omitempty"`
}

// Options holds the limits and hooks of validation and application. The zero
// value uses the defaults.
type Options struct {
	// MaxChanges is the largest number of changes (DefaultMaxChanges if 0).
	MaxChanges int
	// MaxBytes is the largest JSON encoding of a scenario (DefaultMaxBytes if 0).
	MaxBytes int
	// BufferMeters is how far, in metres, a place may lie outside the
	// territory: outside every commune polygon when the territory has
	// polygons, else outside the bounding box of its cell centres
	// (DefaultBufferMeters if 0; negative means no buffer).
	BufferMeters float64
	// ParseOpeningHours parses an OpenStreetMap opening_hours string into a
	// week (the coordinator sets it to data.ParseOpeningHours). When nil,
	// a change with opening_hours is rejected.
	ParseOpeningHours func(string) (maillage.Week, error)
	// DefaultBase is the base Decode gives a scenario that names none
	// (absent, null or ""; encoding/json matches "base" in any case). ""
	// leaves it empty, which Validate rejects.
	DefaultBase string
}

func (o Options) maxChanges() int {
	if o.MaxChanges > 0 {
		return o.MaxChanges
	}
	return DefaultMaxChanges
}

func (o Options) maxBytes() int {
	if o.MaxBytes > 0 {
		return o.MaxBytes
	}
	return DefaultMaxBytes
}

func (o Options) buffer() float64 {
	switch {
	case o.BufferMeters > 0:
		return o.BufferMeters
	case o.BufferMeters < 0:
		return 0
	}
	return DefaultBufferMeters
}

// Problem is one thing wrong with a scenario: which change (index in
// Changes, -1 for the scenario itself), which field (a JSON path such as
// "changes[3].hours[0].close") and why.
type Problem struct {
	Change int    `json:"change"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

func (p Problem) String() string { return p.Field + ": " + p.Reason }

// ValidationError lists the problems found in a scenario: every one up to
// MaxProblems, then one last Problem (field "problems") saying how many more
// were found and not listed, so that a large bad body never makes a larger
// answer. It matches ErrInvalid with errors.Is, and also ErrTooLarge when
// the scenario was rejected for its size.
type ValidationError struct {
	Problems []Problem
	TooLarge bool
	// Omitted is the number of problems found beyond the MaxProblems
	// listed (0 when all are).
	Omitted int
}

// maxListed is how many problems Error lists before summarising.
const maxListed = 5

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("scenario: invalid: ")
	listed := e.Problems
	if e.Omitted > 0 && len(listed) > 0 {
		listed = listed[:len(listed)-1] // the count of the omitted ones
	}
	for i, p := range listed {
		if i == maxListed {
			fmt.Fprintf(&b, "; and %d more", len(listed)-maxListed+e.Omitted)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Is reports whether target is ErrInvalid (or ErrTooLarge for a size problem).
func (e *ValidationError) Is(target error) bool {
	return target == ErrInvalid || (e.TooLarge && target == ErrTooLarge)
}

// problems accumulates Problems, keeping the first MaxProblems.
type problems struct {
	list  []Problem
	total int // problems found, listed or not
}

func (ps *problems) add(change int, field, format string, args ...any) {
	ps.total++
	if len(ps.list) >= MaxProblems {
		return
	}
	if change >= 0 {
		field = fmt.Sprintf("changes[%d].%s", change, field)
	}
	ps.list = append(ps.list, Problem{Change: change, Field: field, Reason: fmt.Sprintf(format, args...)})
}

// n is the number of problems found so far, listed or not.
func (ps *problems) n() int { return ps.total }

func (ps *problems) err() error {
	if ps.total == 0 {
		return nil
	}
	list := ps.list
	more := ps.total - len(list)
	if more > 0 {
		list = append(list, Problem{Change: -1, Field: "problems",
			Reason: fmt.Sprintf("%d more problems found and not listed (the first %d are)", more, MaxProblems)})
	}
	return &ValidationError{Problems: list, Omitted: more}
}

// Filter selects scenarios in Store.List: those of base territory Base (all
// when empty), ordered by id, skipping Offset and returning at most Limit
// (a store default when 0).
type Filter struct {
	Base   string `json:"base,omitempty"`
	Offset int    `json:"offset,omitempty"`
	Limit  int    `json:"limit,omitempty"`
}

// Summary is what a listing shows of a scenario: everything but its
// changes, and their number.
type Summary struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Base        string    `json:"base"`
	BaseDigest  string    `json:"base_digest,omitempty"`
	ChangeCount int       `json:"change_count"` // len(Changes) of the scenario
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`
	Version     int64     `json:"version"`
}

// Summarize returns the summary of s.
func (s *Scenario) Summarize() Summary {
	return Summary{ID: s.ID, Name: s.Name, Description: s.Description, Base: s.Base, BaseDigest: s.BaseDigest,
		ChangeCount: len(s.Changes), Created: s.Created, Updated: s.Updated, Version: s.Version}
}

// Store persists scenarios. Implementations are safe for concurrent use and
// return errors matching ErrNotFound, ErrConflict, ErrInvalid or
// ErrStoreFull.
type Store interface {
	// Create stores s as a new scenario and sets its ID, Created, Updated and
	// Version (1); ErrStoreFull when the store holds its limit.
	Create(ctx context.Context, s *Scenario) error
	// Get returns the scenario id, or ErrNotFound.
	Get(ctx context.Context, id int64) (*Scenario, error)
	// List returns one page of scenario summaries (not whole scenarios: a
	// page of large scenarios would be a large answer) and the number
	// matching f in all.
	List(ctx context.Context, f Filter) ([]Summary, int, error)
	// Update replaces the scenario s.ID if it is still at s.Version (else
	// ErrConflict; ErrNotFound if it is gone), then sets s.Version to the new
	// version and s.Updated. Created cannot be changed.
	Update(ctx context.Context, s *Scenario) error
	// Delete removes the scenario id, or returns ErrNotFound.
	Delete(ctx context.Context, id int64) error
}
