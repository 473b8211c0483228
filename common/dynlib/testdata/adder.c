/* A tiny library for dynlib's tests: an int function, an out-parameter and
 * a string. */
#include <string.h>

int adder_add(int a, int b) { return a + b; }

int adder_name(char *buf, int len) {
	const char *name = "adder-1";
	if (len < (int)strlen(name) + 1) return 2;
	strcpy(buf, name);
	return 0;
}
