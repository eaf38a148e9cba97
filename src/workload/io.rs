//! `io`: one GET to the slow server, made by the case's client (`direct`, the project's own, by default;
//! `library`: ureq when blocking, reqwest when async). Blocking models call the client's blocking face,
//! async models its async face; the workload only times the request. By default every request opens a
//! fresh connection, as in the talk. A task succeeds only on a 2xx status with the whole body read.

use super::{TaskFuture, TaskResult, Workload, WorkloadKind};
use crate::client::{self, ClientKind, HttpClient};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// How requests are made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IoOptions {
    /// The full URL requested (server base + path).
    pub url: String,
    /// Reuse connections between requests instead of one per request.
    pub keep_alive: bool,
    /// A request with no complete answer after this long fails as `timeout`.
    pub timeout: Duration,
    /// Who makes the requests; a spec that does not say (written before clients could be chosen)
    /// means the default, `direct`.
    #[serde(default)]
    pub client: ClientKind,
}

impl Default for IoOptions {
    fn default() -> Self {
        IoOptions {
            url: String::new(),
            keep_alive: false,
            timeout: Duration::from_secs(60),
            client: ClientKind::default(),
        }
    }
}

/// The io workload: one client, built once per case and shared by every task.
pub struct Io {
    client: Box<dyn HttpClient>,
}

impl Io {
    pub fn new(opts: IoOptions) -> anyhow::Result<Io> {
        Ok(Io {
            client: client::build(opts.client, &opts)?,
        })
    }
}

impl Workload for Io {
    fn kind(&self) -> WorkloadKind {
        WorkloadKind::Io
    }

    fn blocking(&self) -> TaskResult {
        let sent = Instant::now();
        let outcome = self.client.get_blocking();
        TaskResult {
            outcome,
            service: Some(sent.elapsed()),
        }
    }

    fn run_async(&self) -> TaskFuture<'_> {
        Box::pin(async move {
            let sent = Instant::now();
            let outcome = self.client.get_async().await;
            TaskResult {
                outcome,
                service: Some(sent.elapsed()),
            }
        })
    }
}
