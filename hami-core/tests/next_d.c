/* See next_c.c. */
int next_probe(void)
{
    return 'D';
}
