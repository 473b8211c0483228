/* The mock as an older driver's libmtml.so: without the optional calls. */
#define MOCK_WITHOUT_OPTIONAL
#include "mock_mtml.c"
