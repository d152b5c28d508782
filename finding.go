package maillage

import "fmt"

// Severity says what became of a record a finding is about.
type Severity string

const (
	// Rejected: the record was dropped from the model.
	Rejected Severity = "rejected"
	// Warning: the record was kept (e.g. without a position, or with hours unknown).
	Warning Severity = "warning"
	// Merged: the record was a duplicate of another and was merged into it.
	Merged Severity = "merged"
)

// Finding is one validation report about an input record: which file, which
// line, which field, and why.
type Finding struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Field    string   `json:"field"`
	Reason   string   `json:"reason"`
	Severity Severity `json:"severity"`
	ID       string   `json:"id,omitempty"` // the record's id, when it has one
}

func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: %s: %s (%s)", f.File, f.Line, f.Field, f.Reason, f.Severity)
}
