//! State that outlives a single call: per request (reset at request end) and
//! per process (bounded).

pub mod clock;
pub mod emergency_cache;
pub mod process;
pub mod request;
