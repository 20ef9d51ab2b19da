package litefs

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"

	"github.com/litmuslabs/litmus/internal/store"
)

// The internal endpoints, served by the primary on the internal (metrics) port.
const (
	PositionPath  = "/internal/litefs/position"
	ExposuresPath = "/internal/litefs/exposures"
)

// maxInternalBody bounds a posted batch (shipBatch exposures are about 150 KiB).
const maxInternalBody = 4 << 20

// Endpoints are the primary's side of Report and Shipper.
type Endpoints struct {
	Token     string // Token(secret)
	Confirmer *Confirmer
	Record    func(store.Exposure) // store.RecordExposure
	Log       *slog.Logger
}

// Register adds the endpoints to mux.
func (e *Endpoints) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST "+PositionPath, e.auth(e.position))
	mux.HandleFunc("POST "+ExposuresPath, e.auth(e.exposures))
}

func (e *Endpoints) auth(next http.HandlerFunc) http.HandlerFunc {
	want := []byte("Bearer " + e.Token)
	return func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			http.Error(w, "not a node of this installation", http.StatusUnauthorized)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxInternalBody)
		next(w, r)
	}
}

func (e *Endpoints) position(w http.ResponseWriter, r *http.Request) {
	var p positionReport
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
		http.Error(w, "a JSON position {\"txid\": N} is expected", http.StatusBadRequest)
		return
	}
	e.Confirmer.Report(p.TXID, p.Candidate)
	w.WriteHeader(http.StatusNoContent)
}

func (e *Endpoints) exposures(w http.ResponseWriter, r *http.Request) {
	var batch []store.Exposure
	if err := json.NewDecoder(r.Body).Decode(&batch); err != nil {
		e.Log.Warn("litefs: a replica posted exposures that could not be read", "err", err)
		http.Error(w, "a JSON array of exposures is expected", http.StatusBadRequest)
		return
	}
	_, _ = io.Copy(io.Discard, r.Body)
	for _, x := range batch {
		e.Record(x) // validated there; invalid ones are counted as dropped
	}
	w.WriteHeader(http.StatusNoContent)
}
