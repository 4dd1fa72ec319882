//! The online off-policy actor-critic and its algorithms (rfm, qne, dqs, qsm, sac).
