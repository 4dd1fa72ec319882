//! A request to stop a run cleanly, set by SIGINT or SIGTERM (or by a test).
//!
//! The training loop polls it after every environment step; when set, the loop finishes that
//! step, writes a checkpoint atomically and returns, and the binary exits with `128 + signal`
//! (130 for SIGINT, 143 for SIGTERM). A second signal while stopping ends the process at once
//! with the same code (losing only the steps since the last checkpoint).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The termination signals handled: SIGINT (Ctrl-C) and SIGTERM.
pub const SIGNALS: [i32; 2] = [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM];

/// A shared stop request; clones share the same flag.
#[derive(Clone, Debug, Default)]
pub struct StopRequest {
    /// 0 while running, else the number of the signal that asked to stop.
    signal: Arc<AtomicUsize>,
}

impl StopRequest {
    /// A request that nothing has set yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Installs process-wide handlers: the first SIGINT/SIGTERM sets this request, a second
    /// one exits immediately with `128 + signal`.
    ///
    /// # Errors
    /// When the handlers cannot be registered.
    pub fn on_termination_signals() -> std::io::Result<Self> {
        let request = Self::new();
        let armed = Arc::new(AtomicBool::new(false));
        for sig in SIGNALS {
            // Order matters: the shutdown check must run before the flag that arms it is set.
            signal_hook::flag::register_conditional_shutdown(sig, 128 + sig, Arc::clone(&armed))?;
            signal_hook::flag::register(sig, Arc::clone(&armed))?;
            signal_hook::flag::register_usize(sig, Arc::clone(&request.signal), sig as usize)?;
        }
        Ok(request)
    }

    /// Asks the run to stop as if `signal` had arrived.
    pub fn request(&self, signal: i32) {
        self.signal.store(signal as usize, Ordering::SeqCst);
    }

    /// The signal that asked to stop, if any.
    pub fn requested(&self) -> Option<i32> {
        match self.signal.load(Ordering::SeqCst) {
            0 => None,
            s => Some(s as i32),
        }
    }
}

/// The conventional exit status of a process stopped by `signal`: `128 + signal`.
pub fn exit_status(signal: i32) -> u8 {
    u8::try_from(128 + signal).unwrap_or(u8::MAX)
}

/// The signal's name (`SIGINT`, `SIGTERM`) or its number.
pub fn signal_name(signal: i32) -> String {
    signal_hook::low_level::signal_name(signal).map_or_else(|| signal.to_string(), str::to_string)
}
