package propose

// The exact maximal-covering model, for checking the greedy answer against an
// open-source MILP solver (CBC, from Debian's coinor-cbc):
//
//	maximise   Σ_i w_i y_i
//	subject to y_i − Σ_{j : i ∈ S_j} x_j ≤ 0   for every point i
//	           Σ_j x_j ≤ k
//	           x_j ∈ {0, 1},  0 ≤ y_i ≤ 1
//
// y_i need not be declared integer: for binary x the optimum sets y_i =
// min(1, Σ x_j), which is 0 or 1. Points of zero weight or covered by no
// candidate are left out. Variables are named x<j> (candidate j) and y<i>
// (demand point i) so that the solution maps back to the instance.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// errMILPSolution reports a solver solution file that cannot be read.
var errMILPSolution = errors.New("propose: bad MILP solution")

// writeMILP writes the maximal-covering problem for in and k sites in CPLEX
// LP format (readable by CBC, GLPK's glpsol --lp, HiGHS, SCIP).
func writeMILP(w io.Writer, in *CoverInstance, k int) error {
	if err := in.Validate(); err != nil {
		return err
	}
	// Invert the sets: for each point, the candidates covering it.
	cnt := make([]int32, len(in.Weight)+1)
	for _, s := range in.Sets {
		for _, i := range s {
			cnt[i+1]++
		}
	}
	for i := 1; i < len(cnt); i++ {
		cnt[i] += cnt[i-1]
	}
	by := make([]int32, cnt[len(cnt)-1])
	pos := append([]int32(nil), cnt[:len(cnt)-1]...)
	for j, s := range in.Sets {
		for _, i := range s {
			by[pos[i]] = int32(j)
			pos[i]++
		}
	}
	keep := func(i int) bool { return in.Weight[i] > 0 && cnt[i+1] > cnt[i] }

	bw := bufio.NewWriter(w)
	lw := &milpLineWriter{w: bw}
	fmt.Fprintf(bw, "\\ maximal covering: %d points, %d candidates, k = %d\n", len(in.Weight), len(in.Sets), k)
	bw.WriteString("Maximize\n obj:")
	for i, wt := range in.Weight {
		if keep(i) {
			lw.term(" + " + strconv.FormatFloat(wt, 'g', -1, 64) + " y" + strconv.Itoa(i))
		}
	}
	lw.end()
	bw.WriteString("Subject To\n")
	for i := range in.Weight {
		if !keep(i) {
			continue
		}
		fmt.Fprintf(bw, " c%d: y%d", i, i)
		lw.n = 1
		for _, j := range by[cnt[i]:cnt[i+1]] {
			lw.term(" - x" + strconv.Itoa(int(j)))
		}
		bw.WriteString(" <= 0\n")
	}
	bw.WriteString(" card:")
	lw.n = 0
	for j := range in.Sets {
		lw.term(" + x" + strconv.Itoa(j))
	}
	if len(in.Sets) == 0 {
		bw.WriteString(" 0 x0")
	}
	fmt.Fprintf(bw, " <= %d\n", k)
	bw.WriteString("Bounds\n")
	for i := range in.Weight {
		if keep(i) {
			fmt.Fprintf(bw, " 0 <= y%d <= 1\n", i)
		}
	}
	bw.WriteString("Binaries\n")
	lw.n = 0
	for j := range in.Sets {
		lw.term(" x" + strconv.Itoa(j))
	}
	lw.end()
	bw.WriteString("End\n")
	return bw.Flush()
}

// milpLineWriter breaks long expressions over several lines (LP readers
// limit line length).
type milpLineWriter struct {
	w *bufio.Writer
	n int
}

func (l *milpLineWriter) term(s string) {
	if l.n == 8 {
		l.w.WriteString("\n   ")
		l.n = 0
	}
	l.w.WriteString(s)
	l.n++
}

func (l *milpLineWriter) end() {
	l.w.WriteString("\n")
	l.n = 0
}

// milpSolution is a solver's answer to the model written by writeMILP.
type milpSolution struct {
	Status    string  // first word(s) of the solution file, e.g. "Optimal"
	Optimal   bool    // the solver proved optimality
	Objective float64 // as reported by the solver
	Sites     []int   // candidates with x_j = 1, in increasing order
}

// readCBCSolution reads a CBC solution file (written by `cbc model.lp solve
// solu FILE`): a status line "Optimal - objective value V" then one line per
// non-zero variable "index name value reduced-cost". Errors wrap
// errMILPSolution and name the line.
func readCBCSolution(r io.Reader) (*milpSolution, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	sol := &milpSolution{}
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if line == 1 {
			status, val, ok := strings.Cut(text, "objective value")
			if !ok {
				return nil, fmt.Errorf("%w: line 1: no objective value in %q", errMILPSolution, milpClip(text))
			}
			sol.Status = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(status), "-"))
			sol.Optimal = strings.HasPrefix(sol.Status, "Optimal")
			v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			if err != nil {
				return nil, fmt.Errorf("%w: line 1: objective: %v", errMILPSolution, err)
			}
			sol.Objective = v
			continue
		}
		if text == "" {
			continue
		}
		f := strings.Fields(text)
		if len(f) > 0 && f[0] == "**" { // CBC marks infeasible values with **
			f = f[1:]
		}
		if len(f) < 3 {
			return nil, fmt.Errorf("%w: line %d: want index, name, value in %q", errMILPSolution, line, milpClip(text))
		}
		v, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			return nil, fmt.Errorf("%w: line %d: value: %v", errMILPSolution, line, err)
		}
		name := f[1]
		if !strings.HasPrefix(name, "x") || v < 0.5 {
			continue
		}
		j, err := strconv.Atoi(name[1:])
		if err != nil || j < 0 {
			return nil, fmt.Errorf("%w: line %d: bad variable name %q", errMILPSolution, line, milpClip(name))
		}
		sol.Sites = append(sol.Sites, j)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", errMILPSolution, err)
	}
	if line == 0 {
		return nil, fmt.Errorf("%w: empty file", errMILPSolution)
	}
	slices.Sort(sol.Sites)
	return sol, nil
}

func milpClip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
