//! Probability paths `x_t = α_t x_1 + β_t x_0` and conversions between prediction targets.
