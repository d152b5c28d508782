package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/coverage/scenario/sqlite"
	"github.com/maillage/maillage/web"
)

// serveConfig is the configuration of `maillage serve`.
type serveConfig struct {
	Planner plannerFlags
	// DB is the scenario database (SQLite, created if missing); "" serves
	// without scenarios (their endpoints answer 503).
	DB  string
	Web web.Config
}

func (m *Main) serve(ctx context.Context, args []string) (err error) {
	cfg := serveConfig{Web: web.DefaultConfig(), DB: "maillage-scenarios.db"}
	fs := m.newFlagSet("serve", "[--territory T] [--addr :8080] [--db maillage-scenarios.db] [--api-keys-file F] [--profiles F] [--fragility F] …\n"+
		m.lang.Pick("Chaque option peut aussi être donnée par la variable d'environnement entre crochets ; une option de la ligne de commande l'emporte.",
			"Every flag can also be set by the environment variable in brackets; a flag given on the command line wins."))
	cfg.Planner.register(fs)
	fs.StringVar(&cfg.Web.Addr, "addr", cfg.Web.Addr, "address to listen on")
	fs.StringVar(&cfg.DB, "db", cfg.DB, `scenario database (SQLite, created if missing; "" to serve without scenarios)`)
	fs.IntVar(&cfg.Web.MaxFeatures, "max-cells", cfg.Web.MaxFeatures, "most cells one /api/v1/cells answer may hold")
	fs.StringVar(&cfg.Web.BaseMapStyle, "basemap", "", "optional outside base map for the web page: the URL of a MapLibre style (none by default: the page works offline)")
	var keysFile string
	var origins stringList
	fs.StringVar(&keysFile, "api-keys-file", "", "file of the API keys that writes need, one a line: the key or sha256:HEX of its digest, # for comments (none: writes are open and the server listens on loopback only)")
	fs.BoolVar(&cfg.Web.InsecureOpenWrites, "insecure-open-writes", false, "without API keys, listen on any address anyway: anyone who reaches the server can change scenarios")
	fs.Var(&origins, "cors-origin", "origin allowed to call the API from a browser, e.g. https://sig.example.fr (repeatable or comma-separated; none: CORS off)")
	var proxies stringList
	fs.Var(&proxies, "trusted-proxy", "reverse proxy address or CIDR whose X-Forwarded-For/-Proto/-Host/-Prefix are believed (repeatable or comma-separated; none: ignored)")
	fs.Float64Var(&cfg.Web.RateLimit, "rate-limit", 100, "requests a second one client address may make, sustained (0: no limit); over it: 429 with Retry-After")
	fs.IntVar(&cfg.Web.RateBurst, "rate-burst", 200, "requests one client may make at once above --rate-limit")
	fs.IntVar(&cfg.Web.MaxExpensive, "max-proposals", cfg.Web.MaxExpensive, "proposals (and first coverage computations) running at once; more: 503 with Retry-After")
	fs.DurationVar(&cfg.Web.ExpensiveTimeout, "proposal-timeout", cfg.Web.ExpensiveTimeout, "longest a proposal may run (then 503)")
	if err := m.parseWithEnv(fs, args); err != nil {
		return err
	}
	if cfg.Web.TrustedProxies, err = web.ParseCIDRs(proxies); err != nil {
		return err
	}
	if cfg.Web.WriteTimeout < cfg.Web.ExpensiveTimeout+10*time.Second {
		cfg.Web.WriteTimeout = cfg.Web.ExpensiveTimeout + 10*time.Second
	}
	if keysFile != "" {
		keys, err := web.ReadAPIKeysFile(keysFile)
		if err != nil {
			return err
		}
		cfg.Web.APIKeys = keys
	}
	cfg.Web.CORSOrigins = origins
	p, err := m.openPlanner(cfg.Planner)
	if err != nil {
		return err
	}
	t := p.Territory()
	var store scenario.Store // a nil interface when there is no database
	if cfg.DB != "" {
		sc := sqlite.DefaultConfig(cfg.DB)
		sc.Options = p.ScenarioOptions()
		sc.Territory = func(name string) *maillage.Territory {
			if name == "" || name == t.Name {
				return t
			}
			return nil
		}
		st, err := sqlite.OpenConfig(sc)
		if err != nil {
			return fmt.Errorf("cannot open the scenario database %s: %w; choose another path with --db FILE (or MAILLAGE_DB), or serve without scenarios with --db \"\"", cfg.DB, err)
		}
		defer st.Close()
		store = st
	}
	cfg.Web.Logger = m.serveLogger()
	s := web.NewServer(cfg.Web, p, store)
	if err := s.Open(); err != nil {
		return err
	}
	l := m.lang
	fmt.Fprintf(m.Stdout, l.Pick("maillage : « %s » servi sur %s\n", "maillage: serving %q on %s\n"), t.Name, clickableURL(s.Addr()))
	fmt.Fprintf(m.Stdout, l.Pick("maillage : %s\n", "maillage: %s\n"), s.AccessNote(l))
	<-ctx.Done()
	if err := s.Close(); err != nil {
		return err
	}
	fmt.Fprint(m.Stdout, l.Pick("maillage : arrêté\n", "maillage: stopped\n"))
	return nil
}

// serveLogger logs the access log and errors to stderr: as text for people
// on a terminal, else as one JSON object a line for log collectors.
func (m *Main) serveLogger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if f, ok := m.Stderr.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			return slog.New(slog.NewTextHandler(m.Stderr, opts))
		}
	}
	return slog.New(slog.NewJSONHandler(m.Stderr, opts))
}

// clickableURL is the address a person can open in a browser for a server
// listening on addr: a wildcard host (":8080", "[::]:8080", "0.0.0.0")
// becomes localhost: "http://localhost:8080/".
func clickableURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr + "/"
	}
	switch host {
	case "", "::", "0.0.0.0", "[::]":
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
