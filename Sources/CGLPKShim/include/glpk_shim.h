#ifndef MEMWALL_GLPK_SHIM_H
#define MEMWALL_GLPK_SHIM_H

/* One call that builds, solves and reads back a mixed-integer program with GLPK, so that
 * GLPK's error hook can longjmp back into a C frame (never across Swift frames). */

/* Row kinds (as GLPK's GLP_FR/GLP_LO/GLP_UP/GLP_DB/GLP_FX). */
enum { MW_FREE = 1, MW_LOWER = 2, MW_UPPER = 3, MW_DOUBLE = 4, MW_FIXED = 5 };

/* Outcomes. */
enum {
    MW_OPTIMAL = 0,       /* proven optimal (within the relative gap asked for) */
    MW_FEASIBLE = 1,      /* a solution, stopped by the time limit */
    MW_INFEASIBLE = 2,    /* no solution exists */
    MW_NO_SOLUTION = 3,   /* time limit reached before any solution */
    MW_UNBOUNDED = 4,
    MW_ERROR = 5          /* GLPK reported an error; message holds its text */
};

typedef struct {
    int rows, cols;
    const int *row_kind;          /* rows entries */
    const double *row_lb, *row_ub;
    const int *col_kind;          /* cols entries, MW_* bound kinds */
    const double *col_lb, *col_ub;
    const int *col_integer;       /* cols entries, 1 = integer */
    const double *objective;      /* cols entries, minimised */
    int nonzeros;
    const int *row_index;         /* 0-based */
    const int *col_index;         /* 0-based */
    const double *value;
    const double *warm_start;     /* cols entries or NULL: offered through the heuristic callback */
    double time_limit_s;
    double relative_gap;
    int node_limit;               /* > 0: stop after this many subproblems (a deterministic limit) */
    int verbose;
    int relaxation_only;          /* 1: solve the LP relaxation only */
    int interior;                 /* with relaxation_only: GLPK's interior-point method instead of the
                                   * simplex (no basis; the time limit is checked once per iteration) */
} mw_glpk_problem;

typedef struct {
    int status;
    double objective;
    double bound;                 /* best bound known (LP relaxation or best open node) */
    int has_bound;
    double *solution;             /* caller's buffer of cols entries */
    double *row_duals;            /* caller's buffer of rows entries, or NULL; filled for a relaxation */
    char message[4096];           /* GLPK's last messages (always captured) */
} mw_glpk_result;

/* Returns result->status. Safe to call concurrently from different threads. */
int mw_glpk_solve(const mw_glpk_problem *problem, mw_glpk_result *result);

/* Frees the calling thread's GLPK environment (call at the end of a thread that solved). */
void mw_glpk_free_thread_env(void);

#endif
