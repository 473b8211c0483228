/* A libmxsml too old for HAMi: it exports only mxSmlInit. */
int mxSmlInit(void);

int mxSmlInit(void) { return 0; }
