//! iDEM (Akhound-Sadegh et al. 2024) and DQS (Jain et al. 2024). Filled in once the autodiff
//! tape lands: `S_K` is computed by differentiating a log-sum-exp on the tape.
