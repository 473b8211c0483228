/* Test library loaded before next_d: its RTLD_NEXT lookup must find next_d's probe, not its own. */
#include <dlfcn.h>

int next_probe(void)
{
    return 'C';
}

int next_lookup(void)
{
    int (*f)(void) = (int (*)(void))dlsym(RTLD_NEXT, "next_probe");
    return f ? f() : 0;
}
