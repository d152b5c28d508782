package data_test

import (
	"fmt"

	"github.com/maillage/maillage/data"
)

func ExampleParseOpeningHours() {
	w, err := data.ParseOpeningHours("Mo-Fr 09:00-12:00,13:30-17:00; We off; Sa 09:00-12:00; PH off")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(w.Hours(), "hours a week; Wednesday:", w.Days[2], "Saturday:", w.Days[5])
	// Output: 29 hours a week; Wednesday: [] Saturday: [{540 720}]
}

func ExampleParseFranceServicesDay() {
	spans, _ := data.ParseFranceServicesDay("09:00 - 12:00 / 13:30 - 17:00")
	m := 0
	for _, s := range spans {
		m += int(s.Close - s.Open)
	}
	fmt.Println(float64(m)/60, "hours")
	// Output: 6.5 hours
}
