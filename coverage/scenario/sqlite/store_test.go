package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/paulmach/orb"
)

// mustOpen opens a store on a new file in a temporary directory, closed at
// the end of the test.
func mustOpen(tb testing.TB, cfg Config) *Store {
	tb.Helper()
	if cfg.Path == "" {
		cfg.Path = filepath.Join(tb.TempDir(), "scenarios.db")
	}
	s, err := OpenConfig(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func f64(v float64) *float64 { return &v }

// territory is a square commune of 0.1° × 0.1° with two places.
func territory() *maillage.Territory {
	return &maillage.Territory{Name: "test",
		Communes: []maillage.Commune{{Code: "00001", Name: "Aville",
			Geometry: orb.MultiPolygon{{{{0, 45}, {0.1, 45}, {0.1, 45.1}, {0, 45.1}, {0, 45}}}}}},
		Venues: []maillage.Venue{
			{ID: "v1", Name: "Médiathèque", Point: orb.Point{0.02, 45.02}, Located: true},
			{ID: "v2", Name: "Mairie", Point: orb.Point{0.08, 45.08}, Located: true},
		}}
}

func sample(name string) *scenario.Scenario {
	return &scenario.Scenario{Name: name, Description: "mardi matin à la mairie", Base: "test", BaseDigest: "sha256:0123456789abcdef", Changes: []scenario.Change{
		{Op: scenario.OpAdd, VenueID: "p1", Name: "Permanence", Lat: f64(45.05), Lon: f64(0.05),
			Hours: []scenario.DaySpan{{Day: "Tu", Open: "09:00", Close: "12:00"}}, Services: []string{"Aide aux démarches administratives"}},
		{Op: scenario.OpRemove, VenueID: "v2"},
	}}
}

func count(tb testing.TB, s *Store) int {
	tb.Helper()
	var n int
	if err := s.w.QueryRow(`SELECT count(*) FROM scenarios`).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestOpenSettings(t *testing.T) {
	s := mustOpen(t, Config{})
	for _, tt := range []struct{ pragma, want string }{
		{"journal_mode", "wal"}, {"synchronous", "2"}, {"foreign_keys", "1"}, {"busy_timeout", "5000"},
	} {
		var got string
		if err := s.w.QueryRow("PRAGMA " + tt.pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("writer PRAGMA %s = %s, want %s", tt.pragma, got, tt.want)
		}
	}
	var q string
	if err := s.r.QueryRow("PRAGMA query_only").Scan(&q); err != nil || q != "1" {
		t.Errorf("reader query_only = %q, %v", q, err)
	}
	if _, err := s.r.Exec(`DELETE FROM scenarios`); err == nil {
		t.Error("a reader connection could write")
	}
	if _, err := OpenConfig(Config{Path: filepath.Join(t.TempDir(), "x?.db")}); err == nil {
		t.Error("a path with '?' was accepted")
	}
}

func TestMigrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	versions := func(s *Store) []int {
		rows, err := s.w.Query(`SELECT version FROM schema_migrations ORDER BY version`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var v []int
		for rows.Next() {
			var x int
			rows.Scan(&x)
			v = append(v, x)
		}
		return v
	}
	upTo := func(n int) []int {
		v := make([]int, n)
		for i := range v {
			v[i] = i + 1
		}
		return v
	}
	all := upTo(len(migrations))
	// A file of schema version 1 (before base_digest) with a scenario in it.
	old, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	old.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DROP TABLE scenarios; DELETE FROM schema_migrations`); err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, db, migrations[:1]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO scenarios (name, description, base, changes, n_changes, created, updated, version)
		VALUES ('kept', 'é', 'demo', '[]', 0, '2026-11-23T13:00:00Z', '2026-11-23T13:00:00Z', 1)`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	// Opening it applies the later migrations and keeps the data.
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := versions(s); !reflect.DeepEqual(got, all) {
		t.Fatalf("version-1 file: versions %v, want %v", got, all)
	}
	if sc, err := s.Get(ctx, 1); err != nil || sc.Name != "kept" || sc.BaseDigest != "" || sc.TerritoryFile != "" {
		t.Fatalf("scenario of the version-1 file: %+v, %v", sc, err)
	}
	// Migration 3 sized the old row in bytes: "kept" + "é" (2 bytes) + "[]".
	if st, err := s.Stats(ctx); err != nil || st.Scenarios != 1 || st.Bytes != 8 {
		t.Fatalf("stats of the migrated file: %+v, %v; want 1 scenario of 8 bytes", st, err)
	}
	// Migration 4 keeps the territory file of a new scenario.
	nsc := &scenario.Scenario{Name: "new", Base: "demo", TerritoryFile: "/data/t.territory"}
	if err := s.Create(ctx, nsc); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, nsc.ID); err != nil || got.TerritoryFile != "/data/t.territory" {
		t.Fatalf("territory file of a new scenario: %+v, %v", got, err)
	}
	if err := s.Delete(ctx, nsc.ID); err != nil {
		t.Fatal(err)
	}
	s.Close()

	// Reopening applies nothing and keeps the data.
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := versions(s); !reflect.DeepEqual(got, all) || count(t, s) != 1 {
		t.Errorf("reopen: versions %v, %d scenarios; want %v and 1", got, count(t, s), all)
	}

	// A later program appends migrations: only the new ones run, in order.
	more := append(migrations[:len(migrations):len(migrations)],
		`ALTER TABLE scenarios ADD COLUMN owner TEXT NOT NULL DEFAULT ''`,
		`CREATE INDEX scenarios_owner ON scenarios (owner)`)
	if err := migrate(ctx, s.w, more); err != nil {
		t.Fatal(err)
	}
	if got := versions(s); !reflect.DeepEqual(got, upTo(len(migrations)+2)) {
		t.Errorf("after 2 more: versions %v", got)
	}
	// … and this program then refuses the newer file.
	if err := migrate(ctx, s.w, migrations); !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("older program on newer file: %v, want ErrSchemaTooNew", err)
	}
	s.Close()
	if _, err := Open(path); !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("Open on newer file: %v, want ErrSchemaTooNew", err)
	}

	// A failing migration leaves nothing behind: the earlier ones of the
	// same run are rolled back with it.
	fresh := mustOpen(t, Config{})
	bad := append(migrations[:len(migrations):len(migrations)], `CREATE TABLE owners (id INTEGER PRIMARY KEY)`, `CREATE TABLE oops (`)
	want := fmt.Sprintf("version %d", len(migrations)+2)
	if err := migrate(ctx, fresh.w, bad); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("bad migration: %v, want an error naming %s", err, want)
	}
	var n int
	fresh.w.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = 'owners'`).Scan(&n)
	if got := versions(fresh); n != 0 || !reflect.DeepEqual(got, all) {
		t.Errorf("after a failed run: owners table %d, versions %v; want 0 and %v", n, got, all)
	}
}

func TestCRUD(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 13, 0, 0, 123456789, time.UTC)
	clock := func() time.Time { return now }
	s := mustOpen(t, Config{Territory: func(string) *maillage.Territory { return territory() }, Now: clock})

	sc := sample("Permanence du mardi")
	if err := s.Create(ctx, sc); err != nil {
		t.Fatal(err)
	}
	if sc.ID != 1 || sc.Version != 1 || !sc.Created.Equal(now) || !sc.Updated.Equal(now) {
		t.Errorf("created = id %d version %d at %v", sc.ID, sc.Version, sc.Created)
	}
	got, err := s.Get(ctx, sc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, sc) {
		t.Errorf("Get = %+v,\nwant %+v", got, sc)
	}

	// Update: from the version read.
	now = now.Add(time.Hour)
	got.Changes = append(got.Changes, scenario.Change{Op: scenario.OpHours, VenueID: "v1",
		Hours: []scenario.DaySpan{{Day: "Sa", Open: "10:00", Close: "12:00"}}})
	stale := *got
	if err := s.Update(ctx, got); err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || !got.Updated.Equal(now) || !got.Created.Equal(sc.Created) {
		t.Errorf("updated = version %d at %v (created %v)", got.Version, got.Updated, got.Created)
	}
	again, _ := s.Get(ctx, sc.ID)
	if len(again.Changes) != 3 || again.Version != 2 {
		t.Errorf("after update: %d changes, version %d", len(again.Changes), again.Version)
	}
	// A second writer still holding version 1 loses.
	stale.Name = "écrasé"
	if err := s.Update(ctx, &stale); !errors.Is(err, scenario.ErrConflict) || !strings.Contains(err.Error(), "at version 2") {
		t.Errorf("stale update: %v, want ErrConflict", err)
	}
	if again, _ := s.Get(ctx, sc.ID); again.Name != "Permanence du mardi" || again.Version != 2 {
		t.Errorf("stale update wrote: %+v", again)
	}
	noVersion := *got
	noVersion.Version = 0
	if err := s.Update(ctx, &noVersion); !errors.Is(err, scenario.ErrInvalid) || !strings.Contains(err.Error(), "version: missing") {
		t.Errorf("update without a version: %v, want ErrInvalid", err)
	}
	ghost := sample("fantôme")
	ghost.ID, ghost.Version = 99, 1
	if err := s.Update(ctx, ghost); !errors.Is(err, scenario.ErrNotFound) {
		t.Errorf("update of a missing scenario: %v, want ErrNotFound", err)
	}

	// List with paging and a base filter.
	for i := range 6 {
		x := sample("s" + string(rune('a'+i)))
		if i%2 == 1 {
			x.Base = "autre"
			x.Changes = nil // no territory-specific changes
		}
		s.cfg.Territory = func(name string) *maillage.Territory {
			t := territory()
			t.Name = name
			return t
		}
		if err := s.Create(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	var pages [][]int64
	for off := 0; off < 9; off += 3 {
		list, n, err := s.List(ctx, scenario.Filter{Offset: off, Limit: 3})
		if err != nil || n != 7 {
			t.Fatalf("List: %d, %v", n, err)
		}
		var ids []int64
		for _, x := range list {
			ids = append(ids, x.ID)
		}
		pages = append(pages, ids)
	}
	if want := [][]int64{{1, 2, 3}, {4, 5, 6}, {7}}; !reflect.DeepEqual(pages, want) {
		t.Errorf("pages = %v, want %v", pages, want)
	}
	list, n, err := s.List(ctx, scenario.Filter{Base: "autre"})
	if err != nil || n != 3 || len(list) != 3 || list[0].ID != 3 {
		t.Fatalf("List(base autre) = %d of %d, %v", len(list), n, err)
	}
	// A summary is the scenario but its changes, and their number.
	all, _, err := s.List(ctx, scenario.Filter{Limit: MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	withChanges := 0
	for _, sum := range all {
		whole, err := s.Get(ctx, sum.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sum != whole.Summarize() || sum.ChangeCount != len(whole.Changes) {
			t.Errorf("summary %+v, want %+v", sum, whole.Summarize())
		}
		if sum.ChangeCount > 0 {
			withChanges++
		}
	}
	if withChanges == 0 {
		t.Error("no listed scenario has changes: the count is not checked")
	}
	if _, _, err := s.List(ctx, scenario.Filter{Limit: MaxLimit + 1}); !errors.Is(err, scenario.ErrInvalid) {
		t.Errorf("List over MaxLimit: %v", err)
	}
	if _, _, err := s.List(ctx, scenario.Filter{Offset: -1}); !errors.Is(err, scenario.ErrInvalid) {
		t.Errorf("List with a negative offset: %v", err)
	}

	// Delete.
	if err := s.Delete(ctx, sc.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, sc.ID); !errors.Is(err, scenario.ErrNotFound) {
		t.Errorf("Get after Delete: %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, sc.ID); !errors.Is(err, scenario.ErrNotFound) {
		t.Errorf("second Delete: %v, want ErrNotFound", err)
	}
	if count(t, s) != 6 {
		t.Errorf("%d rows, want 6", count(t, s))
	}
	if err := s.Check(ctx); err != nil {
		t.Error(err)
	}
}

// TestRejectsBadInput shows that bad scenarios are refused with an error
// naming the change and field, and that nothing is written.
func TestRejectsBadInput(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, Config{Territory: func(name string) *maillage.Territory {
		if name == "test" {
			return territory()
		}
		return nil
	}})
	kept := sample("kept")
	if err := s.Create(ctx, kept); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, message string
		edit          func(*scenario.Scenario)
		large         bool
	}{
		{"unknown place id", `changes[1].venue_id: unknown place id "v7" in territory "test"`,
			func(x *scenario.Scenario) { x.Changes[1].VenueID = "v7" }, false},
		{"position outside the territory", `changes[0].lat: position (44.837800, -0.579200) is outside territory "test"`,
			func(x *scenario.Scenario) { x.Changes[0].Lat, x.Changes[0].Lon = f64(44.8378), f64(-0.5792) }, false},
		{"negative hours", `changes[0].hours[0].close: closes at 08:00, not after it opens at 09:00 (negative or zero hours)`,
			func(x *scenario.Scenario) { x.Changes[0].Hours[0].Close = "08:00" }, false},
		{"oversized body", `body: `,
			func(x *scenario.Scenario) { x.Description = strings.Repeat("é", scenario.DefaultMaxBytes/2) }, true},
		{"too many changes", `changes: 1001 changes, more than the limit of 1000`,
			func(x *scenario.Scenario) {
				for len(x.Changes) <= scenario.DefaultMaxChanges {
					x.Changes = append(x.Changes, scenario.Change{Op: scenario.OpHours, VenueID: "v1",
						Hours: []scenario.DaySpan{{Day: "Mo", Open: "09:00", Close: "10:00"}}})
				}
			}, true},
		{"unknown territory", `base: unknown territory "narnia"`, func(x *scenario.Scenario) { x.Base = "narnia" }, false},
		{"empty name", `name: empty`, func(x *scenario.Scenario) { x.Name = "" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := count(t, s)
			x := sample("bad")
			tt.edit(x)
			err := s.Create(ctx, x)
			if !errors.Is(err, scenario.ErrInvalid) || errors.Is(err, scenario.ErrTooLarge) != tt.large ||
				!strings.Contains(err.Error(), tt.message) {
				t.Errorf("Create = %v, want ErrInvalid (too large: %v) with %q", err, tt.large, tt.message)
			}
			if x.ID != 0 {
				t.Errorf("rejected scenario got id %d", x.ID)
			}
			if after := count(t, s); after != before {
				t.Errorf("rows %d → %d after a rejected create", before, after)
			}
			// The same change as an update leaves the stored scenario as it was.
			y, err := s.Get(ctx, kept.ID)
			if err != nil {
				t.Fatal(err)
			}
			tt.edit(y)
			if err := s.Update(ctx, y); !errors.Is(err, scenario.ErrInvalid) {
				t.Errorf("Update = %v, want ErrInvalid", err)
			}
			if z, _ := s.Get(ctx, kept.ID); !reflect.DeepEqual(z, kept) {
				t.Errorf("rejected update changed the row: %+v", z)
			}
		})
	}
}
