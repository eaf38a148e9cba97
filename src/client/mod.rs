//! How io requests are made (placeholder on main until the direct client lands).

use serde::{Deserialize, Serialize};

/// The HTTP client of io tasks.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum ClientKind {
    /// The project's own HTTP/1.1 client on httparse, the same for every model.
    #[default]
    Direct,
    /// ureq when blocking, reqwest when async.
    Library,
}

impl ClientKind {
    pub fn name(self) -> &'static str {
        match self {
            ClientKind::Direct => "direct",
            ClientKind::Library => "library",
        }
    }
}
