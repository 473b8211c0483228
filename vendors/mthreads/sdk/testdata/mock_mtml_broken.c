/* A libmtml.so missing required calls: binding it must fail by name. */
#include "mtml.h"

MtmlReturn mtmlLibraryInit(MtmlLibrary **lib) {
	*lib = 0;
	return MTML_SUCCESS;
}
