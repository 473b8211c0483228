/* Writes a hami-core region with known values, laid out by the real
 * header, for the Go reader's test. */
#include "region.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    static struct hami_region r;
    if (argc != 2) return 2;
    memset(&r, 0, sizeof r);
    r.magic = HAMI_REGION_MAGIC;
    r.version = HAMI_REGION_VERSION;
    r.size = (uint32_t)sizeof r;
    r.used_total[1] = 1234567;
    r.used_total[15] = 42;
    r.gcra_tat[1] = 999;
    r.busy_ns[1] = 7500000000ULL;
    r.busy_ns[15] = 3;
    r.slots[3].state = HAMI_SLOT_LIVE;
    r.slots[511].state = HAMI_SLOT_LIVE;
    r.slots[511].used[15] = 77;
    FILE *f = fopen(argv[1], "wb");
    if (!f || fwrite(&r, sizeof r, 1, f) != 1) return 1;
    return fclose(f) != 0;
}
