package labels

// messagesFR is the catalogue of messages: an English format, as the code
// that writes it spells it (a sentinel's text, a Reason's format, a
// fmt.Errorf with %w), and its French format (see messages.go). Entries are
// grouped by the package that writes them; stdFR holds texts of Go's
// standard library that reach people (the flag package, the file system).
var messagesFR = merge(stdFR, map[string]string{
	// cmd/maillage: the command line.
	"usage: maillage <command> [flags]; commands: serve, stats, ingest, route, coverage, gaps, access, propose, scenario, venues, export, health, backup, report": "usage : maillage <commande> [options] ; commandes : serve, stats, ingest, route, coverage, gaps, access, propose, scenario, venues, export, health, backup, report",
	"unknown command %q: %w":                                                    "commande inconnue %q : %w",
	"%s: unexpected argument %q: %w":                                            "%s : argument inattendu %q : %w",
	"coverage: --json and --format %s disagree: %w":                             "coverage : --json et --format %s se contredisent : %w",
	"coverage: --format %q: want text, json or csv: %w":                         "coverage : --format %q : text, json ou csv attendu : %w",
	"gaps: --format %q: want geojson, csv or text: %w":                          "gaps : --format %q : geojson, csv ou text attendu : %w",
	"gaps: --min-persons %g: want ≥ 0: %w":                                      "gaps : --min-persons %g : une valeur ≥ 0 est attendue : %w",
	"access: --format %q: want geojson or csv: %w":                              "access : --format %q : geojson ou csv attendu : %w",
	"venues: --format %q: want text, csv or geojson: %w":                        "venues : --format %q : text, csv ou geojson attendu : %w",
	"propose: --profile is required: %w":                                        "propose : --profile est obligatoire : %w",
	"propose: --format %q: want json, geojson, csv or text: %w":                 "propose : --format %q : json, geojson, csv ou text attendu : %w",
	"propose: --mix %q: want non-negative numbers: %w":                          "propose : --mix %q : des nombres positifs ou nuls sont attendus : %w",
	"propose --tour: one --profile, and --format json or geojson: %w":           "propose --tour : un seul --profile, et --format json ou geojson : %w",
	"propose --tour: --format text and --save-scenario are for fixed sites: %w": "propose --tour : --format text et --save-scenario sont pour des sites fixes : %w",
	"backup: --out is required: %w":                                             "backup : --out est obligatoire : %w",
	"export: --out is required: %w":                                             "export : --out est obligatoire : %w",
	"report: --out is required: %w":                                             "report : --out est obligatoire : %w",
	"export: --format %q: want gpkg: %w":                                        "export : --format %q : gpkg attendu : %w",
	"at least one --grid is required":                                           "au moins une grille --grid est obligatoire",
	"--out is required":                                                         "--out est obligatoire",
	"--res %d: want 7 to 10":                                                    "--res %d : une résolution de 7 à 10 est attendue",
	"--buffer-km %g: want ≥ 0":                                                  "--buffer-km %g : une valeur ≥ 0 est attendue",
	"--epci needs --commune-list (communes-france-2026.json), to map the grid's former commune codes": "--epci demande --commune-list (communes-france-2026.json), pour rattacher les anciens codes commune de la grille",
	"ingest: --%s %s: %w":                                                     "ingest : --%s %s : %w",
	"ingest: --%s %s: not a regular file":                                     "ingest : --%s %s : ce n'est pas un fichier ordinaire",
	"ingest: --out %s: directory %s does not exist":                           "ingest : --out %s : le dossier %s n'existe pas",
	"route: --from and --to are required: %w":                                 "route : --from et --to sont obligatoires : %w",
	"route: give --osm or --territory, not both: %w":                          "route : donnez --osm ou --territory, pas les deux : %w",
	"route: --engine %q: want road or crowfly: %w":                            "route : --engine %q : road ou crowfly attendu : %w",
	"want LAT,LON, got %q":                                                    "LAT,LON attendu, %q reçu",
	"want LAT,LON in degrees (latitude -90..90, longitude -180..180), got %q": "LAT,LON attendu en degrés (latitude -90..90, longitude -180..180), %q reçu",
	"scenario: a subcommand is required: %w":                                  "scenario : une sous-commande est obligatoire : %w",
	"scenario: unknown subcommand %q: %w":                                     "scenario : sous-commande inconnue %q : %w",
	"scenario %s: --format %q: want json or text: %w":                         "scenario %s : --format %q : json ou text attendu : %w",
	"scenario %s: want %d scenario id(s), got %d: %w":                         "scenario %s : %d identifiant(s) de scénario attendu(s), %d reçu(s) : %w",
	"scenario %s: %q is not a scenario id: %w":                                "scenario %s : %q n'est pas un identifiant de scénario : %w",
	"scenario create: --file is required: %w":                                 "scenario create : --file est obligatoire : %w",
	"scenario %d: the territory file %s changed since the scenario was made (digest %s, want %s); name the territory with --territory FILE": "scénario %d : le fichier de territoire %s a changé depuis la création du scénario (empreinte %s, attendue %s) ; indiquez le territoire voulu avec --territory FICHIER",
	"scenario %d: it was made on territory %q, whose file was not recorded; name it with --territory FILE":                                  "scénario %d : il a été fait sur le territoire %q, dont le fichier n'a pas été enregistré ; indiquez-le avec --territory FICHIER",
	"scenario %d: the territory file %s it was made on cannot be found (%v); name the territory with --territory FILE":                      "scénario %d : le fichier de territoire %s sur lequel il a été fait est introuvable (%v) ; indiquez le territoire avec --territory FICHIER",
	"%s: %s=%q: %v: %w": "%s : %s=%q : %v : %w",
	"cannot open the scenario database %s: %w; choose another path with --db FILE (or MAILLAGE_DB), or serve without scenarios with --db \"\"": "impossible d'ouvrir la base de scénarios %s : %w ; choisissez un autre chemin avec --db FICHIER (ou MAILLAGE_DB), ou servez sans scénarios avec --db \"\"",
	"report: --pdf needs chromium on PATH (apt-get install chromium), or write the HTML alone and print it from a browser":                     "report : --pdf demande chromium dans le PATH (apt-get install chromium), ou écrivez le HTML seul et imprimez-le depuis un navigateur",

	// labels
	"labels: unknown language: want fr or en": "langue inconnue : fr ou en attendu",

	// data: files
	"data: read territory: %w":                                              "lecture du fichier de territoire : %w",
	"data: not a maillage territory file":                                   "ce n'est pas un fichier de territoire maillage (écrivez-le avec maillage ingest)",
	"data: unsupported territory file version":                              "version de fichier de territoire non prise en charge (refaites-le avec maillage ingest)",
	"data: corrupt or truncated territory file":                             "fichier de territoire abîmé ou tronqué",
	"data: reading venues: %w":                                              "lecture des lieux : %w",
	"data: unrecognised venue file format":                                  "format de fichier de lieux non reconnu",
	"data: venue file is not valid UTF-8 (Latin-1 or Windows-1252 export?)": "le fichier de lieux n'est pas en UTF-8 (export Latin-1 ou Windows-1252 ?)",
	"data: venue file contains binary data":                                 "le fichier de lieux contient des données binaires",
	"data: venue file is empty":                                             "le fichier de lieux est vide",
	"data: bad EPCI or commune list":                                        "liste des EPCI ou des communes incorrecte",
	"data: grids overlap":                                                   "les grilles se recouvrent",
	"data: malformed grid file":                                             "fichier de grille mal formé",
	"data: bad digital-fragility file":                                      "fichier d'indice de fragilité numérique incorrect",
	"data: the road extract does not overlap the grid":                      "l'extrait routier ne recouvre pas la grille",
	"data: bad candidate list":                                              "liste de sites candidats incorrecte",
	"data: bad communes boundaries":                                         "contours de communes incorrects",
	"missing column (want name, lat, lon[, hours])":                         "colonne manquante (name, lat, lon[, hours] attendues)",
	"missing value":                                                         "valeur manquante",
	"%q is not a number in [%g, %g]":                                        "%q n'est pas un nombre dans [%g, %g]",
	"%q: want FeatureCollection or Feature":                                 "%q : FeatureCollection ou Feature attendu",

	// coverage: profiles, roll-ups
	"coverage: unknown profile":           "profil inconnu",
	"%w %q (known: %v)":                   "%w %q (profils connus : %v)",
	"profile %q: %w":                      "profil %q : %w",
	"%s: %w":                              "%s : %w",
	"coverage: bad profile":               "profil incorrect",
	"coverage: roll-up level unavailable": "niveau de regroupement indisponible",
	"%w: territory %q was built without the EPCI list (maillage ingest --epci FILE --commune-list FILE)": "%w : le territoire %q a été construit sans la liste des EPCI (maillage ingest --epci FICHIER --commune-list FICHIER)",
	"%w: level %q: want commune, epci or departement":                                                    "%w : niveau %q : commune, epci ou departement attendu",
	"coverage: no road engine available":                                                                 "aucun réseau routier dans ce territoire",
	"empty file":                                                                                         "fichier vide",
	"no profile":                                                                                         "aucun profil",
	"duplicate profile name":                                                                             "nom de profil en double",
	"unknown field":                                                                                      "champ inconnu",
	"unknown column %q":                                                                                  "colonne %q inconnue",
	"missing (walk, senior, bike or car)":                                                                "manquant (walk, senior, bike ou car)",
	"unknown mode %q (walk, senior, bike or car)":                                                        "mode %q inconnu (walk, senior, bike ou car)",
	"%v is not within (0, 600]":                                                                          "%v n'est pas dans (0, 600]",
	"unknown engine %q (crowfly, road or auto)":                                                          "moteur %q inconnu (crowfly, road ou auto)",
	"not valid YAML: %s":                                                                                 "YAML invalide : %s",
	"travel: unknown mode":                                                                               "mode de déplacement inconnu",

	// coverage/scenario: a scenario's problems
	"scenario: not found":                 "introuvable",
	"%w: scenario %d":                     "scénario %[2]d %[1]w",
	"scenario: invalid":                   "scénario invalide",
	"scenario: too large":                 "scénario trop gros",
	"scenario: conflict":                  "conflit de versions",
	"unknown place id %s in territory %s": "identifiant de lieu %s inconnu dans le territoire %s",
	"unknown op %s (want add, remove, hours, services or move)": "opération %s inconnue (add, remove, hours, services ou move attendu)",
	"not used by op %q":                    "inutile pour l'opération %q",
	"missing: give hours or opening_hours": "manquant : donnez hours ou opening_hours",
	"missing: give at least one service (use op remove to close a place)": "manquant : donnez au moins un service (l'opération remove ferme un lieu)",
	"missing: name the place to %s":                                       "manquant : nommez le lieu concerné (%s)",
	"duplicate id %s: already added by change %d":                         "identifiant %s en double : déjà ajouté par le changement %d",
	"duplicate id %s: already a place of territory %s":                    "identifiant %s en double : c'est déjà un lieu du territoire %s",
	"place %s was removed by change %d":                                   "le lieu %s a été supprimé par le changement %d",
	"unknown service %s (want one of the schema's %d labels, e.g. %q)":    "service %s inconnu (l'un des %d libellés du schéma est attendu, par exemple %q)",
	"missing": "manquant",
	"empty":   "vide",
	"%v is not a latitude (degrees, -90 to 90)":                               "%v n'est pas une latitude (degrés, de -90 à 90)",
	"%v is not a longitude (degrees, -180 to 180)":                            "%v n'est pas une longitude (degrés, de -180 à 180)",
	"position (%.6f, %.6f) is outside territory %q (%s)":                      "la position (%.6f, %.6f) est hors du territoire %q (%s)",
	"unknown day %s (want one of Mo Tu We Th Fr Sa Su)":                       "jour %s inconnu (Mo Tu We Th Fr Sa Su attendu)",
	"closes at %s, not after it opens at %s (negative or zero hours)":         "ferme à %s, pas après l'ouverture à %s (durée négative ou nulle)",
	"empty: name the base territory":                                          "vide : nommez le territoire de base",
	"scenario is for territory %s, not %s":                                    "le scénario est pour le territoire %s, pas %s",
	"a JSON %s cannot be a %s":                                                "une valeur JSON %s ne peut pas être un %s",
	"malformed JSON at byte %d: %v":                                           "JSON mal formé à l'octet %d : %v",
	"truncated or empty JSON":                                                 "JSON tronqué ou vide",
	"data after the scenario object":                                          "des données suivent l'objet scénario",
	"%d changes, more than the limit of %d":                                   "%d changements, plus que la limite de %d",
	"unknown field; a scenario has %s; a change has %s; an hours span has %s": "champ inconnu ; un scénario a %s ; un changement a %s ; une plage horaire a %s",
	"unknown field; a scenario has %s; a change has %s; an hours span has %s (the kind of change is \"op\": add, remove, hours, services or move)": "champ inconnu ; un scénario a %s ; un changement a %s ; une plage horaire a %s (le genre de changement est « op » : add, remove, hours, services ou move)",
	"unknown field; a scenario has %s; a change has %s; an hours span has %s (the place a change is about is \"venue_id\")":                        "champ inconnu ; un scénario a %s ; un changement a %s ; une plage horaire a %s (le lieu concerné par un changement est « venue_id »)",

	// coverage/scenario/sqlite: the scenario database
	"sqlite: not a scenario database": "ce n'est pas une base de scénarios",
	"%w: %s is not an SQLite database (it begins with %q); give --db a new file or a scenario database": "%w : %s n'est pas une base SQLite (elle commence par %q) ; donnez à --db un nouveau fichier ou une base de scénarios",
	"sqlite: database is corrupt":                        "la base de scénarios est abîmée",
	"sqlite: database schema is newer than this program": "la base de scénarios est d'une version plus récente que ce programme",

	// internal/planner: requests and lookups
	"planner: unknown commune":                       "commune inconnue",
	"%w %q in territory %q: %s":                      "%w %q dans le territoire %q : %s",
	"give an INSEE code or a commune name":           "donnez un code INSEE ou un nom de commune",
	"did you mean %s?":                               "vouliez-vous dire %s ?",
	"planner: invalid request":                       "demande invalide",
	"at least one profile is needed":                 "au moins un profil est nécessaire",
	"%d profiles, at most %d":                        "%d profils, au plus %d",
	"%d coefficients for %d profiles":                "%d coefficients pour %d profils",
	"%g is not in [0, 1]":                            "%g n'est pas dans [0, 1]",
	"%d is not in 1..%d":                             "%d n'est pas dans 1..%d",
	"%d is not in 0..%d":                             "%d n'est pas dans 0..%d",
	"%g is not in [0, 168]":                          "%g n'est pas dans [0, 168]",
	"%g is not a finite number ≥ 0":                  "%g n'est pas un nombre fini ≥ 0",
	"a tour needs one profile":                       "une tournée demande un seul profil",
	"%d: want at least 1":                            "%d : au moins 1 est attendu",
	"%g is not in (0, 168]":                          "%g n'est pas dans (0, 168]",
	"%g is not in (0, budget_hours %g]":              "%g n'est pas dans (0, budget_hours %g]",
	"planner: unknown engine (want road or crowfly)": "moteur inconnu (road ou crowfly attendu)",
	"planner: no scenario store":                     "pas de base de scénarios",
})

// stdFR translates texts of Go's standard library that reach people: the
// flag package's errors and the file system's.
var stdFR = map[string]string{
	"flag provided but not defined: -%s":   "option inconnue : -%s",
	"invalid value %q for flag -%s: %v":    "valeur %q incorrecte pour l'option -%s : %v",
	"invalid boolean value %q for -%s: %v": "valeur %q incorrecte pour l'option -%s (true ou false attendu) : %v",
	"flag needs an argument: -%s":          "l'option -%s demande une valeur",
	"bad flag syntax: %s":                  "option mal écrite : %s",
	"parse error":                          "ce n'est pas un nombre",
	"value out of range":                   "valeur hors limites",
	"open %s: %w":                          "ouverture de %s impossible : %w",
	"stat %s: %w":                          "accès à %s impossible : %w",
	"read %s: %w":                          "lecture de %s impossible : %w",
	"no such file or directory":            "fichier ou dossier introuvable",
	"permission denied":                    "permission refusée",
	"is a directory":                       "c'est un dossier",
	"not a directory":                      "ce n'est pas un dossier",
	"unexpected EOF":                       "fin de fichier inattendue",
	"EOF":                                  "fichier vide",
}

func merge(a, b map[string]string) map[string]string {
	out := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
