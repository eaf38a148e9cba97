//! The plain GET of an io task — one request on a fresh connection, no retries, no hedge — as a
//! runtime of its own needs it (async-uring's io_uring loop, may's coroutines): where it goes, the
//! request, the source addresses, the timeout. Each runtime's face is beside it (`uring.rs`,
//! `coroutine.rs`), on the direct client's request, sources and [`super::ResponseReader`].

use super::sources::Sources;
use super::{Options, Target};
use std::time::Duration;

/// What the plain GET of an io task needs, for a runtime of its own: where, what, how long.
pub struct Plain {
    pub(super) target: Target,
    pub(super) sources: Sources,
    pub(super) timeout: Duration,
}

impl Plain {
    /// The plain GET for these options; None when they ask for more than one request per connection.
    pub fn new(opts: &Options) -> anyhow::Result<Option<Plain>> {
        if opts.keep_alive {
            return Ok(None);
        }
        let target = Target::parse(&opts.url, false)?;
        Ok(Some(Plain {
            sources: Sources::new(opts.sources, target.addr.ip()),
            target,
            timeout: opts.timeout,
        }))
    }
}
