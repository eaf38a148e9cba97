//! The one error every command shares: bad input, refused before anything starts. `main` maps it to
//! exit code 2 and prints it as one line; everything else a command can fail with is exit code 1.

/// A usage error: one line saying what is wrong and how to fix it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// A usage error as an `anyhow::Error`, for `?` in commands.
pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    UsageError(msg.into()).into()
}
