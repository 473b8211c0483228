package hygone2e_test

import (
	"os"
	"testing"

	"github.com/hami-project/hami/e2e/harness"
)

func TestMain(m *testing.M) { os.Exit(harness.Main(m)) }
