//! A small dense symmetric-positive-definite solve (Cholesky), for the d×d systems of the
//! full-matrix plug-in coefficient and the least-squares fits of the tests. `d` is an action
//! dimension (≤ a few dozen), so an unblocked O(d³) factorisation in place is the right tool.

use crate::Scalar;

/// Solves `A X = B` in place for symmetric positive-definite `A` (`n×n`, row-major, overwritten
/// by its Cholesky factor) and `B` (`n×m`, row-major, overwritten by `X`).
///
/// Returns `false` (leaving the buffers in an unspecified state) when a pivot is not positive,
/// i.e. `A` is not numerically positive definite.
///
/// # Panics
/// When `a.len() != n·n` or `b.len()` is not a multiple of `n`.
#[track_caller]
pub fn spd_solve_in_place<T: Scalar>(a: &mut [T], n: usize, b: &mut [T]) -> bool {
    assert_eq!(a.len(), n * n, "A must be n×n");
    assert!(n > 0 && b.len() % n == 0, "B must have n rows");
    let m = b.len() / n;
    // A = L Lᵀ, L stored in the lower triangle of `a`.
    for j in 0..n {
        let a_jj = a[j * n + j];
        let mut diag = a_jj;
        for p in 0..j {
            diag -= a[j * n + p] * a[j * n + p];
        }
        // A pivot that kept less than ~1e3·n·ε of its diagonal is round-off: the matrix is
        // numerically singular (e.g. a rank-deficient D with K ≤ d samples and no ridge), and
        // solving would return a coefficient made of round-off.
        if diag.is_nan() || diag <= a_jj * T::EPS * T::from_f64(1e3 * n as f64) {
            return false;
        }
        let l_jj = diag.sqrt();
        a[j * n + j] = l_jj;
        for i in j + 1..n {
            let mut v = a[i * n + j];
            for p in 0..j {
                v -= a[i * n + p] * a[j * n + p];
            }
            a[i * n + j] = v / l_jj;
        }
    }
    for col in 0..m {
        // forward: L y = b
        for i in 0..n {
            let mut v = b[i * m + col];
            for p in 0..i {
                v -= a[i * n + p] * b[p * m + col];
            }
            b[i * m + col] = v / a[i * n + i];
        }
        // backward: Lᵀ x = y
        for i in (0..n).rev() {
            let mut v = b[i * m + col];
            for p in i + 1..n {
                v -= a[p * n + i] * b[p * m + col];
            }
            b[i * m + col] = v / a[i * n + i];
        }
    }
    true
}
