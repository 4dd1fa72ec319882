//! `rfm audit`: every special-case claim as a numerical check, and variance tables.
//!
//! The check functions here are the ones the property tests call (with inputs drawn from
//! proptest strategies); the audit calls them with fixed inputs and prints the outcomes.

pub mod case;
pub mod checks_gaussian;
pub mod checks_idem;
pub mod checks_identities;
pub mod checks_prior;
pub mod checks_stein;
pub mod gaussian;
pub mod quadrature;
pub mod regression;
pub mod report;
pub mod run;
pub mod targets;
pub mod variance;
