#ifndef MEMWALL_CGSL_SHIM_H
#define MEMWALL_CGSL_SHIM_H
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_multifit_nlinear.h>
#endif
