/* pm-plan-ls.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * First-improvement local search over granular neighbourhoods (each visit
 * against its nearest visits): relocate and or-opt (strings of 1–3, also
 * reversed), swap and cross-exchange (strings of 1–3), 2-opt* between
 * routes and 2-opt inside a route.  An O(1) travel bound screens each
 * move; the survivors are built as one or two new sequences and evaluated
 * in O(n), which keeps every side constraint (windows, break, locks,
 * capacity) exact.
 */

#include <stdlib.h>
#include <string.h>

#include "pm-plan-search-private.h"

#define LS_NEIGHBOURS 15
#define LS_MAX_STRING 3
#define LS_MAX_PASSES 50

typedef struct
{
  int        shift;
  const int *seq;
  int        n;
} Side;

static bool
side_ok (const PmPlanProblem *P,
         const Side          *side,
         double              *cost)
{
  const PmPlanShift *sh = &P->shifts[side->shift];
  double load = 0;
  PmPlanEval e;

  for (int k = 0; k < side->n; k++)
    {
      if (!P->compat[(long) side->seq[k] * P->n_shifts + side->shift])
        return false;
      load += P->jobs[side->seq[k]].load;
    }
  if (load > sh->cap + PM_PLAN_EPS)
    return false;
  pm_plan_evaluate (P, side->shift, side->seq, side->n, NULL, &e);
  *cost = e.cost;
  return e.feasible;
}

/* Replaces one or two tours if that lowers the cost. */
static bool
apply_if_better (PmPlanSearch *S,
                 PmPlanState  *st,
                 Side          a,
                 Side          b)
{
  const PmPlanProblem *P = S->P;
  double old = st->t[a.shift].cost + (b.shift >= 0 ? st->t[b.shift].cost : 0);
  double ca = 0, cb = 0;
  Side sides[2] = { a, b };

  if (!side_ok (P, &a, &ca) || ca >= old - PM_PLAN_EPS)
    return false;
  if (b.shift >= 0 && (!side_ok (P, &b, &cb) || ca + cb >= old - PM_PLAN_EPS))
    return false;

  for (int k = 0; k < 2; k++)
    {
      PmPlanTour *t;

      if (sides[k].shift < 0)
        continue;
      t = &st->t[sides[k].shift];
      memmove (t->v, sides[k].seq, sizeof (int) * (size_t) sides[k].n);
      t->n = sides[k].n;
      for (int i = 0; i < t->n; i++)
        st->where[t->v[i]] = sides[k].shift;
      S->touched[sides[k].shift] = true;
      pm_plan_tour_update (P, sides[k].shift, t);
    }
  return true;
}

static const Side no_side = { -1, NULL, 0 };

static double
tr (const PmPlanProblem *P,
    int                  a,
    int                  b)
{
  return pm_plan_travel (P, a, b);
}

/* O(1) screen: can the move pay off, given its travel and van-day change
 * and at best all the other costs of the tours it touches?
 */
static bool
promising (const PmPlanSearch *S,
           const PmPlanState  *st,
           int                 sa,
           int                 sb,
           double              d_travel,
           double              d_fixed)
{
  const PmPlanProblem *P = S->P;
  double slack = st->t[sa].slack + (sb >= 0 && sb != sa ? st->t[sb].slack : 0);

  return P->w.travel * d_travel + d_fixed - slack < -PM_PLAN_EPS;
}

/* dst = src[0..n) with src[at..at+cut) replaced by ins[0..n_ins); returns
 * its length.
 */
static int
splice (int       *dst,
        const int *src,
        int        n,
        int        at,
        int        cut,
        const int *ins,
        int        n_ins)
{
  memcpy (dst, src, sizeof (int) * (size_t) at);
  memcpy (dst + at, ins, sizeof (int) * (size_t) n_ins);
  memcpy (dst + at + n_ins, src + at + cut, sizeof (int) * (size_t) (n - at - cut));
  return n - cut + n_ins;
}

/* Visit u at A[i] and its neighbour v at B[j]. */
typedef struct
{
  int               sa;
  int               i;
  int               sb;
  int               j;
  const PmPlanTour *A;
  const PmPlanTour *B;
} Pair;

/* Moves v[i..i+len) of tour sa, maybe reversed, before index j of tour sb
 * (for sa == sb, j counts in the tour without the string).
 */
static bool
try_relocate (PmPlanSearch *S,
              PmPlanState  *st,
              int           sa,
              int           i,
              int           len,
              int           sb,
              int           j,
              bool          reversed)
{
  const PmPlanProblem *P = S->P;
  const PmPlanTour *A = &st->t[sa];
  const PmPlanTour *B = &st->t[sb];
  const int *base;
  int na, nb, nbase, seg[LS_MAX_STRING];
  int prev = pm_plan_tour_loc (P, sa, A, i - 1), first = pm_plan_tour_loc (P, sa, A, i);
  int last = pm_plan_tour_loc (P, sa, A, i + len - 1), next = pm_plan_tour_loc (P, sa, A, i + len);
  int at = sa == sb && j > i ? j + len : j;   /* j in the original tour */
  int bp = pm_plan_tour_loc (P, sb, B, at - 1), bn = pm_plan_tour_loc (P, sb, B, at);

  /* Reversing a string keeps its inner travel only on a symmetric matrix. */
  if ((sa == sb && j == i) || (reversed && (len < 2 || !P->symmetric)))
    return false;
  if (!promising (S, st, sa, sb,
                  tr (P, prev, next) - tr (P, prev, first) - tr (P, last, next)
                  + (reversed ? tr (P, bp, last) + tr (P, first, bn)
                              : tr (P, bp, first) + tr (P, last, bn))
                  - tr (P, bp, bn),
                  sa != sb && A->n == len ? -P->w.vehicle : 0))
    return false;

  for (int k = 0; k < len; k++)
    seg[k] = A->v[reversed ? i + len - 1 - k : i + k];
  na = splice (S->buf_a, A->v, A->n, i, len, A->v, 0);
  base = sa == sb ? S->buf_a : B->v;
  nbase = sa == sb ? na : B->n;
  if (j < B->n_head || j > nbase)
    return false;
  nb = splice (S->buf_b, base, nbase, j, 0, seg, len);

  if (sa == sb)
    return apply_if_better (S, st, (Side) { sb, S->buf_b, nb }, no_side);
  return apply_if_better (S, st, (Side) { sa, S->buf_a, na }, (Side) { sb, S->buf_b, nb });
}

/* Cross-exchange: A[i..i+la) and B[j..j+lb) trade places; inside one tour
 * only single visits (a swap).
 */
static bool
try_cross (PmPlanSearch *S,
           PmPlanState  *st,
           const Pair   *p,
           int           la,
           int           lb)
{
  const PmPlanProblem *P = S->P;
  const PmPlanTour *A = p->A, *B = p->B;
  int a1 = pm_plan_tour_loc (P, p->sa, A, p->i);
  int a2 = pm_plan_tour_loc (P, p->sa, A, p->i + la - 1);
  int b1 = pm_plan_tour_loc (P, p->sb, B, p->j);
  int b2 = pm_plan_tour_loc (P, p->sb, B, p->j + lb - 1);
  int ap = pm_plan_tour_loc (P, p->sa, A, p->i - 1);
  int an = pm_plan_tour_loc (P, p->sa, A, p->i + la);
  int bp = pm_plan_tour_loc (P, p->sb, B, p->j - 1);
  int bn = pm_plan_tour_loc (P, p->sb, B, p->j + lb);
  int na, nb;

  /* Adjacent visits of one tour share an arc; the formula is for others. */
  if ((p->sa != p->sb || abs (p->i - p->j) > 1)
      && !promising (S, st, p->sa, p->sb,
                     tr (P, ap, b1) + tr (P, b2, an) - tr (P, ap, a1) - tr (P, a2, an)
                     + tr (P, bp, a1) + tr (P, a2, bn) - tr (P, bp, b1) - tr (P, b2, bn), 0))
    return false;

  if (p->sa == p->sb)
    {
      memcpy (S->buf_a, A->v, sizeof (int) * (size_t) A->n);
      S->buf_a[p->i] = A->v[p->j];
      S->buf_a[p->j] = A->v[p->i];
      return apply_if_better (S, st, (Side) { p->sa, S->buf_a, A->n }, no_side);
    }

  na = splice (S->buf_a, A->v, A->n, p->i, la, B->v + p->j, lb);
  nb = splice (S->buf_b, B->v, B->n, p->j, lb, A->v + p->i, la);
  return apply_if_better (S, st, (Side) { p->sa, S->buf_a, na }, (Side) { p->sb, S->buf_b, nb });
}

/* Makes u (A[i]) precede v (B[j]): tails exchanged between two tours, or
 * the part between them reversed inside one.
 */
static bool
try_two_opt (PmPlanSearch *S,
             PmPlanState  *st,
             const Pair   *p)
{
  const PmPlanProblem *P = S->P;
  const PmPlanTour *A = p->A, *B = p->B;
  int sa = p->sa, i = p->i, sb = p->sb, j = p->j;
  int na, nb;

  if (A->n_locked > 0 || B->n_locked > 0)
    return false;

  if (sa == sb)
    {
      int lo = i < j ? i + 1 : j, hi = i < j ? j : i - 1;
      int before_lo = pm_plan_tour_loc (P, sa, A, lo - 1), at_lo = pm_plan_tour_loc (P, sa, A, lo);
      int at_hi = pm_plan_tour_loc (P, sa, A, hi), after_hi = pm_plan_tour_loc (P, sa, A, hi + 1);

      if (hi - lo < 1)
        return false;
      if (P->symmetric
          && !promising (S, st, sa, -1,
                         tr (P, before_lo, at_hi) + tr (P, at_lo, after_hi)
                         - tr (P, before_lo, at_lo) - tr (P, at_hi, after_hi), 0))
        return false;
      memcpy (S->buf_a, A->v, sizeof (int) * (size_t) A->n);
      for (int k = lo; k <= hi; k++)
        S->buf_a[k] = A->v[hi - (k - lo)];
      return apply_if_better (S, st, (Side) { sa, S->buf_a, A->n }, no_side);
    }

  {
    /* A' = A[..i] B[j..], B' = B[..j) A(i..]; each keeps its own depots. */
    bool tail = i + 1 < A->n;
    int u = pm_plan_tour_loc (P, sa, A, i), u_next = pm_plan_tour_loc (P, sa, A, i + 1);
    int v = pm_plan_tour_loc (P, sb, B, j), v_prev = pm_plan_tour_loc (P, sb, B, j - 1);
    int a_end = P->shifts[sa].end_loc, b_end = P->shifts[sb].end_loc;
    int last_a = pm_plan_tour_loc (P, sa, A, A->n - 1);
    int last_b = pm_plan_tour_loc (P, sb, B, B->n - 1);
    double before = tr (P, u, u_next) + tr (P, v_prev, v) + tr (P, last_b, b_end)
                    + (tail ? tr (P, last_a, a_end) : 0);
    double after = tr (P, u, v) + tr (P, last_b, a_end)
                   + (tail ? tr (P, v_prev, u_next) + tr (P, last_a, b_end)
                           : tr (P, v_prev, b_end));

    if (!promising (S, st, sa, sb, after - before, j == 0 && !tail ? -P->w.vehicle : 0))
      return false;
  }

  na = splice (S->buf_a, A->v, A->n, i + 1, A->n - i - 1, B->v + j, B->n - j);
  nb = splice (S->buf_b, B->v, B->n, j, B->n - j, A->v + i + 1, A->n - i - 1);
  return apply_if_better (S, st, (Side) { sa, S->buf_a, na }, (Side) { sb, S->buf_b, nb });
}

static bool
string_is_free (const PmPlanProblem *P,
                const PmPlanTour    *t,
                int                  i,
                int                  len)
{
  if (i + len > t->n)
    return false;
  for (int k = i; k < i + len; k++)
    if (P->jobs[t->v[k]].lock != PM_PLAN_FREE)
      return false;
  return true;
}

static bool
improve_job (PmPlanSearch *S,
             PmPlanState  *st,
             int           u)
{
  const PmPlanProblem *P = S->P;
  int n_neigh = P->n_neigh < LS_NEIGHBOURS ? P->n_neigh : LS_NEIGHBOURS;

  for (int k = 0; k < n_neigh; k++)
    {
      int v = P->neigh[(long) u * P->n_neigh + k];
      int sa = st->where[u], sb = st->where[v];
      int i, j;
      Pair pair;

      if (sb < 0)
        continue;
      i = pm_plan_tour_find (&st->t[sa], u);
      j = pm_plan_tour_find (&st->t[sb], v);

      for (int len = 1; len <= LS_MAX_STRING; len++)
        {
          int jj = j;

          if (!string_is_free (P, &st->t[sa], i, len))
            break;
          if (sa == sb)
            {
              if (j >= i && j < i + len)
                break;
              jj = j > i ? j - len : j;
            }
          for (int r = 0; r < 2; r++)
            if (try_relocate (S, st, sa, i, len, sb, jj + 1, r)
                || try_relocate (S, st, sa, i, len, sb, jj, r))
              return true;
        }

      pair = (Pair) { sa, i, sb, j, &st->t[sa], &st->t[sb] };
      for (int la = 1; la <= (sa == sb ? 1 : LS_MAX_STRING); la++)
        for (int lb = 1; lb <= (sa == sb ? 1 : LS_MAX_STRING); lb++)
          if (string_is_free (P, pair.A, i, la) && string_is_free (P, pair.B, j, lb)
              && try_cross (S, st, &pair, la, lb))
            return true;
      if (try_two_opt (S, st, &pair))
        return true;
    }
  return false;
}

void
pm_plan_local_search (PmPlanSearch *S,
                      PmPlanState  *st)
{
  const PmPlanProblem *P = S->P;
  bool improved = true;

  for (int pass = 0; improved && pass < LS_MAX_PASSES; pass++)
    {
      improved = false;
      for (int u = 0; u < P->n_jobs; u++)
        if (st->where[u] >= 0 && P->jobs[u].lock == PM_PLAN_FREE
            && improve_job (S, st, u))
          improved = true;
    }
  st->cost = pm_plan_state_cost (P, st);
}
