//! The `slow-server` command line, shared with concbench's hidden `serve` subcommand so both accept
//! exactly the same flags: parse, validate, start, print the ready line, run until a signal.

use crate::bucket::Rate;
use crate::config::Config;
use crate::delay_dist::DelayDist;
use crate::misbehave::FailSpec;
use crate::serve::SlowServer;
use clap::Parser;
use std::io::{Read, Write};
use std::net::IpAddr;
use std::str::FromStr;
use std::time::Duration;

/// A deliberately slow HTTP server with gunicorn sync-worker semantics.
#[derive(Debug, Clone, Parser)]
#[command(name = "slow-server", version)]
pub struct ServerArgs {
    /// Sync workers (each serves one connection at a time, like `gunicorn -w W`); 0 = unbounded mode.
    #[arg(long, short = 'w', default_value_t = 3)]
    pub workers: usize,
    /// How long `/` holds each request (humantime: 1s, 250ms, 0s); at most 60s.
    #[arg(long, default_value = "1s", value_parser = humantime::parse_duration, allow_hyphen_values = true)]
    pub delay: Duration,
    /// Address of both listeners. Anything but loopback is warned about.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Data port; 0 picks a free one.
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Control port (/health, /stats); 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    pub control_port: u16,
    /// Kernel listen backlog, where connections beyond the workers wait.
    #[arg(long, default_value_t = 2048)]
    pub backlog: u32,
    /// Disconnect a client that has not sent its whole request head after this long.
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    pub head_timeout: Duration,
    /// Unbounded mode: close a connection whose request's declared body has not all arrived this
    /// long after the answer (worker mode never reads a body: it answers and closes).
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    pub body_timeout: Duration,
    /// Exit when standard input reaches end of file: a parent that dies closes the pipe.
    #[arg(long)]
    pub exit_on_stdin_eof: bool,
    /// Each request's delay on `/`, drawn by its task number (X-Task): `fixed` (always --delay),
    /// `tail:p=0.05,x=10` (a share p held x × longer), `lognormal:median=100ms,p99=1s` (median
    /// defaults to --delay).
    #[arg(long, default_value = "fixed", value_parser = DelayDist::from_str)]
    pub delay_dist: DelayDist,
    /// Rate limit, e.g. `50/s`: requests beyond it are answered 429 with Retry-After, at once.
    #[arg(long, value_parser = Rate::from_str)]
    pub rate: Option<Rate>,
    /// Requests the rate limit admits at once after a pause (its token bucket's size).
    #[arg(long, default_value_t = 1, requires = "rate")]
    pub burst: u32,
    /// Fail a seeded share of requests, after the delay: `0.1,500` (answer 500) or `0.1,reset`
    /// (reset the connection).
    #[arg(long, value_parser = FailSpec::from_str)]
    pub fail: Option<FailSpec>,
    /// Seed of the draws (which requests are slow or fail): the same seed fails the same tasks.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

impl ServerArgs {
    pub fn config(&self) -> Config {
        Config {
            workers: self.workers,
            delay: self.delay,
            bind: self.bind,
            port: self.port,
            control_port: self.control_port,
            backlog: self.backlog,
            head_timeout: self.head_timeout,
            body_timeout: self.body_timeout,
            delay_dist: self.delay_dist.clone(),
            rate: self.rate,
            burst: self.burst,
            fail: self.fail,
            seed: self.seed,
        }
    }
}

/// Parse `args` (program name first) and run; returns the process exit code. A bad flag prints one
/// line and returns 2.
pub fn main_from_args<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    match ServerArgs::try_parse_from(args) {
        Ok(args) => run_cli(&args),
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            0
        }
        Err(e) => {
            eprintln!("slow-server: {}", first_line(&e.to_string()));
            2
        }
    }
}

/// clap's errors span several lines; a user needs the first, and `--help` is one flag away.
fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or(s);
    let line = line.strip_prefix("error: ").unwrap_or(line);
    format!("{line} (see --help)")
}

/// Run a server from parsed arguments until SIGINT/SIGTERM (exit 0) or stdin EOF when asked.
pub fn run_cli(args: &ServerArgs) -> i32 {
    let config = args.config();
    if let Err(e) = config.validate() {
        eprintln!("slow-server: {e}");
        return 2;
    }
    if !config.bind.is_loopback() {
        eprintln!(
            "slow-server: warning: listening on {}, which is not loopback: anyone who can reach it can load it",
            config.bind
        );
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("slow-server: cannot start the runtime: {e}");
            return 1;
        }
    };
    let code = runtime.block_on(async {
        let server = match SlowServer::start(config).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("slow-server: {e}");
                return 2;
            }
        };
        // Handlers go in before the ready line: a parent may signal as soon as it reads it.
        use tokio::signal::unix::{signal, SignalKind};
        let (mut int, mut term) = match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            (Ok(i), Ok(t)) => (i, t),
            _ => {
                eprintln!("slow-server: cannot install signal handlers");
                return 1;
            }
        };
        let line = serde_json::to_string(&server.ready_line()).expect("ready line serialises");
        let mut out = std::io::stdout().lock();
        if writeln!(out, "{line}").and_then(|_| out.flush()).is_err() {
            return 1;
        }
        drop(out);
        let stdin_eof = async {
            if args.exit_on_stdin_eof {
                let _ = tokio::task::spawn_blocking(|| {
                    let mut sink = [0u8; 64];
                    let mut stdin = std::io::stdin();
                    while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
                })
                .await;
            } else {
                std::future::pending::<()>().await
            }
        };
        tokio::select! {
            _ = int.recv() => {},
            _ = term.recv() => {},
            _ = stdin_eof => {},
        }
        server.shutdown().await;
        0
    });
    // A blocked stdin reader must not keep the process alive after the signal.
    runtime.shutdown_background();
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[String]) -> Config {
        let argv = ["slow-server"]
            .into_iter()
            .map(String::from)
            .chain(args.iter().cloned());
        ServerArgs::try_parse_from(argv).unwrap().config()
    }

    #[test]
    fn misbehaviour_args_give_back_the_same_server() {
        let plain = Config::default();
        assert!(plain.misbehaviour_args().is_empty());
        assert_eq!(parse(&[]), plain);
        let odd = Config {
            delay_dist: "lognormal:median=40ms,p99=400ms".parse().unwrap(),
            rate: Some("12.5/s".parse().unwrap()),
            burst: 4,
            fail: Some("0.3,reset".parse().unwrap()),
            seed: 99,
            ..plain
        };
        assert_eq!(parse(&odd.misbehaviour_args()), odd);
    }

    #[test]
    fn burst_without_rate_is_refused() {
        assert!(ServerArgs::try_parse_from(["slow-server", "--burst", "3"]).is_err());
    }
}
