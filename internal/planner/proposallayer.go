package planner

import (
	"strconv"
	"sync"

	"github.com/paulmach/orb"

	"github.com/maillage/maillage/coverage/propose"
	"github.com/maillage/maillage/internal/layer"
)

// ProposalLayerK is the number of sites of a proposals-{profile} layer.
const ProposalLayerK = 10

// DefaultProposal is the proposal a proposals-{profile} layer shows: K =
// ProposalLayerK sites for the one profile, cells and commune centres as
// candidates, the other options at their defaults (as POST
// /api/v1/proposals with {"profiles":[profile],"k":10}).
func DefaultProposal(profile string) ProposeRequest {
	return ProposeRequest{Profiles: []string{profile}, K: ProposalLayerK}
}

// proposalLayer is the layer proposals-{profile}: the sites of
// DefaultProposal as points, computed on first iteration and kept.
func (p *Planner) proposalLayer(profile string) *layer.Layer {
	fields := []layer.Field{
		{Name: "rank", Title: "Rang (1 = choisi en premier)", Kind: layer.Integer},
		{Name: "label", Title: "Nom du site pour les personnes", Kind: layer.String},
		{Name: "kind", Title: "Type de candidat (cell, commune)", Kind: layer.String},
		{Name: "commune", Title: "Code INSEE de la commune du site", Kind: layer.String},
		{Name: "hours", Title: "Heures d'ouverture supposées", Unit: "heures/semaine", Kind: layer.Number},
		{Name: "gain", Title: "Demande pondérée nouvellement couverte par ce site", Unit: "personnes pondérées", Kind: layer.Number},
		{Name: "persons", Title: "Personnes nouvellement couvertes par ce site", Unit: "personnes", Kind: layer.Number},
		{Name: "cumulative_covered", Title: "Demande pondérée couverte avec les lieux existants et les sites de rang 1 à celui-ci", Unit: "personnes pondérées", Kind: layer.Number},
	}
	var (
		once sync.Once
		prop *propose.Proposal
		perr error
	)
	communes := p.communeLayer()
	return &layer.Layer{
		ID: "proposals-" + profile, Title: "Proposition de " + strconv.Itoa(ProposalLayerK) + " sites (" + profile + ")",
		Description: "Les " + strconv.Itoa(ProposalLayerK) + " nouveaux sites de la proposition par défaut pour le profil " + profile +
			" (cellules et centres de communes candidats), calculée à la première lecture ; l'emprise annoncée est celle du territoire.",
		Geometry: layer.Point, Fields: fields, Bound: communes.Bound, MinZoom: 0, MaxZoom: 18,
		Each: func(q layer.Query, fn func(*layer.Feature) error) error {
			once.Do(func() { prop, perr = p.Propose(DefaultProposal(profile)) })
			if perr != nil {
				return perr
			}
			f := &layer.Feature{Values: make([]any, len(fields))}
			cum := prop.CoveredBefore
			for _, s := range prop.Sites {
				cum += s.Gain
				pt := orb.Point{s.Lon, s.Lat}
				if q.HasBound() && !q.Bound.Contains(pt) {
					continue
				}
				f.ID, f.NumID, f.Geom = strconv.Itoa(s.Rank), uint64(s.Rank), pt
				f.Values[0], f.Values[1], f.Values[2], f.Values[3] = s.Rank, s.Label, string(s.Kind), s.Commune
				f.Values[4], f.Values[5], f.Values[6] = layer.Round(s.Hours, 3), layer.Round(s.Gain, 3), layer.Round(s.Persons, 3)
				f.Values[7] = layer.Round(cum, 3)
				if err := fn(f); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// ProposalLayerIDs returns proposals-{profile} for each profile: layers
// that Layer defines and OGC lists, but that LayerIDs (tiles, the export)
// leaves out since reading one computes a proposal.
func (p *Planner) ProposalLayerIDs() []string {
	out := make([]string, len(p.profiles))
	for i, pr := range p.profiles {
		out[i] = "proposals-" + pr.Name
	}
	return out
}
