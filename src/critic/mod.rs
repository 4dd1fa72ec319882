//! The twin critics `Q_1, Q_2` (each the one critic network [`crate::nn::critic_net`]): the
//! pair with its target networks, TD regression and save/load ([`twin`]), and the estimator's
//! action-value view `min(Q_1, Q_2)` with `∇_a` ([`action_value`]).

pub mod action_value;
pub mod twin;
