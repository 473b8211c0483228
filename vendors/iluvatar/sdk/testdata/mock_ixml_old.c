/*
 * mock_ixml_old.c: the mock as an older driver that lacks
 * ixmlDeviceGetNumaNodeId, which the binding treats as optional.
 */
#define MOCK_WITHOUT_NUMA 1
#include "mock_ixml.c"
