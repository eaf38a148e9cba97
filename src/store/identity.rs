//! Which cases of different runs are the same case. A case is identified by its group, model, N and k,
//! by its workload's client-side parameters (sleep delay, cpu iterations, keep-alive, timeout, client)
//! and by the server it ran against (W, delay, path), as the workload describes them. What a machine
//! derives from its own core count (a model's concurrency and CPU lanes) is left out: that is what
//! differs between machines, not the case. The store merges a machine's runs by it, and compare
//! matches the sides of a comparison by it.

use crate::names::{Group, ModelKind};
use crate::results::CaseResult;
use crate::workload::Params;

/// What the case is, as a reader names it, plus its client-side workload parameters (everything but the
/// server's workers, delay and path).
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    group: Group,
    model: ModelKind,
    tasks: usize,
    limit: Option<usize>,
    workload: Params,
}

/// The server side of a case, in words (W, its delay, the path requested); None without a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig(Option<String>);

impl ServerConfig {
    pub fn describe(&self) -> String {
        self.0.clone().unwrap_or_else(|| "no server".into())
    }
}

pub fn identity(c: &CaseResult) -> Identity {
    let p = &c.params;
    Identity {
        group: c.group,
        model: p.model,
        tasks: p.tasks,
        limit: p.limit,
        workload: p.workload.describe().client_side(),
    }
}

pub fn server(c: &CaseResult) -> ServerConfig {
    ServerConfig(c.params.workload.describe().server_side())
}

/// Whether two case results measure the same case.
pub fn same_case(a: &CaseResult, b: &CaseResult) -> bool {
    identity(a) == identity(b) && server(a) == server(b)
}
