//! Clients: how an `io` task makes its one GET. This module starts with the part both faces of the
//! project's own client will share: a response reader that parses with `httparse` and counts the body.

mod response;

pub use response::{BadResponse, Progress, Response, ResponseReader, MAX_HEAD};
