package vdcu

import "fmt"

// ComputeUnitsFor is the CUs a vDCU of cores percent gets on a card of
// cards CUs: rounded up, so a share never gets less than it asked for,
// and at least one, since a vDCU without a CU could run nothing.
func ComputeUnitsFor(cores int32, cards int) int {
	n := (int(max(cores, 0))*cards + 99) / 100
	return min(max(n, 1), cards)
}

// Pick chooses want CUs of a card with cus CUs that taken does not hold,
// lowest first, so that what stays free is one block at the top for the
// next vDCU.
func Pick(cus int, taken Mask, want int) (Mask, error) {
	if want < 1 || want > cus {
		return Mask{}, fmt.Errorf("a vDCU of %d compute units does not fit a card of %d", want, cus)
	}
	var picked []int
	for cu := 0; cu < cus && len(picked) < want; cu++ {
		if !taken.Has(cu) {
			picked = append(picked, cu)
		}
	}
	if len(picked) < want {
		return Mask{}, fmt.Errorf("%w: %d of %d compute units are free, the vDCU needs %d", ErrNoComputeUnits, len(picked), cus, want)
	}
	return MaskOf(picked...), nil
}
