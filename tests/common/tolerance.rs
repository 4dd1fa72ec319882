//! The tolerance policy: every tolerance used by a test lives here, with the reason for its
//! value. Monte Carlo tolerances are not presets: they are derived from the estimator's
//! variance inside each test (see the comment there); only their confidence multiplier is here.

// ---------------------------------------------------------------- autodiff (gradient checks)


// ---------------------------------------------------------------- nn, optim, checkpoints


// ---------------------------------------------------------------- paths and estimators


// ---------------------------------------------------------------- policies and rl

