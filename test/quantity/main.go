// quantity-oracle: apimachinery's resource.Quantity as the oracle for plumb's
// quantity comparison (test/engine/kubernetes-schema/quantity.property.test.ts).
// Reads lines "A B" on stdin; writes per line the result of
// ParseQuantity(A).Cmp(ParseQuantity(B)) (-1, 0, 1), or "err" when either does
// not parse.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		parts := strings.SplitN(in.Text(), " ", 2)
		if len(parts) != 2 {
			fmt.Fprintln(out, "err")
			continue
		}
		a, errA := resource.ParseQuantity(parts[0])
		b, errB := resource.ParseQuantity(parts[1])
		if errA != nil || errB != nil {
			fmt.Fprintln(out, "err")
			continue
		}
		fmt.Fprintln(out, a.Cmp(b))
	}
}
