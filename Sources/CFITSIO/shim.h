// cfitsio's `fits_*` names are function-like macros, which Swift does not import: call the `ff*` functions.
#include <fitsio.h>
