//! Studies: many runs of `rfm train` as one sweep (a local pool of child processes or a Slurm
//! job array; rfm never schedules), and the statistics of the report over their directories
//! (Agarwal et al., "Deep RL at the edge of the statistical precipice", NeurIPS 2021).

pub mod atomic_file;
pub mod bootstrap;
pub mod cost;
pub mod improvement;
pub mod iqm;
pub mod launch;
pub mod local_pool;
pub mod profile;
pub mod run_outcome;
pub mod slurm;
pub mod spec;
pub mod summary;
