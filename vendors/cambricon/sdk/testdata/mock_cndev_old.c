/* mock_cndev_old.c: the mock of a CNDev from before sMLU, without its calls. */
#define MOCK_CNDEV_OLD_DRIVER
#include "mock_cndev.c"
