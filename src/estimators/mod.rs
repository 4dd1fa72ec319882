//! The RFM posterior-mean estimator family: reverse sampling, SNIS weights, Stein control variates.
