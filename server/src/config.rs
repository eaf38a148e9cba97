//! The server's configuration and its one validation step, shared by the CLI, the library API and the
//! harness (which builds a `Config` for each distinct server a suite needs).

use crate::bucket::Rate;
use crate::delay_dist::DelayDist;
use crate::misbehave::FailSpec;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

/// The longest delay a request may be held for; also the bound of `/delay/{ms}`.
pub const MAX_DELAY: Duration = Duration::from_secs(60);
/// More sync workers than this is a mistake, not a benchmark: each holds a connection for the delay.
pub const MAX_WORKERS: usize = 10_000;
/// A request head larger than this gets 431, like gunicorn's `limit_request_field_size` family.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;

/// How a slow server behaves. `workers == 0` means unbounded mode.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Sync workers, each serving one connection at a time; 0 = unbounded (a timer per request).
    pub workers: usize,
    /// How long every request on `/` is held before it is answered.
    pub delay: Duration,
    /// Address of both listeners.
    pub bind: IpAddr,
    /// Data port; 0 picks a free one.
    pub port: u16,
    /// Control port (`/health`, `/stats`); 0 picks a free one.
    pub control_port: u16,
    /// Kernel listen backlog of the data listener: where connections beyond W wait.
    pub backlog: u32,
    /// A client that has not sent its whole request head after this long is disconnected (slowloris).
    pub head_timeout: Duration,
    /// Unbounded mode keeps a connection alive past a request with a body only once the body has
    /// arrived, and waits this long for it after the answer before closing the connection.
    pub body_timeout: Duration,
    /// Where each request's delay on `/` comes from (`fixed`: always `delay`).
    pub delay_dist: DelayDist,
    /// The rate limit: requests beyond it are answered 429 at once. None: no limit.
    pub rate: Option<Rate>,
    /// Tokens the rate limit's bucket holds when full (requests admitted at once after a pause).
    pub burst: u32,
    /// A seeded share of requests fails (500 or a reset). None: none does.
    pub fail: Option<FailSpec>,
    /// Seed of every draw (slow and failing requests), so two servers fail the same tasks.
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            workers: 3,
            delay: Duration::from_secs(1),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8000,
            control_port: 0,
            backlog: 2048,
            head_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            delay_dist: DelayDist::Fixed,
            rate: None,
            burst: 1,
            fail: None,
            seed: 0,
        }
    }
}

impl Config {
    /// A loopback server on free ports: what tests and the harness use.
    pub fn ephemeral(workers: usize, delay: Duration) -> Config {
        Config {
            workers,
            delay,
            port: 0,
            ..Config::default()
        }
    }

    /// The misbehaviour flags that make a server behave as this one does (none for a plain server):
    /// how a harness that starts the server as a child passes `delay_dist`, `rate`, `burst`, `fail` and
    /// `seed` through.
    pub fn misbehaviour_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        if self.delay_dist != DelayDist::Fixed {
            args.extend(["--delay-dist".into(), self.delay_dist.to_string()]);
        }
        if let Some(rate) = self.rate {
            args.extend(["--rate".into(), rate.to_string()]);
            args.extend(["--burst".into(), self.burst.to_string()]);
        }
        if let Some(fail) = self.fail {
            args.extend(["--fail".into(), fail.to_string()]);
        }
        if !args.is_empty() {
            args.extend(["--seed".into(), self.seed.to_string()]);
        }
        args
    }

    /// "workers" or "unbounded", as reported by `/stats`.
    pub fn mode(&self) -> &'static str {
        if self.workers == 0 {
            "unbounded"
        } else {
            "workers"
        }
    }

    /// Every cross-field check in one place, so the CLI and the library refuse the same things.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.delay > MAX_DELAY {
            return Err(ConfigError::DelayTooLong(self.delay));
        }
        if self.workers > MAX_WORKERS {
            return Err(ConfigError::TooManyWorkers(self.workers));
        }
        if self.backlog == 0 {
            return Err(ConfigError::ZeroBacklog);
        }
        if self.head_timeout.is_zero() {
            return Err(ConfigError::ZeroHeadTimeout);
        }
        if self.body_timeout.is_zero() {
            return Err(ConfigError::ZeroBodyTimeout);
        }
        if self.burst == 0 {
            return Err(ConfigError::ZeroBurst);
        }
        self.delay_dist
            .validate(self.delay)
            .map_err(ConfigError::DelayDist)?;
        Ok(())
    }
}

/// Why a configuration was refused; each message says the bound and how to fix it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    #[error("--delay {} is above the maximum of 60s; use a delay of at most 60s", humantime::format_duration(*.0))]
    DelayTooLong(Duration),
    #[error(
        "--workers {0} is above the maximum of {MAX_WORKERS}; use --workers 0 for unbounded mode"
    )]
    TooManyWorkers(usize),
    #[error("--backlog must be at least 1")]
    ZeroBacklog,
    #[error("--head-timeout must be above 0")]
    ZeroHeadTimeout,
    #[error("--body-timeout must be above 0")]
    ZeroBodyTimeout,
    #[error("--burst must be at least 1")]
    ZeroBurst,
    #[error("{0}")]
    DelayDist(String),
}
