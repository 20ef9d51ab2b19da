//go:build race

package pages

func init() { raceEnabled = true }
