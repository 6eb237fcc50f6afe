#ifndef MEMWALL_CGLPK_SHIM_H
#define MEMWALL_CGLPK_SHIM_H
#include <glpk.h>
#endif
