#include "glpk_shim.h"
#include <glpk.h>
#include <setjmp.h>
#include <string.h>
#include <float.h>
#include <math.h>
#include <limits.h>

/* GLPK keeps its environment per thread; so does this shim. */
typedef struct {
    jmp_buf jump;
    char log[4096];
    size_t length;
    int verbose;
    double deadline;   /* glp_time() in ms after which output ends the solve (interior point); 0: none */
    volatile int timed_out; /* set before the longjmp, read after it */
} mw_context;

/* Keeps the tail of GLPK's output: the last lines say what went wrong. */
static int capture(void *info, const char *text) {
    mw_context *context = info;
    size_t add = strlen(text), room = sizeof(context->log) - 1;
    if (add >= room) { text += add - room; add = room; }
    if (context->length + add > room) {
        size_t drop = context->length + add - room;
        memmove(context->log, context->log + drop, context->length - drop);
        context->length -= drop;
    }
    memcpy(context->log + context->length, text, add);
    context->length += add;
    context->log[context->length] = 0;
    /* GLPK's interior-point method takes no time limit, but prints once per iteration: past the
     * deadline, leave it the way an internal error does (its state is then freed as a whole). */
    if (context->deadline > 0 && glp_time() > context->deadline) {
        context->timed_out = 1;
        context->deadline = 0;
        longjmp(context->jump, 1);
    }
    return 1; /* nothing reaches the terminal; the caller decides what to show */
}

static void on_error(void *info) {
    mw_context *context = info;
    longjmp(context->jump, 1);
}

typedef struct {
    const double *warm_start; /* 1-based copy, or NULL */
    int offered;
    int node_limit;
    int selected;
    double bound;
    int has_bound;
} mw_callback_state;

static void callback(glp_tree *tree, void *info) {
    mw_callback_state *state = info;
    int reason = glp_ios_reason(tree);
    if (reason == GLP_IHEUR && !state->offered && state->warm_start) {
        state->offered = 1;
        glp_ios_heur_sol(tree, state->warm_start);
    }
    if (reason == GLP_ISELECT && state->node_limit > 0 && ++state->selected > state->node_limit) {
        glp_ios_terminate(tree);
    }
    int best = glp_ios_best_node(tree);
    if (best) {
        double bound = glp_ios_node_bound(tree, best);
        if (isfinite(bound)) { state->bound = bound; state->has_bound = 1; }
    }
}

static void copy_log(mw_glpk_result *result, const mw_context *context) {
    strncpy(result->message, context->log, sizeof(result->message) - 1);
    result->message[sizeof(result->message) - 1] = 0;
}

int mw_glpk_solve(const mw_glpk_problem *problem, mw_glpk_result *result) {
    mw_context context;
    memset(&context, 0, sizeof context);
    context.verbose = problem->verbose;
    memset(result->message, 0, sizeof(result->message));
    result->has_bound = 0;
    result->bound = 0;
    result->objective = 0;

    glp_prob *lp = NULL;
    glp_term_hook(capture, &context);
    glp_error_hook(on_error, &context);

    if (setjmp(context.jump)) {
        /* GLPK's state on this thread is unusable after an internal error (or a jump out of an
         * interior-point solve at its deadline): free all of it. */
        copy_log(result, &context);
        glp_free_env();
        result->status = context.timed_out ? MW_NO_SOLUTION : MW_ERROR;
        return result->status;
    }

    lp = glp_create_prob();
    glp_set_obj_dir(lp, GLP_MIN);
    if (problem->rows > 0) glp_add_rows(lp, problem->rows);
    if (problem->cols > 0) glp_add_cols(lp, problem->cols);
    for (int i = 0; i < problem->rows; i++)
        glp_set_row_bnds(lp, i + 1, problem->row_kind[i], problem->row_lb[i], problem->row_ub[i]);
    for (int j = 0; j < problem->cols; j++) {
        glp_set_col_bnds(lp, j + 1, problem->col_kind[j], problem->col_lb[j], problem->col_ub[j]);
        glp_set_obj_coef(lp, j + 1, problem->objective[j]);
        if (problem->col_integer[j] && !problem->relaxation_only) glp_set_col_kind(lp, j + 1, GLP_IV);
    }
    if (problem->nonzeros > 0) {
        /* GLPK wants 1-based arrays with an unused element 0. */
        int n = problem->nonzeros;
        int *ia = glp_alloc(n + 1, sizeof(int));
        int *ja = glp_alloc(n + 1, sizeof(int));
        double *ar = glp_alloc(n + 1, sizeof(double));
        for (int k = 0; k < n; k++) {
            ia[k + 1] = problem->row_index[k] + 1;
            ja[k + 1] = problem->col_index[k] + 1;
            ar[k + 1] = problem->value[k];
        }
        glp_load_matrix(lp, n, ia, ja, ar);
        glp_free(ia); glp_free(ja); glp_free(ar);
    }

    int msg = problem->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
    int limit_ms = (int)fmin(fmax(problem->time_limit_s * 1000.0, 1.0), (double)INT_MAX);

    if (problem->relaxation_only && problem->interior) {
        glp_iptcp iptcp;
        glp_init_iptcp(&iptcp);
        /* Captured, never printed here. GLP_MSG_ALL rather than ON: besides a line per iteration it
         * prints before the ordering, the factorisation and the initial point, so the deadline is
         * checked between those steps too; the limit is overrun by at most one such step. */
        iptcp.msg_lev = GLP_MSG_ALL;
        glp_scale_prob(lp, GLP_SF_AUTO);
        context.deadline = glp_time() + limit_ms;
        int ipt = glp_interior(lp, &iptcp);
        context.deadline = 0;
        int ipt_status = glp_ipt_status(lp);
        if (ipt == 0 && ipt_status == GLP_OPT) {
            result->status = MW_OPTIMAL;
        } else if (ipt == GLP_EINSTAB || ipt == GLP_ENOCVG || ipt == GLP_EITLIM) {
            /* Stopped short of GLPK's own tolerance (on the 1,000-tensor random relaxation it stops
             * with instability at a relative gap of 6e-8): the last point is still returned, and the
             * caller decides from its multipliers' bound whether it is close enough. */
            result->status = MW_FEASIBLE;
        } else {
            /* GLP_NOFEAS included: GLPK's interior point infers it from its residuals growing, which
             * an unbounded program or a numerical blow-up also causes, so the caller asks the simplex. */
            result->status = MW_NO_SOLUTION;
        }
        if (result->status == MW_OPTIMAL || result->status == MW_FEASIBLE) {
            result->objective = glp_ipt_obj_val(lp);
            for (int j = 0; j < problem->cols; j++) result->solution[j] = glp_ipt_col_prim(lp, j + 1);
            if (result->row_duals)
                for (int i = 0; i < problem->rows; i++) result->row_duals[i] = glp_ipt_row_dual(lp, i + 1);
        }
        goto finish;
    }

    /* The root relaxation with the LP presolver; its optimal basis then starts the branch and bound,
     * which runs on the original columns so that the warm start applies to them. */
    glp_smcp smcp;
    glp_init_smcp(&smcp);
    smcp.msg_lev = msg;
    smcp.presolve = GLP_ON;
    smcp.meth = GLP_PRIMAL; /* primal 4.7 s, dual 7.7 s on the 1,000-tensor random relaxation (place-bench) */
    smcp.tm_lim = limit_ms;
    glp_scale_prob(lp, GLP_SF_AUTO);
    double started = glp_time();
    int rc = glp_simplex(lp, &smcp);
    int lp_status = glp_get_status(lp);
    if (rc == GLP_ENOPFS || lp_status == GLP_NOFEAS || glp_get_prim_stat(lp) == GLP_NOFEAS) {
        result->status = MW_INFEASIBLE;
    } else if (rc == GLP_ENODFS || lp_status == GLP_UNBND) {
        result->status = MW_UNBOUNDED;
    } else if (rc == GLP_ETMLIM) {
        result->status = MW_NO_SOLUTION;
    } else if (rc != 0 || lp_status != GLP_OPT) {
        result->status = MW_ERROR;
        capture(&context, "glp_simplex did not reach an optimal relaxation\n");
    } else {
        result->bound = glp_get_obj_val(lp);
        result->has_bound = 1;
        if (problem->relaxation_only) {
            result->status = MW_OPTIMAL;
            result->objective = result->bound;
            for (int j = 0; j < problem->cols; j++) result->solution[j] = glp_get_col_prim(lp, j + 1);
            if (result->row_duals)
                for (int i = 0; i < problem->rows; i++) result->row_duals[i] = glp_get_row_dual(lp, i + 1);
        } else {
            double *warm = NULL;
            if (problem->warm_start) {
                warm = glp_alloc(problem->cols + 1, sizeof(double)); /* freed by glp_free_env on error */
                for (int j = 0; j < problem->cols; j++) warm[j + 1] = problem->warm_start[j];
            }
            mw_callback_state state = { warm, 0, problem->node_limit, 0, result->bound, 1 };
            glp_iocp iocp;
            glp_init_iocp(&iocp);
            iocp.msg_lev = msg;
            iocp.presolve = GLP_OFF;
            double spent = glp_time() - started;
            iocp.tm_lim = (int)fmax(1.0, limit_ms - spent);
            iocp.mip_gap = problem->relative_gap;
            iocp.mir_cuts = GLP_ON;
            iocp.cb_func = callback;
            iocp.cb_info = &state;
            rc = glp_intopt(lp, &iocp);
            int mip = glp_mip_status(lp);
            if (warm) glp_free(warm);
            if (state.has_bound) { result->bound = state.bound; result->has_bound = 1; }
            if (mip == GLP_OPT || mip == GLP_FEAS) {
                result->objective = glp_mip_obj_val(lp);
                for (int j = 0; j < problem->cols; j++) result->solution[j] = glp_mip_col_val(lp, j + 1);
                result->status = (rc == 0 && mip == GLP_OPT) || (rc == GLP_EMIPGAP) ? MW_OPTIMAL : MW_FEASIBLE;
                if (result->status == MW_OPTIMAL && rc == 0) { result->bound = fmin(result->bound, result->objective); }
            } else if (mip == GLP_NOFEAS) {
                result->status = MW_INFEASIBLE;
            } else if (rc == GLP_ETMLIM || rc == GLP_ESTOP) {
                result->status = MW_NO_SOLUTION;
            } else {
                result->status = MW_ERROR;
                capture(&context, "glp_intopt failed\n");
            }
        }
    }
finish:
    copy_log(result, &context);
    glp_delete_prob(lp);
    glp_error_hook(NULL, NULL);
    glp_term_hook(NULL, NULL);
    return result->status;
}

void mw_glpk_free_thread_env(void) {
    /* GLPK keeps one environment per thread; a thread that will not solve again gives it back. */
    glp_free_env();
}
