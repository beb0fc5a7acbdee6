/* pm-plan-ls.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * First-improvement local search over granular neighbourhoods (each visit
 * against its nearest visits): relocate and or-opt (strings of 1–3),
 * swap, 2-opt* between routes and 2-opt inside a route.  Each candidate is
 * built as one or two new sequences and evaluated in O(n), which keeps
 * every side constraint (windows, break, locks, capacity) exact.
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

/* Location before/at/after index k of a tour, depots at the ends. */
static int
loc_at (const PmPlanProblem *P,
        int                  shift,
        const PmPlanTour    *t,
        int                  k)
{
  if (k < 0)
    return P->shifts[shift].start_loc;
  if (k >= t->n)
    return P->shifts[shift].end_loc;
  return P->jobs[t->v[k]].loc;
}

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

/* Moves v[i..i+len) of tour sa before index j of tour sb (for sa == sb,
 * j counts in the tour without the string).
 */
static bool
try_relocate (PmPlanSearch *S,
              PmPlanState  *st,
              int           sa,
              int           i,
              int           len,
              int           sb,
              int           j)
{
  const PmPlanProblem *P = S->P;
  const PmPlanTour *A = &st->t[sa];
  const PmPlanTour *B = &st->t[sb];
  const int *base;
  int na = 0, nb = 0, nbase;
  int prev = loc_at (P, sa, A, i - 1), first = loc_at (P, sa, A, i);
  int last = loc_at (P, sa, A, i + len - 1), next = loc_at (P, sa, A, i + len);
  int at = sa == sb && j > i ? j + len : j;   /* j in the original tour */
  int bp = loc_at (P, sb, B, at - 1), bn = loc_at (P, sb, B, at);

  if (sa == sb && j == i)
    return false;
  if (!promising (S, st, sa, sb,
                  tr (P, prev, next) - tr (P, prev, first) - tr (P, last, next)
                  + tr (P, bp, first) + tr (P, last, bn) - tr (P, bp, bn),
                  sa != sb && A->n == len ? -P->w.vehicle : 0))
    return false;

  for (int k = 0; k < A->n; k++)
    if (k < i || k >= i + len)
      S->buf_a[na++] = A->v[k];

  base = sa == sb ? S->buf_a : B->v;
  nbase = sa == sb ? na : B->n;
  if (j < B->n_head || j > nbase)
    return false;
  memcpy (S->buf_b, base, sizeof (int) * (size_t) j);
  nb = j;
  memcpy (S->buf_b + nb, A->v + i, sizeof (int) * (size_t) len);
  nb += len;
  memcpy (S->buf_b + nb, base + j, sizeof (int) * (size_t) (nbase - j));
  nb += nbase - j;

  if (sa == sb)
    return apply_if_better (S, st, (Side) { sb, S->buf_b, nb }, no_side);
  return apply_if_better (S, st, (Side) { sa, S->buf_a, na }, (Side) { sb, S->buf_b, nb });
}

static bool
try_swap (PmPlanSearch *S,
          PmPlanState  *st,
          const Pair   *p)
{
  const PmPlanProblem *P = S->P;
  int u = loc_at (P, p->sa, p->A, p->i), v = loc_at (P, p->sb, p->B, p->j);
  int ap = loc_at (P, p->sa, p->A, p->i - 1), an = loc_at (P, p->sa, p->A, p->i + 1);
  int bp = loc_at (P, p->sb, p->B, p->j - 1), bn = loc_at (P, p->sb, p->B, p->j + 1);

  /* Adjacent visits of one tour share an arc; the formula is for others. */
  if ((p->sa != p->sb || abs (p->i - p->j) > 1)
      && !promising (S, st, p->sa, p->sb,
                     tr (P, ap, v) + tr (P, v, an) - tr (P, ap, u) - tr (P, u, an)
                     + tr (P, bp, u) + tr (P, u, bn) - tr (P, bp, v) - tr (P, v, bn), 0))
    return false;

  memcpy (S->buf_a, p->A->v, sizeof (int) * (size_t) p->A->n);
  if (p->sa == p->sb)
    {
      S->buf_a[p->i] = p->A->v[p->j];
      S->buf_a[p->j] = p->A->v[p->i];
      return apply_if_better (S, st, (Side) { p->sa, S->buf_a, p->A->n }, no_side);
    }
  memcpy (S->buf_b, p->B->v, sizeof (int) * (size_t) p->B->n);
  S->buf_a[p->i] = p->B->v[p->j];
  S->buf_b[p->j] = p->A->v[p->i];
  return apply_if_better (S, st, (Side) { p->sa, S->buf_a, p->A->n }, (Side) { p->sb, S->buf_b, p->B->n });
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

      if (hi - lo < 1)
        return false;
      if (P->symmetric
          && !promising (S, st, sa, -1,
                         tr (P, loc_at (P, sa, A, lo - 1), loc_at (P, sa, A, hi))
                         + tr (P, loc_at (P, sa, A, lo), loc_at (P, sa, A, hi + 1))
                         - tr (P, loc_at (P, sa, A, lo - 1), loc_at (P, sa, A, lo))
                         - tr (P, loc_at (P, sa, A, hi), loc_at (P, sa, A, hi + 1)), 0))
        return false;
      memcpy (S->buf_a, A->v, sizeof (int) * (size_t) A->n);
      for (int k = lo; k <= hi; k++)
        S->buf_a[k] = A->v[hi - (k - lo)];
      return apply_if_better (S, st, (Side) { sa, S->buf_a, A->n }, no_side);
    }

  {
    /* A' = A[..i] B[j..], B' = B[..j) A(i..]; each keeps its own depots. */
    bool tail = i + 1 < A->n;
    int u = loc_at (P, sa, A, i), v = loc_at (P, sb, B, j), bpre = loc_at (P, sb, B, j - 1);
    int a_end = P->shifts[sa].end_loc, b_end = P->shifts[sb].end_loc;
    int last_a = loc_at (P, sa, A, A->n - 1), last_b = loc_at (P, sb, B, B->n - 1);
    double before = tr (P, u, loc_at (P, sa, A, i + 1)) + tr (P, bpre, v) + tr (P, last_b, b_end)
                    + (tail ? tr (P, last_a, a_end) : 0);
    double after = tr (P, u, v) + tr (P, last_b, a_end)
                   + (tail ? tr (P, bpre, loc_at (P, sa, A, i + 1)) + tr (P, last_a, b_end)
                           : tr (P, bpre, b_end));

    if (!promising (S, st, sa, sb, after - before, j == 0 && !tail ? -P->w.vehicle : 0))
      return false;
  }

  memcpy (S->buf_a, A->v, sizeof (int) * (size_t) (i + 1));
  memcpy (S->buf_a + i + 1, B->v + j, sizeof (int) * (size_t) (B->n - j));
  na = i + 1 + B->n - j;
  memcpy (S->buf_b, B->v, sizeof (int) * (size_t) j);
  memcpy (S->buf_b + j, A->v + i + 1, sizeof (int) * (size_t) (A->n - i - 1));
  nb = j + A->n - i - 1;
  return apply_if_better (S, st, (Side) { sa, S->buf_a, na }, (Side) { sb, S->buf_b, nb });
}

static int
position_of (const PmPlanTour *t,
             int               job)
{
  for (int k = 0; k < t->n; k++)
    if (t->v[k] == job)
      return k;
  return -1;
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
      i = position_of (&st->t[sa], u);
      j = position_of (&st->t[sb], v);

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
          if (try_relocate (S, st, sa, i, len, sb, jj + 1)
              || try_relocate (S, st, sa, i, len, sb, jj))
            return true;
        }

      pair = (Pair) { sa, i, sb, j, &st->t[sa], &st->t[sb] };
      if (P->jobs[v].lock == PM_PLAN_FREE && try_swap (S, st, &pair))
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
