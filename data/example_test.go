package data_test

import (
	"fmt"

	"github.com/maillage/maillage/data"
)

func ExampleParseSquareID() {
	size, northing, easting, err := data.ParseSquareID("CRS3035RES200mN2029800E4252400")
	fmt.Println(size, northing, easting, err)
	// Output: 200 2029800 4252400 <nil>
}
