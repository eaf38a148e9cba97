//! Listening and serving: worker mode (W tasks, each owning one connection from accept to close, the
//! others left in the kernel backlog of the one listener) and unbounded mode (a task per connection,
//! accepted by one loop per runtime thread, each on its own SO_REUSEPORT listener of the same port so
//! that accepting is not one queue drained by one thread), plus the control listener, which never
//! shares anything with the data workers but the counters.

use crate::config::{Config, ConfigError, MAX_HEAD_BYTES};
use crate::misbehave::{linger_zero, Misbehaviour};
use crate::routes;
use crate::stamp::{self, Accepted};
use crate::stats::{Stats, StatsSnapshot};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde::{Deserialize, Serialize};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// The one JSON line a server prints on stdout when it is ready.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadyLine {
    /// Base URL of the data listener, e.g. `http://127.0.0.1:41234`.
    pub url: String,
    /// Base URL of the control listener.
    pub control: String,
    pub workers: usize,
    pub delay_ms: u64,
}

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot listen on {addr}: {source}; pick another port or use --port 0")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) stats: Stats,
    pub(crate) misbehaviour: Misbehaviour,
}

/// A running server on the current tokio runtime.
pub struct SlowServer {
    data: SocketAddr,
    control: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

impl SlowServer {
    /// Bind both listeners and start serving. Must be called inside a tokio runtime.
    pub async fn start(config: Config) -> Result<SlowServer, StartError> {
        config.validate()?;
        crate::limits::prepare(config.workers == 0);
        let at = SocketAddr::new(config.bind, config.port);
        let data = match config.workers {
            0 => listen_group(at, config.backlog, accept_loops())?,
            _ => vec![listen(at, config.backlog, false)?],
        };
        let control = listen(
            SocketAddr::new(config.bind, config.control_port),
            128,
            false,
        )?;
        let (data_addr, control_addr) = (local(&data[0]), local(&control));
        let shared = Arc::new(Shared {
            misbehaviour: Misbehaviour::new(&config),
            config,
            stats: Stats::default(),
        });
        let (stop, stopped) = watch::channel(false);
        let mut tasks = JoinSet::new();
        if shared.config.workers == 0 {
            for listener in data {
                tasks.spawn(unbounded(listener, shared.clone(), stopped.clone()));
            }
        } else {
            let data = Arc::new(data.into_iter().next().expect("one listener"));
            for index in 0..shared.config.workers {
                let worker = worker(index as u32, data.clone(), shared.clone(), stopped.clone());
                tasks.spawn(worker);
            }
        }
        tasks.spawn(control_loop(control, shared.clone(), stopped));
        Ok(SlowServer {
            data: data_addr,
            control: control_addr,
            shared,
            stop,
            tasks,
        })
    }

    /// Base URL of the data listener.
    pub fn url(&self) -> String {
        format!("http://{}", self.data)
    }

    /// Base URL of the control listener.
    pub fn control_url(&self) -> String {
        format!("http://{}", self.control)
    }

    pub fn data_addr(&self) -> SocketAddr {
        self.data
    }

    pub fn control_addr(&self) -> SocketAddr {
        self.control
    }

    pub fn ready_line(&self) -> ReadyLine {
        ReadyLine {
            url: self.url(),
            control: self.control_url(),
            workers: self.shared.config.workers,
            delay_ms: self.shared.config.delay.as_millis() as u64,
        }
    }

    /// The counters as `/stats` reports them.
    pub fn stats(&self) -> StatsSnapshot {
        snapshot(&self.shared)
    }

    /// The counters zeroed and the rate limit's bucket full, as `POST /stats/reset` does.
    pub fn reset_stats(&self) {
        self.shared.stats.reset();
        self.shared.misbehaviour.refill();
    }

    /// Stop accepting, drop every connection, and wait for the tasks to end.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        while self.tasks.join_next().await.is_some() {}
    }
}

fn snapshot(shared: &Shared) -> StatsSnapshot {
    let c = &shared.config;
    shared
        .stats
        .snapshot(c.mode(), c.workers, c.delay.as_millis() as u64)
}

/// Accept loops in unbounded mode: one per thread the runtime runs on (tokio's default), at most 8.
fn accept_loops() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// `count` listeners sharing one port through SO_REUSEPORT: the kernel spreads incoming connections over
/// their queues, so each accept loop drains its own. The first picks the port when `addr` says 0.
fn listen_group(
    addr: SocketAddr,
    backlog: u32,
    count: usize,
) -> Result<Vec<TcpListener>, StartError> {
    let first = listen(addr, backlog, true)?;
    let port = local(&first).port();
    let mut group = vec![first];
    for _ in 1..count {
        group.push(listen(SocketAddr::new(addr.ip(), port), backlog, true)?);
    }
    Ok(group)
}

fn listen(addr: SocketAddr, backlog: u32, reuse_port: bool) -> Result<TcpListener, StartError> {
    let bind_err = |source| StartError::Bind { addr, source };
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()
    } else {
        TcpSocket::new_v6()
    }
    .map_err(bind_err)?;
    // Without SO_REUSEADDR a restarted server would fail on a port still in TIME_WAIT.
    socket.set_reuseaddr(true).map_err(bind_err)?;
    socket.set_reuseport(reuse_port).map_err(bind_err)?;
    socket.bind(addr).map_err(bind_err)?;
    socket.listen(backlog).map_err(bind_err)
}

fn local(listener: &TcpListener) -> SocketAddr {
    listener
        .local_addr()
        .expect("a bound listener has an address")
}

fn builder(keep_alive: bool, head_timeout: Duration) -> http1::Builder {
    let mut b = http1::Builder::new();
    b.timer(TokioTimer::new())
        .keep_alive(keep_alive)
        .header_read_timeout(head_timeout)
        // hyper answers 431 when a head does not fit its read buffer.
        .max_buf_size(MAX_HEAD_BYTES);
    b
}

/// One gunicorn sync worker: accept one connection, serve its one request, close, repeat. Only W of
/// these call accept, so connection W+1 waits in the kernel backlog, never in user space.
async fn worker(
    index: u32,
    listener: Arc<TcpListener>,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    let http = builder(false, shared.config.head_timeout);
    while let Some(stream) = next_connection(&listener, &mut stop).await {
        let accepted = Accepted {
            worker: index,
            at_ns: stamp::now_ns(),
        };
        tokio::select! {
            _ = stop.changed() => return,
            _ = serve_data(&http, stream, shared.clone(), accepted) => {}
        }
    }
}

/// Unbounded mode: every connection gets its own task on the lean handler (see `lean`), keep-alive
/// allowed, every request its own timer.
async fn unbounded(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let shared = shared.clone();
                    let accepted = Accepted { worker: 0, at_ns: stamp::now_ns() };
                    conns.spawn(async move {
                        crate::lean::serve(stream, &shared, accepted).await
                    });
                }
                Err(e) => accept_failed(e).await,
            },
            // Reap finished connections so the set does not grow without bound.
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
}

/// Serve one connection of worker mode (every answer says `Connection: close`).
async fn serve_data(
    http: &http1::Builder,
    stream: TcpStream,
    shared: Arc<Shared>,
    accepted: Accepted,
) {
    let _ = stream.set_nodelay(true);
    // hyper owns the stream; the descriptor stays valid while the connection (and so the service) lives.
    let fd = std::os::fd::AsRawFd::as_raw_fd(&stream);
    let service = service_fn(move |req| {
        let shared = shared.clone();
        async move {
            let (stats, delay) = (&shared.stats, shared.config.delay);
            match routes::data(req, stats, &shared.misbehaviour, delay, accepted).await {
                Some(resp) => Ok(resp),
                None => {
                    // A service error makes hyper drop the connection unanswered; with SO_LINGER 0
                    // its close is a reset.
                    linger_zero(fd);
                    Err(std::io::Error::other("reset on purpose (--fail …,reset)"))
                }
            }
        }
    });
    // A client that vanishes or sends garbage ends only its own connection; hyper has already answered
    // 400/431 where HTTP allows.
    let _ = http.serve_connection(TokioIo::new(stream), service).await;
}

/// The next accepted connection, or None once the server is stopping. Accept can fail for lack of
/// descriptors (EMFILE); that backs off instead of spinning on the error.
async fn next_connection(
    listener: &TcpListener,
    stop: &mut watch::Receiver<bool>,
) -> Option<TcpStream> {
    loop {
        tokio::select! {
            _ = stop.changed() => return None,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => return Some(stream),
                Err(e) => accept_failed(e).await,
            },
        }
    }
}

async fn accept_failed(e: std::io::Error) {
    eprintln!("slow-server: accept failed: {e}");
    tokio::time::sleep(Duration::from_millis(10)).await;
}

async fn control_loop(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let http = builder(true, shared.config.head_timeout);
    while let Some(stream) = next_connection(&listener, &mut stop).await {
        let (http, shared) = (http.clone(), shared.clone());
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let shared = shared.clone();
                async move {
                    let json =
                        || serde_json::to_string(&snapshot(&shared)).expect("stats serialise");
                    Ok::<_, Infallible>(routes::control(
                        &req,
                        &shared.stats,
                        &shared.misbehaviour,
                        json,
                    ))
                }
            });
            let _ = http.serve_connection(TokioIo::new(stream), service).await;
        });
    }
}
